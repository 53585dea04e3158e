//! Identical documents are evaluated once per run (a memo keyed by the
//! document's text, checked before the document is decoded or converted).
//! A copy must still get its own findings at its own lines, also when it sits
//! at another place in another stream, and also for a large document kept as
//! a compact encoding; a document that differs (also only in what a List
//! item's alias stands for) must not reuse the results.

use kubeward::{lint, ConfigChoice, Settings};
use std::collections::BTreeSet;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          securityContext:
            privileged: true
";

fn findings(paths: Vec<std::path::PathBuf>) -> BTreeSet<(String, usize, String)> {
    let settings = Settings {
        paths,
        only_rules: Some(vec![
            "pod-security/privileged".into(),
            "secrets/configmap-sensitive".into(),
        ]),
        threads: 1,
        config: ConfigChoice::Disabled,
        ..Default::default()
    };
    let outcome = lint(&settings).expect("lints");
    outcome
        .findings
        .iter()
        .map(|f| {
            let file = outcome.files[f.file]
                .path
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            (file, f.line, f.rule.clone())
        })
        .collect()
}

#[test]
fn copies_get_their_own_locations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    let c = dir.path().join("c.yaml");
    std::fs::write(&a, DEPLOYMENT).expect("write");
    // The same document after another one: same chunk text, other lines.
    std::fs::write(
        &b,
        format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: shop}}\n---\n{DEPLOYMENT}"),
    )
    .expect("write");
    // A different document (not privileged): no finding may be reused.
    std::fs::write(
        &c,
        DEPLOYMENT.replace("privileged: true", "privileged: false"),
    )
    .expect("write");
    let got = findings(vec![a, b, c]);
    let want: BTreeSet<_> = [
        (
            "a.yaml".to_string(),
            15,
            "pod-security/privileged".to_string(),
        ),
        (
            "b.yaml".to_string(),
            19,
            "pod-security/privileged".to_string(),
        ),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn copies_of_large_documents_get_their_own_locations() {
    let mut big = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let mut i = 0;
    while big.len() < kubeward::evict::MIN_BYTES {
        big.push_str(&format!(
            "  setting_{i}: \"an ordinary value number {i}\"\n"
        ));
        i += 1;
    }
    big.push_str("  DB_PASSWORD: hunter2-but-longer\n");
    let line = big.lines().count();
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::fs::write(&a, &big).expect("write");
    std::fs::write(
        &b,
        format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: shop}}\n---\n{big}"),
    )
    .expect("write");
    let got = findings(vec![a, b]);
    let want: BTreeSet<_> = [
        (
            "a.yaml".to_string(),
            line,
            "secrets/configmap-sensitive".to_string(),
        ),
        (
            "b.yaml".to_string(),
            line + 4,
            "secrets/configmap-sensitive".to_string(),
        ),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn list_items_with_the_same_text_but_other_anchors_are_not_shared() {
    // The item text is the same in both files; what its alias stands for is
    // defined earlier in the List and differs.
    let list = |privileged: bool| {
        format!(
            "apiVersion: v1\nkind: List\nmetadata: {{}}\nsecurity: &sc {{privileged: {privileged}}}\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {{name: p}}\n  spec:\n    containers:\n    - name: a\n      image: nginx:1.27\n      securityContext: *sc\n"
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    let c = dir.path().join("c.yaml");
    std::fs::write(&a, list(false)).expect("write");
    std::fs::write(&b, list(true)).expect("write");
    std::fs::write(&c, list(true)).expect("write");
    let got = findings(vec![a, b, c]);
    // Reported where the aliased value is written (the anchor, line 4).
    let want: BTreeSet<_> = [
        (
            "b.yaml".to_string(),
            4,
            "pod-security/privileged".to_string(),
        ),
        (
            "c.yaml".to_string(),
            4,
            "pod-security/privileged".to_string(),
        ),
    ]
    .into();
    assert_eq!(got, want);
}
