//! Field path -> span resolution (src/locate.rs). The input's first line is a path
//! (`spec/containers/0/image`: numbers are indexes), the rest a YAML or JSON file.
//! Besides the given path, every path that exists in the loaded tree is resolved and
//! must land exactly on its key (or item) at full depth.
#![no_main]

use kubeward::finding::PathSeg;
use kubeward::locate::locate;
use kubeward::yaml::{load, Node, NodeKind};
use libfuzzer_sys::fuzz_target;

mod common;

/// Bounds the work per input: trees can hold millions of nodes after aliases.
const MAX_PATHS: usize = 2_000;

fuzz_target!(|data: &[u8]| {
    common::tolerate_parser_panics();
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (path_line, text) = input.split_once('\n').unwrap_or((input, ""));
    let given: Vec<PathSeg> = path_line
        .split('/')
        .filter(|s| !s.is_empty())
        .take(64)
        .map(|s| match s.parse::<usize>() {
            Ok(i) => PathSeg::Index(i),
            Err(_) => PathSeg::Key(s.to_string()),
        })
        .collect();
    let loaded = load(text);
    for doc in &loaded.documents {
        let root = &doc.root;
        common::check_tree(text, root);
        let at = locate(root, &given);
        common::check(text, at.span, "given path");
        assert!(at.depth <= given.len());

        let mut budget = MAX_PATHS;
        let mut path = Vec::new();
        every_path(text, root, root, &mut path, &mut budget);
    }
});

/// Resolves the path of every node under `node` (depth-first, bounded).
fn every_path(text: &str, root: &Node, node: &Node, path: &mut Vec<PathSeg>, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Map(entries) => {
            for e in entries {
                path.push(PathSeg::Key(e.key.clone()));
                let at = locate(root, path);
                common::check(text, at.span, "key path");
                assert_eq!(at.depth, path.len(), "existing key not reached: {path:?}");
                assert_eq!(at.span, e.key_span, "key path landed off its key: {path:?}");
                every_path(text, root, &e.value, path, budget);
                path.pop();
            }
        }
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                let at = locate(root, path);
                common::check(text, at.span, "item path");
                assert_eq!(at.depth, path.len(), "existing item not reached: {path:?}");
                assert_eq!(
                    at.span.start, item.span.start,
                    "item path landed off its item: {path:?}"
                );
                every_path(text, root, item, path, budget);
                path.pop();
            }
        }
    }
}
