//! `kubeward test`: Rego unit tests (`test_*` rules, as `opa test` runs them)
//! and fixture tests (manifests with `# expect: <rule-id>` comments, linted with
//! the policies and compared as an exact set of (line, rule), the way
//! kubeward's own rule fixtures are checked: both use [`crate::fixtures`]).

use crate::engine::Catalog;
use crate::fixtures::{mismatches, Fixture};
use crate::policy::eval::{describe, eval_guarded, main_engine, prepare};
use crate::policy::{Module, PolicyError, PolicyOptions, UserPolicies};
use crate::report::xml::{escape_attr, escape_text, DECLARATION};
// `kubeward test` is a client of the run, as the binary is: it lints fixtures.
use crate::run::{lint, RunError};
use crate::settings::{ConfigChoice, Settings};
use regorus::Value;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestCase {
    /// `rego` or `fixture`.
    pub kind: &'static str,
    /// `data.<package>.<test>` or the fixture path.
    pub name: String,
    pub file: String,
    pub line: usize,
    pub passed: bool,
    /// Why it failed (empty when it passed).
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TestReport {
    pub tests: Vec<TestCase>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.tests.iter().filter(|t| t.passed).count()
    }

    pub fn failed(&self) -> usize {
        self.tests.len() - self.passed()
    }
}

/// Runs the unit tests of `opts.paths` and their fixtures plus `fixtures`.
/// `rules_dir`: the rules to use instead of the bundled ones (see
/// [`Settings::rules_dir`]).
pub fn run(
    opts: &PolicyOptions,
    fixtures: &[PathBuf],
    rules_dir: Option<&std::path::Path>,
) -> Result<TestReport, RunError> {
    let catalog = Catalog::load(rules_dir)?;
    let bundled = |id: &str| catalog.rule(id).is_some() || crate::rules_builtin::is_builtin(id);
    let user = UserPolicies::load(opts, &opts.paths, Vec::new(), &bundled)?;
    let mut report = TestReport::default();
    report.tests.extend(unit_tests(&user, &catalog)?);
    let mut all_fixtures = user.fixtures.clone();
    for f in fixtures {
        if !all_fixtures.contains(f) {
            all_fixtures.push(f.clone());
        }
    }
    // Only the user rules run (and policy errors, which a fixture must not have).
    let mut ids: Vec<String> = user.rules.iter().map(|r| r.meta.id.clone()).collect();
    ids.push(crate::rules_builtin::POLICY_ERROR.to_string());
    for f in &all_fixtures {
        report.tests.push(fixture_test(opts, f, &ids, rules_dir)?);
    }
    Ok(report)
}

/// Every `test_*` rule of every loaded module, evaluated in one engine that
/// holds all the policies (Gatekeeper template Rego included), the bundled
/// libraries and `--data`.
fn unit_tests(user: &UserPolicies, catalog: &Catalog) -> Result<Vec<TestCase>, PolicyError> {
    let mut modules: Vec<Module> = user.modules.clone();
    for t in &user.templates {
        for m in &t.modules {
            if !modules.iter().any(|o| o.package == m.package) {
                modules.push(m.clone());
            }
        }
    }
    modules.extend(user.tests.iter().cloned());
    let has_tests = modules
        .iter()
        .any(|m| m.heads.iter().any(|h| h.name.starts_with("test_")));
    // The policies are compiled (and rejected, exit 2) even when nothing
    // tests them: `kubeward test` on a broken policy must not say "0 failed".
    let kubeward = crate::inventory::run_data(
        crate::kube_version::DEFAULT_KUBE_VERSION,
        None,
        None,
        &[],
        &[],
        &[],
    );
    let mut e = main_engine(user, &catalog.libs, &catalog.tables, &kubeward, &modules)?;
    prepare(&mut e, &modules)?;
    if !has_tests {
        return Ok(Vec::new());
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in &modules {
        for h in m.heads.iter().filter(|h| h.name.starts_with("test_")) {
            let rule = format!("data.{}.{}", m.package, h.name);
            if !seen.insert(rule.clone()) {
                continue;
            }
            // Each test has its own memory budget, and a panic inside regorus
            // fails that test, not the whole `kubeward test`.
            let mut panicked = false;
            let (passed, message) = match eval_guarded(&mut e, &mut panicked, rule.clone()) {
                Ok(Value::Bool(true)) => (true, String::new()),
                Ok(Value::Undefined) => {
                    (false, "the test is undefined (a condition failed)".into())
                }
                Ok(v) => (false, format!("the test is {v}, not true")),
                Err(err) => (
                    false,
                    format!("error: {}", describe(user, &err.to_string())),
                ),
            };
            if panicked {
                // The engine may be inconsistent after a panic: the next tests
                // get a fresh one.
                e = main_engine(user, &catalog.libs, &catalog.tables, &kubeward, &modules)?;
                prepare(&mut e, &modules)?;
            }
            let file = m
                .embedded
                .as_ref()
                .map_or(m.path.clone(), |e| e.file.path.clone());
            out.push(TestCase {
                kind: "rego",
                name: rule,
                file,
                line: h.line,
                passed,
                message,
            });
        }
    }
    Ok(out)
}

/// Lints one fixture with only the user rules and compares the findings with
/// its `# expect:` comments.
fn fixture_test(
    opts: &PolicyOptions,
    file: &PathBuf,
    ids: &[String],
    rules_dir: Option<&std::path::Path>,
) -> Result<TestCase, RunError> {
    let shown = file.display().to_string();
    // A fixture that cannot be read or whose headers do not parse fails at line 1.
    let failed = |message: String| TestCase {
        kind: "fixture",
        name: shown.clone(),
        file: shown.clone(),
        line: 1,
        passed: false,
        message,
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return Ok(failed(format!("cannot read: {e}"))),
    };
    let header = match Fixture::parse(&text) {
        Ok(h) => h,
        Err(e) => return Ok(failed(e)),
    };
    let settings = Settings {
        paths: vec![file.clone()],
        only_rules: Some(ids.to_vec()),
        threads: 1,
        config: ConfigChoice::Disabled,
        namespace: header.namespace,
        policies: opts.clone(),
        rules_dir: rules_dir.map(PathBuf::from),
        ..Default::default()
    };
    let outcome = lint(&settings)?;
    let problems = mismatches(&header.expected, &outcome, |_| true);
    let line = problems.first().map_or(1, |m| m.line);
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Ok(TestCase {
        kind: "fixture",
        name: shown.clone(),
        file: shown,
        line,
        passed: problems.is_empty(),
        message: problems.join("\n"),
    })
}

/// One line per test; failures with their location and details; a summary.
pub fn human(r: &TestReport) -> String {
    let mut s = String::new();
    for t in &r.tests {
        let state = if t.passed { "PASS" } else { "FAIL" };
        s.push_str(&format!("{state}  {:7}  {}", t.kind, t.name));
        if t.kind == "rego" {
            s.push_str(&format!("  ({}:{})", t.file, t.line));
        }
        s.push('\n');
        for l in t.message.lines() {
            s.push_str(&format!("        {l}\n"));
        }
    }
    if r.tests.is_empty() {
        s.push_str("no tests found (test_* rules, or fixtures under testdata/)\n");
    }
    s.push_str(&format!(
        "{} tests: {} passed, {} failed\n",
        r.tests.len(),
        r.passed(),
        r.failed()
    ));
    s
}

pub fn json(r: &TestReport) -> String {
    #[derive(Serialize)]
    struct Summary {
        passed: usize,
        failed: usize,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        tests: &'a [TestCase],
        summary: Summary,
    }
    let doc = Doc {
        version: 1,
        tests: &r.tests,
        summary: Summary {
            passed: r.passed(),
            failed: r.failed(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// JUnit XML: a testsuite for Rego unit tests and one for fixtures.
pub fn junit(r: &TestReport) -> String {
    let mut s = format!(
        "{DECLARATION}\n<testsuites name=\"kubeward test\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
        r.tests.len(),
        r.failed()
    );
    for kind in ["rego", "fixture"] {
        let cases: Vec<&TestCase> = r.tests.iter().filter(|t| t.kind == kind).collect();
        if cases.is_empty() {
            continue;
        }
        let failed = cases.iter().filter(|t| !t.passed).count();
        s.push_str(&format!(
            "  <testsuite name=\"{kind}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n",
            cases.len()
        ));
        for t in cases {
            let name = escape_attr(&t.name);
            let class = escape_attr(&t.file);
            if t.passed {
                s.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"{class}\"/>\n"
                ));
            } else {
                let first = t.message.lines().next().unwrap_or("failed");
                s.push_str(&format!(
                    "    <testcase name=\"{name}\" classname=\"{class}\">\n      <failure message=\"{}\">{}:{}\n{}</failure>\n    </testcase>\n",
                    escape_attr(first),
                    escape_text(&t.file),
                    t.line,
                    escape_text(&t.message)
                ));
            }
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}
