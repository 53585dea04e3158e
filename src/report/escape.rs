//! Input-derived text (resource names, messages, rule ids, file names) made safe
//! for terminals and line-oriented logs.
//!
//! A manifest, a file name or a policy in the linted tree is attacker-controlled
//! when kubeward runs on a pull request; printed raw, an ESC or a C1 control could
//! retitle the terminal, clear it or hide findings, and a newline in a file name
//! could forge a compact record. Every character a terminal acts on instead of
//! showing is replaced by a visible escape, in Rust's notation:
//!
//! - `\n`, `\r`, `\t` for line feed, carriage return and tab;
//! - `\xNN` (two lowercase hex digits) for the other C0 controls, DEL and the
//!   C1 controls (U+0080–U+009F): `\x1b` for ESC;
//! - `\u{NNNN}` for the bidirectional embedding, override and isolate characters
//!   (U+202A–U+202E, U+2066–U+2069, which reorder what follows them, "Trojan
//!   Source") and the Unicode line and paragraph separators (U+2028, U+2029).
//!
//! The escapes are for display only: a backslash in the input is not doubled, so
//! the text cannot be decoded back. The JSON and XML formats carry the exact text
//! instead (see `json::write_pretty` and `xml`), with these characters as
//! `\uNNNN` and `&#xNN;` references.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

/// A one-line field (a path, a rule id, a compact record's message): every
/// character above is escaped, line breaks and tabs included, so one record
/// stays one line.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |c| is_unsafe(c) || matches!(c, '\n' | '\t'))
}

/// Multi-line text (a message or help text shown as a block): as [`line`], but
/// line feeds and tabs stay. A carriage return is still escaped: alone it
/// returns to the start of the line and lets later text overwrite a finding.
pub fn block(s: &str) -> Cow<'_, str> {
    escape(s, is_unsafe)
}

/// Whether a terminal could act on `c` rather than show it: every control
/// character (C0, DEL, C1), bidirectional controls and Unicode line separators.
/// Line feed and tab are in this set; [`block`] lets them through.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Characters that structured output (JSON, XML) may legally carry raw but
/// should not, because the report is often printed to a terminal or a CI log:
/// DEL, C1 controls and the characters of [`is_unsafe`] above U+007F. (C0
/// controls are escaped by those formats' own rules already.)
pub fn is_unsafe_beyond_c0(c: char) -> bool {
    c >= '\u{7F}' && is_unsafe(c)
}

fn escape(s: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if escaped(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The visible form of one escaped character (see the module docs).
fn push_escape(out: &mut String, c: char) {
    // Writing to a String cannot fail.
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c if u32::from(c) <= 0xFF => write!(out, "\\x{:02x}", u32::from(c)),
        c => write!(out, "\\u{{{:x}}}", u32::from(c)),
    };
}

/// A file's text made safe for the human format's source snippet, with the map
/// from offsets in the original text to offsets in this one (escapes are longer
/// than the characters they stand for, and finding spans are original offsets).
#[derive(Debug, Clone)]
pub struct Snippet {
    pub text: Arc<str>,
    /// `(original offset just past an escaped character, bytes added so far)`,
    /// in order; empty when nothing was escaped.
    shifts: Vec<(usize, usize)>,
}

/// [`block`] for a whole file, which keeps its line structure: `\r\n` stays, and
/// a lone `\r` (a line end for the YAML parser and for kubeward's line numbers)
/// becomes `\n` rather than an escape, so the snippet shows the same line numbers
/// as every other format. `None` when the text needs no change (the common case:
/// no copy).
pub fn snippet(text: &str) -> Option<Snippet> {
    let bare_cr = |i: usize, c: char| c == '\r' && text.as_bytes().get(i + 1) != Some(&b'\n');
    let needs = |i: usize, c: char| (c != '\r' && is_unsafe(c)) || bare_cr(i, c);
    if !text.char_indices().any(|(i, c)| needs(i, c)) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut shifts = Vec::new();
    for (i, c) in text.char_indices() {
        if bare_cr(i, c) {
            out.push('\n');
        } else if c != '\r' && is_unsafe(c) {
            push_escape(&mut out, c);
            let end = i + c.len_utf8();
            shifts.push((end, out.len() - end));
        } else {
            out.push(c);
        }
    }
    Some(Snippet {
        text: out.into(),
        shifts,
    })
}

impl Snippet {
    /// Where an offset of the original text is in [`Snippet::text`]. Offsets are
    /// character boundaries in the original, so never inside an escape.
    pub fn offset(&self, original: usize) -> usize {
        let done = self.shifts.partition_point(|&(end, _)| end <= original);
        let added = done
            .checked_sub(1)
            .and_then(|i| self.shifts.get(i))
            .map_or(0, |&(_, added)| added);
        original + added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            line("deploy/caf\u{e9} 100%.yaml"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(block("a\n\tb"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_sequences_become_visible() {
        assert_eq!(
            line("p\u{1b}]0;PWNED\u{7}\u{1b}[2J"),
            r"p\x1b]0;PWNED\x07\x1b[2J"
        );
        assert_eq!(line("a\0b\u{7f}c"), r"a\x00b\x7fc");
        // C1 controls: U+009B is CSI on its own.
        assert_eq!(line("x\u{9b}2Jy\u{85}"), r"x\x9b2Jy\x85");
        assert_eq!(
            line("admin\u{202e}lmth.exe\u{2066}\u{2069}"),
            r"admin\u{202e}lmth.exe\u{2066}\u{2069}"
        );
        assert_eq!(line("a\u{2028}b\u{2029}"), r"a\u{2028}b\u{2029}");
        // Printable text around them is untouched, astral characters included.
        assert_eq!(line("\u{1F600}\u{1b}é"), "\u{1F600}\\x1bé");
    }

    #[test]
    fn line_escapes_line_breaks_and_block_keeps_them() {
        assert_eq!(line("a\nb\r\nc\td"), r"a\nb\r\nc\td");
        assert_eq!(block("a\nb\r\nc\td"), "a\nb\\r\nc\td");
        assert_eq!(block("ok\rforged"), r"ok\rforged");
    }

    #[test]
    fn structured_formats_escape_only_what_they_leave_raw() {
        assert!(!is_unsafe_beyond_c0('\u{1b}'));
        assert!(!is_unsafe_beyond_c0('\n'));
        assert!(is_unsafe_beyond_c0('\u{7f}'));
        assert!(is_unsafe_beyond_c0('\u{9b}'));
        assert!(is_unsafe_beyond_c0('\u{202e}'));
        assert!(!is_unsafe_beyond_c0('é'));
        assert!(!is_unsafe_beyond_c0('\u{a0}'));
    }

    #[test]
    fn snippets_keep_lines_and_map_offsets() {
        assert!(snippet("a: 1\r\nb: 2\n\tc: 3\n").is_none());
        let text = "a: \u{1b}[2J\rb: \u{202e}x\nc: 1\r\n";
        let s = snippet(text).expect("escaped");
        assert_eq!(&*s.text, "a: \\x1b[2J\nb: \\u{202e}x\nc: 1\r\n");
        // Every character of the original is found at its escaped position.
        for (i, c) in text.char_indices() {
            let at = s.offset(i);
            let want = match c {
                '\u{1b}' => "\\x1b",
                '\u{202e}' => "\\u{202e}",
                '\r' if !text[i + 1..].starts_with('\n') => "\n",
                _ => &text[i..i + c.len_utf8()],
            };
            assert_eq!(&s.text[at..at + want.len()], want, "offset {i}");
        }
        assert_eq!(s.offset(text.len()), s.text.len());
    }
}
