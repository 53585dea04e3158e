//! `--format json`: the stable contract of DESIGN.md §6.

use crate::finding::{display_path, FindingSource, ResourceRef, Severity, Suppression};
use crate::Outcome;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: Option<&'a ResourceRef>,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a FindingSource>,
    suppressed: Option<&'a Suppression>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    resources: usize,
    error: usize,
    warning: usize,
    info: usize,
    suppressed: usize,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let findings = outcome
        .findings
        .iter()
        .map(|f| JsonFinding {
            rule: &f.rule,
            severity: f.severity,
            message: &f.message,
            file: outcome
                .files
                .get(f.file)
                .map(|s| s.path.as_str())
                .unwrap_or("-"),
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            resource: f.resource.as_ref(),
            path: display_path(&f.path),
            source: f.source.as_deref(),
            suppressed: f.suppressed.as_ref(),
        })
        .collect();
    let report = Report {
        version: 1,
        findings,
        summary: Summary {
            files: outcome.files.len(),
            resources: outcome.resources,
            error: outcome.count(Severity::Error),
            warning: outcome.count(Severity::Warning),
            info: outcome.count(Severity::Info),
            suppressed: outcome.suppressed(),
        },
    };
    // `from`, not `other`: keeps the I/O error kind, so a closed pipe stays one.
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::from)?;
    writeln!(out)
}
