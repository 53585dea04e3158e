//! Bytes -> decoded text -> documents -> resources, as `kubeward` reads a file.
//! Nothing may panic, and every span (issues, nodes, keys) must slice the text.
#![no_main]

use kubeward::input::{issue_finding, load_bytes, Loaded};
use kubeward::resource::resources_of;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::tolerate_parser_panics();
    let Loaded::File {
        source,
        issues,
        documents,
    } = load_bytes("fuzz.yaml".into(), data.to_vec())
    else {
        return;
    };
    let text: &str = &source.text;
    for issue in &issues {
        common::check(text, issue.span, issue.rule);
        // Turning an issue into a located finding computes line:column.
        let f = issue_finding(0, &source, issue);
        assert!(f.line >= 1 && f.line <= source.line_count());
        assert!((f.line, f.column) <= (f.end_line, f.end_column));
    }
    for doc in &documents {
        assert!(doc.start <= text.len(), "document start past the end");
        // Nothing is evicted yet: `full` borrows the loaded tree.
        let root = doc.root.full();
        common::check_tree(text, &root);
        // The JSON view and the engine's value conversion walk the whole tree.
        let _ = kubeward::yaml::to_json(&root);
        let _ = kubeward::engine::convert::to_value(&root);
        // Large documents are kept in the compact encoding until evaluated:
        // decoding must give the tree back (compared encoded, so NaN equals itself).
        let bytes = kubeward::yaml::compact::encode(&root, text);
        let back = kubeward::yaml::compact::decode(&bytes, text).expect("decodes");
        assert!(kubeward::yaml::compact::encode(&back, text) == bytes, "round trip");
        assert!(back.span == root.span);
    }
    // And the eviction itself keeps every span inside the text, and an
    // evicted tree decodes to the whole one.
    let mut documents = documents;
    kubeward::evict::evict(&mut documents, &source.text, |_| false);
    for doc in &documents {
        common::check(text, doc.root.span(), "document span");
        if let Some(meta) = doc.root.metadata() {
            common::check_tree(text, meta);
        }
        common::check_tree(text, &doc.root.full());
    }
    for r in resources_of(0, text, documents, &mut Vec::new()) {
        let tree = r.tree();
        common::check_tree(text, &tree);
        let at = kubeward::locate::locate(&tree, &[]);
        common::check(text, at.span, "resource location");
    }
});
