//! What a run gives back: findings, per-file problems and the rules that ran,
//! for the reports (`crate::report`) and the exit code.

use crate::config;
use crate::engine::Catalog;
use crate::finding::{Finding, Severity};
use crate::problem::Problem;
use crate::source::SourceFile;
use std::time::Duration;

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
    pub redactions: crate::redact::Redactions,
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
