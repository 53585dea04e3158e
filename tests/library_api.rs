//! The library API (`kubeward::Linter`): one linter, many runs over in-memory
//! text and paths, as an editor server uses it.

use kubeward::{ConfigChoice, Linter, Settings};

fn linter() -> Linter {
    Linter::new(Settings {
        config: ConfigChoice::Disabled,
        project_context: false,
        ..Settings::default()
    })
    .expect("the bundled rules load")
}

const PRIVILEGED: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      securityContext:
        privileged: true
";

#[test]
fn lint_text_reports_under_the_given_name_and_can_be_repeated() {
    let linter = linter();
    for round in 0..3 {
        let outcome = linter
            .lint_text("apps/pod.yaml", PRIVILEGED)
            .expect("a run");
        assert_eq!(outcome.files.len(), 1, "round {round}");
        assert_eq!(outcome.files[0].path, "apps/pod.yaml");
        let f = outcome
            .active()
            .find(|f| f.rule == "pod-security/privileged")
            .expect("privileged is reported");
        assert_eq!((f.line, f.column), (10, 9));
    }
    // Another buffer through the same linter: its own findings only.
    let clean = linter
        .lint_text(
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
        )
        .expect("a run");
    assert_eq!(clean.files[0].path, "cm.yaml");
    assert!(clean.active().all(|f| f.rule != "pod-security/privileged"));
}

#[test]
fn lint_paths_lints_the_given_paths_not_the_settings_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, PRIVILEGED).expect("write");
    let outcome = linter().lint_paths(&[file]).expect("a run");
    assert_eq!(outcome.files.len(), 1);
    assert!(outcome
        .active()
        .any(|f| f.rule == "pod-security/privileged"));
}

#[test]
fn every_resource_finding_knows_its_resource() {
    let outcome = linter()
        .lint_text("pod.yaml", &format!("{PRIVILEGED}---\nnot: a resource\n"))
        .expect("a run");
    assert!(outcome.findings.iter().any(|f| f.resource.is_some()));
    for f in &outcome.findings {
        assert_eq!(f.owner.is_some(), f.resource.is_some(), "{f:?}");
    }
}

/// Findings implied by another (`implied-by`) leave the report before secret
/// values are scrubbed from messages. The owners of the findings once
/// travelled in a vector beside them that this removal did not shorten, so
/// every later finding was scrubbed with the values of the resource before
/// it, and a container named after a secret value leaked it.
#[test]
fn removing_implied_findings_does_not_unmask_secrets() {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\nspec:\n  containers:\n");
    // Untagged images and undropped capabilities: each container has two
    // findings that others imply (digest-not-pinned, drop-net-raw).
    for i in 0..3 {
        text.push_str(&format!("    - name: app{i}\n      image: nginx\n"));
    }
    text.push_str(
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: second\nspec:\n  containers:\n    \
         - name: tok3nvalue\n      image: nginx:1.27\n      env:\n        - name: DB_PASSWORD\n          \
         value: tok3nvalue\n",
    );
    let outcome = linter().lint_text("pods.yaml", &text).expect("a run");
    assert!(
        outcome.active().any(|f| f.rule == "secrets/env-literal"),
        "the literal credential is reported"
    );
    for f in &outcome.findings {
        assert!(
            !f.message.contains("tok3nvalue"),
            "{}: {}",
            f.rule,
            f.message
        );
    }
}

/// The rule programs a linter's first run compiles serve its later runs: an
/// editor server must not compile them on every keystroke.
#[test]
fn a_linter_compiles_its_programs_once() {
    let linter = linter();
    let memory = linter
        .settings()
        .engine
        .memory
        .clone()
        .expect("a linter keeps its programs");
    assert!(memory.is_empty());
    linter.lint_text("a.yaml", PRIVILEGED).expect("a run");
    let compiled = memory.len();
    assert!(compiled > 0, "the first run compiles the programs it uses");
    for _ in 0..3 {
        let outcome = linter.lint_text("a.yaml", PRIVILEGED).expect("a run");
        assert!(outcome
            .active()
            .any(|f| f.rule == "pod-security/privileged"));
    }
    assert_eq!(memory.len(), compiled, "later runs compile nothing");
}
