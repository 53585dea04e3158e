//! Every file a build reads goes through here. A kustomization comes from the
//! repository being linted, which may be a hostile pull request: it must never
//! make kubeward read outside the tree it builds (`../../../etc/passwd`, a
//! symlink to `/`), read without bound, or block on a FIFO. So:
//! - each path is checked twice: by name (lexically, as the user reads it) and
//!   on disk (symlinks resolved), and both must stay inside the boundary;
//! - only regular files are read, through `input::read_option_file` (no
//!   /proc, /sys, /dev; at most the per-file limit; UTF-8);
//! - the bytes read by one build are counted against a total.
//!
//! The files read are kept (`files`), each once: output nodes point into them.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::source::SourceFile;

use super::tree::FileIdx;

pub(crate) struct Sandbox {
    /// The boundary, symlinks resolved.
    boundary: PathBuf,
    /// The same boundary as the caller named it, made absolute by name.
    boundary_lexical: PathBuf,
    pub files: Vec<SourceFile>,
    by_real: HashMap<PathBuf, FileIdx>,
    bytes_read: u64,
    max_file_bytes: u64,
    max_total_bytes: u64,
}

/// Why a path could not be used; the message is shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FsError {
    Missing(String),
    Outside(String),
    TooMuch(String),
    Unreadable(String),
}

impl FsError {
    pub fn message(&self) -> &str {
        match self {
            FsError::Missing(m)
            | FsError::Outside(m)
            | FsError::TooMuch(m)
            | FsError::Unreadable(m) => m,
        }
    }
}

impl Sandbox {
    pub fn new(boundary: &Path, max_file_bytes: u64, max_total_bytes: u64) -> Sandbox {
        let boundary_lexical = absolute(boundary);
        let boundary = std::fs::canonicalize(boundary).unwrap_or_else(|_| boundary_lexical.clone());
        Sandbox {
            boundary,
            boundary_lexical,
            files: Vec::new(),
            by_real: HashMap::new(),
            bytes_read: 0,
            max_file_bytes,
            max_total_bytes,
        }
    }

    /// Resolves `path` (as displayed) to its real location if it exists and
    /// stays inside the boundary both by name and on disk.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf, FsError> {
        let lexical = absolute(path);
        if !lexical.starts_with(&self.boundary_lexical) {
            return Err(FsError::Outside(format!(
                "{} is outside the tree being built ({}): kubeward never reads outside it",
                path.display(),
                self.boundary_lexical.display()
            )));
        }
        let real = match std::fs::canonicalize(path) {
            Ok(r) => r,
            Err(e) => {
                // A dangling symlink inside the tree is missing, not an escape.
                return Err(FsError::Missing(format!(
                    "{}: {}",
                    path.display(),
                    crate::paths::io_message(&e)
                )));
            }
        };
        if !real.starts_with(&self.boundary) || crate::paths::system_dir(&real).is_some() {
            return Err(FsError::Outside(format!(
                "{} resolves (through a symbolic link) to {}, outside the tree being built: \
                 kubeward never reads outside it",
                path.display(),
                real.display()
            )));
        }
        Ok(real)
    }

    pub fn is_file(&self, path: &Path) -> bool {
        self.resolve(path).is_ok_and(|r| r.is_file())
    }

    /// Reads a text file once per build; later reads give the same index.
    pub fn read(&mut self, path: &Path) -> Result<FileIdx, FsError> {
        let real = self.resolve(path)?;
        if let Some(&i) = self.by_real.get(&real) {
            return Ok(i);
        }
        let bytes = self.read_bytes_of(&real, path)?;
        let text = String::from_utf8(bytes).map_err(|e| {
            FsError::Unreadable(format!(
                "{}: not valid UTF-8 (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(self.add(display(path), text, Some(real)))
    }

    /// The bytes of a file that need not be text (a generator's file source).
    pub fn read_bytes(&mut self, path: &Path) -> Result<Vec<u8>, FsError> {
        let real = self.resolve(path)?;
        self.read_bytes_of(&real, path)
    }

    fn read_bytes_of(&mut self, real: &Path, shown: &Path) -> Result<Vec<u8>, FsError> {
        let meta = std::fs::metadata(real).map_err(|e| {
            FsError::Missing(format!(
                "{}: {}",
                shown.display(),
                crate::paths::io_message(&e)
            ))
        })?;
        if !meta.is_file() {
            return Err(FsError::Unreadable(format!(
                "{}: not a regular file",
                shown.display()
            )));
        }
        let room = self.max_total_bytes.saturating_sub(self.bytes_read);
        if meta.len() > self.max_file_bytes || meta.len() > room {
            return Err(FsError::TooMuch(format!(
                "{}: {} bytes, over the limit of what one build may read ({} per file, {} in all)",
                shown.display(),
                meta.len(),
                self.max_file_bytes,
                self.max_total_bytes
            )));
        }
        let bytes = std::fs::read(real).map_err(|e| {
            FsError::Unreadable(format!(
                "{}: {}",
                shown.display(),
                crate::paths::io_message(&e)
            ))
        })?;
        // The file may have grown since `metadata`.
        if bytes.len() as u64 > self.max_file_bytes.min(room) {
            return Err(FsError::TooMuch(format!(
                "{}: over the limit of what one build may read",
                shown.display()
            )));
        }
        self.bytes_read += bytes.len() as u64;
        Ok(bytes)
    }

    /// Registers text that is not a file of its own (none today but tests).
    pub fn add(&mut self, path: String, text: String, real: Option<PathBuf>) -> FileIdx {
        let i = FileIdx::try_from(self.files.len()).unwrap_or(FileIdx::MAX);
        let mut f = SourceFile::new(path, Arc::<str>::from(text));
        if let Some(r) = &real {
            f.keep_os_path(r);
            self.by_real.insert(r.clone(), i);
        }
        self.files.push(f);
        i
    }

    pub fn text(&self, file: FileIdx) -> &str {
        self.files.get(file as usize).map_or("", |f| &f.text)
    }
}

/// `path` made absolute, `.` and `..` resolved by name (no disk access).
pub(crate) fn absolute(path: &Path) -> PathBuf {
    crate::paths::absolute_normal(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `base/rel` with `.` and `..` resolved by name, relative kept relative:
/// the path as a person reads it (`overlays/prod/../../base` is `base`).
pub(crate) fn join(base: &Path, rel: &str) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    let joined = base.join(rel);
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// Whether `path` (lexical, from `join`) stays inside `dir`.
pub(crate) fn inside(path: &Path, dir: &Path) -> bool {
    absolute(path).starts_with(absolute(dir))
}

pub(crate) fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_resolves_dots_by_name() {
        assert_eq!(join(Path::new("a/b"), "../c"), PathBuf::from("a/c"));
        assert_eq!(join(Path::new("a"), "../../c"), PathBuf::from("../c"));
        assert_eq!(join(Path::new("."), "x.yaml"), PathBuf::from("x.yaml"));
        assert_eq!(join(Path::new("/r/a"), "../../../x"), PathBuf::from("/x"));
    }
}
