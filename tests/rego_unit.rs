//! Runs the Rego unit tests of the bundled rules (`rules/**/*_test.rego`) through regorus, so
//! no OPA binary is needed.
//!
//! Every `rules/**/*.rego` file is loaded into one engine together with the default
//! `data.kubeward.config` and the constant tables of `rules/data/<name>.json` as
//! `data.kubeward.tables.<name>` (as the linter loads them); every rule head `test_*` found at the start of a line in a
//! `*_test.rego` file is evaluated as `data.<package>.<test>` and must be exactly `true`.
//! The test fails when no test is found at all.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use regorus::{Engine, Value};

const CONFIG: &str = r#"{"kubeward":{"config":{"kube_version":"1.35","kube_minor":35}}}"#;

fn rego_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rego_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rego") {
            out.push(path);
        }
    }
}

/// The constant tables: `rules/data/<name>.json` -> (name, parsed JSON).
fn tables(dir: &Path) -> Vec<(String, serde_json::Value)> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_else(|| panic!("bad table file name {}", path.display()))
                .to_string();
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
            (name, value)
        })
        .collect()
}

/// The package of a Rego file and the names of the `test_*` rules defined in it.
fn tests_in(text: &str) -> Option<(String, BTreeSet<String>)> {
    let package = text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix("package ")?;
        Some(rest.trim().to_string())
    })?;
    let tests = text
        .lines()
        .filter(|line| line.starts_with("test_"))
        .map(|line| {
            line.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .collect();
    Some((package, tests))
}

#[test]
fn rego_unit_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = Vec::new();
    rego_files(&root, &mut files);
    assert!(!files.is_empty(), "no .rego files under {}", root.display());

    let mut engine = Engine::new();
    let mut tests: Vec<(String, String, String)> = Vec::new(); // (file, package, test)
    for file in &files {
        let text = fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let shown = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(file)
            .display()
            .to_string();
        if let Err(e) = engine.add_policy(shown.clone(), text.clone()) {
            panic!("{shown} does not parse:\n{e}");
        }
        if shown.ends_with("_test.rego") {
            if let Some((package, names)) = tests_in(&text) {
                for name in names {
                    tests.push((shown.clone(), package.clone(), name));
                }
            }
        }
    }
    let config = Value::from_json_str(CONFIG).expect("invariant: CONFIG is valid JSON");
    engine
        .add_data(config)
        .expect("invariant: CONFIG is an object");
    let tables = tables(&root.join("data"));
    assert!(!tables.is_empty(), "no tables under rules/data");
    for (name, value) in tables {
        let doc = serde_json::json!({"kubeward": {"tables": {name.clone(): value}}});
        let doc = Value::from_json_str(&doc.to_string())
            .unwrap_or_else(|e| panic!("rules/data/{name}.json: {e}"));
        engine
            .add_data(doc)
            .unwrap_or_else(|e| panic!("rules/data/{name}.json: {e}"));
    }

    assert!(
        !tests.is_empty(),
        "no test_* rules found in rules/**/*_test.rego"
    );

    let mut failures = Vec::new();
    for (file, package, name) in &tests {
        let rule = format!("data.{package}.{name}");
        match engine.eval_rule(rule.clone()) {
            Ok(Value::Bool(true)) => {}
            Ok(value) => failures.push(format!("{file}: {rule} is {value}, not true")),
            Err(e) => failures.push(format!("{file}: {rule} failed:\n{e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} Rego unit tests failed:\n{}",
        failures.len(),
        tests.len(),
        failures.join("\n")
    );
    eprintln!("{} Rego unit tests passed", tests.len());
}
