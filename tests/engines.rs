//! regorus' bytecode VM (`KUBEWARD_ENGINE=rvm`, off by default) against the
//! interpreter on every rule fixture, linted in one run by each. The rules are
//! written around three RVM bugs of regorus 0.14.1 (docs/performance.md); the
//! only differences left are near-miss RBAC findings (misspelled entries such as
//! `GET`), which the RVM misses. A rule that brings one of the avoided idioms
//! back shows up here as a new difference; fixing the near misses turns this
//! test into an equality check, and the RVM could become the default for runs
//! of many resources (half the CPU on bulk).

use std::collections::BTreeSet;
use std::process::Command;

type Key = (String, String, u64, u64, String);

fn lint_with(engine: &str) -> BTreeSet<Key> {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args([
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
            "--threads",
            "1",
        ])
        .arg("testdata/rules")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("KUBEWARD_ENGINE", engine)
        .output()
        .expect("binary runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or_default(),
                f["column"].as_u64().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_rvm_differs_from_the_interpreter_only_in_known_near_misses() {
    let rvm = lint_with("rvm");
    let interpreter = lint_with("interpreter");
    assert!(interpreter.len() > 1000, "the fixtures give many findings");
    let known = |k: &Key| {
        k.0.starts_with("rbac/")
            && k.4
                .contains("which grants nothing: Kubernetes compares RBAC names exactly")
    };
    let unexpected: Vec<&Key> = rvm
        .symmetric_difference(&interpreter)
        .filter(|k| !known(k))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the engines disagree: {unexpected:#?}"
    );
}
