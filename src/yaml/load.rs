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

use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::events::{EventKind, EventSource};
use super::json::{is_json_stream, JsonEvents};
use super::libyaml::{hide_byte_order_marks, LibyamlEvents};
use super::limits::Limits;
use super::split::{split, Chunk};
use super::tree::{Builder, SYNTAX};
use super::{Document, LoadIssue, Loaded, Span};

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

/// A panic inside the parser (libyaml-safer has a few `expect`s) must not take the
/// linter down: it becomes a syntax issue for that chunk.
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
    // kubectl's LineReader ends every line with '\n', so go-yaml always sees a chunk
    // ending in a line break. libyaml-safer relies on that too: a block scalar that runs
    // into the end of the input makes it panic ("unexpected end of input").
    let mut parse_text = Cow::Borrowed(body);
    let mut stand_in = None;
    if let Some((hidden, c)) = hide_byte_order_marks(body) {
        parse_text = Cow::Owned(hidden);
        stand_in = Some(c);
    }
    if !parse_text.ends_with('\n') {
        parse_text.to_mut().push('\n');
    }
    let mut src = LibyamlEvents::new(&parse_text, base, body.len());
    if let Some(c) = stand_in {
        src = src.restoring_byte_order_marks(c);
    }
    // StreamStart, then DocumentStart or StreamEnd (an empty or comment-only chunk).
    for _ in 0..2 {
        match src.next_event() {
            Ok(ev) if matches!(ev.kind, EventKind::StreamStart) => {}
            Ok(ev) if matches!(ev.kind, EventKind::DocumentStart) => break,
            Ok(_) => return,
            Err(err) => {
                return out.issues.push(LoadIssue {
                    rule: SYNTAX,
                    message: err.message,
                    span: Span::new(err.at, err.at),
                })
            }
        }
    }
    let built = Builder::new(limits).build(&mut src);
    if let Some(failure) = built.failure {
        out.issues.push(failure);
        return;
    }
    out.issues.extend(built.issues);
    if let Some(root) = built.root.filter(|r| !r.is_null()) {
        out.documents.push(Document {
            index,
            start: chunk.start,
            root,
        });
    }
    if let Some(end) = built.end {
        report_ignored(&mut src, end, body, base, out);
    }
}

/// go-yaml stops after the first document of a chunk. If the parser has anything but
/// the end of the stream next, that content is dropped by Kubernetes.
fn report_ignored(
    src: &mut LibyamlEvents<'_>,
    doc_end: usize,
    body: &str,
    base: usize,
    out: &mut Loaded,
) {
    if matches!(src.next_event(), Ok(ev) if matches!(ev.kind, EventKind::StreamEnd)) {
        return;
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
    out.issues.push(LoadIssue {
        rule: IGNORED_CONTENT,
        message: "content after the `...` document end marker is ignored: Kubernetes reads \
                  only the first document between two `---` lines"
            .to_string(),
        span: Span::new(start, end),
    });
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
