//! libyaml-safer behind the `EventSource` trait. libyaml-safer is a Rust port of
//! libyaml, the lineage go-yaml v2 comes from, so its scanner and parser accept and
//! reject nearly the same text as Kubernetes. It ports libyaml 0.2.5, though, and
//! go-yaml v2 ports libyaml 0.1; the differences that matter are bridged here and in
//! `standin.rs`:
//! - text go-yaml rejects but libyaml-safer accepts is checked on the events: `?`
//!   inside a plain scalar in `[...]`/`{...}` (go-yaml ends the scalar there, so
//!   `[http://x/?a=b]` is an error), and the `\/` escape in a double-quoted scalar
//!   (not in go-yaml's list);
//! - text go-yaml accepts but libyaml-safer rejects is reported as a `Repair` for the
//!   loader to apply and parse again (see `standin.rs`);
//! - libyaml-safer panics on a tag followed by `,` in a flow collection (scanner.rs
//!   "TODO: What is expected here?"); the panic is caught and becomes an error.
//!
//! Remaining known difference: libyaml-safer limits an implicit key to 1024 *bytes*,
//! go-yaml to 1024 characters, so a non-ASCII key between the two is rejected here.
//!
//! libyaml-safer's `Mark::index` is a byte offset (it advances by `len_utf8` per
//! character), unlike go-yaml's, which counts characters; so marks convert to file
//! offsets by adding the chunk's start.

use std::panic::{catch_unwind, AssertUnwindSafe};

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

use super::events::{Event, EventKind, EventSource, SyntaxError};
use super::standin::{Repair, StandIns};
use super::Span;

/// Whether a panic comes from inside libyaml-safer, which panics on a few
/// malformed inputs. The loader catches those and reports `yaml/syntax`, so a
/// panic hook (the binary's, the fuzz targets') can stay quiet about them while
/// every other panic still counts.
pub fn is_parser_panic(info: &std::panic::PanicHookInfo<'_>) -> bool {
    info.location()
        .is_some_and(|l| l.file().contains("libyaml-safer"))
}

pub(crate) struct LibyamlEvents<'a> {
    parser: Parser<&'a [u8]>,
    /// The text being parsed (the chunk, possibly with stand-ins and a final `\n`).
    text: &'a str,
    stand_ins: &'a StandIns,
    /// Where the chunk starts in the file, and its length there.
    base: usize,
    len: usize,
    /// Flow flag of each open collection (go-yaml's flow level is what matters).
    open: Vec<bool>,
    /// Offset (in `text`) of the end of the last event, for locating a parser panic.
    last_end: usize,
    /// Set after libyaml-safer panicked: its state is unusable.
    poisoned: Option<SyntaxError>,
    /// The last error is one go-yaml would not raise, and this edit avoids it.
    repair: Option<Repair>,
}

impl<'a> LibyamlEvents<'a> {
    /// `text` is the prepared chunk that starts at byte `base` of the file and is
    /// `len` bytes long there.
    pub(crate) fn new(text: &'a str, stand_ins: &'a StandIns, base: usize, len: usize) -> Self {
        let mut parser = Parser::new();
        parser.set_input(text.as_bytes());
        LibyamlEvents {
            parser,
            text,
            stand_ins,
            base,
            len,
            open: Vec::new(),
            last_end: 0,
            poisoned: None,
            repair: None,
        }
    }

    /// After an error: the edit that would let libyaml-safer read the text as go-yaml.
    pub(crate) fn repair(&self) -> Option<Repair> {
        self.repair
    }

    fn offset(&self, mark: Mark) -> usize {
        self.offset_of(usize::try_from(mark.index).unwrap_or(usize::MAX))
    }

    fn offset_of(&self, index: usize) -> usize {
        self.base.saturating_add(index.min(self.len))
    }

    fn restore_opt(&self, s: Option<String>) -> Option<String> {
        s.map(|s| self.stand_ins.restore(s))
    }
}

impl EventSource for LibyamlEvents<'_> {
    fn next_event(&mut self) -> Result<Event, SyntaxError> {
        if let Some(err) = &self.poisoned {
            return Err(err.clone());
        }
        let parsed = catch_unwind(AssertUnwindSafe(|| self.parser.parse()));
        let event = match parsed {
            Ok(Ok(event)) => event,
            Ok(Err(err)) => return Err(self.syntax_error(&err)),
            Err(payload) => {
                let err = self.panic_error(payload.as_ref());
                self.poisoned = Some(err.clone());
                return Err(err);
            }
        };
        let start = usize::try_from(event.start_mark.index).unwrap_or(self.last_end);
        self.last_end = usize::try_from(event.end_mark.index).unwrap_or(self.last_end);
        let span = Span::new(self.offset(event.start_mark), self.offset(event.end_mark));
        let kind = match event.data {
            EventData::StreamStart { .. } => EventKind::StreamStart,
            EventData::StreamEnd => EventKind::StreamEnd,
            EventData::DocumentStart { .. } => EventKind::DocumentStart,
            EventData::DocumentEnd { .. } => EventKind::DocumentEnd,
            EventData::Alias { anchor } => EventKind::Alias {
                anchor: self.stand_ins.restore(anchor),
            },
            EventData::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                style,
                ..
            } => {
                if let Some(err) = self.go_yaml_rejects(style, start, &value) {
                    self.poisoned = Some(err.clone());
                    return Err(err);
                }
                EventKind::Scalar {
                    anchor: self.restore_opt(anchor),
                    tag: self.restore_opt(tag),
                    value: self.stand_ins.restore(value),
                    implicit: plain_implicit,
                }
            }
            EventData::SequenceStart { anchor, style, .. } => {
                let flow = style == libyaml_safer::SequenceStyle::Flow;
                self.open.push(flow);
                EventKind::SequenceStart {
                    anchor: self.restore_opt(anchor),
                    flow,
                }
            }
            EventData::MappingStart { anchor, style, .. } => {
                let flow = style == libyaml_safer::MappingStyle::Flow;
                self.open.push(flow);
                EventKind::MappingStart {
                    anchor: self.restore_opt(anchor),
                    flow,
                }
            }
            EventData::SequenceEnd => {
                self.open.pop();
                EventKind::SequenceEnd
            }
            EventData::MappingEnd => {
                self.open.pop();
                EventKind::MappingEnd
            }
        };
        Ok(Event { kind, span })
    }
}

impl LibyamlEvents<'_> {
    fn syntax_error(&mut self, err: &libyaml_safer::Error) -> SyntaxError {
        let problem = err.problem();
        let mut message = format!("YAML syntax error: {problem}");
        if let Some(context) = err.context() {
            message.push(' ');
            message.push_str(context);
        }
        let index = match err.problem_mark() {
            Some(mark) => usize::try_from(mark.index).unwrap_or(usize::MAX),
            // Reader errors (a control character) carry no mark: find the character.
            None => self
                .text
                .char_indices()
                .find(|(_, c)| !allowed_char(*c))
                .map_or(self.len, |(i, _)| i),
        };
        self.repair = match problem {
            "found unexpected ':'" => Some(Repair::Colon(index)),
            "found unknown escape character"
                if self.text.get(index..).is_some_and(|s| s.starts_with("\\'")) =>
            {
                Some(Repair::QuoteEscape(index))
            }
            _ => None,
        };
        // An unterminated quote or flow collection is reported at the end of the
        // file by libyaml; where it *started* is what a person needs to see.
        let at = match err.context_mark() {
            Some(mark) if problem.contains("end of stream") => {
                usize::try_from(mark.index).unwrap_or(index)
            }
            _ => index,
        };
        SyntaxError {
            message,
            at: self.offset_of(at),
        }
    }

    /// Scalars libyaml-safer accepts and go-yaml v2's scanner does not. `start` is the
    /// event's start in `text` (at its anchor or tag, if any); its source runs to
    /// `last_end`.
    fn go_yaml_rejects(
        &self,
        style: ScalarStyle,
        start: usize,
        value: &str,
    ) -> Option<SyntaxError> {
        let source = self.text.get(start..self.last_end).unwrap_or_default();
        match style {
            // go-yaml ends a plain scalar at '?' inside a flow collection; the '?' is
            // then a key indicator where none may stand.
            ScalarStyle::Plain if self.open.last() == Some(&true) && value.contains('?') => {
                // Skip the anchor and tag (a tag may contain '?').
                let mut body = source;
                loop {
                    let t = body.trim_start();
                    if !(t.starts_with('&') || t.starts_with('!')) {
                        body = t;
                        break;
                    }
                    body = t.get(t.find(char::is_whitespace).unwrap_or(t.len())..)?;
                }
                let q = source.len() - body.len() + body.find('?')?;
                Some(SyntaxError {
                    message: "YAML syntax error: did not find expected ',' or the end of the \
                              flow collection (go-yaml ends an unquoted value at '?' inside \
                              [...] or {...}; quote the value)"
                        .to_string(),
                    at: self.offset_of(start + q),
                })
            }
            // go-yaml v2 has no `\/` escape.
            ScalarStyle::DoubleQuoted if source.contains("\\/") => {
                let mut escaped = false;
                for (i, c) in source.char_indices() {
                    if escaped && c == '/' {
                        return Some(SyntaxError {
                            message: "YAML syntax error: found unknown escape character `\\/` \
                                      while parsing a quoted scalar (go-yaml has no \\/ escape; \
                                      write /)"
                                .to_string(),
                            at: self.offset_of(start + i - 1),
                        });
                    }
                    escaped = !escaped && c == '\\';
                }
                None
            }
            _ => None,
        }
    }

    /// libyaml-safer 0.3 panics instead of failing in one known place: a tag followed
    /// by `,` in a flow collection (`[!foo, x]`). go-yaml v2 reads the comma as part of
    /// the tag; kubeward reports it as an error, located at the comma.
    fn panic_error(&self, payload: &(dyn std::any::Any + Send)) -> SyntaxError {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("");
        let rest = self.text.get(self.last_end..).unwrap_or_default();
        if what.starts_with("TODO") {
            if let Some(comma) = tag_before_comma(rest) {
                return SyntaxError {
                    message: "YAML syntax error: a tag followed by ',' inside [...] or {...} \
                              cannot be read (put a space before the comma, or quote the value)"
                        .to_string(),
                    at: self.offset_of(self.last_end.saturating_add(comma)),
                };
            }
        }
        SyntaxError {
            message: "YAML syntax error: the parser gave up on this document".to_string(),
            at: self.offset_of(
                self.last_end
                    .saturating_add(rest.len() - rest.trim_start().len()),
            ),
        }
    }
}

/// Position of the `,` right after the first tag (`!`, `!foo`, `!!str`) in `text`.
fn tag_before_comma(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(bang) = text.get(from..)?.find('!') {
        let start = from + bang;
        let tag_len = text
            .get(start..)?
            .find(|c: char| !(c.is_ascii_alphanumeric() || "!-;/?:@&=+$_.~*'()%#<>".contains(c)))?;
        if text.get(start + tag_len..)?.starts_with(',') {
            return Some(start + tag_len);
        }
        from = start + 1;
    }
    None
}

/// The characters libyaml (and go-yaml) accept in a stream (YAML 1.1 `c-printable`).
fn allowed_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
