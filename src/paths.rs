//! Paths as kubeward treats them: resolved by name for looking upwards,
//! resolved on disk (and refused in /proc, /sys, /dev) for reading, identified
//! by inode; I/O errors as short messages. Used by every stage that touches
//! the disk, so it depends on nothing of the crate.

use std::path::{Path, PathBuf};

/// Kernel pseudo-filesystems. Nothing in them is a manifest, and reading them
/// can block (`/dev/tty`, a FIFO), never end (`/dev/zero`, the `/sys` tree) or
/// hand a hostile repository the runner's secrets (`/proc/self/environ`).
pub const SYSTEM_DIRS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// The system directory an absolute, symlink-free path lies in, if any.
pub fn system_dir(real: &Path) -> Option<&'static str> {
    SYSTEM_DIRS.into_iter().find(|d| real.starts_with(d))
}

/// A path named by the user or a config with its symlinks resolved; refused
/// (with the reason) when it does not exist or resolves into /proc, /sys or /dev.
pub fn real_path(path: &Path) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| io_message(&e))?;
    match system_dir(&real) {
        Some(dir) => Err(format!(
            "resolves into {dir}, a kernel pseudo-filesystem: kubeward never reads \
             /proc, /sys or /dev"
        )),
        None => Ok(real),
    }
}

/// What identifies a file on disk: its device and inode on Unix (one `stat`;
/// canonicalising the path costs a lookup per path component, ~80 ms for the
/// 5,000 files of a large repository), its canonical path elsewhere.
#[derive(PartialEq, Eq, Hash)]
pub enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileId {
    pub fn of(path: &Path) -> FileId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(path) {
                return FileId::Inode(m.dev(), m.ino());
            }
        }
        FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// `path` made absolute with `.` and `..` resolved by name, as a person
/// reads it: `/work/main/../shared` is `/work/shared`. `std::path::absolute`
/// keeps the `..`, and walking up from `/work/main/../shared` passes through
/// `/work/main`, whose config (or `.git`) is not `/work/shared`'s. Symlinks
/// are not resolved (no disk access): this is for looking upwards.
pub fn absolute_normal(path: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// An I/O error as a short message (no OS error code for the common ones).
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Whether `dir` is the top of a git repository (holds `.git`, a directory
/// or, in a worktree or submodule, a file; a dangling symlink counts too):
/// where a project's configs, inventory and kustomizations end.
pub fn is_repository_root(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(".git")).is_ok()
}

#[cfg(test)]
mod tests {
    use super::absolute_normal;
    use std::path::Path;

    #[test]
    fn dot_dot_is_resolved_by_name() {
        assert_eq!(
            absolute_normal(Path::new("/work/main/../shared/./corpus")).expect("absolute"),
            Path::new("/work/shared/corpus")
        );
        assert_eq!(
            absolute_normal(Path::new("/../x")).expect("absolute"),
            Path::new("/x")
        );
    }
}
