//! `--format gitlab`: the GitLab Code Quality report (a JSON array), for an
//! `artifacts: reports: codequality:` file.
//!
//! - `check_name` is the rule id, `description` the message;
//! - severity: error -> `major`, warning -> `minor`, info -> `info`
//!   (`critical` and `blocker` are not used: kubeward has three levels, and
//!   GitLab's widget sorts and colours by these);
//! - `location.path` is the path as given (forward slashes, no leading `./`),
//!   `location.lines.begin` the finding's line;
//! - `fingerprint` is `Finding::fingerprint` (rule, file, resource, field path;
//!   no line numbers, so moving code does not reopen an issue). GitLab drops
//!   entries whose fingerprint repeats, so the second and later findings with the
//!   same fingerprint get `-2`, `-3`, ... in report order.
//!
//! Suppressed findings are left out.

use super::{file_path, repo_path};
use crate::finding::Severity;
use crate::outcome::Outcome;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue> = outcome
        .active()
        .map(|f| {
            let path = repo_path(file_path(outcome, f));
            let base = f.fingerprint(&path);
            // A chart kubeward rendered has no file of its own: the widget
            // shows the template instead (line 1 when its line is not certain).
            let at = super::anchor(outcome, f);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fingerprint = if *n == 1 { base } else { format!("{base}-{n}") };
            Issue {
                description: super::message_with_source(f),
                check_name: &f.rule,
                fingerprint,
                severity: severity(f.severity),
                location: Location {
                    path: at.path,
                    lines: Lines {
                        begin: at.line.unwrap_or(1),
                    },
                },
            }
        })
        .collect();
    super::json::write_pretty(out, &issues)
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}
