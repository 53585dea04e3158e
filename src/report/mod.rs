//! Report formats. Each is a plain function of the finished `Outcome`; only the
//! human format uses miette.

pub mod checkstyle;
pub mod compact;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod xml;

use crate::engine::Catalog;
use crate::finding::Finding;
use crate::rules_builtin::builtin;
use crate::Outcome;

/// The remediation text shown as help for a rule id.
pub fn remediation<'a>(catalog: &'a Catalog, rule: &str) -> Option<&'a str> {
    if let Some(r) = catalog.rule(rule) {
        return Some(r.meta.remediation.as_str());
    }
    builtin(rule).map(|b| b.remediation)
}

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The path a finding's file was given as (or discovered under; `-` or the
/// `--stdin-filename` for stdin).
pub fn file_path<'a>(outcome: &'a Outcome, f: &Finding) -> &'a str {
    outcome
        .files
        .get(f.file)
        .map(|s| s.path.as_str())
        .unwrap_or("-")
}

/// A path as CI services expect it (SARIF, GitHub, GitLab): the path as given,
/// with forward slashes and without a leading `./`. Run kubeward from the
/// repository root with relative paths and this is repository-relative.
pub fn repo_path(path: &str) -> String {
    normalize_path(path, std::path::MAIN_SEPARATOR == '\\')
}

fn normalize_path(path: &str, windows: bool) -> String {
    // A backslash is only a separator on Windows; elsewhere it is part of a name.
    let mut p = if windows {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    while let Some(rest) = p.strip_prefix("./") {
        p = rest.trim_start_matches('/').to_string();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_for_ci() {
        assert_eq!(normalize_path("./deploy/a.yaml", false), "deploy/a.yaml");
        assert_eq!(normalize_path(".//./a.yaml", false), "a.yaml");
        assert_eq!(normalize_path("../x/a.yaml", false), "../x/a.yaml");
        assert_eq!(normalize_path(r"a\b.yaml", false), r"a\b.yaml");
        assert_eq!(normalize_path(r".\deploy\a.yaml", true), "deploy/a.yaml");
        assert_eq!(normalize_path("-", false), "-");
    }
}
