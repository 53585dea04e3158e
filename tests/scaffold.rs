//! `scripts/new-rule` (CONTRIBUTING.md, "Adding a rule"): what it scaffolds must be a
//! valid rule whose fixtures pass, on both engines, and it must never overwrite a file or
//! accept an id the catalogue would reject. The scaffold is written into a temporary copy
//! of `rules/`, which a built binary reads through `KUBEWARD_RULES_DIR`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn new_rule(args: &[&str]) -> Output {
    Command::new(repo().join("scripts/new-rule"))
        .args(args)
        .output()
        .expect("scripts/new-rule runs (python3 on PATH)")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Copies the rule sources (Rego and tables; not the compiled programs).
fn copy_rules(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read rules/").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_rules(&p, &dest);
        } else if p.extension().is_some_and(|x| x == "rego" || x == "json") {
            std::fs::copy(&p, &dest).expect("copy a rule file");
        }
    }
}

#[test]
fn dry_run_prints_every_file_and_writes_nothing() {
    let out = new_rule(&[
        "scaffold-test/example-flag",
        "--severity",
        "info",
        "--dry-run",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for expected in [
        "==> rules/scaffold-test/example-flag.rego",
        "==> testdata/rules/scaffold-test/example-flag/pass-basic.yaml",
        "==> testdata/rules/scaffold-test/example-flag/fail-basic.yaml",
        "# METADATA",
        "#   id: scaffold-test/example-flag",
        "#   severity: info",
        "package kubeward.rules.scaffold_test.example_flag",
        "# expect: scaffold-test/example-flag",
    ] {
        assert!(stdout.contains(expected), "no {expected:?} in:\n{stdout}");
    }
    assert!(!repo().join("rules/scaffold-test").exists());
    assert!(!repo().join("testdata/rules/scaffold-test").exists());
}

#[test]
fn bad_ids_and_existing_files_are_refused() {
    for (args, why) in [
        (&["Pod-Security/x"][..], "not a rule id"),
        (&["pod-security"][..], "not a rule id"),
        (&["pod-security/x/y"][..], "not a rule id"),
        (&["pod-security/host--network"][..], "not a rule id"),
        (&["pod-security/9lives"][..], "not a rule id"),
        (&["lib/helpers"][..], "holds no rules"),
        (&["pod-security/no-root"][..], "prefix"),
        (&["network/privileged"][..], "already exists"),
        (&["pod-security/privileged"][..], "refusing to overwrite"),
        (&["x/y", "--severity", "fatal"][..], "invalid choice"),
        (&["x/y", "--kind", "deployment"][..], "--kind"),
    ] {
        let out = new_rule(args);
        assert_eq!(out.status.code(), Some(2), "{args:?} accepted");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
    // Nothing half-written by the refusals.
    assert!(!repo().join("rules/x").exists());
    assert!(!repo().join("testdata/rules/x").exists());
}

#[test]
fn scaffolded_rules_pass_their_fixtures_on_both_engines() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    copy_rules(&repo().join("rules"), &root.join("rules"));
    let root_arg = root.to_str().expect("UTF-8 temp path");
    let rules: [(&str, &[&str]); 3] = [
        ("scaffold-test/example-flag", &["--severity", "error"]),
        // A name that is a Rego keyword once camel-cased.
        ("scaffold-test/default", &[]),
        (
            "scaffold-test/service-flag",
            &["--kind", "Service", "--severity", "info"],
        ),
    ];
    for (id, extra) in rules {
        let mut args = vec![id, "--root", root_arg];
        args.extend_from_slice(extra);
        let out = new_rule(&args);
        assert!(out.status.success(), "{id}: {}", text(&out.stderr));
        // A second run refuses, and leaves the files as they are.
        let again = new_rule(&args);
        assert_eq!(again.status.code(), Some(2), "{id}: overwrote");
    }

    // The catalogue accepts them (metadata, id = path, package = id) with the checks of
    // tests/catalogue.rs.
    let catalog =
        kubeward::engine::Catalog::from_dir(&root.join("rules")).expect("catalogue loads");
    for (id, _) in rules {
        let m = &catalog.rule(id).expect("scaffolded rule is listed").meta;
        assert!(m.enabled, "{id}");
        assert!(m.description.len() > 40, "{id}: description");
        assert!(
            !m.remediation.is_empty() && !m.references.is_empty(),
            "{id}"
        );
    }
    assert_eq!(
        catalog
            .rule("scaffold-test/service-flag")
            .map(|r| &r.meta.kinds),
        Some(&vec!["Service".to_string()])
    );

    for (id, _) in rules {
        let dir = root.join("testdata/rules").join(id);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixtures written")
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        let names: Vec<String> = files
            .iter()
            .filter_map(|f| f.file_name()?.to_str().map(String::from))
            .collect();
        assert_eq!(names, ["fail-basic.yaml", "pass-basic.yaml"], "{id}");
        for file in &files {
            let expected: BTreeSet<(usize, String)> =
                kubeward::fixtures::expectations(&std::fs::read_to_string(file).expect("fixture"))
                    .expect("fixture headers parse")
                    .into_iter()
                    .map(|e| (e.line, e.rule))
                    .collect();
            let fail = file.ends_with("fail-basic.yaml");
            assert_eq!(!expected.is_empty(), fail, "{}", file.display());
            for engine in ["interpreter", "rvm"] {
                let out = common::kubeward_command()
                    .args(["--no-config", "--only", id, "--format", "json"])
                    .args(["--fail-on", "never", "--threads", "1"])
                    .arg(file)
                    .env("KUBEWARD_RULES_DIR", root.join("rules"))
                    .env("KUBEWARD_ENGINE", engine)
                    .output()
                    .expect("kubeward runs");
                assert!(out.status.success(), "{}", text(&out.stderr));
                let json: serde_json::Value =
                    serde_json::from_slice(&out.stdout).expect("JSON output");
                let found: BTreeSet<(usize, String)> = json["findings"]
                    .as_array()
                    .expect("findings")
                    .iter()
                    .map(|f| {
                        let line = f["line"].as_u64().expect("line") as usize;
                        (line, f["rule"].as_str().expect("rule").to_string())
                    })
                    .collect();
                assert_eq!(found, expected, "{} ({engine})", file.display());
            }
        }
    }
}
