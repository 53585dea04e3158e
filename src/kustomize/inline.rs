//! Inline patches (`patch: |-` in a kustomization) are YAML inside a YAML
//! string: parsed on their own, their spans index the string's value, not the
//! file. This maps them back to the file, so a value an inline patch sets is
//! reported on its line inside the block scalar.
//!
//! The mapping is found by matching text, not by re-implementing YAML's block
//! scalar rules: each source line of the scalar, without its indentation, is
//! looked for in the value where the previous one ended, with only blanks in
//! between. A literal (`|`) or folded (`>`) block and a plain multi-line
//! scalar match line by line; a line that does not match (an escape in a
//! quoted string) maps to the end of the previous match, never to a wrong
//! place.

use crate::yaml::Span;

/// A piece of the value that is a verbatim copy of a piece of the file.
#[derive(Debug, Clone, Copy)]
struct Segment {
    value_start: usize,
    file_start: usize,
    len: usize,
}

pub(crate) struct SpanMap {
    segments: Vec<Segment>,
    /// Where unmatched offsets go: the scalar in the file.
    fallback: usize,
}

impl SpanMap {
    /// The map for a string scalar whose text is at `span` of `file_text` and
    /// whose value is `value`.
    pub fn new(file_text: &str, span: Span, value: &str) -> SpanMap {
        let raw = file_text.get(span.start..span.end).unwrap_or_default();
        let mut segments = Vec::new();
        let mut cursor = 0;
        let mut missed = false;
        let mut line_start = span.start;
        for (n, line) in raw.split_inclusive('\n').enumerate() {
            let this_start = line_start;
            line_start += line.len();
            let body = line.trim_end_matches(['\n', '\r']);
            // The header of a block scalar (`|-`, `>2`) holds no content.
            if n == 0 && (body.starts_with('|') || body.starts_with('>')) {
                continue;
            }
            let trimmed = body.trim_start_matches([' ', '\t']);
            // A quoted scalar's first line starts with its quote.
            let trimmed = if n == 0 {
                trimmed.trim_start_matches(['"', '\''])
            } else {
                trimmed
            };
            if trimmed.is_empty() {
                continue;
            }
            let lead = body.len() - trimmed.len();
            // The last line of a quoted scalar ends with its quote.
            let trimmed = match value
                .get(cursor..)
                .is_some_and(|rest| rest.contains(trimmed))
            {
                true => trimmed,
                false => trimmed.trim_end_matches(['"', '\'']),
            };
            if trimmed.is_empty() {
                continue;
            }
            let Some(found) = value.get(cursor..).and_then(|rest| rest.find(trimmed)) else {
                missed = true;
                continue;
            };
            // Only blanks may separate two lines that both matched; after a
            // line that did not (an escape), the value's text of that line
            // comes first.
            let gap = &value[cursor..cursor + found];
            if !missed && !gap.chars().all(char::is_whitespace) {
                continue;
            }
            missed = false;
            let at = cursor + found;
            segments.push(Segment {
                value_start: at,
                file_start: this_start + lead,
                len: trimmed.len(),
            });
            cursor = at + trimmed.len();
        }
        SpanMap {
            segments,
            fallback: span.start,
        }
    }

    /// The file offset of value offset `at`.
    pub fn offset(&self, at: usize) -> usize {
        let i = self.segments.partition_point(|s| s.value_start <= at);
        match i.checked_sub(1).and_then(|i| self.segments.get(i)) {
            Some(s) if at <= s.value_start + s.len => s.file_start + (at - s.value_start),
            Some(s) => s.file_start + s.len,
            None => self.fallback,
        }
    }

    pub fn span(&self, s: Span) -> Span {
        let start = self.offset(s.start);
        Span::new(start, self.offset(s.end).max(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_block_maps_line_by_line() {
        let file = "patches:\n- patch: |-\n    kind: Deployment\n    spec:\n      replicas: 3\n";
        let start = file.find("|-").expect("block");
        let value = "kind: Deployment\nspec:\n  replicas: 3";
        let m = SpanMap::new(file, Span::new(start, file.len()), value);
        let in_value = value.find("replicas").expect("key");
        assert_eq!(m.offset(in_value), file.find("replicas").expect("key"));
        let three = value.find('3').expect("value");
        assert_eq!(m.offset(three), file.find('3').expect("value"));
    }

    #[test]
    fn an_unmatched_line_never_maps_elsewhere() {
        let file = "p: \"a\\tb\nc\"\n";
        let value = "a\tb c";
        let m = SpanMap::new(file, Span::new(3, file.len() - 1), value);
        // "a\tb" does not appear verbatim: it maps to the scalar.
        assert_eq!(m.offset(0), 3);
        assert_eq!(m.offset(4), file.find('c').expect("c"));
    }
}
