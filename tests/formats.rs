//! Every output format on the same fixtures, snapshotted (snapshots/).

use kubeward::report::{compact, human, json};
use kubeward::{lint, Outcome, Settings};
use std::path::PathBuf;

const CASES: &[&str] = &["clean", "findings", "parse-error", "latin1"];

fn run(case: &str) -> Outcome {
    let ext = "yaml";
    let settings = Settings {
        paths: vec![PathBuf::from(format!("testdata/formats/{case}.{ext}"))],
        threads: 1,
        ..Default::default()
    };
    lint(&settings).expect("lint runs")
}

fn render(outcome: &Outcome, f: impl Fn(&Outcome, &mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    f(outcome, &mut buf).expect("writes");
    String::from_utf8(buf).expect("utf-8 output")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

#[test]
fn human_format() {
    for case in CASES {
        let o = run(case);
        let opts = human::HumanOptions {
            color: false,
            show_elapsed: false,
            width: 100,
        };
        snap!(
            format!("formats__human__{case}"),
            render(&o, |o, w| human::write(o, opts, w))
        );
    }
}

#[test]
fn json_format() {
    for case in CASES {
        let o = run(case);
        let out = render(&o, |o, w| json::write(o, w));
        // The contract: valid JSON with version 1 and a summary.
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(v["version"], 1);
        assert_eq!(v["summary"]["files"], 1);
        snap!(format!("formats__json__{case}"), out);
    }
}

#[test]
fn compact_format() {
    for case in CASES {
        let o = run(case);
        let out = render(&o, |o, w| compact::write(o, w));
        for line in out.lines() {
            // path:line:col: severity: message [rule]
            let mut parts = line.splitn(4, ':');
            assert!(parts.next().is_some_and(|p| p.ends_with(".yaml")), "{line}");
            assert!(
                parts.next().is_some_and(|p| p.parse::<usize>().is_ok()),
                "{line}"
            );
            assert!(
                parts.next().is_some_and(|p| p.parse::<usize>().is_ok()),
                "{line}"
            );
            assert!(line.ends_with(']'), "{line}");
        }
        snap!(format!("formats__compact__{case}"), out);
    }
}
