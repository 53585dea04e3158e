//! `--format junit`: JUnit XML for CI test-report views (GitLab, Jenkins, Azure
//! Pipelines, CircleCI, ...).
//!
//! - one `<testsuite>` per linted file, named by its path;
//! - one failed `<testcase>` per finding, so the counts are the summary's: two
//!   findings of one rule on one resource are two testcases. A testcase is
//!   named `<rule> (<Kind> <namespace>/<name>) <field path>` (`<rule> (line
//!   <line>:<column>)` for a loader finding, which belongs to no resource), with
//!   ` #2`, ` #3`, ... on repeats in report order, so names are unique in their
//!   suite and stable across runs and moved lines. `classname` is the file
//!   path; `file` and `line` name the place a person opens (for a chart
//!   kubeward rendered, its template file and line, see `report::place`).
//!   Its `<failure>` has type = rule id, message = the finding's message, body
//!   = location, field path and how to fix it;
//! - a file without findings has one passing testcase, `no findings`, so clean
//!   files count as passed tests;
//! - `tests` counts testcases and `failures` failed testcases, on every suite
//!   and summed on `<testsuites>`.
//!
//! Suppressed findings are left out.

use super::xml::{escape_attr, escape_text, DECLARATION};
use super::{message_with_source_at, place, remediation, Place};
use crate::finding::{display_path, Finding, ResourceRef};
use crate::outcome::Outcome;
use std::collections::HashSet;
use std::io::{self, Write};

struct Case<'a> {
    name: String,
    finding: &'a Finding,
    at: Place,
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
            let f = c.finding;
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}" file="{}" line="{}">"#,
                escape_attr(&c.name),
                escape_attr(&c.at.path),
                c.at.line
            )?;
            let message = match c.at.rendered {
                Some(_) => message_with_source_at(f, &c.at),
                None => f.message.clone(),
            };
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                escape_attr(&f.rule),
                escape_attr(&message),
                escape_text(&body(outcome, &c.at, f))
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Every file in run order, one case per active finding in report order.
fn suites(outcome: &Outcome) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite> = outcome
        .files
        .iter()
        .map(|f| Suite {
            path: &f.path,
            cases: Vec::new(),
        })
        .collect();
    let mut names: Vec<HashSet<String>> = vec![HashSet::new(); suites.len()];
    for f in outcome.active() {
        let (Some(suite), Some(names)) = (suites.get_mut(f.file), names.get_mut(f.file)) else {
            continue;
        };
        let base = case_name(f);
        let mut name = base.clone();
        let mut n = 1;
        while names.contains(&name) {
            n += 1;
            name = format!("{base} #{n}");
        }
        names.insert(name.clone());
        suite.cases.push(Case {
            name,
            finding: f,
            at: place(outcome, f),
        });
    }
    suites
}

/// `pod-security/privileged (Deployment prod/api) spec.template.spec.containers[0].securityContext.privileged`;
/// loader findings, which belong to no resource, are named by the rule and
/// their position.
fn case_name(f: &Finding) -> String {
    match &f.resource {
        Some(r) if f.path.is_empty() => format!("{} ({})", f.rule, resource_label(r)),
        Some(r) => format!(
            "{} ({}) {}",
            f.rule,
            resource_label(r),
            display_path(&f.path)
        ),
        None => format!("{} (line {}:{})", f.rule, f.line, f.column),
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
fn body(outcome: &Outcome, at: &Place, f: &Finding) -> String {
    let mut s = match at.column {
        Some(column) => format!("{}:{}:{column}", at.path, at.line),
        None => format!("{}:{}", at.path, at.line),
    };
    s.push_str(&format!(": {}: {}", f.severity, f.message));
    if let Some(r) = &at.rendered {
        s.push_str(&format!("\nrendered at: {r}"));
    }
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
