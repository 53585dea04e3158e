//! The fixture harness: every file under testdata/rules/<category>/<name>/ is
//! linted with only that rule enabled, and the set of (line, rule) it reports
//! must equal the `# expect: <rule-id>[, <rule-id>...]` comments, both ways.

use kubeward::{lint, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            fixtures(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

/// (line, rule) pairs declared by `# expect:` comments.
fn expectations(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            for id in line[pos + "# expect:".len()..].split(',') {
                let id = id.trim();
                if !id.is_empty() {
                    out.insert((i + 1, id.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_fixture_reports_exactly_its_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut files = Vec::new();
    fixtures(&root, &mut files);
    files.sort();
    assert!(
        !files.is_empty(),
        "no fixtures found under {}",
        root.display()
    );

    let mut failures = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&root).expect("under root");
        let comps: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        if comps.len() != 3 {
            failures.push(format!(
                "{}: fixtures live in <category>/<name>/<file>",
                rel.display()
            ));
            continue;
        }
        let rule = format!("{}/{}", comps[0], comps[1]);
        let fname = &comps[2];
        let text = std::fs::read_to_string(file).expect("fixture is UTF-8");
        let expected = expectations(&text);
        if fname.starts_with("pass") && !expected.is_empty() {
            failures.push(format!(
                "{}: a pass fixture must expect nothing",
                rel.display()
            ));
        }
        if fname.starts_with("fail") && expected.is_empty() {
            failures.push(format!(
                "{}: a fail fixture must expect something",
                rel.display()
            ));
        }
        // A fixture may pin the target version: `# kube-version: 1.30`.
        let kube_version = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("# kube-version:"))
            .map(|v| kubeward::parse_kube_version(v).expect("valid # kube-version"))
            .unwrap_or(kubeward::DEFAULT_KUBE_VERSION);
        let settings = Settings {
            paths: vec![file.clone()],
            only_rules: Some(vec![rule.clone()]),
            threads: 1,
            kube_version,
            ..Default::default()
        };
        let outcome = match lint(&settings) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: lint failed: {e}", rel.display()));
                continue;
            }
        };
        let got: BTreeSet<(usize, String)> = outcome
            .findings
            .iter()
            .map(|f| (f.line, f.rule.clone()))
            .collect();
        for miss in expected.difference(&got) {
            failures.push(format!(
                "{}:{}: expected {} but it was not reported",
                rel.display(),
                miss.0,
                miss.1
            ));
        }
        for extra in got.difference(&expected) {
            let msg = outcome
                .findings
                .iter()
                .find(|f| f.line == extra.0 && f.rule == extra.1)
                .map(|f| f.message.clone())
                .unwrap_or_default();
            failures.push(format!(
                "{}:{}: unexpected {} ({msg})",
                rel.display(),
                extra.0,
                extra.1
            ));
        }
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
    for rule in &catalog.rules {
        let dir = root.join(&rule.meta.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !names.iter().any(|n| n.starts_with("pass")) {
            missing.push(format!("{}: no pass fixture", rule.meta.id));
        }
        if !names.iter().any(|n| n.starts_with("fail")) {
            missing.push(format!("{}: no fail fixture", rule.meta.id));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
