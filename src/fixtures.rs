//! Fixtures: manifests that declare, in comments, what linting them must
//! report. The one parser of their headers, shared by kubeward's own rule
//! fixtures (tests/rules.rs, testdata/rules/) and `kubeward test`.
//!
//! - `# expect: <rule-id>[@<column>][, ...]` on the line a finding points at;
//!   with `@<column>` the finding must also start at that (1-based, in
//!   characters) column, without it only the line is checked;
//! - `# rules: a/b, c/d`: more rules to enable;
//! - `# kube-version: 1.24`: the target Kubernetes version;
//! - `# namespace: team`: the release namespace (`--namespace`);
//! - `# params: {"<rule-id>": {...}}`: rule parameters (JSON), as a config's
//!   `params:` gives them.
//!
//! The findings must be exactly the expected ones: (line, rule) both ways.

use crate::finding::Finding;
use crate::outcome::Outcome;
use std::collections::{BTreeMap, BTreeSet};

/// One `# expect:` entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Expectation {
    pub line: usize,
    pub rule: String,
    /// `rule@13`: the finding must start at column 13.
    pub column: Option<usize>,
}

impl std::fmt::Display for Expectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "{}@{c} (line {})", self.rule, self.line),
            None => write!(f, "{} (line {})", self.rule, self.line),
        }
    }
}

/// Everything a fixture's comments declare.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fixture {
    pub expected: BTreeSet<Expectation>,
    /// `# rules:` (every such line, in order).
    pub rules: Vec<String>,
    /// `# kube-version:` (the first).
    pub kube_version: Option<(u32, u32)>,
    /// `# namespace:` (the first).
    pub namespace: Option<String>,
    /// `# params:` (the first), the JSON text as written.
    pub params: Option<String>,
}

impl Fixture {
    /// Reads a fixture's comments; an invalid `# kube-version:` or
    /// `# expect:` column is an error.
    pub fn parse(text: &str) -> Result<Fixture, String> {
        let header = |name: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let kube_version = match header("# kube-version:") {
            Some(v) => Some(
                crate::kube_version::parse_kube_version(&v)
                    .map_err(|e| format!("# kube-version: {e}"))?,
            ),
            None => None,
        };
        Ok(Fixture {
            expected: expectations(text)?,
            rules: text
                .lines()
                .filter_map(|l| l.trim().strip_prefix("# rules:"))
                .flat_map(|extra| extra.split(','))
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            kube_version,
            namespace: header("# namespace:"),
            params: header("# params:"),
        })
    }
}

/// The `# expect:` comments of `text` (anywhere on a line, after the content
/// the finding points at).
pub fn expectations(text: &str) -> Result<BTreeSet<Expectation>, String> {
    const MARK: &str = "# expect:";
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find(MARK) else { continue };
        for entry in line[pos + MARK.len()..].split(',') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let (rule, column) = match entry.split_once('@') {
                Some((rule, col)) => match col.trim().parse::<usize>() {
                    Ok(c) if c > 0 => (rule.trim(), Some(c)),
                    _ => {
                        return Err(format!(
                            "line {}: `{entry}`: the column after @ must be a number from 1",
                            i + 1
                        ))
                    }
                },
                None => (entry, None),
            };
            out.insert(Expectation {
                line: i + 1,
                rule: rule.to_string(),
                column,
            });
        }
    }
    Ok(out)
}

/// One difference between a fixture's expectations and what was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub line: usize,
    pub rule: String,
    pub kind: MismatchKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MismatchKind {
    /// Expected (at this column, if pinned) but not reported on the line.
    Missing { column: Option<usize> },
    /// Reported on the expected line, but not at the pinned column.
    WrongColumn {
        expected: usize,
        reported: Vec<usize>,
    },
    /// Reported, not expected: the finding's column and message.
    Unexpected { column: usize, message: String },
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, rule) = (self.line, &self.rule);
        match &self.kind {
            MismatchKind::Missing { column: None } => {
                write!(f, "line {line}: expected {rule} but it was not reported")
            }
            MismatchKind::Missing { column: Some(c) } => write!(
                f,
                "line {line}: expected {rule}@{c} but it was not reported"
            ),
            MismatchKind::WrongColumn { expected, reported } => {
                let reported: Vec<String> = reported.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "line {line}: expected {rule} at column {expected}, reported at column {}",
                    reported.join(", ")
                )
            }
            MismatchKind::Unexpected { column, message } => write!(
                f,
                "line {line}: unexpected {rule} (column {column}: {message})"
            ),
        }
    }
}

/// The exact-set check: the active findings `in_file` selects against
/// `expected`, by (line, rule) both ways, and by column where one is pinned.
pub fn mismatches(
    expected: &BTreeSet<Expectation>,
    outcome: &Outcome,
    in_file: impl Fn(&Finding) -> bool,
) -> Vec<Mismatch> {
    // (line, rule) -> the columns and messages reported there.
    let mut got: BTreeMap<(usize, &str), Vec<(usize, &str)>> = BTreeMap::new();
    for f in outcome.active().filter(|f| in_file(f)) {
        got.entry((f.line, f.rule.as_str()))
            .or_default()
            .push((f.column, f.message.as_str()));
    }
    let mut out = Vec::new();
    for e in expected {
        let at = got.get(&(e.line, e.rule.as_str()));
        let kind = match (at, e.column) {
            (None, column) => MismatchKind::Missing { column },
            (Some(cols), Some(c)) if !cols.iter().any(|(col, _)| *col == c) => {
                MismatchKind::WrongColumn {
                    expected: c,
                    reported: cols.iter().map(|(col, _)| *col).collect(),
                }
            }
            _ => continue,
        };
        out.push(Mismatch {
            line: e.line,
            rule: e.rule.clone(),
            kind,
        });
    }
    let wanted: BTreeSet<(usize, &str)> =
        expected.iter().map(|e| (e.line, e.rule.as_str())).collect();
    for ((line, rule), cols) in &got {
        if wanted.contains(&(*line, *rule)) {
            continue;
        }
        let (column, message) = cols[0];
        out.push(Mismatch {
            line: *line,
            rule: rule.to_string(),
            kind: MismatchKind::Unexpected {
                column,
                message: message.to_string(),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_expectations() {
        let text = "# rules: a/b, c/d\n# kube-version: 1.24\n# namespace: team\n\
                    # params: {\"x/y\": {\"n\": 1}}\nkind: Pod # expect: x/y, a/b@7\n";
        let f = Fixture::parse(text).expect("parses");
        assert_eq!(f.rules, ["a/b", "c/d"]);
        assert_eq!(f.kube_version, Some((1, 24)));
        assert_eq!(f.namespace.as_deref(), Some("team"));
        assert_eq!(f.params.as_deref(), Some("{\"x/y\": {\"n\": 1}}"));
        let e: Vec<_> = f.expected.into_iter().collect();
        assert_eq!(
            e,
            [
                Expectation {
                    line: 5,
                    rule: "a/b".into(),
                    column: Some(7)
                },
                Expectation {
                    line: 5,
                    rule: "x/y".into(),
                    column: None
                },
            ]
        );
        assert!(expectations("x: 1 # expect: a/b@x").is_err());
        assert!(expectations("x: 1 # expect: a/b@0").is_err());
        assert!(Fixture::parse("# kube-version: one\n").is_err());
    }
}
