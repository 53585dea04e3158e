//! kubectl's text-based document splitter: apimachinery `util/yaml` `YAMLReader.Read`
//! (decoder.go 404–440), which cuts the stream into chunks *before* any YAML parsing.
//!
//! - Lines end at `\n` only (`bufio.ReadLine`), so in a CR-only file the whole file is
//!   one line and only a `---` at its very start is a separator.
//! - A line that starts with `---` ends the current chunk. Anything after the dashes
//!   other than whitespace or a `#` comment is an error ("invalid Yaml document
//!   separator") that ends the stream, and the chunk being read is lost with it.
//! - When nothing is buffered yet, the separator line is *kept* as the first line of
//!   the next chunk (so libyaml sees an explicit `---` document start): this is why a
//!   lone `---` still yields a (null) document, and why `--- # c` works.
//! - An indented ` ---` is ordinary content.

use super::Span;

/// A chunk of the file: the bytes `start..end` that go-yaml decodes as one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk {
    pub start: usize,
    pub end: usize,
}

/// A `---` line with content after it. kubectl stops reading the stream there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadSeparator {
    /// The separator line, without its line break.
    pub span: Span,
    pub line: String,
}

impl BadSeparator {
    pub(crate) fn message(&self) -> String {
        const MAX: usize = 60;
        let shown = match self.line.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}…", self.line.get(..cut).unwrap_or(&self.line)),
            None => self.line.clone(),
        };
        format!(
            "invalid document separator {shown:?}: kubectl only allows a comment after --- \
             and stops reading the file here"
        )
    }
}

pub(crate) struct Split {
    pub chunks: Vec<Chunk>,
    pub error: Option<BadSeparator>,
}

pub(crate) fn split(text: &str) -> Split {
    let mut chunks = Vec::new();
    // Start of the buffered chunk, if any line has been buffered.
    let mut buffered: Option<usize> = None;
    let mut pos = 0;
    while pos < text.len() {
        let rest = text.get(pos..).unwrap_or_default();
        let line_len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line_end = pos + line_len;
        let line = rest.get(..line_len).unwrap_or_default();
        if let Some(after) = line.strip_prefix("---") {
            let trimmed = after.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let content = line.trim_end_matches(['\n', '\r']);
                return Split {
                    chunks,
                    error: Some(BadSeparator {
                        span: Span::new(pos, pos + content.len()),
                        line: content.to_string(),
                    }),
                };
            }
            if let Some(start) = buffered.take() {
                chunks.push(Chunk { start, end: pos });
                pos = line_end;
                continue;
            }
        }
        buffered.get_or_insert(pos);
        pos = line_end;
    }
    if let Some(start) = buffered {
        chunks.push(Chunk {
            start,
            end: text.len(),
        });
    }
    Split {
        chunks,
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text)
            .chunks
            .iter()
            .map(|c| text.get(c.start..c.end).unwrap_or("?"))
            .collect()
    }

    #[test]
    fn splits_like_yaml_reader() {
        assert_eq!(pieces("a: 1\n---\nb: 2\n"), ["a: 1\n", "b: 2\n"]);
        assert_eq!(pieces("---\n"), ["---\n"]);
        assert_eq!(pieces("---\n---\na: 1\n"), ["---\n", "a: 1\n"]);
        assert_eq!(pieces("--- # c\na: 1"), ["--- # c\na: 1"]);
        assert_eq!(pieces("a: 1\n---\n\n---\nb"), ["a: 1\n", "\n", "b"]);
        assert_eq!(pieces("a: 1\n ---\n"), ["a: 1\n ---\n"]);
        assert_eq!(pieces("a: 1\r\n---\r\nb: 2\r\n"), ["a: 1\r\n", "b: 2\r\n"]);
        assert_eq!(pieces("a: 1\r---\rb: 2\r"), ["a: 1\r---\rb: 2\r"]);
        assert!(pieces("").is_empty());
    }

    #[test]
    fn bad_separator_stops_the_stream() {
        let text = "a: 1\n---\nb: 2\n--- c: 3\nd: 4\n";
        let s = split(text);
        assert_eq!(s.chunks, [Chunk { start: 0, end: 5 }]);
        let err = s.error.unwrap_or_else(|| panic!("expected an error"));
        assert_eq!(err.span, Span::new(14, 22));
        assert_eq!(err.line, "--- c: 3");
        assert!(err.message().contains("\"--- c: 3\""), "{}", err.message());
        assert!(split("----\n").error.is_some());
        assert!(split("--- !foo\n").error.is_some());
    }
}
