//! XML escaping shared by the junit and checkstyle formats.

use super::escape::is_unsafe_beyond_c0;
use std::borrow::Cow;

/// Escapes an attribute value (XML 1.0).
///
/// - `& < > " '` become entities;
/// - tab, line feed and carriage return become character references, so they
///   survive attribute-value normalisation (a parser turns a raw newline inside an
///   attribute into a space);
/// - characters XML 1.0 cannot carry at all (other C0 controls, U+FFFE, U+FFFF)
///   become U+FFFD: no reference can express them and a strict parser rejects the
///   whole document otherwise;
/// - characters XML allows but a terminal acts on (DEL, C1 controls, bidi
///   overrides; `escape::is_unsafe_beyond_c0`) become character references, so
///   the data is exact and a report printed to a terminal or CI log stays inert.
pub fn escape_attr(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Escapes element content: as [`escape_attr`], but tabs and line feeds stay
/// as they are (they need no protection outside attributes).
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

fn escape(s: &str, attr: bool) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' if !attr => out.push(c),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            c if is_unsafe_beyond_c0(c) => out.push_str(&format!("&#x{:X};", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    matches!(c, '&' | '<' | '>' | '"' | '\'' | '\t' | '\n' | '\r')
        || is_forbidden(c)
        || is_unsafe_beyond_c0(c)
}

/// Not a `Char` in XML 1.0 (§2.2). Surrogates cannot occur in a Rust `char`.
fn is_forbidden(c: char) -> bool {
    (c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// The XML declaration both formats start with.
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_attr(r#"a <b> & "c" 'd'"#),
            "a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;"
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape_attr("container \u{e9}t\u{e9} runs privileged"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn whitespace_survives_attributes_and_controls_are_replaced() {
        assert_eq!(escape_attr("a\nb\r\tc"), "a&#10;b&#13;&#9;c");
        assert_eq!(escape_text("a\nb\r\tc<"), "a\nb&#13;\tc&lt;");
        assert_eq!(
            escape_attr("x\u{0}y\u{1b}z\u{FFFF}"),
            "x\u{FFFD}y\u{FFFD}z\u{FFFD}"
        );
        assert_eq!(escape_text("x\u{0}y"), "x\u{FFFD}y");
        // Legal but terminal-active characters are kept exactly, as references.
        assert_eq!(
            escape_text("a\u{7f}b\u{9b}2J\u{202e}"),
            "a&#x7F;b&#x9B;2J&#x202E;"
        );
        // Astral characters are legal XML and pass through.
        assert_eq!(escape_attr("\u{1F600}"), "\u{1F600}");
    }
}
