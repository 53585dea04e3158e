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

/// A Secret too large to keep as a tree is masked like a small one: its
/// values never reach the snippet (`report::redact` decodes the evicted tree).
#[test]
fn evicted_secrets_are_masked() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n  namespace: shop\nstringData:\n",
    );
    for i in 0..400 {
        text.push_str(&format!("  key_{i}: kw-TEST-SECRET-padding-value-{i:04}\n"));
    }
    assert!(text.len() >= kubeward::evict::MIN_BYTES);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big-secret.yaml");
    std::fs::write(&file, &text).expect("write");
    let settings = kubeward::Settings {
        paths: vec![file],
        only_rules: Some(vec!["secrets/inline-secret-manifest".into()]),
        threads: 1,
        config: ConfigChoice::Disabled,
        ..Default::default()
    };
    let outcome = kubeward::lint(&settings).expect("lint runs");
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let mut out = Vec::new();
    kubeward::report::human::write(
        &outcome,
        kubeward::report::human::HumanOptions {
            color: false,
            show_elapsed: false,
            show_suppressed: true,
            quiet: false,
            statistics: false,
            width: 100,
        },
        &mut out,
    )
    .expect("writes");
    let out = String::from_utf8(out).expect("utf-8");
    assert!(out.contains("key_0: «redacted, 33 chars»"), "{out}");
    assert!(!out.contains("TEST-SECRET"), "{out}");
}
