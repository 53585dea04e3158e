//! The fixture harness: every file under testdata/rules/<category>/<name>/ is
//! linted with only that rule enabled (plus any `# rules:` it names), and the
//! set of (line, rule) it reports must equal its `# expect: <rule-id>` comments,
//! both ways. `pass-*` files expect nothing; `fail-*` files expect something.

mod common;

use kubeward::ConfigChoice;
use std::path::Path;

#[test]
fn every_fixture_reports_exactly_its_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut files = Vec::new();
    common::fixtures(&root, &mut files);
    assert!(
        !files.is_empty(),
        "no fixtures found under {}",
        root.display()
    );

    let mut failures = Vec::new();
    let mut charts = std::collections::BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under root");
        // A fixture directory holding Chart.yaml is a chart: checked as one.
        if rel.iter().count() > 3 {
            let dir = root.join(rel.iter().take(3).collect::<std::path::PathBuf>());
            if dir.join("Chart.yaml").is_file() {
                charts.insert(dir);
                continue;
            }
        }
        let display = rel.display().to_string();
        let comps: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if comps.len() != 3 {
            failures.push(format!(
                "{display}: fixtures live in <category>/<name>/<file>"
            ));
            continue;
        }
        let rule = format!("{}/{}", comps[0], comps[1]);
        let text = std::fs::read_to_string(file).expect("fixture is UTF-8");
        let expected = common::expectations(&text);
        if comps[2].starts_with("pass") && !expected.is_empty() {
            failures.push(format!("{display}: a pass fixture must expect nothing"));
        }
        if comps[2].starts_with("fail") && expected.is_empty() {
            failures.push(format!("{display}: a fail fixture must expect something"));
        }
        let mut rules = vec![rule];
        rules.extend(common::header_rules(&text));
        failures.extend(common::check(file, &display, rules, ConfigChoice::Disabled));
    }
    for dir in &charts {
        let rel = dir.strip_prefix(&root).expect("under root");
        let comps: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        let rule = format!("{}/{}", comps[0], comps[1]);
        // Charts that must render need a helm: tests/helm.rs checks them.
        if common::RENDERING_RULES.contains(&rule.as_str()) {
            continue;
        }
        failures.extend(common::check_chart(dir, &rel.display().to_string(), &rule));
    }
    assert!(
        failures.is_empty(),
        "{} fixture mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_bundled_rule_has_pass_and_fail_fixtures() {
    let catalog = kubeward::engine::Catalog::bundled().expect("bundled rules load");
    assert!(!catalog.rules.is_empty());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
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
