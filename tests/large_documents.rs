//! Large documents (16 KiB or more) are kept as a compact encoding, not as trees,
//! until they are evaluated (src/evict.rs). Their findings, locations and
//! suppressions must be exactly those of a small document: a generated
//! ConfigMap with a credential deep inside its data, another one suppressed by
//! a comment, and the same resource below the threshold.

mod common;

use kubeward::ConfigChoice;

fn config_map(padding_keys: usize) -> String {
    let mut text = String::from(
        "# rules: secrets/configmap-sensitive\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: shop\ndata:\n",
    );
    for i in 0..padding_keys {
        text.push_str(&format!(
            "  setting_{i}: \"an ordinary value number {i}\"\n"
        ));
    }
    text.push_str("  DB_PASSWORD: hunter2-but-longer # expect: secrets/configmap-sensitive\n");
    text.push_str(
        "  API_TOKEN: abcdefgh12345678 # kubeward:ignore secrets/configmap-sensitive -- test token\n",
    );
    text.push_str("  tail: done\n");
    text
}

#[test]
fn evicted_documents_report_like_small_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, keys) in [("big.yaml", 2_000), ("small.yaml", 10)] {
        let text = config_map(keys);
        let large = text.len() >= kubeward::evict::MIN_BYTES;
        assert_eq!(large, name == "big.yaml", "{name}: {} bytes", text.len());
        let file = dir.path().join(name);
        std::fs::write(&file, &text).expect("write");
        let failures = common::check(
            &file,
            name,
            common::header_rules(&text),
            ConfigChoice::Discover,
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
