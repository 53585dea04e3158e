//! The inventory cache: per project root, one JSON file under the cache
//! directory (`$XDG_CACHE_HOME/kubeward`, else `~/.cache/kubeward`;
//! `--cache-dir`, `--no-cache`) holding each manifest's inventory entries,
//! keyed by its path under the root, size and mtime. A cache written by
//! another kubeward version or under other settings (the salt), one that does
//! not parse, or one too large, is ignored and rewritten: the cache can make a
//! run faster, never different, and never fail it.

use regorus::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bumped when the file's layout or the meaning of an entry changes.
const FORMAT: u32 = 1;

/// A cache file larger than this is ignored (a planted or runaway file must
/// not cost the run its memory).
const MAX_BYTES: u64 = 512 << 20;

/// What a file's cached entries are valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    rel: String,
    size: u64,
    secs: u64,
    nanos: u32,
}

impl Key {
    /// The key of `path` (as walked from `walked`, the root as written for the
    /// walk); None when it cannot be stated or its path is not Unicode (such
    /// a file is simply read every time).
    pub fn of(walked: &Path, path: &Path) -> Option<Key> {
        let meta = std::fs::metadata(path).ok()?;
        let since = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let rel = path.strip_prefix(walked).unwrap_or(path);
        Some(Key {
            rel: rel.to_str()?.to_string(),
            size: meta.len(),
            secs: since.as_secs(),
            nanos: since.subsec_nanos(),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Disk {
    format: u32,
    salt: String,
    root: String,
    files: BTreeMap<String, DiskFile>,
}

#[derive(Serialize, Deserialize)]
struct DiskFile {
    size: u64,
    secs: u64,
    nanos: u32,
    entries: Vec<Value>,
}

/// One root's cache, read once per run and written back when it changed.
pub struct Store {
    path: PathBuf,
    disk: Disk,
    dirty: bool,
}

impl Store {
    /// The cache of `root` under `dir`; empty when there is none or it is
    /// unusable.
    pub fn open(dir: &Path, root: &Path, salt: &str) -> Store {
        let root_name = root.to_string_lossy().into_owned();
        let mut digest = crate::fnv::Fnv128::new();
        digest.write(root.as_os_str().as_encoded_bytes());
        let path = dir.join(format!("inventory-{:032x}.json", digest.finish()));
        let empty = || Disk {
            format: FORMAT,
            salt: salt.to_string(),
            root: root_name.clone(),
            files: BTreeMap::new(),
        };
        let disk = read(&path)
            .filter(|d| d.format == FORMAT && d.salt == salt && d.root == root_name)
            .unwrap_or_else(empty);
        Store {
            path,
            disk,
            dirty: false,
        }
    }

    /// The cached entries of a file, if it has not changed since.
    pub fn get(&self, key: &Key) -> Option<&Vec<Value>> {
        let f = self.disk.files.get(&key.rel)?;
        (f.size == key.size && f.secs == key.secs && f.nanos == key.nanos).then_some(&f.entries)
    }

    /// Records a file's entries, if they survive the trip through JSON
    /// unchanged (YAML allows mapping keys that are not strings; JSON does not,
    /// and a cached run must see exactly what a fresh one sees).
    pub fn put(&mut self, key: &Key, entries: &[Value]) {
        let survives = serde_json::to_string(entries)
            .ok()
            .and_then(|json| serde_json::from_str::<Vec<Value>>(&json).ok())
            .is_some_and(|back| back == entries);
        if !survives {
            return;
        }
        self.disk.files.insert(
            key.rel.clone(),
            DiskFile {
                size: key.size,
                secs: key.secs,
                nanos: key.nanos,
                entries: entries.to_vec(),
            },
        );
        self.dirty = true;
    }

    /// Writes the cache back (atomically) when it changed; files no longer
    /// found under the root are dropped. A cache that cannot be written is
    /// not an error: the next run reads the files again.
    pub fn save(mut self, present: &[Option<Key>]) {
        let keep: std::collections::HashSet<&str> =
            present.iter().flatten().map(|k| k.rel.as_str()).collect();
        let before = self.disk.files.len();
        self.disk.files.retain(|rel, _| keep.contains(rel.as_str()));
        if !self.dirty && self.disk.files.len() == before {
            return;
        }
        let _ = crate::atomic_file::write_atomically(&self.path, |out| {
            serde_json::to_writer(out, &self.disk).map_err(std::io::Error::other)
        });
    }
}

fn read(path: &Path) -> Option<Disk> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The cache directory: `explicit` (`--cache-dir`), else `KUBEWARD_CACHE_DIR`,
/// else `$XDG_CACHE_HOME/kubeward`, else `$HOME/.cache/kubeward`; None when
/// none of them is set.
pub fn default_dir() -> Option<PathBuf> {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    from("KUBEWARD_CACHE_DIR")
        .or_else(|| from("XDG_CACHE_HOME").map(|d| d.join("kubeward")))
        .or_else(|| from("HOME").map(|h| h.join(".cache").join("kubeward")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(dir: &Path, name: &str, text: &str) -> Key {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write");
        Key::of(dir, &p).expect("key")
    }

    #[test]
    fn entries_come_back_until_the_file_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let k = key(dir.path(), "a.yaml", "kind: Pod\n");
        let entry =
            Value::from_json_str(r#"{"kind":"Pod","metadata":{"name":"a"}}"#).expect("json");
        let mut s = Store::open(&cache, dir.path(), "salt");
        assert!(s.get(&k).is_none());
        s.put(&k, std::slice::from_ref(&entry));
        s.save(&[Some(k.clone())]);
        let s = Store::open(&cache, dir.path(), "salt");
        assert_eq!(s.get(&k), Some(&vec![entry]));
        // Another salt (version, workloads, limits): nothing.
        assert!(Store::open(&cache, dir.path(), "other").get(&k).is_none());
        // The file changed size: stale.
        let k2 = key(dir.path(), "a.yaml", "kind: Pod # longer\n");
        assert!(s.get(&k2).is_none());
    }

    #[test]
    fn corrupt_or_foreign_caches_are_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = dir.path().join("cache");
        let k = key(dir.path(), "a.yaml", "x: 1\n");
        let mut s = Store::open(&cache, dir.path(), "salt");
        s.put(&k, &[Value::from("e")]);
        s.save(&[Some(k.clone())]);
        let file = std::fs::read_dir(&cache)
            .expect("dir")
            .flatten()
            .next()
            .expect("a cache file")
            .path();
        for junk in ["", "{", "[1,2]", "{\"format\":1}", "\u{0}\u{1}binary"] {
            std::fs::write(&file, junk).expect("write");
            assert!(Store::open(&cache, dir.path(), "salt").get(&k).is_none());
        }
    }

    #[test]
    fn entries_json_cannot_hold_are_not_cached() {
        let dir = tempfile::tempdir().expect("tempdir");
        let k = key(dir.path(), "a.yaml", "x: 1\n");
        let mut s = Store::open(&dir.path().join("cache"), dir.path(), "salt");
        // A mapping key that is a number (YAML allows it): JSON would make it
        // a string.
        let mut obj = std::collections::BTreeMap::new();
        obj.insert(Value::from(1u64), Value::from("one"));
        s.put(&k, &[Value::from(obj)]);
        assert!(s.get(&k).is_none());
    }
}
