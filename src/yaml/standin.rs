//! Where libyaml-safer (a port of libyaml 0.2.5) and go-yaml v2 (a port of libyaml
//! 0.1) disagree on *valid* text, the chunk is edited before parsing so that
//! libyaml-safer reads it as go-yaml does: the differing character is swapped for a
//! stand-in of the same UTF-8 length that does not otherwise occur in the chunk, and the
//! stand-in is swapped back in every string the parser returns. Byte offsets, and so
//! every span, are unchanged.
//!
//! - A byte-order mark after the start of the input: go-yaml keeps it as an ordinary
//!   character (K8S-YAML.md: `a: 1` / `<BOM>b: 2` gives the key "\u{feff}b");
//!   libyaml-safer skips it at the start of a line, which shifts the column. Swapped up
//!   front for a private-use character.
//! - `:` followed by one of `,?[]{}` inside a plain scalar in `[...]`/`{...}`
//!   (`[fe80::]`): go-yaml keeps it in the scalar, libyaml-safer fails with "found
//!   unexpected ':'". Swapped, on that error, for a letter.
//! - `\'` in a double-quoted scalar: go-yaml reads a `'`, libyaml-safer fails with
//!   "found unknown escape character". The quote is swapped, on that error, for an
//!   escape letter (`\a`, `\e`, `\v`, `\0`) whose control character cannot otherwise
//!   appear, and that character is read back as `'`.

use std::borrow::Cow;

/// A one-character edit the parser asked for (offsets into the parsed text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repair {
    /// The `:` at this offset stays in its plain scalar.
    Colon(usize),
    /// The backslash at this offset starts a `\'` escape.
    QuoteEscape(usize),
}

/// Stand-ins in use: (character in the parsed text, character it stands for).
#[derive(Debug, Default, Clone)]
pub(crate) struct StandIns {
    pairs: Vec<(char, char)>,
}

impl StandIns {
    /// Puts the text that go-yaml would read back into a parsed string.
    pub(crate) fn restore(&self, s: String) -> String {
        if self.pairs.is_empty() {
            return s;
        }
        let mut s = s;
        for &(stand_in, original) in &self.pairs {
            if s.contains(stand_in) {
                s = s.replace(stand_in, original.encode_utf8(&mut [0; 4]));
            }
        }
        s
    }

    fn stand_in_for(&self, original: char) -> Option<char> {
        self.pairs
            .iter()
            .find(|(_, o)| *o == original)
            .map(|(s, _)| *s)
    }
}

/// The text to parse for one chunk: byte-order marks hidden, and ending with a line
/// break (kubectl's LineReader ends every line with `\n`, and libyaml-safer panics on
/// a block scalar that runs into the end of its input).
pub(crate) fn prepare(body: &str) -> (Cow<'_, str>, StandIns) {
    let mut text = Cow::Borrowed(body);
    let mut stand_ins = StandIns::default();
    if body.contains('\u{FEFF}') {
        if let Some(c) = ('\u{E000}'..='\u{F8FF}').rev().find(|c| !body.contains(*c)) {
            text = Cow::Owned(body.replace('\u{FEFF}', c.encode_utf8(&mut [0; 4])));
            stand_ins.pairs.push((c, '\u{FEFF}'));
        }
    }
    if !text.ends_with('\n') {
        text.to_mut().push('\n');
    }
    (text, stand_ins)
}

/// Applies a repair; false when it cannot be done safely (no free stand-in, or the
/// text at the offset is not what the repair expects).
pub(crate) fn apply(text: &mut Cow<'_, str>, stand_ins: &mut StandIns, repair: Repair) -> bool {
    let (at, expected, original) = match repair {
        Repair::Colon(at) => (at, ':', ':'),
        Repair::QuoteEscape(at) => (at.saturating_add(1), '\'', '\''),
    };
    if text.get(at..).and_then(|s| s.chars().next()) != Some(expected)
        || (matches!(repair, Repair::QuoteEscape(_))
            && text.get(at.saturating_sub(1)..at) != Some("\\"))
    {
        return false;
    }
    let (written, stands_for) = match repair {
        Repair::Colon(_) => {
            let existing = stand_ins.stand_in_for(':');
            let Some(letter) = existing.or_else(|| {
                ('A'..='Z')
                    .chain('a'..='z')
                    .rev()
                    .find(|c| !text.contains(*c))
            }) else {
                return false;
            };
            (letter, letter)
        }
        Repair::QuoteEscape(_) => {
            // The escape letter is written; the parser returns its control character.
            const ESCAPES: [(char, char); 4] =
                [('a', '\u{7}'), ('e', '\u{1b}'), ('v', '\u{b}'), ('0', '\0')];
            let existing = stand_ins.stand_in_for('\'');
            let found = match existing {
                Some(control) => ESCAPES.iter().find(|(_, c)| *c == control).copied(),
                None => ESCAPES
                    .iter()
                    .find(|(letter, _)| !text.contains(&format!("\\{letter}")))
                    .copied(),
            };
            let Some((letter, control)) = found else {
                return false;
            };
            (letter, control)
        }
    };
    text.to_mut()
        .replace_range(at..at + 1, written.encode_utf8(&mut [0; 4]));
    if stand_ins.stand_in_for(original).is_none() {
        stand_ins.pairs.push((stands_for, original));
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_hides_byte_order_marks_and_ends_with_a_newline() {
        let (text, stand_ins) = prepare("a: 1\n\u{FEFF}b: 2");
        assert_eq!(text.len(), "a: 1\n\u{FEFF}b: 2\n".len());
        assert!(!text.contains('\u{FEFF}'));
        assert_eq!(stand_ins.restore(text.into_owned()), "a: 1\n\u{FEFF}b: 2\n");
        assert!(matches!(prepare("a: 1\n").0, Cow::Borrowed(_)));
    }

    #[test]
    fn repairs_swap_one_byte_and_restore() {
        let (mut text, mut s) = prepare("v: [fe80::]\n");
        assert!(apply(&mut text, &mut s, Repair::Colon(9)));
        assert_eq!(text.len(), 12);
        assert_eq!(s.restore("fe80:Z".replace('Z', &text[9..10])), "fe80::");
        let (mut text, mut s) = prepare("v: \"it\\'s\"\n");
        assert!(apply(&mut text, &mut s, Repair::QuoteEscape(6)));
        assert_eq!(&text[6..8], "\\a");
        assert_eq!(s.restore("it\u{7}s".to_string()), "it's");
        // Not what the parser reported: refuse.
        let (mut text, mut s) = prepare("v: x\n");
        assert!(!apply(&mut text, &mut s, Repair::Colon(3)));
    }
}
