//! What a run gives back: findings, per-file problems and the rules that ran,
//! for the reports (`crate::report`) and the exit code.

use crate::engine::Catalog;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;
use crate::{config, report};
use std::time::Duration;

/// A problem that is not a finding: an unreadable file, a skipped symlink
/// loop, a constraint without a template, a config naming an unknown rule.
/// The one notice type of every stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path (or `path:line:column`) it is about, as shown to the user.
    pub path: String,
    pub message: String,
    /// Errors make the run exit 2; the other files are still linted.
    pub is_error: bool,
}

impl Problem {
    /// A problem that makes the run exit 2.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
            is_error: true,
        }
    }

    /// A problem that is only reported.
    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
            is_error: false,
        }
    }
}

/// The result of a run: findings sorted by file, line, column, rule.
#[derive(Debug)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub resources: usize,
    pub elapsed: Duration,
    /// Metadata of the rules that ran, for reports (remediation, titles).
    pub catalog: Catalog,
    /// `fail-on` from the config, when it sets one (the CLI flag wins over it).
    pub fail_on: Option<config::FailOn>,
    /// How many findings the baseline silenced.
    pub baselined: usize,
    /// Secret values of the input, masked wherever a report shows source text.
    pub redactions: report::redact::Redactions,
}

impl Outcome {
    /// Active (not suppressed) findings of a severity.
    pub fn count(&self, sev: Severity) -> usize {
        self.active().filter(|f| f.severity == sev).count()
    }

    /// Findings that count: everything not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    pub fn suppressed(&self) -> usize {
        self.findings.len() - self.active().count()
    }
}
