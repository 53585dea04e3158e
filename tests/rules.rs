//! The fixture harness: every file under testdata/rules/<category>/<name>/ is
//! a test of its own, `fixture::<category>/<name>/<file>` (a chart directory
//! is one test), so `cargo test --test rules privileged` runs that rule's
//! fixtures. Each is linted with only that rule enabled (plus any `# rules:`
//! it names), and the set of (line, rule) it reports must equal its
//! `# expect: <rule-id>` comments, both ways; `# expect: <rule-id>@<column>`
//! also pins the column (src/fixtures.rs parses the headers). The first
//! `fail-*` fixture of each rule also snapshots its human output
//! (snapshots/rules__<category>__<name>.snap; `INSTA_UPDATE=always` rewrites).
//!
//! `harness = false` (Cargo.toml): tests/harness runs the tests, with the
//! usual libtest arguments (name filters, `--exact`, `--skip`, `--list`).
//! One process lints every fixture, so the bundled catalogue is read once.

mod common;
mod harness;

use kubeward::report::human;
use kubeward::{ConfigChoice, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

/// A fixture: one file, or a chart directory (it holds Chart.yaml).
struct Case {
    /// Relative to testdata/rules: `<category>/<name>/<file or chart>`.
    rel: String,
    path: PathBuf,
    rule: String,
    chart: bool,
}

/// Every fixture, sorted, and the files that are not where fixtures live.
fn cases() -> (Vec<Case>, Vec<String>) {
    let root = root();
    let mut files = Vec::new();
    common::fixtures(&root, &mut files);
    let mut cases = Vec::new();
    let mut misplaced = Vec::new();
    let mut charts = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&root).expect("under root").to_path_buf();
        let comps: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if comps.len() > 3 {
            let dir: PathBuf = rel.iter().take(3).collect();
            if root.join(&dir).join("Chart.yaml").is_file() {
                if charts.insert(dir.clone()) {
                    cases.push(Case {
                        rel: dir.display().to_string(),
                        path: root.join(&dir),
                        rule: format!("{}/{}", comps[0], comps[1]),
                        chart: true,
                    });
                }
                continue;
            }
        }
        if comps.len() != 3 {
            misplaced.push(rel.display().to_string());
            continue;
        }
        cases.push(Case {
            rel: rel.display().to_string(),
            path: file,
            rule: format!("{}/{}", comps[0], comps[1]),
            chart: false,
        });
    }
    cases.sort_by(|a, b| a.rel.cmp(&b.rel));
    (cases, misplaced)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Lints one fixture and checks it; `snapshot`: also snapshot its human output.
fn check_case(path: &Path, rel: &str, rule: &str, chart: bool, snapshot: bool) {
    let (outcome, failures) = if chart {
        common::check_chart_outcome(path, rel, rule)
    } else {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let mut rules = vec![rule.to_string()];
        rules.extend(common::header_rules(&text));
        match common::lint_fixture(path, rules, ConfigChoice::Disabled) {
            Ok((outcome, fixture)) => {
                let failures =
                    kubeward::fixtures::mismatches(&fixture.expected, &outcome, |_| true)
                        .iter()
                        .map(|m| format!("{rel}: {m}"))
                        .collect();
                (Some(outcome), failures)
            }
            Err(e) => (None, vec![format!("{rel}: {e}")]),
        }
    };
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if let (true, Some(outcome)) = (snapshot, outcome) {
        let name = format!("rules__{}", rule.replace('/', "__"));
        let text = render_human(outcome);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            input_file => format!("testdata/rules/{rel}"),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

/// The human report without colour or timing, paths relative to the crate.
fn render_human(mut o: Outcome) -> String {
    let base = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    for f in &mut o.files {
        if let Some(rel) = f.path.strip_prefix(&base) {
            f.path = rel.to_string();
        }
    }
    let mut buf = Vec::new();
    human::write(&o, human::HumanOptions::plain(100), &mut buf).expect("writes");
    let text = String::from_utf8(buf).expect("utf-8 output");
    assert!(!text.contains(&base), "an absolute path in:\n{text}");
    text
}

/// Every bundled rule (and built-in check) has a pass and a fail fixture.
fn every_bundled_rule_has_pass_and_fail_fixtures() {
    let catalog = kubeward::engine::Catalog::bundled().expect("bundled rules load");
    assert!(!catalog.rules.is_empty());
    let root = root();
    let mut missing = Vec::new();
    let ids = catalog
        .rules
        .iter()
        .map(|r| r.meta.id.as_str())
        .chain(kubeward::rules_builtin::BUILTIN.iter().map(|b| b.id))
        .filter(|id| *id != kubeward::rules_builtin::POLICY_ERROR);
    for id in ids {
        let names: Vec<String> = std::fs::read_dir(root.join(id))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !names.iter().any(|n| n.starts_with("pass")) {
            missing.push(format!("{id}: no pass fixture"));
        }
        if !names.iter().any(|n| n.starts_with("fail")) {
            missing.push(format!("{id}: no fail fixture"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The expectations of a fixture file, or of every file of a chart.
fn expects_something(case: &Case) -> bool {
    let mut files = Vec::new();
    if case.chart {
        common::fixtures(&case.path, &mut files);
    } else {
        files.push(case.path.clone());
    }
    files.iter().any(|f| {
        let text = std::fs::read_to_string(f).expect("fixture is UTF-8");
        !common::header(&text).expected.is_empty()
    })
}

fn pass_fixtures_expect_nothing() {
    let bad: Vec<String> = cases()
        .0
        .iter()
        .filter(|c| file_name(&c.rel).starts_with("pass") && expects_something(c))
        .map(|c| format!("{}: a pass fixture must expect nothing", c.rel))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn fail_fixtures_expect_something() {
    let bad: Vec<String> = cases()
        .0
        .iter()
        .filter(|c| file_name(&c.rel).starts_with("fail") && !expects_something(c))
        .map(|c| format!("{}: a fail fixture must expect something", c.rel))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn fixtures_live_in_category_name_file() {
    let (cases, misplaced) = cases();
    assert!(!cases.is_empty(), "no fixtures under {}", root().display());
    let bad: Vec<String> = misplaced
        .iter()
        .map(|m| format!("{m}: fixtures live in <category>/<name>/<file>"))
        .chain(
            cases
                .iter()
                .filter(|c| {
                    let name = file_name(&c.rel);
                    !name.starts_with("pass") && !name.starts_with("fail")
                })
                .map(|c| format!("{}: a fixture is named pass-* or fail-*", c.rel)),
        )
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `# expect: rule@column` fails on the right line at another column, and
/// two findings of one rule on one line are told apart by their columns.
fn column_pins_are_checked() {
    let fixture = root().join("pod-security/privileged/fail-flow-mapping.yaml");
    let text = std::fs::read_to_string(&fixture).expect("fixture");
    assert!(text.contains("privileged@199"), "{text}");
    let dir = tempfile::tempdir().expect("tempdir");
    let moved = dir.path().join("moved.yaml");
    std::fs::write(&moved, text.replace("privileged@199", "privileged@82")).expect("write");
    let problems = common::check(
        &moved,
        "moved.yaml",
        vec!["pod-security/privileged".into()],
        ConfigChoice::Disabled,
    );
    assert_eq!(
        problems,
        ["moved.yaml: line 8: expected pod-security/privileged at column 82, reported at column 199"]
    );
}

/// Snapshots of rules that no longer exist (or lost their fail fixtures).
fn no_stale_rule_snapshots() {
    let (cases, _) = cases();
    let wanted: BTreeSet<String> = cases
        .iter()
        .map(|c| format!("rules__{}.snap", c.rule.replace('/', "__")))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .expect("snapshots/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("rules__") && n.ends_with(".snap") && !wanted.contains(n))
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots of no rule: {}",
        stale.join(", ")
    );
}

fn main() -> std::process::ExitCode {
    let mut tests = harness::tests![
        every_bundled_rule_has_pass_and_fail_fixtures,
        pass_fixtures_expect_nothing,
        fail_fixtures_expect_something,
        fixtures_live_in_category_name_file,
        no_stale_rule_snapshots,
        column_pins_are_checked,
    ];
    let (cases, _) = cases();
    // The first fail fixture of each rule is snapshotted.
    let mut first_fail: BTreeMap<&str, &str> = BTreeMap::new();
    for c in &cases {
        // Charts that must render need a helm: tests/helm.rs checks them.
        if c.chart && common::RENDERING_RULES.contains(&c.rule.as_str()) {
            continue;
        }
        if file_name(&c.rel).starts_with("fail") {
            first_fail.entry(&c.rule).or_insert(&c.rel);
        }
    }
    for c in &cases {
        if c.chart && common::RENDERING_RULES.contains(&c.rule.as_str()) {
            continue;
        }
        let snapshot = first_fail.get(c.rule.as_str()) == Some(&c.rel.as_str());
        let (path, rel, rule, chart) = (c.path.clone(), c.rel.clone(), c.rule.clone(), c.chart);
        tests.push(harness::Test::new(
            format!("fixture::{}", c.rel),
            move || check_case(&path, &rel, &rule, chart, snapshot),
        ));
    }
    harness::main(tests)
}
