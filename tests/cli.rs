//! The binary end to end: exit codes, stdin, bad input, help.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn kubeward(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubeward"));
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
    let clean = kubeward(&["testdata/formats/clean.yaml"], None);
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
    let out = kubeward(&["--format", "compact", &path], None);
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
}
