//! Kubernetes YAML conformance: every case in `testdata/yaml/` (outputs of Kubernetes'
//! own Go code, see the README there) must come out of `kubeward::yaml::load` the way
//! Kubernetes reads it.
//!
//! For each case and each document N of its expected output:
//! - `docN json: X` -> our document with index N, converted with `to_json`, equals X
//!   (`null` -> no document N: kubectl skips null documents);
//! - `docN YAMLToJSON ERROR` / `docN SPLIT-ERROR` -> no document N, and one `yaml/syntax`
//!   issue per rejected document;
//! - `docN strict ERROR: ... already set in map` on an accepted document -> a
//!   `yaml/duplicate-key` issue. Exception: merge keys. Strict decoding also flags a key
//!   that a `<<` merge brings in over another, which RULES.md says is not a duplicate;
//!   so for cases with a merge key we only require that we never report a duplicate
//!   that strict decoding would not (we do report a merge that silently replaces a key
//!   written before it, because that loses an explicit value; strict mode flags it too).
//! - Keys that collide only after stringification (`1` and `"1"`) are resolved at
//!   random by Kubernetes, so the expected JSON shows just one observed outcome. Where we
//!   report `yaml/key-collision` we accept either outcome (same keys, any values);
//!   everywhere else the JSON must be equal.

use std::collections::BTreeSet;
use std::path::Path;

use kubeward::yaml::{load, to_json, Loaded};
use serde_json::Value;

/// Cases where kubeward knowingly differs from the recorded Kubernetes output: the
/// reason, and the documents kubeward must produce instead (checked exactly).
const KNOWN_DIFFERENCES: &[(&str, &str, &[&str])] = &[(
    "json stream",
    "the recorded output is YAMLToJSON of the whole chunk (first document only); kubectl \
         itself sees a stream starting with '{' and reads it with encoding/json's Decoder \
         (apimachinery NewYAMLOrJSONDecoder), which returns both objects",
    &[r#"{"a":1}"#, r#"{"b":2}"#],
)];

/// Cases that must give `yaml/key-collision` (plus every case of collide.cases).
const COLLISIONS: &[&str] = &[
    "key collision int vs str",
    "float key 1.0",
    "bool key and str",
];

/// Cases that must give `yaml/ignored-content`.
const IGNORED_CONTENT: &[&str] = &["doc end marker then content"];

#[derive(Debug, Default)]
struct Expected {
    /// (doc index, kind, message)
    lines: Vec<(usize, String, String)>,
}

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/yaml")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Splits a `.cases` file on `#### <name>` header lines. A header may follow a bare CR
/// (the `cr only` case has CR line endings).
fn parse_cases(text: &str) -> Vec<(String, String)> {
    let bytes = text.as_bytes();
    let mut headers = Vec::new();
    let mut i = 0;
    while let Some(off) = text.get(i..).and_then(|t| t.find("#### ")) {
        let at = i + off;
        if at == 0 || matches!(bytes.get(at - 1), Some(b'\n' | b'\r')) {
            headers.push(at);
        }
        i = at + 5;
    }
    let mut cases = Vec::new();
    for (k, &h) in headers.iter().enumerate() {
        let end = headers.get(k + 1).copied().unwrap_or(text.len());
        let block = &text[h + 5..end];
        let name_len = block.find(['\n', '\r']).unwrap_or(block.len());
        let name = block[..name_len].to_string();
        let body = block.get(name_len + 1..).unwrap_or("").to_string();
        cases.push((name, body));
    }
    cases
}

fn parse_expected(text: &str) -> Vec<(String, Expected)> {
    let mut out: Vec<(String, Expected)> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            out.push((name.to_string(), Expected::default()));
            continue;
        }
        let Some((_, expected)) = out.last_mut() else {
            continue;
        };
        let trimmed = line.trim_start();
        let parsed = trimmed.strip_prefix("doc").and_then(|rest| {
            let digits = rest.find(' ')?;
            let n: usize = rest[..digits].parse().ok()?;
            let rest = &rest[digits + 1..];
            let colon = rest.find(": ")?;
            Some((n, rest[..colon].to_string(), rest[colon + 2..].to_string()))
        });
        match parsed {
            Some(entry) => expected.lines.push(entry),
            // A continuation line of a multi-line error message.
            None => {
                if let Some(last) = expected.lines.last_mut() {
                    last.2.push('\n');
                    last.2.push_str(trimmed);
                }
            }
        }
    }
    out
}

/// serde_json stops at 128 levels; the `deep flow` case is deeper. For that one the
/// expected JSON goes through the loader's own (strict) JSON reader, then is checked
/// against its text so a loader bug cannot hide itself.
fn parse_json(text: &str) -> Result<Value, String> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(e) if e.to_string().contains("recursion limit") => {
            let loaded = load(text);
            match loaded.documents.as_slice() {
                [doc] if loaded.issues.is_empty() => {
                    let value = to_json(&doc.root);
                    let compact: String = text.split_whitespace().collect();
                    let rendered = value.to_string();
                    if rendered == compact {
                        Ok(value)
                    } else {
                        Err(format!("deep JSON read back as {value}"))
                    }
                }
                _ => Err(format!("deep JSON not loaded: {:?}", loaded.issues)),
            }
        }
        Err(e) => Err(e.to_string()),
    }
}

/// JSON equality with numbers compared by value (Go prints `-0`, `1e+21`; serde may
/// read them as floats where `to_json` gives integers).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// Same keys (recursively) and array lengths; scalar values may differ.
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_shape(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.keys().all(|k| y.contains_key(k))
        }
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => false,
        _ => true,
    }
}

fn count(loaded: &Loaded, rule: &str) -> usize {
    loaded.issues.iter().filter(|i| i.rule == rule).count()
}

/// Checks one case; returns the problems found.
fn check(name: &str, input: &str, expected: &Expected, loaded: &Loaded) -> Vec<String> {
    let mut problems = Vec::new();
    let collision = count(loaded, "yaml/key-collision") > 0;
    let mut error_docs = BTreeSet::new();
    let mut expected_docs = BTreeSet::new();
    let mut strict_dup = false;
    for (n, kind, message) in &expected.lines {
        let ours = loaded.documents.iter().find(|d| d.index == *n);
        match kind.as_str() {
            "json" => {
                let want: Value = match parse_json(message) {
                    Ok(v) => v,
                    Err(e) => {
                        problems.push(format!("doc{n}: bad expected JSON: {e}"));
                        continue;
                    }
                };
                expected_docs.insert(*n);
                match (ours, want.is_null()) {
                    (None, true) => {}
                    (Some(doc), true) => problems.push(format!(
                        "doc{n}: Kubernetes skips this null document, we return {}",
                        to_json(&doc.root)
                    )),
                    (None, false) => problems.push(format!(
                        "doc{n}: missing, expected {want}; issues: {:?}",
                        loaded.issues
                    )),
                    (Some(doc), false) => {
                        let got = to_json(&doc.root);
                        let ok = json_equal(&got, &want) || (collision && same_shape(&got, &want));
                        if !ok {
                            problems.push(format!("doc{n}: got {got}, expected {want}"));
                        }
                    }
                }
            }
            "YAMLToJSON ERROR" | "SPLIT-ERROR" => {
                error_docs.insert(*n);
                if let Some(doc) = ours {
                    problems.push(format!(
                        "doc{n}: Kubernetes rejects it ({message}), we return {}",
                        to_json(&doc.root)
                    ));
                }
            }
            "strict ERROR" => {
                if message.contains("already set in map") {
                    strict_dup = true;
                }
            }
            other => problems.push(format!("doc{n}: unknown expectation kind {other:?}")),
        }
    }
    // Strict errors on rejected documents repeat the YAMLToJSON error.
    let strict_dup = strict_dup && error_docs.is_empty();
    for doc in &loaded.documents {
        if !expected_docs.contains(&doc.index) {
            problems.push(format!(
                "doc{}: unexpected document {}",
                doc.index,
                to_json(&doc.root)
            ));
        }
    }
    let syntax = count(loaded, "yaml/syntax");
    if syntax != error_docs.len() {
        problems.push(format!(
            "{} yaml/syntax issues, expected {}: {:?}",
            syntax,
            error_docs.len(),
            loaded.issues
        ));
    }
    let dup = count(loaded, "yaml/duplicate-key") > 0;
    let has_merge = input.contains("<<");
    if dup && !strict_dup {
        problems.push(format!(
            "yaml/duplicate-key reported but strict decoding accepts the document: {:?}",
            loaded.issues
        ));
    }
    if strict_dup && !dup && !has_merge {
        problems.push("strict decoding reports a duplicate key, we do not".to_string());
    }
    if collision != COLLISIONS.contains(&name) {
        problems.push(format!(
            "yaml/key-collision expected: {}, reported: {collision}",
            COLLISIONS.contains(&name)
        ));
    }
    let ignored = count(loaded, "yaml/ignored-content") > 0;
    if ignored != IGNORED_CONTENT.contains(&name) {
        problems.push(format!(
            "yaml/ignored-content expected: {}, reported: {ignored}",
            IGNORED_CONTENT.contains(&name)
        ));
    }
    problems
}

#[test]
fn kubernetes_yaml_conformance() {
    let mut total = 0;
    let mut failures = Vec::new();
    let mut known = Vec::new();
    for suite in ["scalars", "syntax"] {
        let cases = parse_cases(&read(&format!("{suite}.cases")));
        let expected = parse_expected(&read(&format!("{suite}.expected")));
        assert_eq!(
            cases.iter().map(|c| &c.0).collect::<Vec<_>>(),
            expected.iter().map(|e| &e.0).collect::<Vec<_>>(),
            "{suite}: .cases and .expected list different cases"
        );
        for ((name, input), (_, want)) in cases.iter().zip(&expected) {
            total += 1;
            let loaded = load(input);
            if let Some((_, why, ours)) = KNOWN_DIFFERENCES.iter().find(|(k, ..)| k == name) {
                let got: Vec<String> = loaded
                    .documents
                    .iter()
                    .map(|d| to_json(&d.root).to_string())
                    .collect();
                if got != *ours || !loaded.issues.is_empty() {
                    failures.push(format!(
                        "{suite}/{name}: known difference, but we give {got:?} {:?}, \
                         expected {ours:?}",
                        loaded.issues
                    ));
                } else {
                    known.push(format!("{suite}/{name}: {why}"));
                }
                continue;
            }
            let problems = check(name, input, want, &loaded);
            if !problems.is_empty() {
                failures.push(format!("{suite}/{name}:\n    {}", problems.join("\n    ")));
            }
        }
    }
    for (name, input) in parse_cases(&read("collide.cases")) {
        total += 1;
        let loaded = load(&input);
        if count(&loaded, "yaml/key-collision") == 0 || loaded.documents.len() != 1 {
            failures.push(format!(
                "collide/{name}: expected a document and yaml/key-collision, got {:?}",
                loaded.issues
            ));
        }
    }
    let passed = total - failures.len() - known.len();
    eprintln!("Kubernetes YAML conformance: {passed}/{total} match");
    for k in &known {
        eprintln!("  known difference: {k}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} cases differ from Kubernetes:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(total >= 236, "only {total} cases found");
}
