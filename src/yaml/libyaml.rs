//! libyaml-safer behind the `EventSource` trait. libyaml-safer is a Rust port of
//! libyaml, which go-yaml v2 is itself a port of, so its scanner and parser accept and
//! reject the same text as Kubernetes (K8S-YAML.md: it matched every syntax case but
//! a byte-order mark in the middle of a document).
//!
//! libyaml-safer's `Mark::index` is a byte offset (it advances by `len_utf8` per
//! character), unlike go-yaml's, which counts characters; so marks convert to file
//! offsets by adding the chunk's start.

use std::panic::{catch_unwind, AssertUnwindSafe};

use libyaml_safer::{EventData, Mark, Parser};

use super::events::{Event, EventKind, EventSource, SyntaxError};
use super::Span;

pub(crate) struct LibyamlEvents<'a> {
    parser: Parser<&'a [u8]>,
    text: &'a str,
    base: usize,
    /// Length of the chunk in the file (`text` may have a line break added).
    len: usize,
    /// See `hide_byte_order_marks`.
    bom_stand_in: Option<char>,
    /// Offset (in `text`) of the end of the last event, for locating a parser panic.
    last_end: usize,
    /// Set after libyaml-safer panicked: its state is unusable.
    poisoned: Option<SyntaxError>,
}

/// go-yaml treats a byte-order mark after the start of its input as an ordinary
/// character (K8S-YAML.md: `a: 1` / `<BOM>b: 2` gives the key "\u{feff}b"), while
/// libyaml-safer skips one at the start of any line, which shifts the column and
/// changes the parse. So before parsing, every U+FEFF is swapped for a private-use
/// character of the same UTF-8 length that does not occur in the chunk (byte offsets
/// are unchanged), and swapped back in the event strings. Returns `None` when the chunk
/// has no byte-order mark (the usual case: nothing is copied).
pub(crate) fn hide_byte_order_marks(text: &str) -> Option<(String, char)> {
    if !text.contains('\u{FEFF}') {
        return None;
    }
    let stand_in = ('\u{E000}'..='\u{F8FF}')
        .rev()
        .find(|c| !text.contains(*c))?;
    Some((text.replace('\u{FEFF}', &stand_in.to_string()), stand_in))
}

impl<'a> LibyamlEvents<'a> {
    /// `text` is one chunk (without a leading byte-order mark) that starts at byte
    /// `base` of the file and is `len` bytes long there.
    pub(crate) fn new(text: &'a str, base: usize, len: usize) -> Self {
        let mut parser = Parser::new();
        parser.set_input(text.as_bytes());
        LibyamlEvents {
            parser,
            text,
            base,
            len,
            bom_stand_in: None,
            last_end: 0,
            poisoned: None,
        }
    }

    /// The chunk went through `hide_byte_order_marks` with this stand-in.
    pub(crate) fn restoring_byte_order_marks(mut self, stand_in: char) -> Self {
        self.bom_stand_in = Some(stand_in);
        self
    }

    fn restore(&self, s: String) -> String {
        match self.bom_stand_in {
            Some(c) if s.contains(c) => s.replace(c, "\u{FEFF}"),
            _ => s,
        }
    }

    fn restore_opt(&self, s: Option<String>) -> Option<String> {
        s.map(|s| self.restore(s))
    }

    fn offset(&self, mark: Mark) -> usize {
        self.offset_of(usize::try_from(mark.index).unwrap_or(usize::MAX))
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
        self.last_end = usize::try_from(event.end_mark.index).unwrap_or(self.last_end);
        let span = Span::new(self.offset(event.start_mark), self.offset(event.end_mark));
        let kind = match event.data {
            EventData::StreamStart { .. } => EventKind::StreamStart,
            EventData::StreamEnd => EventKind::StreamEnd,
            EventData::DocumentStart { .. } => EventKind::DocumentStart,
            EventData::DocumentEnd { .. } => EventKind::DocumentEnd,
            EventData::Alias { anchor } => EventKind::Alias {
                anchor: self.restore(anchor),
            },
            EventData::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => EventKind::Scalar {
                anchor: self.restore_opt(anchor),
                tag: self.restore_opt(tag),
                value: self.restore(value),
                implicit: plain_implicit,
            },
            EventData::SequenceStart { anchor, style, .. } => EventKind::SequenceStart {
                anchor: self.restore_opt(anchor),
                flow: style == libyaml_safer::SequenceStyle::Flow,
            },
            EventData::SequenceEnd => EventKind::SequenceEnd,
            EventData::MappingStart { anchor, style, .. } => EventKind::MappingStart {
                anchor: self.restore_opt(anchor),
                flow: style == libyaml_safer::MappingStyle::Flow,
            },
            EventData::MappingEnd => EventKind::MappingEnd,
        };
        Ok(Event { kind, span })
    }
}

impl LibyamlEvents<'_> {
    fn syntax_error(&self, err: &libyaml_safer::Error) -> SyntaxError {
        let problem = err.problem();
        let mut message = format!("YAML syntax error: {problem}");
        if let Some(context) = err.context() {
            message.push(' ');
            message.push_str(context);
        }
        let at = match err.problem_mark() {
            Some(mark) => self.offset(mark),
            // Reader errors (a control character) carry no mark: find the character.
            None => self.offset_of(
                self.text
                    .char_indices()
                    .find(|(_, c)| !allowed_char(*c))
                    .map_or(self.len, |(i, _)| i),
            ),
        };
        SyntaxError { message, at }
    }
}

impl LibyamlEvents<'_> {
    /// libyaml-safer 0.3 panics instead of failing in one known place: a tag followed
    /// by `,` in a flow collection (`[!foo, x]`; scanner.rs "TODO: What is expected
    /// here?"). go-yaml v2 rejects that text with "did not find expected whitespace or
    /// line break", so the document is rejected either way; the panic is caught here
    /// and turned into that error, located at the comma.
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
                    message: "YAML syntax error: did not find expected whitespace or line break \
                              while scanning a tag"
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

    fn offset_of(&self, index: usize) -> usize {
        self.base.saturating_add(index.min(self.len))
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
