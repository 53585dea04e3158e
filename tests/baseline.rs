//! Baselines survive reformatting and reordering: findings are matched by rule,
//! file, resource identity and field path, never by line.

use kubeward::{baseline, lint, ConfigChoice, Settings};
use std::path::PathBuf;

const BEFORE: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  hostNetwork: true
  containers:
    - name: app
      image: app:1.0
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: b
spec:
  hostPID: true
  containers: [{name: app, image: 'app:1.0'}]
";

/// The same resources, documents swapped, re-indented, flow style changed,
/// plus one new problem (pod b now also uses the host network).
const AFTER: &str = "\
# reformatted by a tool
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
    hostPID: true
    hostNetwork: true
    containers:
        -   name: app
            image: app:1.0
---
apiVersion: v1
kind: Pod
metadata:
    name: a
spec:
    containers:
        -   name: app
            image: app:1.0
            securityContext: {privileged: true}
    hostNetwork: true
";

fn settings(file: &std::path::Path, baseline: Option<PathBuf>) -> Settings {
    Settings {
        paths: vec![file.to_path_buf()],
        only_rules: Some(vec![
            "pod-security/host-network".into(),
            "pod-security/host-pid".into(),
            "pod-security/privileged".into(),
        ]),
        config: ConfigChoice::Disabled,
        baseline,
        threads: 1,
        ..Default::default()
    }
}

#[test]
fn baseline_round_trip_survives_reformatting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("pods.yaml");
    let base = dir.path().join("baseline.json");
    std::fs::write(&manifest, BEFORE).expect("write");

    let before = lint(&settings(&manifest, None)).expect("lint");
    assert_eq!(before.active().count(), 3);
    assert_eq!(baseline::write(&before, &base).expect("write baseline"), 3);

    // The file is sorted, diff-friendly JSON.
    let text = std::fs::read_to_string(&base).expect("read");
    let parsed: baseline::BaselineFile = serde_json::from_str(&text).expect("json");
    let mut sorted = parsed.findings.iter().collect::<Vec<_>>();
    sorted.sort();
    assert_eq!(sorted, parsed.findings.iter().collect::<Vec<_>>());
    assert!(
        text.contains("\"rule\": \"pod-security/privileged\""),
        "{text}"
    );

    // Same findings, nothing new: all baselined.
    let again = lint(&settings(&manifest, Some(base.clone()))).expect("lint");
    assert_eq!(again.active().count(), 0);
    assert_eq!(again.baselined, 3);

    // Reformatted and reordered: only the new finding is reported.
    std::fs::write(&manifest, AFTER).expect("write");
    let after = lint(&settings(&manifest, Some(base))).expect("lint");
    let active: Vec<_> = after.active().collect();
    assert_eq!(active.len(), 1, "{active:#?}");
    assert_eq!(active[0].rule, "pod-security/host-network");
    assert_eq!(
        active[0].resource.as_ref().and_then(|r| r.name.as_deref()),
        Some("b")
    );
    assert_eq!(after.baselined, 3);
    assert!(after
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .all(|f| f.suppressed.as_ref().map(|s| s.kind) == Some("baseline")));
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("pods.yaml");
    std::fs::write(&manifest, BEFORE).expect("write");
    let base = dir.path().join("baseline.json");
    std::fs::write(&base, "{\"version\": 1, \"findings\": [{\"nope\": 1}]}").expect("write");
    let err = lint(&settings(&manifest, Some(base))).expect_err("bad baseline");
    assert!(err.to_string().contains("cannot read baseline"), "{err}");
}
