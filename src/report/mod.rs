//! Report formats. Each is a plain function of the finished `Outcome`; only the
//! human format uses miette.

pub mod checkstyle;
pub mod compact;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod xml;

use crate::engine::Catalog;
use crate::finding::Finding;
use crate::outcome::Outcome;
use crate::rules_builtin::builtin;

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

/// Where a CI annotation for a finding lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Repository path (see `repo_path`).
    pub path: String,
    /// None: the whole file (a template line is known only when unambiguous).
    pub line: Option<usize>,
    /// Whether this is the finding's own position (line and column usable).
    pub own: bool,
}

/// A finding's annotation target: its own file and line, except in text that
/// exists on no disk — a chart kubeward rendered, or `helm template` piped to
/// stdin — where it is the template file the finding was rendered from.
pub fn anchor(outcome: &Outcome, f: &Finding) -> Anchor {
    let file = outcome.files.get(f.file);
    let virtual_text = file.is_none_or(|s| s.generated || s.path == "-");
    if virtual_text {
        if let Some((path, line)) = f.source.as_ref().and_then(|s| s.annotation_target()) {
            return Anchor {
                path: repo_path(path),
                line,
                own: false,
            };
        }
    }
    Anchor {
        path: repo_path(file_path(outcome, f)),
        line: Some(f.line),
        own: true,
    }
}

/// A finding's message with its rendered origin, for formats whose only free
/// text is the message (compact, GitHub, GitLab).
pub fn message_with_source(f: &Finding) -> String {
    match &f.source {
        Some(s) => format!("{} ({})", f.message, s.describe()),
        None => f.message.clone(),
    }
}

/// Where the formats that give each finding one file and line (compact,
/// checkstyle, JUnit) place it: the file as given, at the finding's line and
/// column; for text kubeward rendered itself, which exists on no disk, the
/// template file (see [`anchor`]) at its line, or line 1 when that is not
/// certain, and no column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub line: usize,
    pub column: Option<usize>,
    /// The finding's own position (`path:line:col` of the rendered text)
    /// when the place is a template.
    pub rendered: Option<String>,
}

pub fn place(outcome: &Outcome, f: &Finding) -> Place {
    let at = anchor(outcome, f);
    if at.own {
        return Place {
            path: file_path(outcome, f).to_string(),
            line: f.line,
            column: Some(f.column),
            rendered: None,
        };
    }
    Place {
        path: at.path,
        line: at.line.unwrap_or(1),
        column: None,
        rendered: Some(format!("{}:{}:{}", file_path(outcome, f), f.line, f.column)),
    }
}

/// [`message_with_source`], with the rendered position when the finding is
/// placed on its template ([`place`]):
/// `... (rendered from app/templates/web.yaml at charts/app:40:9; set by ...)`.
pub fn message_with_source_at(f: &Finding, place: &Place) -> String {
    match &f.source {
        Some(s) => format!(
            "{} ({})",
            f.message,
            s.describe_at(place.rendered.as_deref())
        ),
        None => f.message.clone(),
    }
}

/// A path as CI services expect it (SARIF, GitHub, GitLab): the path as given,
/// with forward slashes and without a leading `./`. Run kubeward from the
/// repository root with relative paths and this is repository-relative.
pub fn repo_path(path: &str) -> String {
    normalize_path(path, std::path::MAIN_SEPARATOR == '\\')
}

/// [`repo_path`] of a file name's bytes, which need not be UTF-8 (see
/// `SourceFile::path_bytes`).
pub fn repo_path_bytes(path: &[u8]) -> Vec<u8> {
    normalize_path_bytes(path, std::path::MAIN_SEPARATOR == '\\')
}

fn normalize_path(path: &str, windows: bool) -> String {
    // Only ASCII is replaced or removed: UTF-8 in, UTF-8 out (nothing is lossy).
    String::from_utf8_lossy(&normalize_path_bytes(path.as_bytes(), windows)).into_owned()
}

fn normalize_path_bytes(path: &[u8], windows: bool) -> Vec<u8> {
    // A backslash is only a separator on Windows; elsewhere it is part of a name.
    let forward: Vec<u8>;
    let mut p = if windows {
        forward = path
            .iter()
            .map(|&b| if b == b'\\' { b'/' } else { b })
            .collect();
        forward.as_slice()
    } else {
        path
    };
    while let Some(rest) = p.strip_prefix(b"./") {
        let slashes = rest.iter().take_while(|&&b| b == b'/').count();
        p = rest.get(slashes..).unwrap_or_default();
    }
    p.to_vec()
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
        assert_eq!(
            normalize_path_bytes(b"./dir/\xff\n.yaml", false),
            b"dir/\xff\n.yaml"
        );
        assert_eq!(normalize_path_bytes(b".\\a\\\xfe", true), b"a/\xfe");
    }
}
