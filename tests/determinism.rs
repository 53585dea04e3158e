//! The same input gives byte-identical JSON whatever the thread count.

use kubeward::{lint, report, ConfigChoice, Settings};
use std::path::PathBuf;

fn json_with_threads(threads: usize) -> String {
    let settings = Settings {
        paths: vec![
            PathBuf::from("testdata/rules/pod-security"),
            PathBuf::from("testdata/rules/rbac"),
            PathBuf::from("examples"),
        ],
        config: ConfigChoice::Disabled,
        threads,
        ..Default::default()
    };
    let outcome = lint(&settings).expect("lint");
    let mut out = Vec::new();
    report::json::write(&outcome, &mut out).expect("write");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn json_is_identical_across_thread_counts() {
    let one = json_with_threads(1);
    assert!(one.len() > 10_000, "expected many findings");
    assert_eq!(one, json_with_threads(2));
    assert_eq!(one, json_with_threads(4));
}
