//! JSON streams, read the way kubectl reads them. apimachinery's
//! `NewYAMLOrJSONDecoder` (util/yaml/decoder.go) peeks at the first 4096 bytes and,
//! when the first non-space character is `{`, decodes the whole stream with Go's
//! `encoding/json` Decoder: a sequence of JSON values separated by optional
//! whitespace, each stored raw. So the stream is *strict JSON* (no comments, no
//! unquoted keys), not YAML; duplicate keys survive into the raw bytes and the last one
//! wins when the server decodes them (strict decoding rejects them).
//!
//! This tokenizer emits the same events as the YAML front end (`DocumentStart` ...
//! `DocumentEnd` per top-level value), so documents get the same tree, spans and
//! duplicate-key checks. Strings are quoted scalars (always strings); numbers,
//! `true`, `false` and `null` are plain scalars, which go-yaml types exactly as
//! apimachinery does for JSON (int64, else uint64, else float64).

use super::events::{Event, EventKind, EventSource, SyntaxError};
use super::Span;

/// `GuessJSONStream`: is the first non-whitespace character (Go's `unicode.IsSpace`)
/// within the first 4096 bytes a `{`?
pub(crate) fn is_json_stream(text: &str) -> bool {
    const PEEK: usize = 4096;
    for (i, c) in text.char_indices() {
        if i >= PEEK {
            return false;
        }
        if !c.is_whitespace() {
            return c == '{' && i < PEEK;
        }
    }
    false
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StreamStart,
    /// Between top-level values.
    Top,
    /// A value must come next.
    Value,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object: a key.
    Key,
    /// After `[`: a value or `]`.
    FirstItem,
    /// After a complete value (at the top level: emit `DocumentEnd`).
    AfterValue,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Object,
    Array,
}

pub(crate) struct JsonEvents<'a> {
    text: &'a str,
    pos: usize,
    state: State,
    stack: Vec<Container>,
}

impl<'a> JsonEvents<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        JsonEvents {
            text,
            pos: 0,
            state: State::StreamStart,
            stack: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn event(&self, kind: EventKind, start: usize) -> Event {
        Event {
            kind,
            span: Span::new(start, self.pos),
        }
    }

    fn error(&self, what: &str) -> SyntaxError {
        let found = match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("invalid character {c:?} {what}"),
            None => format!("unexpected end of JSON input {what}"),
        };
        SyntaxError {
            message: format!("JSON syntax error: {found}"),
            at: self.pos,
        }
    }

    fn after_value(&mut self) {
        self.state = State::AfterValue;
    }

    /// A value starting at `pos` (whitespace already skipped).
    fn value(&mut self) -> Result<Event, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                self.stack.push(Container::Object);
                self.state = State::FirstKey;
                Ok(self.event(
                    EventKind::MappingStart {
                        anchor: None,
                        flow: true,
                    },
                    start,
                ))
            }
            Some(b'[') => {
                self.pos += 1;
                self.stack.push(Container::Array);
                self.state = State::FirstItem;
                Ok(self.event(
                    EventKind::SequenceStart {
                        anchor: None,
                        flow: true,
                    },
                    start,
                ))
            }
            Some(b'"') => {
                let value = self.string()?;
                self.after_value();
                Ok(self.scalar(value, false, start))
            }
            Some(b't' | b'f' | b'n') => {
                let rest = self.text.get(start..).unwrap_or_default();
                let Some(word) = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| rest.starts_with(w))
                else {
                    return Err(self.error("in literal"));
                };
                self.pos += word.len();
                self.after_value();
                Ok(self.scalar(word.to_string(), true, start))
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                let text = self.text.get(start..self.pos).unwrap_or_default();
                // Go's encoding/json accepts any well-formed number, but the API server
                // decodes it into int64 or float64 (apimachinery convertNumber) and
                // fails when neither holds it.
                if text.parse::<f64>().map_or(true, f64::is_infinite) {
                    return Err(SyntaxError {
                        message: format!(
                            "document rejected by Kubernetes: JSON number {text} is out of \
                             range for a float64"
                        ),
                        at: start,
                    });
                }
                let value = text.to_string();
                self.after_value();
                Ok(self.scalar(value, true, start))
            }
            _ => Err(self.error("looking for beginning of value")),
        }
    }

    fn scalar(&self, value: String, implicit: bool, start: usize) -> Event {
        self.event(
            EventKind::Scalar {
                anchor: None,
                tag: None,
                value,
                implicit,
            },
            start,
        )
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Result<(), SyntaxError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("after decimal point in numeric literal"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("in exponent of numeric literal"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    /// A string starting at the opening quote, decoded as Go's `encoding/json` does
    /// (an unpaired surrogate escape becomes U+FFFD).
    fn string(&mut self) -> Result<String, SyntaxError> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            // Copy the run up to the next quote, backslash or control character.
            let run = rest
                .bytes()
                .position(|b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            out.push_str(rest.get(..run).unwrap_or_default());
            self.pos += run;
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(self.error("in string literal")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let first = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&first)
                    && self
                        .text
                        .get(self.pos..)
                        .is_some_and(|r| r.starts_with("\\u"))
                {
                    let save = self.pos;
                    self.pos += 2;
                    let second = self.hex4()?;
                    if (0xDC00..0xE000).contains(&second) {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    } else {
                        self.pos = save;
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(first).unwrap_or('\u{FFFD}')
                };
                out.push(c);
                return Ok(());
            }
            _ => return Err(self.error("in string escape code")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or_default();
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("in \\u hexadecimal character escape"));
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("in \\u escape"))
    }

    fn key(&mut self) -> Result<Event, SyntaxError> {
        let start = self.pos;
        if self.peek() != Some(b'"') {
            return Err(self.error("looking for beginning of object key string"));
        }
        let value = self.string()?;
        let key = self.scalar(value, false, start);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("after object key"));
        }
        self.pos += 1;
        self.state = State::Value;
        Ok(key)
    }

    fn close(&mut self, container: Container) -> Event {
        let start = self.pos;
        self.pos += 1;
        self.stack.pop();
        self.after_value();
        let kind = match container {
            Container::Object => EventKind::MappingEnd,
            Container::Array => EventKind::SequenceEnd,
        };
        self.event(kind, start)
    }
}

impl EventSource for JsonEvents<'_> {
    fn next_event(&mut self) -> Result<Event, SyntaxError> {
        match self.state {
            State::StreamStart => {
                self.state = State::Top;
                Ok(self.event(EventKind::StreamStart, 0))
            }
            State::Top => {
                self.skip_ws();
                if self.pos >= self.text.len() {
                    self.state = State::Done;
                    return Ok(self.event(EventKind::StreamEnd, self.pos));
                }
                self.state = State::Value;
                Ok(Event {
                    kind: EventKind::DocumentStart,
                    span: Span::new(self.pos, self.pos),
                })
            }
            State::Value => {
                self.skip_ws();
                self.value()
            }
            State::FirstKey => {
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    return Ok(self.close(Container::Object));
                }
                self.key()
            }
            State::Key => {
                self.skip_ws();
                self.key()
            }
            State::FirstItem => {
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return Ok(self.close(Container::Array));
                }
                self.value()
            }
            State::AfterValue => {
                self.skip_ws();
                let Some(&top) = self.stack.last() else {
                    self.state = State::Top;
                    return Ok(self.event(EventKind::DocumentEnd, self.pos));
                };
                match (top, self.peek()) {
                    (Container::Object, Some(b',')) => {
                        self.pos += 1;
                        self.state = State::Key;
                        self.next_event()
                    }
                    (Container::Array, Some(b',')) => {
                        self.pos += 1;
                        self.state = State::Value;
                        self.next_event()
                    }
                    (Container::Object, Some(b'}')) => Ok(self.close(Container::Object)),
                    (Container::Array, Some(b']')) => Ok(self.close(Container::Array)),
                    (Container::Object, _) => Err(self.error("after object key:value pair")),
                    (Container::Array, _) => Err(self.error("after array element")),
                }
            }
            State::Done => Ok(self.event(EventKind::StreamEnd, self.pos)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        let mut src = JsonEvents::new(text);
        let mut out = Vec::new();
        loop {
            match src.next_event() {
                Ok(Event {
                    kind: EventKind::StreamEnd,
                    ..
                }) => return out,
                Ok(Event {
                    kind: EventKind::StreamStart,
                    ..
                }) => {}
                Ok(ev) => out.push(match ev.kind {
                    EventKind::Scalar {
                        value, implicit, ..
                    } => {
                        format!("{}{value}", if implicit { "=" } else { "'" })
                    }
                    other => format!("{other:?}")
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                }),
                Err(e) => {
                    out.push(format!("error at {}", e.at));
                    return out;
                }
            }
        }
    }

    #[test]
    fn detects_json_streams() {
        assert!(is_json_stream("  \n{\"a\":1}"));
        assert!(!is_json_stream("a: {}"));
        assert!(!is_json_stream("\u{feff}{}"));
        assert!(!is_json_stream(""));
        assert!(!is_json_stream(&format!("{}{{}}", " ".repeat(4096))));
    }

    #[test]
    fn tokenizes_a_stream_of_values() {
        assert_eq!(
            kinds("{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\"]} {}"),
            [
                "DocumentStart",
                "MappingStart",
                "'a",
                "SequenceStart",
                "=1",
                "=-2.5e3",
                "=true",
                "=null",
                "'xé",
                "SequenceEnd",
                "MappingEnd",
                "DocumentEnd",
                "DocumentStart",
                "MappingStart",
                "MappingEnd",
                "DocumentEnd",
            ]
        );
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in [
            "{a: 1}",
            "{\"a\": 01}",
            "{\"a\": 1,}",
            "{\"a\": [1 2]}",
            "{\"a\": \"\t\"}",
            "{\"a\": 1e400}",
            "{\"a\": tru}",
            "{\"a\": 1} x",
            "{\"a\": 1",
        ] {
            assert!(
                kinds(bad).last().is_some_and(|k| k.starts_with("error")),
                "{bad}"
            );
        }
    }

    #[test]
    fn surrogates_decode_like_go() {
        assert_eq!(kinds("{\"\\ud83d\\ude00\": 1}")[2], "'😀");
        assert_eq!(kinds("{\"\\ud800x\": 1}")[2], "'\u{FFFD}x");
    }
}
