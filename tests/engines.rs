//! regorus' bytecode VM against the interpreter on every rule fixture, linted
//! in one run by each (`KUBEWARD_ENGINE` forces one engine; the RVM runs with
//! programs it compiles and writes to an empty program cache, with the
//! programs it then reads back, and with `KUBEWARD_PROGRAMS=compile`, no
//! cache at all). The rules are
//! written around four RVM bugs of regorus 0.14.1 (docs/performance.md); a rule
//! that brings one of the avoided idioms back shows up here as a difference.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

type Key = (String, String, u64, u64, String);

fn lint_with(engine: &str, programs: &str, cache: &Path) -> BTreeSet<Key> {
    let out = common::kubeward_command()
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
        .env("KUBEWARD_CACHE_DIR", cache)
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
    let cache = tempfile::tempdir().expect("cache dir");
    let interpreter = lint_with("interpreter", "cache", cache.path());
    assert!(interpreter.len() > 1000, "the fixtures give many findings");
    // Programs compiled and cached by the first run, read from the cache by
    // the second, and compiled without a cache (what a run with a rules
    // directory or --no-cache uses).
    // (path, modified time) of every cached program.
    let files = || -> BTreeSet<(std::path::PathBuf, std::time::SystemTime)> {
        let mut out = BTreeSet::new();
        let mut dirs = vec![cache.path().join("programs")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let meta = e.metadata().expect("metadata");
                match meta.is_dir() {
                    true => dirs.push(e.path()),
                    false => {
                        out.insert((e.path(), meta.modified().expect("mtime")));
                    }
                }
            }
        }
        out
    };
    assert!(files().is_empty(), "the interpreter compiles no program");
    let mut written = BTreeSet::new();
    for (name, programs) in [
        ("cold cache", "cache"),
        ("warm cache", "cache"),
        ("no cache", "compile"),
    ] {
        let rvm = lint_with("rvm", programs, cache.path());
        match name {
            "cold cache" => {
                written = files();
                assert!(written.len() > 5, "one program per rule group: {written:?}");
            }
            // Read back, not compiled again (which would rewrite them).
            _ => assert_eq!(files(), written, "{name}"),
        }
        let programs = name;
        let only_rvm: Vec<&Key> = rvm.difference(&interpreter).collect();
        let only_interpreter: Vec<&Key> = interpreter.difference(&rvm).collect();
        assert!(
            only_rvm.is_empty() && only_interpreter.is_empty(),
            "the engines disagree ({programs} programs): only the RVM {only_rvm:#?}, \
             only the interpreter {only_interpreter:#?}"
        );
    }
}
