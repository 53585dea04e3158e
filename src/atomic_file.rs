//! Files kubeward writes (reports, baselines) are replaced atomically: the
//! content goes to a temporary file beside the target, is flushed to disk, and
//! only then renamed over the target. An interrupted run (Ctrl-C, a CI job
//! cancelled, a full disk) leaves the previous file whole instead of a
//! truncated one — a half-written baseline would fail the next run.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` through `write`, atomically. Missing parent directories are
/// created. On any error the target is untouched and the temporary file is
/// removed.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.to_path_buf()
        }
        None => PathBuf::from("."),
    };
    // `/dev/stderr`, `/dev/fd/3`, `/proc/self/fd/1`: names of an open stream
    // even when it is redirected to a regular file (`2> log`); replacing them
    // would swap the system's link for a plain file.
    let names_stream = crate::paths::absolute_normal(path)
        .is_ok_and(|p| p.starts_with("/dev") || p.starts_with("/proc"));
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(io::Error::other("is a directory")),
        // Appended to: a stream redirected to a file keeps what the run wrote
        // there before (its other stderr lines).
        Ok(_) if names_stream => return write_stream(path, true, write),
        // A stream (a FIFO, a terminal, `>(process)`): there is nothing to
        // replace, and renaming over it would swap the device node or link
        // for a plain file. It is written as it is.
        Ok(m) if !m.is_file() => return write_stream(path, false, write),
        // A regular file, or none yet. A symlink is replaced by the new file,
        // not followed: a link committed to a repository must not make a report
        // overwrite a file elsewhere.
        _ => {}
    }
    // The temporary file lives in the target's directory so the rename stays
    // on one filesystem (a rename across filesystems is a copy, not atomic).
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.as_deref().unwrap_or("kubeward")))
        .suffix(".tmp")
        .tempfile_in(&dir)?;
    let mut out = BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    keep_mode(path, tmp.as_file());
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable only once the directory is synced; a
    // failure here does not undo a completed rename, so it is not an error.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes to an existing stream in place (no temporary file, no rename).
fn write_stream(
    path: &Path,
    append: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .append(append)
        .open(path)?;
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    out.flush()
}

/// The replacement keeps the permissions of the file it replaces; a new file
/// gets the usual `rw-r--r--` (tempfile creates `rw-------`, which would hide
/// a report from the CI step that uploads it).
fn keep_mode(path: &Path, tmp: &File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o644);
        let _ = tmp.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (path, tmp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn replaces_the_file_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out/report.json");
        write_atomically(&target, |w| w.write_all(b"first")).expect("write");
        write_atomically(&target, |w| w.write_all(b"second")).expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"second");
        // Nothing but the target is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("out"))
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
    }

    #[test]
    fn a_failed_write_keeps_the_previous_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("baseline.json");
        std::fs::write(&target, b"good").expect("seed");
        let err = write_atomically(&target, |w| {
            w.write_all(b"half of a new")?;
            Err(io::Error::other("interrupted"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&target).expect("read"), b"good");
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn streams_are_written_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: mkfifo is not available here");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
        };
        write_atomically(&fifo, |w| w.write_all(b"through the pipe")).expect("write");
        assert_eq!(reader.join().expect("reader"), b"through the pipe");
        assert!(std::fs::symlink_metadata(&fifo)
            .expect("still there")
            .file_type()
            .is_fifo());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, b"precious").expect("seed");
        let link = dir.path().join("report.sarif");
        std::os::unix::fs::symlink(&elsewhere, &link).expect("symlink");
        write_atomically(&link, |w| w.write_all(b"report")).expect("write");
        assert_eq!(std::fs::read(&elsewhere).expect("read"), b"precious");
        assert_eq!(std::fs::read(&link).expect("read"), b"report");
        assert!(std::fs::symlink_metadata(&link).expect("meta").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_permissions_of_the_replaced_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("r.sarif");
        write_atomically(&target, |w| w.write_all(b"x")).expect("write");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&target), 0o644);
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomically(&target, |w| w.write_all(b"y")).expect("write");
        assert_eq!(mode(&target), 0o640);
    }
}
