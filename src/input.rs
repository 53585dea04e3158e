//! Bytes -> text -> loaded documents for one target. Bad input never stops the
//! run: unreadable files become problems, undecodable ones `yaml/syntax` findings.

use crate::discover::{io_message, Target};
use crate::finding::{Finding, Severity};
use crate::rules_builtin::{builtin, YAML_SYNTAX};
use crate::source::SourceFile;
use crate::yaml::{self, Document, LoadIssue, Span};
use crate::{Problem, Settings};

/// Files above this size are not parsed (a finding says so); a manifest this big
/// is almost certainly generated data, and holding its tree would cost ~10x.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

pub enum Loaded {
    Failed(Problem),
    File {
        source: SourceFile,
        issues: Vec<LoadIssue>,
        documents: Vec<Document>,
    },
}

pub fn read_and_load(target: &Target, settings: &Settings) -> Loaded {
    let (name, bytes) = match target {
        Target::Stdin => (
            settings
                .stdin_filename
                .clone()
                .unwrap_or_else(|| "-".to_string()),
            settings.stdin.clone().unwrap_or_default(),
        ),
        Target::File(path) | Target::Chart(path) => {
            let name = path.display().to_string();
            // Reading a FIFO or a device would block or never end.
            if let Ok(m) = std::fs::metadata(path) {
                if !m.is_file() {
                    return Loaded::Failed(Problem {
                        path: name,
                        message: "not a regular file; skipped".into(),
                        is_error: true,
                    });
                }
            }
            match std::fs::read(path) {
                Ok(b) => (name, b),
                Err(e) => {
                    return Loaded::Failed(Problem {
                        path: name,
                        message: io_message(&e),
                        is_error: true,
                    })
                }
            }
        }
    };
    load_bytes(name, bytes)
}

/// Decodes and loads one file's bytes.
pub fn load_bytes(name: String, bytes: Vec<u8>) -> Loaded {
    let syntax = |source: SourceFile, at: usize, message: String| Loaded::File {
        source,
        issues: vec![LoadIssue {
            rule: YAML_SYNTAX,
            message,
            span: Span::new(at, at),
        }],
        documents: Vec::new(),
    };
    if bytes.len() > MAX_FILE_BYTES {
        return syntax(
            SourceFile::new(name, ""),
            0,
            format!(
                "file is {} MiB, over the {} MiB limit; it was not parsed",
                bytes.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        );
    }
    let text = match decode(&bytes) {
        Ok(t) => t,
        Err(Undecodable::Binary) => {
            return syntax(
                SourceFile::new(name, ""),
                0,
                "binary file (contains NUL bytes): not a manifest".into(),
            )
        }
        Err(Undecodable::NotUtf8 { valid_up_to }) => {
            // Keep the readable prefix so the report can show where it breaks.
            let prefix =
                String::from_utf8_lossy(bytes.get(..valid_up_to).unwrap_or_default()).into_owned();
            let at = prefix.len();
            return syntax(
                SourceFile::new(name, prefix),
                at,
                format!("file is not valid UTF-8 (invalid byte at offset {valid_up_to}); Kubernetes manifests must be UTF-8"),
            );
        }
    };
    let loaded = yaml::load(&text);
    Loaded::File {
        source: SourceFile::new(name, text),
        issues: loaded.issues,
        documents: loaded.documents,
    }
}

enum Undecodable {
    Binary,
    NotUtf8 { valid_up_to: usize },
}

fn decode(bytes: &[u8]) -> Result<String, Undecodable> {
    // UTF-16 with a byte-order mark: libyaml (and so go-yaml) decodes it.
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    if bytes.contains(&0) {
        return Err(Undecodable::Binary);
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| Undecodable::NotUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, Undecodable> {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| {
            word([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    String::from_utf16(&units).map_err(|_| Undecodable::NotUtf8 { valid_up_to: 0 })
}

/// A loader issue as a finding.
pub fn issue_finding(file: usize, source: &SourceFile, issue: &LoadIssue) -> Finding {
    let severity = builtin(issue.rule)
        .map(|r| r.severity)
        .unwrap_or(Severity::Error);
    crate::suppress::located(
        file,
        source,
        issue.span,
        issue.rule,
        severity,
        issue.message.clone(),
    )
}
