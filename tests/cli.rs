//! The binary end to end: exit codes, stdin, bad input, help.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

fn kubeward(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = common::kubeward_command();
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin piped")
            .write_all(input)
            .expect("write stdin");
    }
    child.wait_with_output().expect("binary finishes")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn exit_codes_follow_fail_on() {
    // clean.yaml is a hardened workload: nothing at all, even at info.
    let clean = kubeward(&["--fail-on", "info", "testdata/formats/clean.yaml"], None);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean.stdout));
    let bad = kubeward(&["testdata/formats/findings.yaml"], None);
    assert_eq!(bad.status.code(), Some(1));
    let never = kubeward(
        &["--fail-on", "never", "testdata/formats/findings.yaml"],
        None,
    );
    assert_eq!(never.status.code(), Some(0));
    // findings.yaml has errors, so --fail-on error still fails.
    let on_error = kubeward(
        &["--fail-on", "error", "testdata/formats/findings.yaml"],
        None,
    );
    assert_eq!(on_error.status.code(), Some(1));
}

#[test]
fn bad_arguments_exit_2() {
    let out = kubeward(&["--format", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = kubeward(
        &["--only", "no/such-rule", "testdata/formats/clean.yaml"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("unknown rule id"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn stdin_is_reported_under_its_filename() {
    let input = std::fs::read("testdata/formats/findings.yaml").expect("fixture");
    let out = kubeward(
        &[
            "--format",
            "compact",
            "--stdin-filename",
            "deploy/api.yaml",
            "-",
        ],
        Some(&input),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("deploy/api.yaml:14:13: error:"), "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with("deploy/api.yaml:")),
        "{stdout}"
    );
}

#[test]
fn bad_input_is_reported_and_other_files_still_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("a-binary.yaml"), b"\x00\x01\x02kind: Pod\x00").expect("write");
    std::fs::write(d.join("b-latin1.yaml"), b"kind: caf\xe9\n").expect("write");
    std::fs::write(d.join("c-broken.yaml"), "a: [1, 2\n").expect("write");
    std::fs::copy("testdata/formats/findings.yaml", d.join("d-good.yaml")).expect("copy");
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("missing.yaml"), d.join("e-dangling.yaml")).expect("symlink");
    let path = d.display().to_string();
    // --follow: without it the dangling symlink is skipped silently.
    let out = kubeward(&["--format", "compact", "--follow", &path], None);
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(
        stdout.contains("a-binary.yaml:1:1: error: binary file"),
        "{stdout}"
    );
    assert!(
        stdout.contains("b-latin1.yaml:1:10: error: file is not valid UTF-8"),
        "{stdout}"
    );
    assert!(
        stdout.contains("c-broken.yaml:") && stdout.contains("[yaml/syntax]"),
        "{stdout}"
    );
    assert!(stdout.contains("d-good.yaml:14:13: error:"), "{stdout}");
    #[cfg(unix)]
    assert!(stderr.contains("dangling symlink"), "{stderr}");
    // Findings, and no file that could not be read: exit 1.
    assert_eq!(out.status.code(), Some(1), "{stderr}");

    // A file named explicitly that does not exist: exit 2, others still linted.
    let missing = d.join("nope.yaml").display().to_string();
    let good = d.join("d-good.yaml").display().to_string();
    let out = kubeward(&["--format", "compact", &missing, &good], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no such file or directory"));
    assert!(text(&out.stdout).contains("d-good.yaml:14:13"));
}

#[test]
fn help_and_version() {
    let out = kubeward(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(
        help.contains("Examples:") && help.contains("--fail-on"),
        "{help}"
    );
    let out = kubeward(&["--version"], None);
    assert!(text(&out.stdout).starts_with("kubeward "));
}

#[test]
fn examples_lint_with_findings() {
    let out = kubeward(&["--format", "json", "examples/"], None);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    for expected in [
        "pod-security/privileged",
        "pod-security/capabilities-baseline",
        "pod-security/host-network",
        "pod-security/host-pid",
        "pod-security/host-path",
        "pod-security/host-port",
    ] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
}

#[test]
fn rules_and_explain_subcommands() {
    let out = kubeward(&["rules"], None);
    assert_eq!(out.status.code(), Some(0));
    let table = text(&out.stdout);
    assert!(
        table.contains("pod-security/privileged") && table.contains("yaml/syntax"),
        "{table}"
    );

    let out = kubeward(&["rules", "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let first = &v.as_array().expect("array")[0];
    for key in ["id", "severity", "enabled", "title"] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }

    let out = kubeward(&["explain", "pod-security/host-pid"], None);
    assert_eq!(out.status.code(), Some(0));
    let text_out = text(&out.stdout);
    assert!(
        text_out.contains("How to fix:") && text_out.contains("References:"),
        "{text_out}"
    );

    let out = kubeward(&["explain", "pod-security/host-pids"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("did you mean pod-security/host-pid?"));
    // A rule name without its category.
    let out = kubeward(&["explain", "privileged"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "kubeward: error: unknown rule id \"privileged\" (did you mean pod-security/privileged?); \
         `kubeward rules` lists them\n"
    );
}

#[test]
fn only_takes_ids_and_category_prefixes_and_suggests_for_typos() {
    let compact = |only: &str| {
        let out = kubeward(&["--only", only, "--format", "compact", "examples/"], None);
        let rules: std::collections::BTreeSet<String> = text(&out.stdout)
            .lines()
            .filter_map(|l| l.rsplit_once(" [")?.1.strip_suffix(']').map(str::to_string))
            .collect();
        (out, rules)
    };
    let (out, rules) = compact("pod-security/");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(rules.len() > 5, "{rules:?}");
    assert!(
        rules.iter().all(|r| r.starts_with("pod-security/")),
        "{rules:?}"
    );
    // Opt-in rules of the category run too, as with an exact id.
    assert!(rules.contains("pod-security/privileged"), "{rules:?}");
    let (_, mixed) = compact("reliability/,pod-security/privileged");
    assert!(mixed.contains("pod-security/privileged"), "{mixed:?}");
    assert!(
        mixed.iter().any(|r| r.starts_with("reliability/")),
        "{mixed:?}"
    );
    assert!(
        mixed
            .iter()
            .all(|r| r.starts_with("reliability/") || r == "pod-security/privileged"),
        "{mixed:?}"
    );
    for (typo, near) in [
        ("pod-security/privilegd", "pod-security/privileged"),
        ("privileged", "pod-security/privileged"),
        ("pod-securty/", "pod-security/"),
    ] {
        let (out, _) = compact(typo);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            text(&out.stderr),
            format!("kubeward: error: unknown rule id {typo:?} (did you mean {near}?)\n")
        );
    }
}

#[test]
fn stdin_filename_without_stdin_is_a_usage_error() {
    let out = kubeward(
        &[
            "--stdin-filename",
            "k8s/api.yaml",
            "testdata/formats/clean.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).starts_with(
            "kubeward: error: --stdin-filename k8s/api.yaml names what stdin is reported as, but `-`"
        ),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_config_with_several_mistakes_reports_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".kubeward.yaml");
    std::fs::write(
        &config,
        "fail-on: sometimes\nrules:\n  enabled: [pod-security/]\nseverity:\n  pod-security/privileged: loud\n",
    )
    .expect("write config");
    let config = config.display().to_string();
    let out = kubeward(
        &[
            "--config",
            &config,
            "--color",
            "never",
            "testdata/formats/clean.yaml",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for message in [
        "fail-on must be error, warning, info or never",
        "unknown key `enabled` (did you mean `enable`?)",
        "severity must be error, warning or info, not \"loud\"",
    ] {
        assert!(
            stderr.contains(message),
            "{message} missing from:\n{stderr}"
        );
    }
    // Each is shown with its own source line, in file order.
    let at = |m: &str| stderr.find(m).expect("present");
    assert!(at("fail-on must") < at("unknown key") && at("unknown key") < at("severity must"));
}

/// The human sample near the top of README.md is this binary's output for the
/// command written above it (elapsed time aside), so it cannot drift.
#[test]
fn the_readme_sample_output_is_what_kubeward_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("```text\n$ kubeward ")
        .expect("a ```text block starting with `$ kubeward ...` in README.md");
    let block = &readme[start + "```text\n".len()..];
    let block = &block[..block.find("```\n").expect("the block ends")];
    let (command, shown) = block.split_once('\n').expect("a command line, then output");
    let args: Vec<&str> = command
        .trim_start_matches("$ kubeward")
        .split_whitespace()
        .collect();
    let out = kubeward_env(&args, &[("COLUMNS", "100"), ("NO_COLOR", "1")]);
    // No colour (stdout is a pipe and NO_COLOR is set); strip any anyway.
    let printed = strip_ansi(&text(&out.stdout));
    let elapsed = |s: &str| {
        s.lines()
            .map(|l| match l.rfind(" in ") {
                Some(i) if l.starts_with("Linted ") && l.ends_with('s') => {
                    format!("{} in <time>", &l[..i])
                }
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        elapsed(&printed),
        elapsed(shown),
        "README.md's sample differs from what `{command}` prints; paste this:\n{printed}"
    );
}

/// Text without ANSI escape sequences (CSI ... letter).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `kubeward` with environment overrides. `GITHUB_ACTIONS` is removed unless
/// given here, so the CI runner's own value cannot change the default format.
fn kubeward_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = common::kubeward_command();
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // A missing directory on the way to a report file is created.
    let sarif = d.join("reports/kubeward.sarif");
    let junit = d.join("junit.xml");
    let gitlab = d.join("gl-code-quality.json");
    let args = [
        "--format".to_string(),
        "human".to_string(),
        "--format".to_string(),
        format!("sarif={}", sarif.display()),
        "--format".to_string(),
        format!("junit={}", junit.display()),
        format!("--format=gitlab={}", gitlab.display()),
        "testdata/formats/findings.yaml".to_string(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = kubeward_env(&args, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("pod-security/privileged") && stdout.contains("Linted 1 file"),
        "{stdout}"
    );

    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif written"))
            .expect("sarif is JSON");
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "pod-security/privileged"),
        "{v}"
    );
    let junit = std::fs::read_to_string(&junit).expect("junit written");
    assert!(
        junit.starts_with("<?xml") && junit.contains("<testsuites"),
        "{junit}"
    );
    let gl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gitlab).expect("gitlab written"))
            .expect("gitlab is JSON");
    assert_eq!(gl.as_array().map(Vec::len), Some(results.len()));
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("report.json");
    let file = path.display().to_string();
    let out = kubeward_env(
        &[
            "--format",
            "json",
            "--output",
            &file,
            "testdata/formats/findings.yaml",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("written")).expect("json");
    assert_eq!(v["version"], 1);

    // `-o` without --format writes the default format, without colour.
    let out = kubeward_env(
        &[
            "-o",
            &file,
            "--color",
            "auto",
            "testdata/formats/findings.yaml",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let human = std::fs::read_to_string(&path).expect("written");
    assert!(
        human.contains("Linted 1 file") && !human.contains('\u{1b}'),
        "{human}"
    );
}

#[test]
fn report_targets_are_checked_before_linting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("r.out").display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--format".into(),
                "human".into(),
                "--format".into(),
                "json".into(),
            ],
            "only one report can go to stdout",
        ),
        (
            vec![
                "--format".into(),
                format!("sarif={file}"),
                "--format".into(),
                format!("junit={file}"),
            ],
            "named as the output of two reports",
        ),
        (
            vec![
                "--format".into(),
                format!("sarif={file}"),
                "-o".into(),
                file.clone(),
            ],
            "every --format has its own file",
        ),
        (
            vec!["--format".into(), "sarif=".into()],
            "needs a file name",
        ),
        (
            vec!["--format".into(), "xml".into()],
            "unknown format \"xml\"",
        ),
    ];
    for (args, expected) in cases {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.push("testdata/formats/findings.yaml");
        let out = kubeward_env(&args, &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            !dir.path().join("r.out").exists(),
            "{args:?} wrote a report"
        );
    }
}

#[test]
fn github_actions_defaults_to_github_format() {
    let findings = "testdata/formats/findings.yaml";
    let out = kubeward_env(&[findings], &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "::error file=testdata/formats/findings.yaml,line=14,col=13,endLine=14,\
             endColumn=22,title=pod-security/privileged::container \"app\" runs privileged"
        ),
        "{stdout}"
    );
    let (summary, commands) = stdout
        .lines()
        .collect::<Vec<_>>()
        .split_last()
        .map_or((String::new(), Vec::new()), |(s, c)| {
            (s.to_string(), c.to_vec())
        });
    assert!(summary.starts_with("Linted 1 file"), "{stdout}");
    assert!(commands.iter().all(|l| l.starts_with("::")), "{stdout}");

    // An explicit --format wins; other values of the variable change nothing.
    let out = kubeward_env(
        &["--format", "compact", findings],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert!(text(&out.stdout).starts_with("testdata/formats/findings.yaml:"));
    let out = kubeward_env(&[findings], &[("GITHUB_ACTIONS", "false")]);
    assert!(
        !text(&out.stdout).contains("::error"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn pre_commit_hooks_file_names_the_binary() {
    let text = std::fs::read_to_string(".pre-commit-hooks.yaml").expect("hooks file");
    let hooks: yaml_serde::Value = yaml_serde::from_str(&text).expect("hooks file is YAML");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_kubeward"));
    assert!(binary.is_file());
    let mut languages = Vec::new();
    for hook in hooks {
        let field = |k: &str| hook.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        assert!(field("id").starts_with("kubeward"), "{hook:?}");
        // The entry is the binary this crate builds (`[[bin]] name`).
        assert_eq!(
            Some(std::ffi::OsStr::new(field("entry"))),
            binary.file_stem(),
            "{hook:?}"
        );
        let types: Vec<&str> = hook
            .get("types_or")
            .and_then(|v| v.as_sequence())
            .map(|s| s.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        assert_eq!(types, ["yaml", "json"], "{hook:?}");
        // pre-commit passes the staged file names; the hook must accept them.
        assert_ne!(
            hook.get("pass_filenames").and_then(|v| v.as_bool()),
            Some(false),
            "{hook:?}"
        );
        languages.push(field("language").to_string());
    }
    languages.sort();
    assert_eq!(languages, ["rust", "system"]);
}

#[test]
fn stdin_filename_is_matched_against_excludes() {
    let input = std::fs::read("testdata/formats/findings.yaml").expect("fixture");
    let args = [
        "--format",
        "compact",
        "--exclude",
        "vendor/**",
        "--stdin-filename",
        "vendor/x/api.yaml",
        "-",
    ];
    let out = kubeward(&args, Some(&input));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn excludes_apply_to_files_named_explicitly() {
    // pre-commit passes every staged file by name: config and --exclude globs
    // must still skip the excluded ones.
    let args = [
        "--format",
        "compact",
        "--exclude",
        "testdata/formats/find*.yaml",
        "testdata/formats/findings.yaml",
    ];
    let out = kubeward(&args, None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn statistics_and_quiet() {
    let args = [
        "--no-config",
        "--statistics",
        "testdata/formats/findings.yaml",
    ];
    let out = kubeward(&args, None);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("pod-security/privileged"), "{stdout}");
    assert!(
        stdout
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("Linted 1 file")),
        "{stdout}"
    );
    let args = ["--no-config", "-q", "testdata/formats/findings.yaml"];
    let out = kubeward(&args, None);
    assert!(!text(&out.stdout).contains("Linted"));
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn helm_flags_reach_the_renderer() {
    // --no-helm: the chart is one info finding, exit 0 at the default fail level.
    let out = kubeward(
        &["--no-helm", "--format", "compact", "testdata/helm/app"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout)
        .contains("testdata/helm/app/Chart.yaml:2:1: info: chart not rendered (--no-helm)"));
    // A --helm-bin that cannot run is a usage error (exit 2, on stderr), not a
    // finding about the chart; with --no-helm it does not matter.
    let out = kubeward(
        &[
            "--helm-bin",
            "/nonexistent/helm",
            "-f",
            "values-prod.yaml",
            "--set",
            "a=b",
            "--release-name",
            "web",
            "--format",
            "compact",
            "testdata/helm/app",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert_eq!(
        text(&out.stderr),
        "kubeward: error: --helm-bin /nonexistent/helm: no such file or directory\n"
    );
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    let out = kubeward(
        &[
            "--no-helm",
            "--helm-bin",
            "/nonexistent/helm",
            "--format",
            "compact",
            "testdata/helm/app",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Piped rendered output: the template is named in the message.
    let rendered = std::fs::read("testdata/helm/app/rendered/default.yaml").expect("fixture");
    let out = kubeward(
        &[
            "--only",
            "pod-security/privileged",
            "--format",
            "compact",
            "-",
        ],
        Some(&rendered),
    );
    assert!(
        text(&out.stdout).contains("(rendered from app/templates/deployment.yaml)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn limits_from_flags_and_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("deep.yaml"), "a: [[[[[[1]]]]]]\n").expect("write");
    let deep = d.join("deep.yaml").display().to_string();
    let out = kubeward(
        &[
            "--no-config",
            "--format",
            "compact",
            "--max-depth",
            "4",
            &deep,
        ],
        None,
    );
    assert!(
        text(&out.stdout)
            .contains("deep.yaml:1:7: error: document is nested too deeply (more than 4 levels"),
        "{}",
        text(&out.stdout)
    );
    let out = kubeward(&["--no-config", "--max-file-size", "8", &deep], None);
    assert!(text(&out.stdout).contains("over the 8-byte limit"));
    let out = kubeward(&["--max-depth", "0", &deep], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("max-depth must be between 1 and 10000"));

    // The config's `limits:` applies; a flag overrides it.
    std::fs::write(d.join(".kubeward.yaml"), "limits:\n  max-depth: 3\n").expect("write");
    let out = kubeward(&["--format", "compact", &deep], None);
    assert!(
        text(&out.stdout).contains("1:6: error: document is nested too deeply (more than 3 levels")
    );
    let out = kubeward(&["--format", "compact", "--max-depth", "100", &deep], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn stdin_is_read_only_up_to_the_size_limit() {
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata: {{x: \"{}\"}}\n",
        "y".repeat(4096)
    );
    let out = kubeward(
        &["--max-file-size", "1K", "--format", "compact", "-"],
        Some(big.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains("-:1:1: error: file is more than 1024 bytes, over the 1024-byte limit"),
        "{}",
        text(&out.stdout)
    );
}
