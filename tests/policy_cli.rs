//! User policies through the binary: `kubeward test` (exit codes, json and
//! junit), `kubeward rules --policy`, and a policy that does not parse.

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

fn kubeward(args: &[&str]) -> Output {
    common::kubeward_command()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn test_subcommand_passes_and_reports_in_every_format() {
    let out = kubeward(&[
        "test",
        "testdata/policies/conftest",
        "--data",
        "testdata/policies/conftest/data.yaml",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("PASS  rego     data.main.test_missing_owner_denied"));
    assert!(stdout.contains("PASS  fixture  testdata/policies/conftest/testdata/app.yaml"));

    let json = kubeward(&["test", "testdata/policies/gatekeeper", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json output");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["failed"], 0);
    assert!(v["tests"].as_array().is_some_and(|t| !t.is_empty()));

    let junit = kubeward(&["test", "testdata/policies/native", "--format", "junit"]);
    let xml = text(&junit.stdout);
    let doc = roxmltree::Document::parse(&xml).expect("junit is XML");
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 3, "{xml}");
}

#[test]
fn each_policy_directory_is_tested_with_its_own_policies() {
    // Each fixture set expects only its own directory's findings: together in
    // one policy set they would report each other's rules.
    let out = kubeward(&[
        "test",
        "testdata/policies/native",
        "testdata/policies/gatekeeper",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("PASS  fixture  testdata/policies/native/testdata/deployment.yaml"));
    assert!(stdout.contains("PASS  fixture  testdata/policies/gatekeeper/testdata/shop.yaml"));
}

#[test]
fn test_subcommand_fails_on_a_wrong_expectation_or_test() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("p.rego"),
        "package main\nimport rego.v1\n\ndeny contains \"no\" if input.kind == \"Pod\"\n\ntest_wrong if {\n  count(deny) == 0 with input as {\"kind\": \"Pod\"}\n}\n",
    )
    .expect("write");
    std::fs::create_dir(d.join("testdata")).expect("mkdir");
    // The finding is on line 2 (kind:), not line 1.
    std::fs::write(
        d.join("testdata/pod.yaml"),
        "apiVersion: v1 # expect: conftest/main/deny\nkind: Pod\nmetadata:\n  name: p\n",
    )
    .expect("write");
    let out = kubeward(&["test", &d.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    assert_eq!(v["summary"]["failed"], 2, "{v}");
    let messages: Vec<String> = v["tests"]
        .as_array()
        .expect("tests")
        .iter()
        .map(|t| t["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(messages
        .iter()
        .any(|m| m.contains("line 1: expected conftest/main/deny")));
    assert!(messages
        .iter()
        .any(|m| m.contains("line 2: unexpected conftest/main/deny")));
    let rego = &v["tests"][0];
    assert_eq!(rego["name"], "data.main.test_wrong");
    assert_eq!(rego["line"], 6, "the failing test's location");
}

#[test]
fn rules_lists_user_rules_and_lint_uses_them() {
    let out = kubeward(&["rules", "--policy", "testdata/policies/gatekeeper"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("gatekeeper/K8sRequiredLabels/must-have-owner"));
    assert!(stdout.contains("pod-security/privileged"));

    let lint = kubeward(&[
        "--no-config",
        "--only",
        "team/no-debug-image",
        "--policy",
        "testdata/policies/native",
        "--format",
        "compact",
        "testdata/policies/native/testdata/deployment.yaml",
    ]);
    assert_eq!(lint.status.code(), Some(1));
    assert_eq!(
        text(&lint.stdout),
        "testdata/policies/native/testdata/deployment.yaml:10:11: error: container \"app\" runs a debug image [team/no-debug-image]\n"
    );
}

#[test]
fn a_policy_that_does_not_parse_exits_2_with_its_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("bad.rego");
    std::fs::write(&p, "package main\n\ndeny[msg] {\n  msg := \n}\n").expect("write");
    let out = kubeward(&[
        "--policy",
        &p.display().to_string(),
        "testdata/formats/clean.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is linted");
    let err = text(&out.stderr);
    // regorus reports a v0 body it cannot parse at its opening brace.
    let shown = format!("{}:3:11", Path::new(&p).display());
    assert!(err.contains(&shown), "{err}");
    assert!(err.contains("parsed as Rego v0"), "{err}");
}

#[test]
fn an_unknown_function_exits_2_before_linting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("typo.rego");
    std::fs::write(
        &p,
        "package main\n\ndeny[msg] {\n  startswih(input.kind, \"Po\")\n  msg := \"x\"\n}\n",
    )
    .expect("write");
    let out = kubeward(&[
        "--policy",
        &p.display().to_string(),
        "testdata/formats/clean.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing is linted");
    let err = text(&out.stderr);
    let shown = format!("{}:4:3", Path::new(&p).display());
    assert!(err.contains(&shown), "{err}");
    assert!(err.contains("did you mean `startswith`"), "{err}");
}

#[test]
fn policy_timeout_is_an_option() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("slow.rego");
    std::fs::write(
        &p,
        "package main\nimport rego.v1\n\ndeny contains msg if {\n  n := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i * j == -1])\n  msg := sprintf(\"%v\", [n])\n}\n",
    )
    .expect("write");
    let policy = p.display().to_string();
    let args = |t: &'static str| {
        vec![
            "--no-config",
            "--only",
            "conftest/main/deny,kubeward/policy-error",
            "--policy",
            policy.as_str(),
            "--policy-timeout",
            t,
            "--format",
            "compact",
            "testdata/formats/clean.yaml",
        ]
    };
    let started = std::time::Instant::now();
    let out = kubeward(&args("0.2"));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("evaluation was stopped after 200ms"),
        "{stdout}{}",
        text(&out.stderr)
    );
    for bad in ["0", "soon", "1e9", "NaN"] {
        let out = kubeward(&args(bad));
        assert_eq!(out.status.code(), Some(2), "--policy-timeout {bad}");
        assert!(
            text(&out.stderr).contains("--policy-timeout"),
            "{}",
            text(&out.stderr)
        );
    }
}
