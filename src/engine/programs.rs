//! The on-disk cache of the bundled rule groups' RVM programs. Compiling a
//! group's program costs a run ~60–90 ms (parse and prepare its Rego modules,
//! then compile: a Deployment's group), reading it from the cache ~3 ms, what
//! the programs once embedded in the binary cost, so a warm one-file run is as
//! fast as it was. The first run with a rule bundle compiles the groups it
//! needs and writes them here; nothing is generated into the source tree, and
//! a rule change touches only that rule and its fixtures (docs/performance.md,
//! "Session 6", has the numbers and the designs measured against this one).
//!
//! Layout: `<cache dir>/programs/<bundle>/<key>.rvm`, both names 32 hex
//! digits. `<bundle>` is [`bundle_id`] (the build's digest of the bundled rules
//! and of the regorus release, build.rs, plus this kubeward's version); a key
//! is derived from it and from the group's dispatch source ([`key`]), so a
//! program is only ever used for exactly the rules it was compiled from. Rules
//! from `KUBEWARD_RULES_DIR` have no digest and are never cached. One file per
//! program: a one-file run reads only the group it evaluates, concurrent runs
//! write different files, and each file is written atomically
//! (`atomic_file`). Directories of other bundles (older builds) are pruned
//! beyond the [`KEEP_BUNDLES`] most recently written.
//!
//! File layout: `KWRVM001`, the 16-byte key, a u32 length, the 8-byte
//! [`checksum`] of the payload, then the payload, `Program::serialize_binary` bytes
//! (sources stripped: they only decorate error messages, and a group whose
//! program fails falls back to the interpreter anyway). A file that is not
//! exactly that (truncated, another key, another format, too large, a program
//! that does not deserialise completely or lacks its entry point) is ignored
//! and compiled anew: the cache makes a run faster, never different. Like the
//! project inventory cache next to it, it trusts what a writer of the user's
//! own cache directory puts there in the right format.

use regorus::rvm::program::{DeserializationResult, Program};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub type Key = u128;

/// Bumped when the file layout or the way programs are compiled changes.
const MAGIC: &[u8; 8] = b"KWRVM001";

/// Header: magic, key, payload length, payload checksum.
pub const HEADER: usize = 8 + 16 + 4 + 8;

/// A file larger than this is not read (the largest group program is ~0.4 MB).
const MAX_BYTES: u64 = 32 << 20;

/// How many bundles' directories are kept (each ~2 MB when every group ran).
pub const KEEP_BUNDLES: usize = 4;

/// No more programs are written into a bundle's directory once it holds this
/// many (plans of other rule sets, `--only` on large runs, add programs of
/// their own): the cache stays bounded whatever the runs.
const MAX_PROGRAMS: usize = 512;

/// FNV-1a over parts, each followed by a 0xff byte (no valid UTF-8 text
/// contains one, so parts cannot run into each other).
pub fn fnv128(parts: &[&[u8]]) -> u128 {
    let mut h = crate::fnv::Fnv128::new();
    for part in parts {
        h.write(part);
        h.write(&[0xff]);
    }
    h.finish()
}

/// What the programs of a rule bundle are compiled by and from: the bundle
/// digest (rule files, regorus release), this kubeward's version and the
/// cache format (how kubeward compiles and stores programs).
pub fn bundle_id(bundle_digest: u128) -> u128 {
    fnv128(&[
        &bundle_digest.to_le_bytes(),
        env!("CARGO_PKG_VERSION").as_bytes(),
        MAGIC,
    ])
}

/// The key of a group's program: the bundle and the group's source in the
/// dispatch module (which rules, under which indices).
pub fn key(bundle_digest: u128, group_source: &str) -> Key {
    fnv128(&[
        &bundle_id(bundle_digest).to_le_bytes(),
        group_source.as_bytes(),
    ])
}

/// A compiled program as stored: without its Rego sources.
pub fn serialize(program: &Program) -> Result<Vec<u8>, String> {
    let mut stripped = program.clone();
    stripped.sources.clear();
    stripped.serialize_binary()
}

/// A cache file's bytes for `payload` under `key`.
pub fn encode(key: Key, payload: &[u8]) -> Option<Vec<u8>> {
    let len = u32::try_from(payload.len()).ok()?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    Some(out)
}

/// The payload of a cache file, if it is exactly a file [`encode`] wrote for
/// `key` (same key, whole, unchanged).
pub fn decode(data: &[u8], key: Key) -> Option<&[u8]> {
    let rest = data.strip_prefix(MAGIC)?;
    let stored = Key::from_le_bytes(rest.get(..16)?.try_into().ok()?);
    let len = u32::from_le_bytes(rest.get(16..20)?.try_into().ok()?) as usize;
    let sum = u64::from_le_bytes(rest.get(20..28)?.try_into().ok()?);
    let payload = rest.get(28..)?;
    (stored == key && payload.len() == len && checksum(payload) == sum).then_some(payload)
}

/// A checksum of a cache file's payload, 8 bytes per step (FNV over the
/// ~240 KB of a group's program was a third of reading it). Each step is a
/// bijection of the state for a given word, so two payloads of one length
/// that differ in a single word always differ here; it detects damage, it is
/// no defence against a writer who means harm (see the module docs).
pub fn checksum(data: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let step = |h: u64, w: u64| (h.rotate_left(23) ^ w).wrapping_mul(K);
    let mut h = (data.len() as u64).wrapping_mul(K);
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        h = step(h, u64::from_le_bytes(w.try_into().unwrap_or_default()));
    }
    let mut last = [0u8; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    h = step(h, u64::from_le_bytes(last));
    h ^= h >> 29;
    h = h.wrapping_mul(K);
    h ^ (h >> 32)
}

/// The program in `payload`, if it deserialises completely and has `entry`.
pub fn program(payload: &[u8], entry: &str) -> Option<Arc<Program>> {
    // regorus checks every length and offset; a panic on a file it does not
    // expect must still only cost the cache hit.
    let parsed = std::panic::catch_unwind(|| Program::deserialize_binary(payload)).ok()?;
    match parsed {
        Ok(DeserializationResult::Complete(p)) if p.entry_points.contains_key(entry) => {
            Some(Arc::new(p))
        }
        _ => None,
    }
}

/// Programs compiled or read in this process, by key, shared by the runs of
/// a [`crate::Linter`] (an editor server lints on every change: it compiles
/// or reads each program once). Keys name the bundle and the group's source,
/// so one store can serve any rules.
#[derive(Debug, Clone, Default)]
pub struct Memory(Arc<std::sync::Mutex<std::collections::HashMap<Key, Arc<Program>>>>);

impl Memory {
    pub fn get(&self, key: Key) -> Option<Arc<Program>> {
        self.0.lock().ok()?.get(&key).cloned()
    }

    pub fn put(&self, key: Key, program: Arc<Program>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(key, program);
        }
    }

    pub fn len(&self) -> usize {
        self.0.lock().map_or(0, |m| m.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The program cache of one rule bundle.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The programs of the bundle with this digest under `cache_dir` (the
    /// run's cache directory: `--cache-dir`, `KUBEWARD_CACHE_DIR`, ...).
    pub fn new(cache_dir: &Path, bundle_digest: u128) -> Cache {
        Cache {
            dir: cache_dir
                .join("programs")
                .join(format!("{:032x}", bundle_id(bundle_digest))),
        }
    }

    /// The file of the program under `key`.
    pub fn file(&self, key: Key) -> PathBuf {
        self.dir.join(format!("{key:032x}.rvm"))
    }

    /// The cached program for `key` whose entry point is `entry`; None when
    /// there is none or the file is unusable.
    pub fn load(&self, key: Key, entry: &str) -> Option<Arc<Program>> {
        let _span = super::profile::Span::new("engine: program cache read");
        let data = read_capped(&self.file(key))?;
        program(decode(&data, key)?, entry)
    }

    /// Writes `program` under `key`, atomically; best effort (a cache that
    /// cannot be written only means the next run compiles again).
    pub fn store(&self, key: Key, program: &Program) {
        let _span = super::profile::Span::new("engine: program cache write");
        let Some(bytes) = serialize(program)
            .ok()
            .and_then(|payload| encode(key, &payload))
        else {
            return;
        };
        match std::fs::read_dir(&self.dir) {
            Ok(entries) => {
                if entries.count() < MAX_PROGRAMS {
                    write(&self.file(key), &bytes);
                }
            }
            // A new bundle: older ones make room (after the write, so that a
            // run that cannot write leaves the others alone).
            Err(_) => {
                if write(&self.file(key), &bytes) {
                    self.prune();
                }
            }
        }
    }

    /// Removes the directories of other bundles beyond the [`KEEP_BUNDLES`]
    /// most recently written (this one included). Only names this cache
    /// writes (32 hex digits) are touched.
    fn prune(&self) {
        let Some(parent) = self.dir.parent() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(parent) else {
            return;
        };
        let mut bundles: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
            })
            .filter_map(|e| {
                let meta = std::fs::symlink_metadata(e.path()).ok()?;
                meta.is_dir()
                    .then(|| (meta.modified().unwrap_or(std::time::UNIX_EPOCH), e.path()))
            })
            .filter(|(_, p)| *p != self.dir)
            .collect();
        bundles.sort_by_key(|b| std::cmp::Reverse(b.0));
        for (_, old) in bundles.iter().skip(KEEP_BUNDLES.saturating_sub(1)) {
            let _ = std::fs::remove_dir_all(old);
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> bool {
    crate::atomic_file::write_atomically(path, |out| out.write_all(bytes)).is_ok()
}

/// A regular file's bytes, at most [`MAX_BYTES`] (no symlink, FIFO or device:
/// the cache only ever writes regular files).
fn read_capped(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    file.take(MAX_BYTES + 1).read_to_end(&mut data).ok()?;
    (data.len() as u64 <= MAX_BYTES).then_some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let data = encode(7, &[1, 2, 3]).expect("encodes");
        assert_eq!(decode(&data, 7), Some(&[1u8, 2, 3][..]));
        let empty = encode(9, &[]).expect("encodes");
        assert_eq!(decode(&empty, 9), Some(&[][..]));
    }

    #[test]
    fn malformed_or_foreign_files_hold_nothing() {
        let data = encode(7, &[1, 2, 3]).expect("encodes");
        assert_eq!(decode(&data, 8), None, "another key");
        for cut in 0..data.len() {
            assert_eq!(decode(&data[..cut], 7), None, "truncated at {cut}");
        }
        let mut longer = data.clone();
        longer.push(0);
        assert_eq!(decode(&longer, 7), None, "trailing bytes");
        let mut flipped = data.clone();
        if let Some(last) = flipped.last_mut() {
            *last ^= 1;
        }
        assert_eq!(decode(&flipped, 7), None, "changed payload");
        let mut other = data.clone();
        other[7] = b'0';
        assert_eq!(decode(&other, 7), None, "other format");
        assert!(program(b"not a program", "data.x").is_none());
    }

    #[test]
    fn every_changed_or_missing_byte_changes_the_checksum() {
        let data: Vec<u8> = (0..61u8).collect();
        let sum = checksum(&data);
        for i in 0..data.len() {
            for bit in 0..8 {
                let mut changed = data.clone();
                changed[i] ^= 1 << bit;
                assert_ne!(checksum(&changed), sum, "byte {i} bit {bit}");
            }
            assert_ne!(checksum(&data[..i]), sum, "first {i} bytes");
        }
        let mut zero_padded = data.clone();
        zero_padded.push(0);
        assert_ne!(checksum(&zero_padded), sum);
    }

    #[test]
    fn keys_depend_on_digest_and_group() {
        assert_ne!(key(1, "g0"), key(2, "g0"));
        assert_ne!(key(1, "g0"), key(1, "g1"));
        assert_eq!(key(1, "g0"), key(1, "g0"));
        assert_ne!(bundle_id(1), bundle_id(2));
    }

    #[test]
    fn reads_are_capped_and_only_of_regular_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("big");
        let f = std::fs::File::create(&big).expect("create");
        f.set_len(MAX_BYTES + 1).expect("sparse file");
        assert!(read_capped(&big).is_none());
        assert!(read_capped(dir.path()).is_none(), "a directory");
        let small = dir.path().join("small");
        std::fs::write(&small, b"abc").expect("write");
        assert_eq!(read_capped(&small).as_deref(), Some(&b"abc"[..]));
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&small, &link).expect("symlink");
            assert!(read_capped(&link).is_none(), "a symlink");
        }
    }

    #[test]
    fn old_bundles_are_pruned_when_a_new_one_is_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        let programs = dir.path().join("programs");
        let old: Vec<PathBuf> = (0..KEEP_BUNDLES + 2)
            .map(|i| programs.join(format!("{i:032x}")))
            .collect();
        for d in &old {
            std::fs::create_dir_all(d).expect("mkdir");
            std::fs::write(d.join("x.rvm"), b"x").expect("write");
            // Distinct modification times, oldest first.
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let foreign = programs.join("not-a-bundle");
        std::fs::create_dir_all(&foreign).expect("mkdir");
        let cache = Cache::new(dir.path(), 42);
        let mut p = Program::new();
        p.entry_points.insert("data.x".to_string(), 0);
        cache.store(5, &p);
        let kept: Vec<bool> = old.iter().map(|d| d.exists()).collect();
        let expected: Vec<bool> = (0..old.len())
            .map(|i| i + KEEP_BUNDLES > old.len())
            .collect();
        assert_eq!(
            kept,
            expected,
            "the newest {} others stay",
            KEEP_BUNDLES - 1
        );
        assert!(foreign.exists(), "names the cache does not write stay");
        assert!(cache.file(5).is_file());
    }
}
