//! Shared by the fixture harnesses: linting a fixture as its header says and
//! the exact-set check (both from src/fixtures.rs).
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use kubeward::fixtures::{mismatches, Expectation, Fixture};
use kubeward::{lint, ConfigChoice, Outcome, Settings};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
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
    out.sort();
}

/// A fixture's comments (`# expect:`, `# rules:`, ...): the parser
/// `kubeward test` uses too (src/fixtures.rs). Panics on an invalid header.
pub fn header(text: &str) -> Fixture {
    Fixture::parse(text).unwrap_or_else(|e| panic!("invalid fixture header: {e}"))
}

/// The `# rules: a/b, c/d` a fixture adds to the rule it tests.
pub fn header_rules(text: &str) -> Vec<String> {
    header(text).rules
}

/// `KUBEWARD_RULES_DIR`, as the binary reads it: scripts/check-fixtures.py runs
/// the fixture tests against the working tree's rules without a rebuild (the
/// library reads no environment; tests are an edge like main).
fn rules_dir() -> Option<PathBuf> {
    std::env::var_os("KUBEWARD_RULES_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// Lints `file` with exactly `rules`, as its header says (kube version,
/// namespace, parameters through a config file); the outcome and the header.
pub fn lint_fixture(
    file: &Path,
    rules: Vec<String>,
    config: ConfigChoice,
) -> Result<(Outcome, Fixture), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let fixture = Fixture::parse(&text)?;
    // Parameters travel the way users give them: through a config file.
    let _dir;
    let config = match &fixture.params {
        Some(params) => {
            _dir = tempfile::tempdir().expect("tempdir");
            let path = _dir.path().join(".kubeward.yaml");
            std::fs::write(&path, format!("params: {params}\n")).expect("write config");
            ConfigChoice::File(path)
        }
        None => config,
    };
    let settings = Settings {
        paths: vec![file.to_path_buf()],
        only_rules: Some(rules),
        threads: 1,
        kube_version: Some(
            fixture
                .kube_version
                .unwrap_or(kubeward::DEFAULT_KUBE_VERSION),
        ),
        namespace: fixture.namespace.clone(),
        config,
        // Rules run as users run them: RVM programs from the program cache.
        cache_dir: Some(PathBuf::from(TEST_CACHE_DIR)),
        rules_dir: rules_dir(),
        ..Default::default()
    };
    let outcome = lint(&settings).map_err(|e| format!("lint failed: {e}"))?;
    Ok((outcome, fixture))
}

/// Lints `file` with exactly `rules` and compares the active findings with the
/// file's expectations; returns one line per mismatch.
pub fn check(file: &Path, display: &str, rules: Vec<String>, config: ConfigChoice) -> Vec<String> {
    match lint_fixture(file, rules, config) {
        Ok((outcome, fixture)) => mismatches(&fixture.expected, &outcome, |_| true)
            .iter()
            .map(|m| format!("{display}: {m}"))
            .collect(),
        Err(e) => vec![format!("{display}: {e}")],
    }
}

/// A helm for tests: a real `helm` on PATH, else the repository's stand-in
/// (scripts/helm, Helm's Go library through the PyPI package helm-python-sdk)
/// when that package is installed. None: rendering tests are reported as
/// skipped (tests/harness).
pub fn helm() -> Option<PathBuf> {
    static HELM: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    HELM.get_or_init(|| {
        let works = |bin: &Path| {
            std::process::Command::new(bin)
                .arg("version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let stand_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/helm");
        if works(&stand_in) {
            return Some(stand_in);
        }
        let on_path = PathBuf::from("helm");
        works(&on_path).then_some(on_path)
    })
    .clone()
}

/// The rules whose chart fixtures need a helm: tests/helm.rs checks them
/// (its harness reports them as skipped without one), tests/rules.rs the rest.
pub const RENDERING_RULES: &[&str] = &["helm/render-error"];

/// Checks a chart fixture directory: `# expect:` comments in any of its files
/// (Chart.yaml, templates) against the findings in those files. Charts are
/// linted with `--no-helm` unless the rule is about rendering (then a helm
/// is required: without one, that is the mismatch reported).
pub fn check_chart(dir: &Path, display: &str, rule: &str) -> Vec<String> {
    check_chart_outcome(dir, display, rule).1
}

/// [`check_chart`], with the outcome (None: the chart could not be linted).
pub fn check_chart_outcome(
    dir: &Path,
    display: &str,
    rule: &str,
) -> (Option<Outcome>, Vec<String>) {
    let renders = RENDERING_RULES.contains(&rule);
    let helm = if renders {
        match helm() {
            Some(h) => Some(h),
            None => return (None, vec![format!("{display}: needs a helm to render")]),
        }
    } else {
        None
    };
    let mut files = Vec::new();
    fixtures(dir, &mut files);
    // Expectations per file of the chart, by path relative to the chart.
    let mut expected: std::collections::BTreeMap<String, BTreeSet<Expectation>> =
        Default::default();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("fixture is UTF-8");
        let rel = f.strip_prefix(dir).expect("inside").display().to_string();
        let e = match kubeward::fixtures::expectations(&text) {
            Ok(e) => e,
            Err(e) => return (None, vec![format!("{display}/{rel}: {e}")]),
        };
        if !e.is_empty() {
            expected.insert(rel, e);
        }
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with("pass") && !expected.is_empty() {
        return (
            None,
            vec![format!("{display}: a pass fixture must expect nothing")],
        );
    }
    if name.starts_with("fail") && expected.is_empty() {
        return (
            None,
            vec![format!("{display}: a fail fixture must expect something")],
        );
    }
    let settings = Settings {
        paths: vec![dir.to_path_buf()],
        only_rules: Some(vec![rule.to_string()]),
        threads: 1,
        config: ConfigChoice::Disabled,
        helm: kubeward::helm::HelmSettings {
            bin: helm,
            no_render: !renders,
            ..Default::default()
        },
        cache_dir: Some(PathBuf::from(TEST_CACHE_DIR)),
        rules_dir: rules_dir(),
        ..Default::default()
    };
    let outcome = match lint(&settings) {
        Ok(o) => o,
        Err(e) => return (None, vec![format!("{display}: lint failed: {e}")]),
    };
    let prefix = dir.display().to_string();
    let rel = |f: &kubeward::finding::Finding| {
        let path = &outcome.files[f.file].path;
        path.strip_prefix(&prefix)
            .map(|p| p.trim_start_matches('/').to_string())
            .unwrap_or(path.clone())
    };
    // Every file that expects or reports something, each compared on its own.
    let mut shown: BTreeSet<String> = expected.keys().cloned().collect();
    shown.extend(outcome.active().map(&rel));
    let none = BTreeSet::new();
    let problems = shown
        .iter()
        .flat_map(|file| {
            let want = expected.get(file).unwrap_or(&none);
            mismatches(want, &outcome, |f| rel(f) == *file)
                .into_iter()
                .map(move |m| format!("{display}/{file}: {m}"))
        })
        .collect();
    (Some(outcome), problems)
}

/// Where the binaries the tests run keep their caches (compiled rule
/// programs, project inventories): a directory of the test build, shared by
/// the test binaries, never the user's own cache.
pub const TEST_CACHE_DIR: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/kubeward-cache");

/// The binary, with its caches in [`TEST_CACHE_DIR`] (a test's own
/// `--cache-dir`, `--no-cache` or `KUBEWARD_CACHE_DIR` still wins).
pub fn kubeward_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"));
    cmd.env("KUBEWARD_CACHE_DIR", TEST_CACHE_DIR);
    cmd
}

/// The binary run in `dir` with no colour and no stdin.
pub fn kubeward_in(dir: &Path, args: &[&str]) -> std::process::Output {
    kubeward_command()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("binary runs")
}

/// Output bytes as text, for messages and `contains` checks.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
