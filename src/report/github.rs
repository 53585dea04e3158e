//! `--format github`: GitHub Actions workflow commands, which the runner turns
//! into annotations on the pull request, then a plain summary line.
//!
//! `::error file=deploy/api.yaml,line=14,col=13,endLine=14,endColumn=22,title=pod-security/privileged::container "app" runs privileged`
//!
//! error -> `::error`, warning -> `::warning`, info -> `::notice`. GitHub's
//! columns are inclusive and only allowed when the annotation starts and ends on
//! one line, so a multi-line finding carries `line` and `endLine` only.
//! Suppressed findings are not printed.

use super::{anchor, escape, human, message_with_source, Anchor};
use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GithubOptions {
    /// Off in snapshots: elapsed time is not deterministic.
    pub show_elapsed: bool,
}

pub fn write(outcome: &Outcome, opts: GithubOptions, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.active() {
        writeln!(out, "{}", command(&anchor(outcome, f), f))?;
    }
    writeln!(out, "{}", human::summary(outcome, opts.show_elapsed))
}

/// One workflow command for a finding, annotating `at`.
fn command(at: &Anchor, f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = format!("file={}", escape_property(&at.path));
    if !at.own {
        // A template: its line when one is certain, never the rendered columns.
        if let Some(line) = at.line {
            props.push_str(&format!(",line={line}"));
        }
    } else if f.end_line <= f.line {
        props.push_str(&format!(",line={}", f.line));
        // Our end column is exclusive; GitHub's is inclusive.
        let end_column = f.end_column.saturating_sub(1).max(f.column);
        props.push_str(&format!(
            ",col={},endLine={},endColumn={end_column}",
            f.column, f.line
        ));
    } else {
        props.push_str(&format!(",line={},endLine={}", f.line, f.end_line));
    }
    props.push_str(&format!(",title={}", escape_property(&f.rule)));
    format!("::{name} {props}::{}", escape_data(&message_with_source(f)))
}

/// The command value (after `::`): `%`, CR and LF are encoded, as the runner
/// and `@actions/core` do; the runner decodes them back, so a multi-line message
/// stays multi-line in the annotation. Any other control character has no
/// encoding the runner understands and would reach the log raw: it is escaped
/// for display (`escape::block`).
pub fn escape_data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    escape::block(&encoded).into_owned()
}

/// A property value (`file=`, `title=`): as data, and also `:` and `,`, which
/// would otherwise end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::ResourceRef;

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100% sure"), "100%25 sure");
        assert_eq!(escape_data("a\r\nb\nc"), "a%0D%0Ab%0Ac");
        // Already-encoded text is encoded again, so it round-trips.
        assert_eq!(escape_data("%0A"), "%250A");
        // Terminal controls have no workflow-command encoding: made visible.
        assert_eq!(
            escape_data("p\u{1b}]0;PWNED\u{7}\u{9b}2J\u{202e}"),
            r"p\x1b]0;PWNED\x07\x9b2J\u{202e}"
        );
        // Colons and commas are fine in data.
        assert_eq!(escape_data("a: b, c::d"), "a: b, c::d");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(
            escape_property("dir,with:odd%name\n.yaml"),
            "dir%2Cwith%3Aodd%25name%0A.yaml"
        );
        assert_eq!(escape_property("a\u{1b}[2J,b"), r"a\x1b[2J%2Cb");
        assert_eq!(
            escape_property("pod-security/privileged"),
            "pod-security/privileged"
        );
    }

    fn finding(line: usize, column: usize, end_line: usize, end_column: usize) -> Finding {
        Finding {
            rule: "pod-security/privileged".into(),
            severity: Severity::Info,
            message: "50% of containers\nrun privileged: \"app\", \"db\"".into(),
            file: 0,
            start: 0,
            end: 0,
            line,
            column,
            end_line,
            end_column,
            resource: Some(ResourceRef {
                api_version: "v1".into(),
                kind: "Pod".into(),
                name: Some("a".into()),
                namespace: None,
            }),
            path: Vec::new(),
            suppressed: None,
            source: None,
            owner: None,
        }
    }

    fn own(path: &str) -> Anchor {
        Anchor {
            path: path.into(),
            line: None,
            own: true,
        }
    }

    #[test]
    fn template_anchors_carry_no_rendered_columns() {
        let mut f = finding(30, 5, 30, 15);
        f.source = Some(Box::new(crate::finding::FindingSource {
            generator: crate::resource::Generator::Helm,
            template: "app/templates/web.yaml".into(),
            file: Some("charts/app/templates/web.yaml".into()),
            line: Some(12),
            values: None,
        }));
        let at = Anchor {
            path: "charts/app/templates/web.yaml".into(),
            line: Some(12),
            own: false,
        };
        assert_eq!(
            command(&at, &f),
            "::notice file=charts/app/templates/web.yaml,line=12,title=pod-security/privileged::\
             50%25 of containers%0Arun privileged: \"app\", \"db\" (rendered from app/templates/web.yaml)"
        );
    }

    #[test]
    fn commands() {
        assert_eq!(
            command(&own("k8s/a,b:c.yaml"), &finding(3, 5, 3, 15)),
            "::notice file=k8s/a%2Cb%3Ac.yaml,line=3,col=5,endLine=3,endColumn=14,\
             title=pod-security/privileged::50%25 of containers%0Arun privileged: \"app\", \"db\""
        );
        // A multi-line span has no columns.
        assert_eq!(
            command(&own("a.yaml"), &finding(3, 5, 7, 1)),
            "::notice file=a.yaml,line=3,endLine=7,title=pod-security/privileged::\
             50%25 of containers%0Arun privileged: \"app\", \"db\""
        );
        // An empty span still names its start column.
        assert!(
            command(&own("a.yaml"), &finding(3, 5, 3, 5)).contains(",col=5,endLine=3,endColumn=5,")
        );
    }
}
