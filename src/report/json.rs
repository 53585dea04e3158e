//! `--format json`: the stable contract of DESIGN.md §6.

use super::escape::is_unsafe_beyond_c0;
use crate::finding::{display_path, FindingSource, ResourceRef, Severity, Suppression};
use crate::outcome::Outcome;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
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
    write_pretty(out, &report)
}

/// Pretty JSON and a final newline, for every JSON format (json, sarif,
/// gitlab). serde_json escapes C0 controls but writes DEL, C1 controls and
/// bidi overrides raw, and JSON reports are often printed to a terminal or a
/// CI log: those are written as `\uNNNN` escapes, which decode to the same text.
pub fn write_pretty<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    // A buffer of a known type: the serializer's many small writes (a quote,
    // an indent) are inlined copies instead of calls through `dyn Write`.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut buffered, Inert(PrettyFormatter::new()));
    // `from`, not `other`: keeps the I/O error kind, so a closed pipe stays one.
    value.serialize(&mut ser).map_err(io::Error::from)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// serde_json's pretty layout, with string contents passed through
/// [`write_inert`].
struct Inert<'a>(PrettyFormatter<'a>);

/// Writes a string fragment (text serde_json did not escape itself) with the
/// terminal-active characters it left raw as `\uNNNN` (a surrogate pair for an
/// astral character, though none is in the set today).
fn write_inert<W: ?Sized + Write>(w: &mut W, fragment: &str) -> io::Result<()> {
    // Every such character is U+007F or above: the ASCII text before the
    // first one is written without decoding characters (usually all of it).
    let plain = fragment
        .bytes()
        .position(|b| b >= 0x7F)
        .unwrap_or(fragment.len());
    let (head, mut rest) = fragment.split_at_checked(plain).unwrap_or(("", fragment));
    w.write_all(head.as_bytes())?;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| is_unsafe_beyond_c0(c)) {
        let (head, tail) = rest.split_at(i);
        w.write_all(head.as_bytes())?;
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            write!(w, "\\u{unit:04x}")?;
        }
        rest = tail.get(c.len_utf8()..).unwrap_or_default();
    }
    w.write_all(rest.as_bytes())
}

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.0.$name(w $(, $arg)*)
        })*
    };
}

impl Formatter for Inert<'_> {
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, s: &str) -> io::Result<()> {
        write_inert(w, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(value: &serde_json::Value) -> String {
        let mut buf = Vec::new();
        write_pretty(&mut buf, value).expect("writes");
        String::from_utf8(buf).expect("utf-8")
    }

    #[test]
    fn terminal_active_characters_are_escaped_and_decode_back() {
        let text = "p\u{1b}]0;x\u{7}\u{7f}\u{9b}2J\u{202e}\u{e9}\u{1F600}\"";
        let out = pretty(&serde_json::json!({ "message": text }));
        let want = "p\\u001b]0;x\\u0007\\u007f\\u009b2J\\u202e\u{e9}\u{1F600}\\\"";
        assert!(out.contains(want), "{out}");
        assert!(!out.chars().any(crate::report::escape::is_unsafe_beyond_c0));
        let back: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back["message"], text);
    }

    #[test]
    fn layout_is_serde_jsons_pretty_one() {
        let v = serde_json::json!({"a": [1, {"b": "c"}, []], "d": {}});
        let expected = serde_json::to_string_pretty(&v).expect("json") + "\n";
        assert_eq!(pretty(&v), expected);
    }
}
