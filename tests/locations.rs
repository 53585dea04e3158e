//! Property tests: for generated manifests, written in block or flow style with
//! plain or quoted (and non-ASCII) keys, every location kubeward reports lies
//! inside the file, on character boundaries, and on the key it names.

use kubeward::finding::PathSeg;
use kubeward::locate::locate;
use kubeward::yaml::{load, Node};
use kubeward::{lint, ConfigChoice, Settings};
use proptest::prelude::*;
use std::fmt::Write as _;

/// A generated value; map keys are unique.
#[derive(Debug, Clone)]
enum Gen {
    Int(i64),
    Str(String),
    Bool(bool),
    Seq(Vec<Gen>),
    Map(Vec<(String, Gen)>),
}

fn key() -> impl Strategy<Value = String> {
    // Not numbers or booleans (those stringify differently), some non-ASCII.
    prop_oneof![
        "[a-z][a-zA-Z0-9]{0,8}",
        "[a-z]{1,4}[./-][a-z]{1,6}",
        Just("clé".to_string()),
        Just("ключ".to_string()),
        Just("名前".to_string()),
    ]
    .prop_filter("YAML 1.1 booleans and null stringify differently", |k| {
        !matches!(
            k.to_ascii_lowercase().as_str(),
            "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "null"
        )
    })
}

fn gen() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(|i| Gen::Int(i.into())),
        "[ -~é日]{0,12}".prop_map(Gen::Str),
        any::<bool>().prop_map(Gen::Bool),
    ];
    leaf.prop_recursive(5, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Gen::Seq),
            prop::collection::btree_map(key(), inner, 0..5)
                .prop_map(|m| Gen::Map(m.into_iter().collect())),
        ]
    })
}

/// How keys are written.
#[derive(Debug, Clone, Copy)]
enum KeyStyle {
    Plain,
    Double,
    Single,
}

fn write_key(out: &mut String, k: &str, style: KeyStyle) {
    match style {
        KeyStyle::Plain => out.push_str(k),
        KeyStyle::Double => out.push_str(&serde_json::to_string(k).expect("json string")),
        KeyStyle::Single => {
            let _ = write!(out, "'{}'", k.replace('\'', "''"));
        }
    }
}

fn write_scalar(out: &mut String, g: &Gen) {
    match g {
        Gen::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Gen::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        // Always double-quoted (JSON escapes are valid YAML): no typing surprises.
        Gen::Str(s) => out.push_str(&serde_json::to_string(s).expect("json string")),
        _ => {}
    }
}

fn write_flow(out: &mut String, g: &Gen, ks: KeyStyle) {
    match g {
        Gen::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, item, ks);
            }
            out.push(']');
        }
        Gen::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, k, ks);
                out.push_str(": ");
                write_flow(out, v, ks);
            }
            out.push('}');
        }
        _ => write_scalar(out, g),
    }
}

/// Block style; collections at `flow_from` depth and below are written in flow style.
fn write_block(
    out: &mut String,
    g: &Gen,
    indent: usize,
    depth: usize,
    flow_from: usize,
    ks: KeyStyle,
) {
    let pad = " ".repeat(indent);
    match g {
        Gen::Map(entries) if !entries.is_empty() && depth < flow_from => {
            for (k, v) in entries {
                out.push_str(&pad);
                write_key(out, k, ks);
                out.push(':');
                value_after_key(out, v, indent, depth, flow_from, ks);
            }
        }
        Gen::Seq(items) if !items.is_empty() && depth < flow_from => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                match item {
                    Gen::Map(e) if !e.is_empty() && depth + 1 < flow_from => {
                        // `- key: v` then the other keys aligned under the first.
                        let mut inner = String::new();
                        write_block(&mut inner, item, indent + 2, depth + 1, flow_from, ks);
                        out.push_str(inner.trim_start());
                    }
                    Gen::Seq(s) if !s.is_empty() && depth + 1 < flow_from => {
                        out.push('\n');
                        write_block(out, item, indent + 2, depth + 1, flow_from, ks);
                    }
                    _ => {
                        write_flow(out, item, ks);
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            write_flow(out, g, ks);
            out.push('\n');
        }
    }
}

fn value_after_key(
    out: &mut String,
    v: &Gen,
    indent: usize,
    depth: usize,
    flow_from: usize,
    ks: KeyStyle,
) {
    match v {
        Gen::Map(e) if !e.is_empty() && depth + 1 < flow_from => {
            out.push('\n');
            write_block(out, v, indent + 2, depth + 1, flow_from, ks);
        }
        Gen::Seq(s) if !s.is_empty() && depth + 1 < flow_from => {
            out.push('\n');
            write_block(out, v, indent, depth + 1, flow_from, ks);
        }
        _ => {
            out.push(' ');
            write_flow(out, v, ks);
            out.push('\n');
        }
    }
}

fn key_style() -> impl Strategy<Value = KeyStyle> {
    prop_oneof![
        Just(KeyStyle::Plain),
        Just(KeyStyle::Double),
        Just(KeyStyle::Single)
    ]
}

/// A manifest document: `apiVersion`, `kind`, then generated content.
fn manifest() -> impl Strategy<Value = (String, Gen)> {
    (
        prop::collection::btree_map(key(), gen(), 1..6),
        0usize..6,
        key_style(),
        prop::bool::ANY,
    )
        .prop_map(|(body, flow_from, ks, crlf)| {
            let mut entries = vec![
                ("apiVersion".to_string(), Gen::Str("v1".into())),
                ("kind".to_string(), Gen::Str("ConfigMap".into())),
            ];
            entries.extend(
                body.into_iter()
                    .filter(|(k, _)| k != "apiVersion" && k != "kind"),
            );
            let g = Gen::Map(entries);
            let mut text = String::from("# generated\n");
            write_block(&mut text, &g, 0, 0, flow_from.max(1), ks);
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            (text, g)
        })
}

/// The text at a span, without the quotes of a quoted key.
fn unquoted(s: &str) -> String {
    if let Some(inner) = s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        return serde_json::from_str(s).unwrap_or_else(|_| inner.to_string());
    }
    if let Some(inner) = s.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    s.to_string()
}

/// Every path of the generated value, checked against the loaded tree.
fn check_paths(
    text: &str,
    root: &Node,
    g: &Gen,
    path: &mut Vec<PathSeg>,
) -> Result<(), TestCaseError> {
    match g {
        Gen::Map(entries) => {
            for (k, v) in entries {
                path.push(PathSeg::Key(k.clone()));
                let at = locate(root, path);
                prop_assert_eq!(at.depth, path.len(), "{:?} not found", path);
                let got = text.get(at.span.start..at.span.end);
                prop_assert!(got.is_some(), "span {:?} not in the text", at.span);
                prop_assert_eq!(unquoted(got.unwrap_or_default()), k.clone(), "{:?}", path);
                check_paths(text, root, v, path)?;
                path.pop();
            }
        }
        Gen::Seq(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                let at = locate(root, path);
                prop_assert_eq!(at.depth, path.len(), "{:?} not found", path);
                prop_assert!(text.get(at.span.start..at.span.end).is_some());
                check_paths(text, root, v, path)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_path_lands_on_its_key((text, g) in manifest()) {
        let loaded = load(&text);
        prop_assert!(loaded.issues.is_empty(), "{:?}\n{}", loaded.issues, text);
        prop_assert_eq!(loaded.documents.len(), 1, "{}", text);
        let root = &loaded.documents[0].root;
        check_paths(&text, root, &g, &mut Vec::new())?;
    }
}

/// A Pod with generated container fields, so rules fire at varied places.
fn pod() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("privileged: true"),
        Just("allowPrivilegeEscalation: true"),
        Just("runAsUser: 0"),
        Just("readOnlyRootFilesystem: false"),
        Just("capabilities: {add: [NET_ADMIN, SYS_ADMIN]}"),
    ];
    (
        prop::collection::vec(field, 0..4),
        prop::collection::vec(key(), 0..3),
        prop::bool::ANY,
        prop::bool::ANY,
    )
        .prop_map(|(fields, labels, host, flow)| {
            let mut t =
                String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: gen\n  labels:\n");
            for (i, l) in labels.iter().enumerate() {
                let _ = writeln!(
                    t,
                    "    {}: v{i}",
                    serde_json::to_string(l).unwrap_or_default()
                );
            }
            t.push_str("spec:\n");
            if host {
                t.push_str("  hostNetwork: true\n");
            }
            t.push_str("  containers:\n  - name: app\n    image: nginx\n");
            if flow {
                let _ = writeln!(t, "    securityContext: {{{}}}", fields.join(", "));
            } else {
                t.push_str("    securityContext:\n");
                for f in &fields {
                    let _ = writeln!(t, "      {f}");
                }
            }
            t
        })
}

proptest! {
    // Each case runs the whole catalogue: fewer cases.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_finding_lies_in_the_file_and_on_its_key(text in pod()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("pod.yaml");
        std::fs::write(&file, &text).expect("write");
        let outcome = lint(&Settings {
            paths: vec![file],
            config: ConfigChoice::Disabled,
            threads: 1,
            ..Default::default()
        })
        .expect("lint");
        prop_assert!(!outcome.findings.is_empty());
        let root = &load(&text).documents[0].root;
        let lines = text.lines().count();
        for f in &outcome.findings {
            let at = text.get(f.start..f.end);
            prop_assert!(at.is_some(), "{:?} outside the file", f);
            prop_assert!(f.line >= 1 && f.line <= lines + 1, "{:?}", f);
            // A path that exists in the document: the finding is on its last key.
            if let Some(PathSeg::Key(k)) = f.path.last() {
                if locate(root, &f.path).depth == f.path.len() {
                    prop_assert_eq!(unquoted(at.unwrap_or_default()), k.clone(), "{:?}", f);
                }
            }
            // Its line:column is where its byte offset is.
            let before = &text[..f.start];
            prop_assert_eq!(f.line, before.matches('\n').count() + 1);
            let col = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
            prop_assert_eq!(f.column, col);
        }
    }
}

#[test]
fn locations_of_aliased_and_merged_keys_stay_in_the_file() {
    // Not generated: the anchor's text is where an aliased key points.
    let text = "apiVersion: v1\nkind: ConfigMap\nbase: &b {clé: 1}\ndata:\n  <<: *b\n  x: 2\n";
    let root = &load(text).documents[0].root;
    let at = locate(
        root,
        &[PathSeg::Key("data".into()), PathSeg::Key("clé".into())],
    );
    assert_eq!(&text[at.span.start..at.span.end], "clé");
}
