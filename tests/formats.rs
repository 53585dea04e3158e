//! Every output format on the same fixtures, snapshotted (snapshots/): the
//! fixture-times-format matrix. SARIF is also validated against the official
//! 2.1.0 schema; JUnit and checkstyle are parsed back as XML; GitLab is checked
//! for unique fingerprints.

use kubeward::finding::{Severity, Suppression};
use kubeward::report::{self, checkstyle, compact, github, gitlab, human, json, junit, sarif};
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
    "secrets",
    "secret-parse-error",
];

/// `secret-parse-error`: a Secret whose document does not parse, next to the
/// syntax error.
///
/// `secrets`: a Pod with literal credentials in env, a Secret (stringData with
/// a PEM block scalar, data) and a ConfigMap holding passwords, linted with the
/// secrets rules and two careless user policies that quote the values they
/// read (testdata/policies/leaky). No value may reach any report.
const SECRET_RULES: &[&str] = &[
    "secrets/env-literal",
    "secrets/inline-secret-manifest",
    "secrets/configmap-sensitive",
    "team/leaky-secret",
    "team/leaky-env",
];

/// Every secret value of testdata/formats/secrets.yaml (they all hold
/// `TEST-SECRET` or `TESTSECRET`, or start a PEM block), and the base64 form
/// of one.
const SECRET_MARKERS: &[&str] = &[
    "TEST-SECRET",
    "BEGIN PRIVATE KEY",
    "TESTSECRET",
    "a3ctVEVTVC1TRUNSRVQtZGF0YS02",
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
    let rules: Vec<&str> = match case {
        "secrets" => RULES.iter().chain(SECRET_RULES).copied().collect(),
        _ => RULES.to_vec(),
    };
    let mut policies = kubeward::policy::PolicyOptions::default();
    if case == "secrets" {
        policies
            .paths
            .push(PathBuf::from("testdata/policies/leaky"));
    }
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
        only_rules: Some(rules.iter().map(|r| r.to_string()).collect()),
        config: ConfigChoice::Disabled,
        policies,
        ..Default::default()
    };
    let mut o = lint(&settings).expect("lint runs");
    // SARIF lists the catalogue's rules: keep it to the rules that ran.
    o.catalog
        .rules
        .retain(|r| rules.contains(&r.meta.id.as_str()));
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
        "human" => human::write(o, human::HumanOptions::plain(100), w),
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
    matrix("compact", &["escaping", "helm-chart"], |case, o, out| {
        assert_eq!(out.lines().count(), o.active().count());
        for (line, f) in out.lines().zip(o.active()) {
            // path:line:col: severity: message [rule], where path:line is the
            // linted file's, or for a rendered chart its template's.
            let at = report::place(o, f);
            if o.files[f.file].generated {
                assert_ne!(at.path, o.files[f.file].path, "{case}: {line}");
                let rendered = at.rendered.as_deref().expect("rendered position");
                assert!(line.contains(&format!(" at {rendered}")), "{line}");
            }
            let rest = line
                .strip_prefix(&format!("{}:", at.path))
                .unwrap_or_else(|| panic!("{case}: {line} names {}", at.path));
            assert!(rest.starts_with(&format!("{}:", at.line)), "{line}");
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
        let mut places = Vec::new();
        for s in &suites {
            assert_eq!(s.tag_name().name(), "testsuite");
            let cases: Vec<_> = s
                .children()
                .filter(|n| n.has_tag_name("testcase"))
                .collect();
            // Testcase names are unique in their suite; each failed testcase
            // holds exactly one finding.
            let names: BTreeSet<&str> = cases.iter().filter_map(|c| c.attribute("name")).collect();
            assert_eq!(names.len(), cases.len(), "{case}: {names:?}");
            for c in &cases {
                let n = c.children().filter(|n| n.has_tag_name("failure")).count();
                assert!(n <= 1, "{case}: {n} failures in {c:?}");
                if n == 1 {
                    places.push((
                        c.attribute("file").map(str::to_string),
                        c.attribute("line").map(str::to_string),
                    ));
                }
            }
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
            // On a template, the message also says where it was rendered.
            let at = report::place(o, f);
            let message = match at.rendered {
                Some(_) => report::message_with_source_at(f, &at),
                None => f.message.clone(),
            };
            let xml_safe = message.replace('\u{1}', "\u{FFFD}");
            assert!(messages.contains(xml_safe.as_str()), "{case}: {xml_safe}");
        }
        // Each testcase names the file to open and its line: the linted
        // file's, or for a rendered chart the template's.
        let expected: Vec<_> = o
            .active()
            .map(|f| {
                let at = report::place(o, f);
                (Some(at.path), Some(at.line.to_string()))
            })
            .collect();
        assert_eq!(places, expected, "{case}");
    });
}

#[test]
fn checkstyle_format() {
    matrix("checkstyle", &["escaping", "helm-chart"], |case, o, out| {
        let doc = roxmltree::Document::parse(out).unwrap_or_else(|e| panic!("{case}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "checkstyle");
        let files: Vec<_> = root.children().filter(|n| n.has_tag_name("file")).collect();
        let names: Vec<&str> = files.iter().filter_map(|n| n.attribute("name")).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{case}: one element per file");
        // Every linted file has its element, except a rendered chart (no file
        // on disk) whose findings all went to their templates.
        for file in o.files.iter().filter(|f| !f.generated) {
            assert!(names.contains(&file.path.as_str()), "{case}: {}", file.path);
        }
        // (file, line, column, rule, message) of every error, against each
        // active finding's place.
        let mut got: Vec<_> = files
            .iter()
            .flat_map(|file| {
                file.children()
                    .filter(|n| n.has_tag_name("error"))
                    .map(|e| {
                        let a = |k: &str| e.attribute(k).map(str::to_string);
                        (
                            file.attribute("name").map(str::to_string),
                            a("line"),
                            a("column"),
                            a("source"),
                            a("message"),
                        )
                    })
            })
            .collect();
        let mut want: Vec<_> = o
            .active()
            .map(|f| {
                let at = report::place(o, f);
                let message = match at.rendered {
                    Some(_) => report::message_with_source_at(f, &at),
                    None => f.message.clone(),
                };
                (
                    Some(at.path.clone()),
                    Some(at.line.to_string()),
                    at.column.map(|c| c.to_string()),
                    Some(f.rule.clone()),
                    Some(message.replace('\u{1}', "\u{FFFD}")),
                )
            })
            .collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{case}");
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

/// No secret value in any format, suppressed findings included: the snippet
/// (every line of its window), messages (the leaky policies quote values),
/// baselines.
#[test]
fn no_secret_in_any_output() {
    let text = std::fs::read_to_string("testdata/formats/secrets.yaml").expect("fixture");
    for m in SECRET_MARKERS {
        assert!(text.contains(m), "the fixture holds {m}");
    }
    let leaks = |what: &str, out: &str| {
        for m in SECRET_MARKERS {
            assert!(!out.contains(m), "{what} shows {m}:\n{out}");
        }
    };
    let mut o = outcome("secrets");
    let rules: BTreeSet<&str> = o.findings.iter().map(|f| f.rule.as_str()).collect();
    for id in SECRET_RULES.iter().chain(&["pod-security/privileged"]) {
        assert!(rules.contains(id), "{id} reports on the fixture: {rules:?}");
    }
    // The careless policies did quote the values: scrubbed, not absent.
    let scrubbed = o
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("team/leaky") && f.message.contains("«redacted»"))
        .count();
    assert!(scrubbed >= 5, "{scrubbed} scrubbed messages");
    for format in FORMATS {
        leaks(format, &render(format, &o));
    }
    // SARIF carries positions, never source text.
    assert!(!render("sarif", &o).contains("\"snippet\""));
    leaks("baseline", &baseline_text(&o));
    // A Secret that does not parse: masked from its text alone.
    let broken = outcome("secret-parse-error");
    assert_eq!(broken.findings.len(), 1, "{:?}", broken.findings);
    for format in FORMATS {
        leaks(format, &render(format, &broken));
    }
    assert!(render("human", &broken).contains("token: «redacted»"));
    // Suppressed findings: json and sarif keep them, human shows them on request.
    for f in &mut o.findings {
        f.suppressed = Some(Suppression {
            kind: "comment",
            reason: Some("accepted".into()),
        });
    }
    for format in FORMATS {
        leaks(format, &render(format, &o));
    }
    let human = render_human(&o, true);
    assert!(human.contains("[suppressed by comment"), "{human}");
    assert!(human.contains("«redacted, 4 lines»"), "{human}");
    leaks("human --show-suppressed", &human);

    // The test has teeth: without the masks the snippets show the values
    // (those in a snippet window: the PEM's middle lines are in none).
    o.redactions = Default::default();
    let bare = render_human(&o, true);
    for m in &SECRET_MARKERS[..2] {
        assert!(bare.contains(m), "unmasked snippets show {m}");
    }
}

/// A baseline of every active finding, as `--write-baseline` writes it.
fn baseline_text(o: &Outcome) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("baseline.json");
    kubeward::baseline::write(o, &path).expect("baseline written");
    let text = std::fs::read_to_string(&path).expect("baseline read");
    assert!(text.contains("secrets/env-literal"), "{text}");
    text
}

fn render_human(o: &Outcome, show_suppressed: bool) -> String {
    let mut buf = Vec::new();
    human::write(
        o,
        human::HumanOptions {
            show_suppressed,
            ..human::HumanOptions::plain(100)
        },
        &mut buf,
    )
    .expect("writes");
    String::from_utf8(buf).expect("utf-8 output")
}

/// Each finding is its own testcase: the same finding twice (two identical
/// duplicate keys, say) gets a second, numbered name.
#[test]
fn junit_testcases_are_one_per_finding_and_unique() {
    let mut o = lint_fixture("secrets");
    let first = o
        .findings
        .iter()
        .position(|f| f.rule == "secrets/env-literal")
        .expect("env-literal finding");
    let dup = o.findings[first].clone();
    o.findings.insert(first + 1, dup);
    let out = render("junit", &o);
    let doc = roxmltree::Document::parse(&out).expect("xml");
    let names: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    let base = "secrets/env-literal (Pod prod/leaky) spec.containers[0].env[0].value";
    assert!(names.contains(&base), "{names:?}");
    assert!(names.contains(&format!("{base} #2").as_str()), "{names:?}");
    // Two findings of one rule on one resource: two testcases.
    assert!(names.contains(&"secrets/env-literal (Pod prod/leaky) spec.containers[0].env[1].value"));
    let root = doc.root_element();
    assert_eq!(
        root.attribute("failures"),
        Some(o.active().count().to_string().as_str())
    );
    // Deterministic: the same outcome, the same report.
    assert_eq!(render("junit", &o), out);
}
