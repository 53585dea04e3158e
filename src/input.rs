//! Bytes -> text -> loaded documents for one target. Bad input never stops the
//! run: unreadable files become problems, undecodable ones `yaml/syntax` findings.

use crate::evict::Tree;
use crate::finding::{Finding, Severity};
use crate::limits::Limits;
use crate::paths::io_message;
use crate::problem::Problem;
use crate::rules_builtin::{builtin, YAML_SYNTAX};
use crate::source::SourceFile;
use crate::yaml::{self, Document, LoadIssue, Span};
use std::path::PathBuf;

/// A file to lint: what discovery finds and this module reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Stdin,
    /// A Helm chart directory.
    Chart(PathBuf),
}

pub enum Loaded {
    Failed(Problem),
    File {
        source: SourceFile,
        issues: Vec<LoadIssue>,
        /// Whole as loaded; the run may then evict large ones (`crate::evict`).
        documents: Vec<Document<Tree>>,
    },
}

/// Standard input, already read: the name it is reported under
/// (`--stdin-filename`, else `-`) and its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stdin<'a> {
    pub name: Option<&'a str>,
    pub bytes: &'a [u8],
}

pub fn read_and_load(target: &Target, stdin: Stdin, limits: &Limits) -> Loaded {
    let mut loaded = read_and_load_named(target, stdin, limits);
    if let (Loaded::File { source, .. }, Target::File(path) | Target::Chart(path)) =
        (&mut loaded, target)
    {
        // `name` is lossy for a name that is not Unicode; keep the real one.
        source.keep_os_path(path);
    }
    loaded
}

fn read_and_load_named(target: &Target, stdin: Stdin, limits: &Limits) -> Loaded {
    let max = limits.file_bytes();
    let (name, bytes) = match target {
        Target::Stdin => (stdin.name.unwrap_or("-").to_string(), stdin.bytes.to_vec()),
        Target::File(path) | Target::Chart(path) => {
            let name = path.display().to_string();
            match read_file(path, max) {
                Ok(Read::Bytes(b)) => (name, b),
                Ok(Read::TooBig(size)) => return too_big(name, size, max),
                Err(message) => {
                    return Loaded::Failed(Problem {
                        path: name,
                        message,
                        is_error: true,
                    })
                }
            }
        }
    };
    load_bytes_with(name, bytes, limits)
}

enum Read {
    Bytes(Vec<u8>),
    /// Over the limit: the size it has (at least), never read into memory.
    TooBig(u64),
}

/// Reads at most `max` bytes (+1 to notice more): a file that grows while it is
/// read, or a `/proc`-like file reporting size 0, cannot exhaust memory.
fn read_file(path: &std::path::Path, max: u64) -> Result<Read, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    // Reading a FIFO or a device would block or never end.
    if !meta.is_file() {
        return Err("not a regular file; skipped".into());
    }
    if meta.len() > max {
        return Ok(Read::TooBig(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| io_message(&e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    let len = bytes.len() as u64;
    Ok(if len > max {
        Read::TooBig(len)
    } else {
        Read::Bytes(bytes)
    })
}

/// Reads a file kubeward is told to use rather than lint (`--config` and
/// discovered configs, `--baseline`, `--data`, policy files) as UTF-8 text,
/// with the same guards as a linted file: never from /proc, /sys or /dev,
/// never a FIFO, socket or device (opening one can block forever), at most
/// `max` bytes. The error says why, for a message that names the file.
pub fn read_option_file(path: &std::path::Path, max: u64) -> Result<String, String> {
    crate::paths::real_path(path)?;
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if !meta.is_file() {
        return Err(format!(
            "not a regular file ({}); kubeward does not open FIFOs, sockets or devices",
            file_kind(&meta)
        ));
    }
    match read_file(path, max)? {
        Read::Bytes(bytes) => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not valid UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        }),
        Read::TooBig(size) => Err(format!(
            "{} bytes, over the {max}-byte limit (--max-file-size)",
            if size == max.saturating_add(1) {
                format!("more than {max}")
            } else {
                size.to_string()
            }
        )),
    }
}

/// What a file that is not a regular file is, for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

fn too_big(name: String, size: u64, max: u64) -> Loaded {
    file_issue(
        SourceFile::new(name, ""),
        0,
        format!(
            "file is {}, over the {max}-byte limit (--max-file-size, \
             `limits: max-file-size`); it was not parsed",
            // Reads stop one byte past the limit (stdin), so the size is a floor.
            if size == max.saturating_add(1) {
                format!("more than {max} bytes")
            } else {
                format!("{size} bytes")
            }
        ),
    )
}

/// A file that yields one `yaml/syntax` issue and no documents.
fn file_issue(source: SourceFile, at: usize, message: String) -> Loaded {
    Loaded::File {
        source,
        issues: vec![LoadIssue {
            rule: YAML_SYNTAX,
            message,
            span: Span::new(at, at),
        }],
        documents: Vec::new(),
    }
}

/// Decodes and loads one file's bytes with the default limits.
pub fn load_bytes(name: String, bytes: Vec<u8>) -> Loaded {
    load_bytes_with(name, bytes, &Limits::default())
}

/// Decodes and loads one file's bytes.
pub fn load_bytes_with(name: String, bytes: Vec<u8>, limits: &Limits) -> Loaded {
    let max = limits.file_bytes();
    if bytes.len() as u64 > max {
        return too_big(name, bytes.len() as u64, max);
    }
    let text = match decode(bytes) {
        Ok(t) => t,
        Err(bad) => {
            // Keep the readable prefix so the report can show where it breaks.
            let at = bad.prefix.len();
            return file_issue(SourceFile::new(name, bad.prefix), at, bad.message);
        }
    };
    let loaded = yaml::load_with(&text, &limits.yaml());
    Loaded::File {
        source: SourceFile::new(name, text),
        issues: loaded.issues,
        documents: crate::evict::whole(loaded.documents),
    }
}

/// Why a file is not text, with the valid text before the first bad byte.
struct Undecodable {
    prefix: String,
    message: String,
}

fn decode(bytes: Vec<u8>) -> Result<String, Undecodable> {
    // UTF-16 with a byte-order mark: libyaml (and so go-yaml) decodes it.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let valid =
        |upto: usize| String::from_utf8_lossy(bytes.get(..upto).unwrap_or_default()).into_owned();
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        if looks_like_utf16(&bytes) {
            return Err(Undecodable {
                prefix: String::new(),
                message: "file looks like UTF-16 without a byte-order mark; Kubernetes \
                          reads it as UTF-8 and rejects it: save it as UTF-8"
                    .into(),
            });
        }
        let prefix = match std::str::from_utf8(bytes.get(..nul).unwrap_or_default()) {
            Ok(p) => p.to_string(),
            Err(e) => valid(e.valid_up_to()),
        };
        return Err(Undecodable {
            prefix,
            message: format!("binary file (NUL byte at offset {nul}): not a manifest"),
        });
    }
    // Takes the buffer: no copy of a file that may be hundreds of MB.
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        Undecodable {
            prefix: String::from_utf8_lossy(bytes.get(..at).unwrap_or_default()).into_owned(),
            message: format!(
                "file is not valid UTF-8 (invalid byte at offset {at}); Kubernetes \
                 manifests must be UTF-8"
            ),
        }
    })
}

/// ASCII text saved as UTF-16 without a BOM: every other byte of the start is NUL.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(256) & !1).unwrap_or_default();
    if head.is_empty() {
        return false;
    }
    let pairs = head.chunks_exact(2);
    let le = pairs.clone().all(|p| p[0] != 0 && p[1] == 0);
    let be = pairs.clone().all(|p| p[0] == 0 && p[1] != 0);
    le || be
}

/// Decodes UTF-16 (after its BOM); a bad surrogate or an odd trailing byte is an
/// error located after the text decoded so far.
fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, Undecodable> {
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    // Code units decoded so far, for the error's byte offset (BOM included).
    let mut done = 1;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                done += c.len_utf16();
            }
            Err(_) => {
                return Err(Undecodable {
                    message: format!(
                        "file is not valid UTF-16 (unpaired surrogate at byte offset {})",
                        2 * done
                    ),
                    prefix: text,
                })
            }
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(Undecodable {
            prefix: text,
            message: "file is not valid UTF-16 (odd number of bytes)".into(),
        });
    }
    Ok(text)
}

/// A loader issue as a finding.
pub fn issue_finding(file: usize, source: &SourceFile, issue: &LoadIssue) -> Finding {
    let severity = builtin(issue.rule)
        .map(|r| r.severity)
        .unwrap_or(Severity::Error);
    crate::locate::located(
        file,
        source,
        issue.span,
        issue.rule,
        severity,
        issue.message.clone(),
    )
}
