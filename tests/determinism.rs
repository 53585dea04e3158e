//! The same input gives byte-identical JSON and SARIF across runs and thread counts.

mod common;

use kubeward::{lint, report, ConfigChoice, Outcome, Settings};
use std::path::PathBuf;

fn run(threads: usize) -> Outcome {
    let settings = Settings {
        paths: vec![
            PathBuf::from("testdata/rules/pod-security"),
            PathBuf::from("testdata/rules/rbac"),
            // Loader findings and undecodable files sort with the rest.
            PathBuf::from("testdata/bad"),
            PathBuf::from("examples"),
        ],
        config: ConfigChoice::Disabled,
        threads,
        ..Default::default()
    };
    lint(&settings).expect("lint")
}

/// JSON and SARIF of one run (neither contains timings).
fn reports(threads: usize) -> (String, String) {
    let outcome = run(threads);
    let mut json = Vec::new();
    report::json::write(&outcome, &mut json).expect("json");
    let mut sarif = Vec::new();
    report::sarif::write(&outcome, &mut sarif).expect("sarif");
    (
        String::from_utf8(json).expect("utf-8"),
        String::from_utf8(sarif).expect("utf-8"),
    )
}

#[test]
fn json_and_sarif_are_identical_across_runs_and_thread_counts() {
    let (json, sarif) = reports(1);
    assert!(json.len() > 10_000, "expected many findings");
    assert!(json.contains("yaml/syntax"), "bad input is part of the run");
    for threads in [2, 8] {
        let (j, s) = reports(threads);
        assert!(j == json, "JSON differs with --threads {threads}");
        assert!(s == sarif, "SARIF differs with --threads {threads}");
    }
}

/// Separate processes (hash seeds, thread scheduling) write the same bytes.
#[test]
fn binary_output_is_identical_across_processes() {
    let out = |threads: &str| {
        let o = common::kubeward_command()
            .args(["--no-config", "--format", "json", "--format"])
            .arg("sarif=/dev/stderr")
            .args([
                "--threads",
                threads,
                "testdata/rules/pod-security",
                "testdata/bad",
            ])
            .output()
            .expect("run kubeward");
        assert_eq!(o.status.code(), Some(1));
        (o.stdout, o.stderr)
    };
    let first = out("8");
    assert!(first.0.len() > 10_000 && first.1.len() > 10_000);
    for threads in ["8", "1"] {
        assert!(
            out(threads) == first,
            "output differs with --threads {threads}"
        );
    }
}
