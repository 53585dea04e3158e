//! The shape docs/architecture.md promises, checked on the source: the
//! crate's modules (top-level ones, and every file) import each other without
//! cycles, only clients
//! of the run (the binary, `kubeward test`) import the run, `src/lib.rs` stays
//! the module list and API, and no function grows past 150 lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read src")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its tests and comment lines.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file's module path: `src/engine/eval.rs` -> [engine, eval],
/// `src/policy/mod.rs` -> [policy].
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The module paths named in `code`: `crate::a::b`, `crate::a::{b, c::d}`,
/// `super::x`, `super::{x, y}` (relative to `parent`), each as written (the
/// caller resolves them to the longest known module).
fn paths_named(code: &str, parent: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent.to_vec())] {
        let mut rest = code;
        while let Some(i) = rest.find(prefix) {
            // `foo_super::` or `xcrate::` are other names.
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let word = |s: &str| {
                s.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or("")
                    .split("::")
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<String>>()
            };
            let head = word(rest);
            let after = &rest[rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len())..];
            let mut stem = base.clone();
            stem.extend(head);
            match after.strip_prefix('{') {
                Some(group) => {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for part in group.split(',') {
                        let mut p = stem.clone();
                        p.extend(word(part.trim()).into_iter().filter(|w| w != "self"));
                        out.push(p);
                    }
                }
                None => out.push(stem),
            }
        }
    }
    out
}

/// The import graph of the crate's files (the binary's own modules and the
/// crate root left out: they are the top of the graph), each file named by
/// `name_of` its module path. Edges go to the longest known module a named
/// path starts with; a module's own items and its ancestors' are no edge.
fn import_graph(name_of: fn(&[String]) -> String) -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let skip = ["main", "cli", "allocator", "lib"];
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_path(&src, f), f.clone()))
        .filter(|(m, _)| !(m.len() == 1 && skip.contains(&m[0].as_str())))
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, f) in &modules {
        let text = std::fs::read_to_string(f).expect("read source");
        let parent = &m[..m.len().saturating_sub(1)];
        let from = name_of(m);
        let edges = graph.entry(from.clone()).or_default();
        for named in paths_named(&code(&text), parent) {
            let Some(target) = (1..=named.len())
                .rev()
                .map(|k| named[..k].to_vec())
                .find(|p| modules.contains_key(p))
            else {
                continue;
            };
            if target == *m || m.starts_with(&target) {
                continue;
            }
            let to = name_of(&target);
            if to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

/// Panics with the cycle when the graph has one (depth-first search for a
/// back edge).
fn assert_acyclic(graph: &BTreeMap<String, BTreeSet<String>>) {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for next in graph.get(m).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => panic!("import cycle: {} -> {next}", path.join(" -> ")),
                Some(_) => {}
                None => visit(next, graph, state, path),
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if !state.contains_key(m) {
            visit(m, graph, &mut state, &mut Vec::new());
        }
    }
}

#[test]
fn modules_import_each_other_without_cycles() {
    let graph = import_graph(|m| m[0].clone());
    // Only clients of the run may import it.
    for (from, to) in &graph {
        if to.contains("run") {
            assert_eq!(
                from, "policy_test",
                "{from} imports the run's orchestration"
            );
        }
    }
    assert_acyclic(&graph);
    assert!(graph.len() > 20, "the scan found the modules: {graph:?}");
}

#[test]
fn files_import_each_other_without_cycles() {
    let graph = import_graph(|m| m.join("::"));
    assert_acyclic(&graph);
    assert!(
        graph.contains_key("run::evaluate") && graph.contains_key("policy::eval"),
        "the scan found the files: {:?}",
        graph.keys().collect::<Vec<_>>()
    );
}

#[test]
fn lib_rs_is_the_module_list_and_no_function_is_long() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    assert!(lib.lines().count() <= 300, "src/lib.rs is over 300 lines");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut long = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
                .iter()
                .any(|p| t.starts_with(p));
            if !is_fn || line.trim_end().ends_with(';') {
                continue;
            }
            // The function ends at the first `}` line at its indentation.
            let indent = line.len() - t.len();
            let close = format!("{}}}", " ".repeat(indent));
            let len = lines[i + 1..]
                .iter()
                .position(|l| l.trim_end() == close)
                .map_or(0, |p| p + 2);
            if len > 150 {
                long.push(format!("{}:{} ({len} lines)", f.display(), i + 1));
            }
        }
    }
    assert!(long.is_empty(), "functions over 150 lines: {long:?}");
}
