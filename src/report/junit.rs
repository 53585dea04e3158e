//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure
//! Pipelines, CircleCI, ...).
//!
//! - one `<testsuite>` per linted file, named by its path;
//! - one `<testcase>` per (resource, rule) that has findings, named
//!   `<rule> (<Kind> <namespace>/<name>)` with the file path as `classname`, and
//!   one `<failure>` per finding (type = rule id, message = the finding's
//!   message, body = location, field path and how to fix it);
//! - a file without findings has one passing testcase, `no findings`, so clean
//!   files count as passed tests;
//! - `tests` counts testcases and `failures` failed testcases (the JUnit
//!   meaning), on every suite and summed on `<testsuites>`.
//!
//! Suppressed findings are left out. Many readers show only the first
//! `<failure>` of a testcase; each failure's body is complete on its own.

use super::remediation;
use super::xml::{escape_attr, escape_text, DECLARATION};
use crate::finding::{display_path, Finding, ResourceRef};
use crate::Outcome;
use std::io::{self, Write};

struct Case<'a> {
    name: String,
    failures: Vec<&'a Finding>,
}

struct Suite<'a> {
    path: &'a str,
    cases: Vec<Case<'a>>,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(outcome);
    let tests: usize = suites.iter().map(|s| s.cases.len().max(1)).sum();
    let failures: usize = suites.iter().map(|s| s.cases.len()).sum();
    writeln!(out, "{DECLARATION}")?;
    writeln!(
        out,
        r#"<testsuites name="kubeward" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for s in &suites {
        let path = escape_attr(s.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0">"#,
            s.cases.len().max(1),
            s.cases.len()
        )?;
        if s.cases.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no findings" classname="{path}"/>"#
            )?;
        }
        for c in &s.cases {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}">"#,
                escape_attr(&c.name)
            )?;
            for f in &c.failures {
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    escape_attr(&f.rule),
                    escape_attr(&f.message),
                    escape_text(&body(outcome, s.path, f))
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Every file in run order, its active findings grouped by (resource, rule) in
/// order of first appearance (findings are sorted by position).
fn suites(outcome: &Outcome) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite> = outcome
        .files
        .iter()
        .map(|f| Suite {
            path: &f.path,
            cases: Vec::new(),
        })
        .collect();
    let mut keys: Vec<Vec<(Option<&ResourceRef>, &str)>> = vec![Vec::new(); suites.len()];
    for f in outcome.active() {
        let (Some(suite), Some(keys)) = (suites.get_mut(f.file), keys.get_mut(f.file)) else {
            continue;
        };
        let key = (f.resource.as_ref(), f.rule.as_str());
        match keys.iter().position(|k| *k == key) {
            Some(i) => {
                if let Some(c) = suite.cases.get_mut(i) {
                    c.failures.push(f);
                }
            }
            None => {
                keys.push(key);
                suite.cases.push(Case {
                    name: case_name(f),
                    failures: vec![f],
                });
            }
        }
    }
    suites
}

/// `pod-security/privileged (Deployment prod/api)`; loader findings, which
/// belong to no resource, are named by the rule alone.
fn case_name(f: &Finding) -> String {
    match &f.resource {
        Some(r) => format!("{} ({})", f.rule, resource_label(r)),
        None => f.rule.clone(),
    }
}

fn resource_label(r: &ResourceRef) -> String {
    let name = r.name.as_deref().unwrap_or("<unnamed>");
    match &r.namespace {
        Some(ns) => format!("{} {ns}/{name}", r.kind),
        None => format!("{} {name}", r.kind),
    }
}

/// The failure text: where, what, the field, and how to fix it.
fn body(outcome: &Outcome, path: &str, f: &Finding) -> String {
    let mut s = format!(
        "{path}:{}:{}: {}: {}",
        f.line, f.column, f.severity, f.message
    );
    if let Some(r) = &f.resource {
        s.push_str(&format!(
            "\nresource: {} ({})",
            resource_label(r),
            r.api_version
        ));
    }
    if !f.path.is_empty() {
        s.push_str(&format!("\nfield: {}", display_path(&f.path)));
    }
    if let Some(src) = &f.source {
        s.push_str(&format!("\nsource: {}", src.note().replace('\n', "; ")));
    }
    if let Some(help) = remediation(&outcome.catalog, &f.rule).filter(|h| !h.is_empty()) {
        s.push_str(&format!("\nhow to fix: {help}"));
    }
    s
}
