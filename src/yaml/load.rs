//! The loader's entry point: a file's text in, the documents Kubernetes would accept
//! and the issues it would raise out (K8S-YAML.md "Pipeline").
//!
//! - A stream whose first non-space character is `{` is a JSON stream (kubectl's
//!   `NewYAMLOrJSONDecoder`), read value by value.
//! - Otherwise the text is cut into chunks on `---` lines (`split.rs`) and each chunk
//!   is decoded like `sigs.k8s.io/yaml.Unmarshal`: go-yaml reads **only its first
//!   document**; anything after a `...` end marker is silently dropped by kubectl, so
//!   it is reported as `yaml/ignored-content`.
//! - Documents that are empty, comment-only or `null` are skipped, as kubectl's
//!   `StreamVisitor` does.

use std::panic::{catch_unwind, AssertUnwindSafe};

use super::events::{EventKind, EventSource, SyntaxError};
use super::json::{is_json_stream, JsonEvents};
use super::libyaml::LibyamlEvents;
use super::limits::Limits;
use super::split::{split, Chunk};
use super::standin;
use super::tree::{Builder, SYNTAX};
use super::{Document, LoadIssue, Loaded, Node, Span};

pub(crate) const IGNORED_CONTENT: &str = "yaml/ignored-content";

/// Loads every document of a YAML or JSON file with the default limits.
pub fn load(text: &str) -> Loaded {
    load_with(text, &Limits::default())
}

/// Loads every document of a YAML or JSON file. Never panics; issues carry byte spans
/// into `text`.
pub fn load_with(text: &str, limits: &Limits) -> Loaded {
    let mut out = Loaded::default();
    if is_json_stream(text) {
        guarded(&mut out, Span::new(0, 0), |out| {
            load_json(text, limits, out)
        });
        return out;
    }
    let split = split(text);
    for (index, chunk) in split.chunks.iter().enumerate() {
        let at = Span::new(chunk.start, chunk.start);
        guarded(&mut out, at, |out| {
            load_chunk(text, *chunk, index, limits, out)
        });
    }
    if let Some(bad) = split.error {
        out.issues.push(LoadIssue {
            rule: SYNTAX,
            message: bad.message(),
            span: bad.span,
        });
    }
    out
}

/// Last line of defence: a panic while loading a chunk (libyaml-safer's own panics are
/// already caught per event in `libyaml.rs`) must not take the linter down; it becomes
/// a syntax issue for that chunk.
fn guarded(out: &mut Loaded, at: Span, f: impl FnOnce(&mut Loaded)) {
    let mut scratch = Loaded::default();
    match catch_unwind(AssertUnwindSafe(|| f(&mut scratch))) {
        Ok(()) => {
            out.documents.append(&mut scratch.documents);
            out.issues.append(&mut scratch.issues);
        }
        Err(_) => out.issues.push(LoadIssue {
            rule: SYNTAX,
            message: "YAML syntax error: the parser failed on this document".to_string(),
            span: at,
        }),
    }
}

fn load_chunk(text: &str, chunk: Chunk, index: usize, limits: &Limits, out: &mut Loaded) {
    let body = text.get(chunk.start..chunk.end).unwrap_or_default();
    // go-yaml's reader drops a byte-order mark at the start of its input.
    let (body, base) = match body.strip_prefix('\u{FEFF}') {
        Some(rest) => (rest, chunk.start + '\u{FEFF}'.len_utf8()),
        None => (body, chunk.start),
    };
    let (mut parse_text, mut stand_ins) = standin::prepare(body);
    // Each repair parses the chunk again from its start: bound the total work.
    let max_repairs = (REPARSE_BUDGET / body.len().max(1)).clamp(16, 10_000);
    let mut repairs = 0;
    let decoded = loop {
        let mut src = LibyamlEvents::new(&parse_text, &stand_ins, base, body.len());
        let decoded = decode_first_document(&mut src, body, base, limits);
        // An error libyaml-safer raises where go-yaml reads on: edit and parse again.
        let repair = src
            .repair()
            .filter(|_| decoded.rejected && repairs < max_repairs);
        match repair {
            Some(repair) if standin::apply(&mut parse_text, &mut stand_ins, repair) => {
                repairs += 1;
            }
            _ => break decoded,
        }
    };
    out.issues.extend(decoded.issues);
    if let Some(root) = decoded.root {
        out.documents.push(Document {
            index,
            start: chunk.start,
            root,
        });
    }
}

/// Bytes re-parsed for repairs per chunk (beyond it, remaining ones stay errors).
const REPARSE_BUDGET: usize = 16 << 20;

struct Decoded {
    /// The document, unless it is empty, `null` or rejected.
    root: Option<Node>,
    issues: Vec<LoadIssue>,
    rejected: bool,
}

/// What `sigs.k8s.io/yaml.Unmarshal` makes of a chunk: its first document only.
fn decode_first_document(
    src: &mut LibyamlEvents<'_>,
    body: &str,
    base: usize,
    limits: &Limits,
) -> Decoded {
    let rejected = |err: SyntaxError| Decoded {
        root: None,
        issues: vec![LoadIssue {
            rule: SYNTAX,
            message: err.message,
            span: Span::new(err.at, err.at),
        }],
        rejected: true,
    };
    // StreamStart, then DocumentStart or StreamEnd (an empty or comment-only chunk).
    loop {
        match src.next_event() {
            Ok(ev) if matches!(ev.kind, EventKind::StreamStart) => {}
            Ok(ev) if matches!(ev.kind, EventKind::DocumentStart) => break,
            Ok(_) => {
                return Decoded {
                    root: None,
                    issues: Vec::new(),
                    rejected: false,
                }
            }
            Err(err) => return rejected(err),
        }
    }
    let built = Builder::new(limits).build(src);
    if let Some(failure) = built.failure {
        return Decoded {
            root: None,
            issues: vec![failure],
            rejected: true,
        };
    }
    let mut issues = built.issues;
    if let Some(end) = built.end {
        issues.extend(ignored_content(src, end, body, base));
    }
    Decoded {
        root: built.root.filter(|r| !r.is_null()),
        issues,
        rejected: false,
    }
}

/// go-yaml stops after the first document of a chunk. If the parser has anything but
/// the end of the stream next, that content is dropped by Kubernetes.
fn ignored_content(
    src: &mut LibyamlEvents<'_>,
    doc_end: usize,
    body: &str,
    base: usize,
) -> Option<LoadIssue> {
    if matches!(src.next_event(), Ok(ev) if matches!(ev.kind, EventKind::StreamEnd)) {
        return None;
    }
    // Point at the dropped text: from the first thing after the `...` line that is not
    // blank or a comment, to the end of the chunk.
    let from = doc_end.saturating_sub(base).min(body.len());
    let rest = body.get(from..).unwrap_or_default();
    let mut skip = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t == "..." {
            skip += line.len();
        } else {
            skip += line.len() - line.trim_start().len();
            break;
        }
    }
    let start = base + from + skip.min(rest.len());
    let end = (base + body.trim_end().len()).max(start);
    Some(LoadIssue {
        rule: IGNORED_CONTENT,
        message: "content after the `...` document end marker is ignored: Kubernetes reads \
                  only the first document between two `---` lines"
            .to_string(),
        span: Span::new(start, end),
    })
}

fn load_json(text: &str, limits: &Limits, out: &mut Loaded) {
    let mut src = JsonEvents::new(text);
    let mut index = 0;
    loop {
        let start = match src.next_event() {
            Ok(ev) => match ev.kind {
                EventKind::StreamStart => continue,
                EventKind::DocumentStart => ev.span.start,
                _ => return,
            },
            Err(err) => {
                return out.issues.push(LoadIssue {
                    rule: SYNTAX,
                    message: err.message,
                    span: Span::new(err.at, err.at),
                })
            }
        };
        let built = Builder::new(limits).build(&mut src);
        if let Some(failure) = built.failure {
            // The JSON decoder cannot resynchronise after an error: the stream ends.
            out.issues.push(failure);
            return;
        }
        out.issues.extend(built.issues);
        if let Some(root) = built.root.filter(|r| !r.is_null()) {
            out.documents.push(Document { index, start, root });
        }
        index += 1;
    }
}
