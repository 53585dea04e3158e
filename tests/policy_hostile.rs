//! Issue 13, point 1: no policy can abort the process. Recursion is rejected
//! when policies load (it overflowed regorus's stack: exit 134, every finding
//! lost); one evaluation cannot allocate past its budget; messages are capped;
//! a broken ConstraintTemplate inside the linted tree is reported and skipped.

mod common;

use common::{kubeward_in, text};
use std::process::Output;

const CONFIGMAPS: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";

/// A project with `manifests.yaml` and one policy file.
fn project(policy_file: &str, policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("manifests.yaml"), CONFIGMAPS).expect("write");
    let pol = dir.path().join("policy");
    std::fs::create_dir(&pol).expect("mkdir");
    std::fs::write(pol.join(policy_file), policy).expect("write");
    dir
}

fn findings(out: &Output) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}): {}", text(&out.stderr)));
    v["findings"].as_array().cloned().unwrap_or_default()
}

/// `manifests.yaml` of a [`project`] linted with its `policy/` directory, and
/// `extra` arguments (a report format).
fn lint_with_policy(dir: &tempfile::TempDir, extra: &[&str]) -> Output {
    let mut args = vec!["--no-config", "--policy", "policy"];
    args.extend_from_slice(extra);
    args.push("manifests.yaml");
    kubeward_in(dir.path(), &args)
}

const RECURSIVE: &str = "package main\n\nf(x) := y if {\n\ty := g(x)\n}\n\ng(x) := y if {\n\ty := f(x)\n}\n\ndeny contains msg if {\n\tmsg := f(input.kind)\n}\n";

#[test]
fn recursive_functions_are_rejected_where_they_recurse() {
    let dir = project("rec.rego", RECURSIVE);
    let out = lint_with_policy(&dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("recursive functions"), "{err}");
    assert!(
        err.contains("main.g -> main.f") || err.contains("main.f -> main.g"),
        "{err}"
    );
    assert!(err.contains("policy/rec.rego:"), "{err}");
    // `kubeward test` loads the same policies the same way.
    let out = kubeward_in(dir.path(), &["test", "policy"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("recursive functions"));
}

#[test]
fn a_function_calling_itself_is_rejected() {
    let dir = project(
        "self.rego",
        "package main\n\nf(x) := y if {\n\ty := f(x)\n}\n\ndeny contains msg if {\n\tmsg := f(1)\n}\n",
    );
    let out = lint_with_policy(&dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("function `main.f` calls itself"), "{err}");
    assert!(err.contains("self.rego:4:"), "{err}");
}

#[test]
fn a_broken_template_in_the_tree_is_reported_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = "\
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srecursive
spec:
  crd:
    spec:
      names:
        kind: K8sRecursive
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srecursive
        f(x) = y { y := f(x) }
        violation[{\"msg\": msg}] { msg := f(1) }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRecursive
metadata:
  name: everything
";
    std::fs::write(dir.path().join("gatekeeper.yaml"), template).expect("write");
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext:\n      privileged: true\n",
    )
    .expect("write");
    let out = kubeward_in(
        dir.path(),
        &["--no-config", "--gatekeeper", "--format", "json", "."],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = findings(&out);
    let errors: Vec<_> = all
        .iter()
        .filter(|f| f["rule"] == "kubeward/policy-error")
        .collect();
    assert_eq!(errors.len(), 1, "{all:#?}");
    assert_eq!(errors[0]["file"], "gatekeeper.yaml");
    assert_eq!(errors[0]["line"], 14, "at the recursive call");
    assert!(errors[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("calls itself") && m.contains("skipped")));
    // The rest of the run is intact.
    assert!(all.iter().any(|f| f["rule"] == "pod-security/privileged"));
}

/// One evaluation that asks for gigabytes is stopped with a policy error on
/// that resource; every other rule and resource still reports.
#[test]
fn runaway_allocations_become_policy_errors() {
    let policy = r#"package main

deny contains msg if {
	input.metadata.name == "a"
	n := count(numbers.range(1, 3000000000))
	msg := sprintf("range of %d", [n])
}

deny contains msg if {
	input.metadata.name == "a"
	msg := sprintf("%0999999999d", [1])
}

warn contains msg if {
	msg := sprintf("%s is linted", [input.metadata.name])
}
"#;
    let dir = project("hungry.rego", policy);
    let out = lint_with_policy(&dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = findings(&out);
    let errors: Vec<&str> = all
        .iter()
        .filter(|f| f["rule"] == "kubeward/policy-error")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(!errors.is_empty(), "{all:#?}");
    assert!(
        errors.iter().all(|m| m.contains("evaluation budget")),
        "{errors:#?}"
    );
    let linted = all
        .iter()
        .filter(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("is linted"))
        })
        .count();
    assert_eq!(linted, 2, "the warn rule still ran on both resources");
}

#[test]
fn huge_messages_are_capped() {
    let policy = "package main\n\ndeny contains msg if {\n\tmsg := concat(\"\", [\"x\" | numbers.range(1, 200000)[_]])\n}\n";
    let dir = project("long.rego", policy);
    let out = lint_with_policy(&dir, &["--format", "json"]);
    let all = findings(&out);
    let messages: Vec<&str> = all
        .iter()
        .filter(|f| f["rule"] == "conftest/main/deny")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{}", text(&out.stderr));
    for m in messages {
        assert!(m.chars().count() < 4200, "{} characters", m.chars().count());
        assert!(
            m.ends_with("(195904 more characters)"),
            "{}",
            &m[m.len() - 40..]
        );
    }
}

/// A directory holding big.yaml: a ConfigMap whose `.env` value has 60,000
/// secret lines, far more than `secrets/configmap-sensitive` checks in the
/// budgets below.
fn slow_configmap() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut env = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  app.env: |\n",
    );
    for i in 0..60_000 {
        env.push_str(&format!("    SERVICE_{i}_PASSWORD=s3cr3t-{i:08}-value\n"));
    }
    std::fs::write(dir.path().join("big.yaml"), env).expect("write");
    dir
}

/// Bundled rules have the same per-resource time budget: a rule that runs out
/// of it is a `kubeward/policy-error` on that resource, and every other rule
/// and resource still reports.
#[test]
fn bundled_rules_are_stopped_at_the_time_budget() {
    let dir = slow_configmap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext:\n      privileged: true\n",
    )
    .expect("write");
    let out = kubeward_in(
        dir.path(),
        &[
            "--no-config",
            // Far below what 60,000 secret lines take, far above what one Pod
            // takes even in a debug build on a busy machine.
            "--policy-timeout",
            "0.25",
            "--format",
            "json",
            "big.yaml",
            "pod.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = findings(&out);
    let stopped: Vec<_> = all
        .iter()
        .filter(|f| f["rule"] == "kubeward/policy-error" && f["file"] == "big.yaml")
        .collect();
    assert!(
        stopped.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("secrets/configmap-sensitive was stopped after 250ms"))),
        "{stopped:#?}"
    );
    assert!(all
        .iter()
        .any(|f| f["rule"] == "pod-security/privileged" && f["file"] == "pod.yaml"));
}

/// With `--only`, the stopped rule's policy error is still reported: without
/// it the rule's findings would vanish and the run pass.
#[test]
fn a_stopped_rule_is_reported_under_only() {
    let dir = slow_configmap();
    let out = kubeward_in(
        dir.path(),
        &[
            "--no-config",
            "--only",
            "secrets/configmap-sensitive",
            "--policy-timeout",
            "0.05",
            "--format",
            "json",
            "big.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let all = findings(&out);
    assert!(
        all.iter().any(|f| f["rule"] == "kubeward/policy-error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains("secrets/configmap-sensitive was stopped"))),
        "{all:#?}"
    );
}

/// `kubeward rules`, `explain` and `kubeward test` print what policies say
/// about themselves: from a repository, that text must not reach the terminal
/// raw either.
#[test]
fn policy_metadata_is_escaped_in_rules_explain_and_test() {
    let policy = "# METADATA\n# title: \"Owner \\u001b]0;PWNED\\u0007\\u001b[2J label\"\n# description: \"Says \\u001b[2J\"\n# custom:\n#   id: team/owner\n#   severity: warning\n#   kinds: [ConfigMap]\n#   remediation: \"Fix \\u001b[31mit\"\npackage team.owner\n\nimport rego.v1\n\ndeny contains finding if {\n\tfalse\n\tfinding := {\"msg\": \"x\"}\n}\n\ntest_escape if {\n\tfalse\n}\n";
    // The file name carries a control sequence too: `kubeward test` names it.
    let dir = project("own\u{1b}[2Jer.rego", policy);
    for args in [
        vec!["rules", "--policy", "policy"],
        vec!["rules", "--policy", "policy", "--format", "markdown"],
        vec!["explain", "team/owner", "--policy", "policy"],
        vec!["test", "policy"],
    ] {
        let out = kubeward_in(dir.path(), &args);
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !all.iter().any(|b| *b == 0x1b || *b == 0x07),
            "{args:?} printed a raw control character: {}",
            text(&all)
        );
        assert!(text(&all).contains("\\x1b"), "{args:?}: {}", text(&all));
    }
}

/// regorus's parser does twice the work per nested `[`/`{`: forty levels would
/// hang the load for days. Such a module is refused at once, with its place.
#[test]
fn deeply_nested_brackets_are_refused_quickly() {
    let deep = format!(
        "package main\n\ndeny contains msg if {{\n\tx := {}1{}\n\tmsg := sprintf(\"%v\", [x])\n}}\n",
        "[".repeat(40),
        "]".repeat(40)
    );
    let dir = project("deep.rego", &deep);
    let out = lint_with_policy(&dir, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("brackets nested") && err.contains("deep.rego:4:"),
        "{err}"
    );
}
