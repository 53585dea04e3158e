//! Every output format on the same fixtures, snapshotted (snapshots/): the
//! fixture-times-format matrix. SARIF is also validated against the official
//! 2.1.0 schema; JUnit and checkstyle are parsed back as XML; GitLab is checked
//! for unique fingerprints.

use kubeward::finding::{Severity, Suppression};
use kubeward::report::{checkstyle, compact, github, gitlab, human, json, junit, sarif};
use kubeward::{lint, ConfigChoice, Outcome, Settings};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Fixtures in testdata/formats/ (`<case>.yaml`).
const CASES: &[&str] = &[
    "clean",
    "findings",
    "parse-error",
    "latin1",
    "suppressed",
    "multi",
    "helm",
];

/// `helm`: saved `helm template` output of testdata/helm/app, whose findings
/// carry their template and values file (the chart is found next to the file).
const HELM_RENDERED: &str = "testdata/helm/app/rendered/default.yaml";

/// `multi`: one run over several files: errors, warnings, an info, suppressed
/// findings (with and without a reason) and a parse error.
const MULTI: &[&str] = &["findings", "parse-error", "suppressed"];

/// Cases built from a linted fixture by editing the outcome (see `outcome`).
const EDITED: &[&str] = &["escaping", "suppressed-by-hand", "helm-chart"];

/// The Pod Security Standards Baseline rules. Format tests run only these (the
/// loader's checks always run), so snapshots do not move as rules are added to
/// the catalogue.
const RULES: &[&str] = &[
    "pod-security/apparmor",
    "pod-security/capabilities-baseline",
    "pod-security/host-ipc",
    "pod-security/host-network",
    "pod-security/host-path",
    "pod-security/host-pid",
    "pod-security/host-port",
    "pod-security/privileged",
    "pod-security/probe-host",
    "pod-security/proc-mount",
    "pod-security/seccomp-unconfined",
    "pod-security/selinux",
    "pod-security/sysctls",
    "pod-security/windows-host-process",
    "kubeward/suppression-without-reason",
    "kubeward/unused-suppression",
    "kubeward/unknown-rule",
];

const FORMATS: &[&str] = &[
    "human",
    "json",
    "compact",
    "sarif",
    "github",
    "junit",
    "gitlab",
    "checkstyle",
];

fn lint_fixture(case: &str) -> Outcome {
    let settings = Settings {
        paths: if case == "multi" {
            MULTI
                .iter()
                .map(|c| PathBuf::from(format!("testdata/formats/{c}.yaml")))
                .collect()
        } else if case == "helm" {
            vec![PathBuf::from(HELM_RENDERED)]
        } else {
            vec![PathBuf::from(format!("testdata/formats/{case}.yaml"))]
        },
        threads: 1,
        only_rules: Some(RULES.iter().map(|r| r.to_string()).collect()),
        config: ConfigChoice::Disabled,
        ..Default::default()
    };
    let mut o = lint(&settings).expect("lint runs");
    // SARIF lists the catalogue's rules: keep it to the rules that ran.
    o.catalog
        .rules
        .retain(|r| RULES.contains(&r.meta.id.as_str()));
    o
}

/// A fixture's outcome, or one of the `EDITED` cases:
/// - `escaping`: findings.yaml reported under a path full of characters that
///   need escaping somewhere, with messages carrying newlines, `%`, markup,
///   quotes, commas, colons and a control character;
/// - `suppressed-by-hand`: findings.yaml with the privileged finding suppressed
///   by a comment (with a reason) and the duplicate key by config (without).
fn outcome(case: &str) -> Outcome {
    match case {
        "escaping" => {
            let mut o = lint_fixture("findings");
            o.files[0].path = "./deploy/odd dir,a:b%c/<api> & \"x\" #1.yaml".into();
            o.findings[0]
                .message
                .push_str("\nsecond line: 100% <sure> & \"quoted\", 'single'::x \u{1} %0A");
            o
        }
        "suppressed-by-hand" => {
            let mut o = lint_fixture("findings");
            let privileged = o
                .findings
                .iter_mut()
                .find(|f| f.rule == "pod-security/privileged")
                .expect("privileged finding");
            privileged.suppressed = Some(Suppression {
                kind: "comment",
                reason: Some("debug pod, removed in #123".into()),
            });
            let dup = o
                .findings
                .iter_mut()
                .find(|f| f.rule == "yaml/duplicate-key")
                .expect("duplicate-key finding");
            dup.suppressed = Some(Suppression {
                kind: "config",
                reason: None,
            });
            o
        }
        // The same stream as kubeward's own rendering of the chart directory:
        // text on no disk, so CI formats annotate the template file instead.
        "helm-chart" => {
            let mut o = lint_fixture("helm");
            o.files[0].path = "testdata/helm/app".into();
            o.files[0].generated = true;
            o
        }
        fixture => lint_fixture(fixture),
    }
}

fn render(format: &str, o: &Outcome) -> String {
    let mut buf = Vec::new();
    let w = &mut buf;
    match format {
        "human" => human::write(
            o,
            human::HumanOptions {
                color: false,
                show_elapsed: false,
                show_suppressed: false,
                quiet: false,
                statistics: false,
                width: 100,
            },
            w,
        ),
        "json" => json::write(o, w),
        "compact" => compact::write(o, w),
        "sarif" => sarif::write(o, w),
        "github" => github::write(
            o,
            github::GithubOptions {
                show_elapsed: false,
            },
            w,
        ),
        "junit" => junit::write(o, w),
        "gitlab" => gitlab::write(o, w),
        "checkstyle" => checkstyle::write(o, w),
        other => panic!("unknown format {other}"),
    }
    .expect("writes");
    String::from_utf8(buf).expect("utf-8 output")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

/// Runs `check` on every case's output in `format` and snapshots it. `edited`
/// says which edited cases the format is snapshotted for.
fn matrix(format: &str, edited: &[&str], check: impl Fn(&str, &Outcome, &str)) {
    for case in CASES.iter().chain(edited) {
        let o = outcome(case);
        let out = render(format, &o);
        check(case, &o, &out);
        snap!(format!("formats__{format}__{case}"), out);
    }
}

#[test]
fn human_format() {
    matrix("human", &["escaping", "helm-chart"], |_, _, _| {});
}

#[test]
fn json_format() {
    matrix("json", EDITED, |_, o, out| {
        // The contract: valid JSON with version 1 and a summary.
        let v: serde_json::Value = serde_json::from_str(out).expect("valid JSON");
        assert_eq!(v["version"], 1);
        assert_eq!(v["summary"]["files"], o.files.len());
        // Suppressed findings stay in, marked.
        assert_eq!(
            v["findings"].as_array().map(Vec::len),
            Some(o.findings.len())
        );
    });
}

#[test]
fn compact_format() {
    matrix("compact", &["escaping", "helm-chart"], |_, o, out| {
        assert_eq!(out.lines().count(), o.active().count());
        for line in out.lines() {
            // path:line:col: severity: message [rule]
            let rest = o
                .files
                .iter()
                .find_map(|f| line.strip_prefix(&format!("{}:", f.path)))
                .expect("starts with a linted file's path");
            let mut parts = rest.splitn(3, ':');
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
    });
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("testdata/schemas/sarif-2.1.0.json").expect("schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

#[test]
fn sarif_format() {
    let validator = sarif_validator();
    let version = format!("\"{}\"", env!("CARGO_PKG_VERSION"));
    for case in CASES.iter().chain(EDITED) {
        let o = outcome(case);
        let out = render("sarif", &o);
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{case}: SARIF schema errors: {errors:#?}"
        );

        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        let results = run["results"].as_array().expect("results");
        // Suppressed findings are kept (with `suppressions`).
        assert_eq!(results.len(), o.findings.len(), "{case}");
        for (r, f) in results.iter().zip(&o.findings) {
            let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[idx]["id"], r["ruleId"], "{case}");
            assert_eq!(r["ruleId"], f.rule.as_str());
            assert_eq!(
                r["suppressions"].is_array(),
                f.suppressed.is_some(),
                "{case}: {r}"
            );
            let location = &r["locations"][0]["physicalLocation"];
            if o.files[f.file].generated {
                // Rendered by kubeward: the location is the template on disk.
                let template = f.source.as_ref().and_then(|s| s.file.as_deref());
                assert_eq!(
                    location["artifactLocation"]["uri"].as_str(),
                    template,
                    "{case}"
                );
                assert!(location["region"]["startColumn"].is_null(), "{case}");
            } else {
                assert_eq!(location["region"]["startLine"], f.line);
                assert_eq!(location["region"]["startColumn"], f.column);
            }
        }
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "rules are sorted and unique");

        // The version moves with every release; the snapshot should not.
        let mut out = out.replace(&version, "\"[version]\"");
        // The rule descriptors do not depend on the input: only the findings
        // snapshot shows them, the others show the results.
        if *case != "findings" {
            out = elide_rules(&out, rules.len());
        }
        snap!(format!("formats__sarif__{case}"), out);
    }
}

/// The validation above has teeth: the schema rejects what GitHub would.
#[test]
fn sarif_schema_rejects_broken_logs() {
    let validator = sarif_validator();
    let good: serde_json::Value =
        serde_json::from_str(&render("sarif", &outcome("findings"))).expect("json");
    assert!(validator.is_valid(&good));
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad), "unknown level accepted");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!validator.is_valid(&bad), "line 0 accepted");
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["suppressions"] = serde_json::json!([{"kind": "inline"}]);
    assert!(
        !validator.is_valid(&bad),
        "unknown suppression kind accepted"
    );
    let mut bad = good;
    bad["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    assert!(!validator.is_valid(&bad), "bad informationUri accepted");
}

/// Replaces the pretty-printed `"rules": [...]` array of the driver by a note,
/// keeping everything else byte for byte.
fn elide_rules(sarif: &str, n: usize) -> String {
    let open = "          \"rules\": [";
    let close = "          ]";
    let mut out = String::new();
    let mut inside = false;
    for line in sarif.lines() {
        if line == open {
            inside = true;
            out.push_str(&format!(
                "          \"rules\": \"[{n} rules, as in formats__sarif__findings]\"\n"
            ));
        } else if inside {
            inside = line != close;
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(!inside, "unterminated rules array");
    out
}

#[test]
fn github_format() {
    matrix("github", &["escaping", "helm-chart"], |_, o, out| {
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), o.active().count() + 1, "{out}");
        let (last, commands) = lines.split_last().expect("summary line");
        assert!(last.starts_with("Linted "), "{last}");
        for line in commands {
            assert!(
                ["::error file=", "::warning file=", "::notice file="]
                    .iter()
                    .any(|p| line.starts_with(p)),
                "{line}"
            );
            // Exactly one `::` separates the properties from the message
            // (data may contain `::` but properties cannot).
            let (props, _) = line[2..].split_once("::").expect("message");
            assert!(props.contains(",title="), "{line}");
        }
    });
}

#[test]
fn junit_format() {
    matrix("junit", &["escaping", "helm-chart"], |case, o, out| {
        let doc = roxmltree::Document::parse(out).unwrap_or_else(|e| panic!("{case}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let attr = |n: roxmltree::Node, a: &str| -> usize {
            n.attribute(a)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{case}: {a} on {n:?}"))
        };
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(suites.len(), o.files.len());
        let (mut tests, mut failed, mut failures) = (0, 0, 0);
        for s in &suites {
            assert_eq!(s.tag_name().name(), "testsuite");
            let cases: Vec<_> = s
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            let failed_here = cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
                .count();
            assert_eq!(attr(*s, "tests"), cases.len(), "{case}");
            assert_eq!(attr(*s, "failures"), failed_here, "{case}");
            tests += cases.len();
            failed += failed_here;
            failures += s
                .descendants()
                .filter(|n| n.has_tag_name("failure"))
                .count();
        }
        assert_eq!(attr(root, "tests"), tests);
        assert_eq!(attr(root, "failures"), failed);
        // One <failure> per active finding; messages survive the round trip.
        assert_eq!(failures, o.active().count(), "{case}");
        let messages: BTreeSet<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .filter_map(|n| n.attribute("message"))
            .collect();
        for f in o.active() {
            let xml_safe = f.message.replace('\u{1}', "\u{FFFD}");
            assert!(messages.contains(xml_safe.as_str()), "{case}: {xml_safe}");
        }
    });
}

#[test]
fn checkstyle_format() {
    matrix("checkstyle", &["escaping", "helm-chart"], |case, o, out| {
        let doc = roxmltree::Document::parse(out).unwrap_or_else(|e| panic!("{case}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "checkstyle");
        let files: Vec<_> = root.children().filter(|n| n.has_tag_name("file")).collect();
        assert_eq!(files.len(), o.files.len());
        assert_eq!(files[0].attribute("name"), Some(o.files[0].path.as_str()));
        let errors: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("error"))
            .collect();
        assert_eq!(errors.len(), o.active().count(), "{case}");
        for (e, f) in errors.iter().zip(o.active()) {
            assert_eq!(e.attribute("source"), Some(f.rule.as_str()));
            assert_eq!(e.attribute("line"), Some(f.line.to_string().as_str()));
            assert_eq!(
                e.attribute("message").map(str::to_string),
                Some(f.message.replace('\u{1}', "\u{FFFD}"))
            );
        }
    });
}

#[test]
fn gitlab_format() {
    matrix("gitlab", &["escaping", "helm-chart"], |case, o, out| {
        let v: serde_json::Value = serde_json::from_str(out).expect("valid JSON");
        let issues = v.as_array().expect("an array");
        assert_eq!(issues.len(), o.active().count(), "{case}");
        let fingerprints: BTreeSet<&str> = issues
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        assert_eq!(
            fingerprints.len(),
            issues.len(),
            "{case}: unique fingerprints"
        );
        for i in issues {
            for key in ["description", "check_name", "severity"] {
                assert!(i[key].is_string(), "{case}: {key} in {i}");
            }
            assert!(i["location"]["path"].is_string());
            assert!(i["location"]["lines"]["begin"].is_u64());
            let sev = i["severity"].as_str().unwrap_or_default();
            assert!(["info", "minor", "major"].contains(&sev), "{sev}");
        }
    });
}

/// Formats other than json and sarif leave suppressed findings out.
#[test]
fn suppressed_findings_only_in_json_and_sarif() {
    let o = outcome("suppressed-by-hand");
    assert_eq!(o.suppressed(), 2);
    assert_eq!(o.count(Severity::Error), 1);
    for format in FORMATS {
        let out = render(format, &o);
        let mentions = out.contains("runs privileged");
        let kept = matches!(*format, "json" | "sarif");
        assert_eq!(mentions, kept, "{format}:\n{out}");
    }
}

/// The same finding appearing twice (two identical duplicate keys, say) must
/// still get distinct GitLab fingerprints, and the first keeps the plain one.
#[test]
fn gitlab_fingerprints_stay_unique() {
    let mut o = lint_fixture("findings");
    let dup = o.findings[0].clone();
    o.findings.insert(1, dup);
    let out = render("gitlab", &o);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let fp = |i: usize| v[i]["fingerprint"].as_str().unwrap_or_default().to_string();
    assert_eq!(fp(1), format!("{}-2", fp(0)));
    assert_eq!(
        fp(0),
        o.findings[0].fingerprint("testdata/formats/findings.yaml")
    );
}
