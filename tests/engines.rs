//! regorus' bytecode VM against the interpreter on every rule fixture, linted
//! in one run by each (`KUBEWARD_ENGINE` forces one engine, and
//! `KUBEWARD_PROGRAMS=compile` makes the RVM compile its programs at run time
//! instead of taking the ones embedded in the binary). The rules are
//! written around four RVM bugs of regorus 0.14.1 (docs/performance.md); a rule
//! that brings one of the avoided idioms back shows up here as a difference.

use std::collections::BTreeSet;
use std::process::Command;

type Key = (String, String, u64, u64, String);

fn lint_with(engine: &str, programs: &str) -> BTreeSet<Key> {
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
        .env("KUBEWARD_PROGRAMS", programs)
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
fn the_rvm_agrees_with_the_interpreter_on_every_fixture() {
    let interpreter = lint_with("interpreter", "embedded");
    assert!(interpreter.len() > 1000, "the fixtures give many findings");
    // The programs embedded in the binary, and programs compiled at run time
    // (what a run with a custom rule set or rules directory uses).
    for programs in ["embedded", "compile"] {
        let rvm = lint_with("rvm", programs);
        let only_rvm: Vec<&Key> = rvm.difference(&interpreter).collect();
        let only_interpreter: Vec<&Key> = interpreter.difference(&rvm).collect();
        assert!(
            only_rvm.is_empty() && only_interpreter.is_empty(),
            "the engines disagree ({programs} programs): only the RVM {only_rvm:#?}, \
             only the interpreter {only_interpreter:#?}"
        );
    }
}
