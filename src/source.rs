//! A file's text plus a line index, so byte offsets become 1-based line:column
//! (columns count Unicode characters, DESIGN.md §4).

use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given or discovered (relative stays relative), or the stdin name.
    /// Lossy when the name is not valid Unicode (see `os_path`).
    pub path: String,
    /// The file's own path, kept only when it is not valid Unicode: `path` then
    /// has U+FFFD for the undecodable bytes, and formats that can name any file
    /// (SARIF URIs) use these bytes instead. Boxed: a rare field, and the
    /// struct travels inside error values (`ConfigError`).
    pub os_path: Option<Box<std::path::PathBuf>>,
    pub text: Arc<str>,
    /// Text kubeward produced itself (a chart's `helm template` output), with no
    /// file of its own on disk: CI annotations go to the template instead.
    pub generated: bool,
    /// Byte offset of the start of every line. `\n`, `\r\n` and a lone `\r` all end
    /// a line, as they do for the YAML parser. Built on first use: most files of a
    /// large run have no finding, and the index of every file would stay in memory
    /// for the whole run (14 MB on the bulk corpus).
    /// A boxed slice, not a Vec: 8 bytes less in every `SourceFile`, which
    /// keeps `ConfigError` (which holds one) a small error value.
    line_starts: OnceLock<Box<[usize]>>,
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            os_path: None,
            generated: false,
            line_starts: OnceLock::new(),
        }
    }

    /// A file read from `path` on disk: keeps the raw name when it is not valid
    /// Unicode.
    pub fn keep_os_path(&mut self, path: &std::path::Path) {
        if path.to_str().is_none() {
            self.os_path = Some(Box::new(path.to_path_buf()));
        }
    }

    /// The bytes of the file's name: the raw name from disk when it is not valid
    /// Unicode (on Windows, its WTF-8 form), else `path`.
    pub fn path_bytes(&self) -> &[u8] {
        match &self.os_path {
            Some(p) => p.as_os_str().as_encoded_bytes(),
            None => self.path.as_bytes(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| line_starts(&self.text))
    }

    /// Line and column of a byte offset; offsets past the end clamp to the end, and
    /// offsets inside a multi-byte character count as that character.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line_idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = line_starts.get(line_idx).copied().unwrap_or(0);
        // An offset inside a multi-byte character counts that character: the
        // characters that start before the offset.
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        let column = self.text.get(start..end).map_or(0, |s| s.chars().count());
        Position {
            line: line_idx + 1,
            column: column + 1,
        }
    }

    /// The byte offset of a 1-based line and column (clamped to the text), for
    /// positions reported by other tools (helm's `file:line:col`).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(start) = self.line_starts().get(line.saturating_sub(1)).copied() else {
            return self.text.len();
        };
        let rest = self.text.get(start..).unwrap_or_default();
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        rest[..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(start + line_end, |(i, _)| start + i)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

fn line_starts(text: &str) -> Box<[usize]> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i + 1),
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                starts.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    starts.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_across_line_endings_and_unicode() {
        let f = SourceFile::new("x", "a: 1\r\nbé: 2\rc: 3\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(6), Position { line: 2, column: 1 });
        // `:` after the two-byte é is the third character of line 2.
        assert_eq!(f.position(9), Position { line: 2, column: 3 });
        assert_eq!(f.position(13), Position { line: 3, column: 1 });
        assert_eq!(f.position(1000), Position { line: 4, column: 1 });
        assert_eq!(f.offset(2, 3), 9);
        assert_eq!(f.offset(2, 99), 12, "clamped to the end of the line");
        assert_eq!(f.offset(99, 1), f.text.len());
    }
}
