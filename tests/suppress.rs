//! Suppression forms end to end (testdata/suppress/): comments on a key, on one
//! container of three, before a document, for a whole file; annotations; config
//! ignores; Helm-rendered input. The active findings must equal `# expect:`.

mod common;

use kubeward::ConfigChoice;
use std::path::Path;

#[test]
fn suppression_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/suppress");
    let mut files = Vec::new();
    common::fixtures(&root, &mut files);
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| !f.ends_with(".kubeward.yaml"))
        .collect();
    assert!(files.len() >= 7, "fixtures missing");
    let mut failures = Vec::new();
    for file in &files {
        let display = file
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        let text = std::fs::read_to_string(file).expect("utf-8");
        let rules = common::header_rules(&text);
        assert!(!rules.is_empty(), "{display}: needs a `# rules:` header");
        failures.extend(common::check(file, &display, rules, ConfigChoice::Discover));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn configured_workloads_are_pod_bearing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/workloads");
    let file = root.join("custom.yaml");
    let text = std::fs::read_to_string(&file).expect("utf-8");
    let failures = common::check(
        &file,
        "workloads/custom.yaml",
        common::header_rules(&text),
        ConfigChoice::Discover,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
