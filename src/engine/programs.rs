//! RVM programs of the bundled rule groups, compiled ahead of time and embedded
//! in the binary (`rules/programs.bin`), so that a run of one file neither
//! parses and prepares the Rego modules (~18 ms for a Deployment's rules) nor
//! compiles a program (~30 ms): it deserialises the group's program (~1 ms).
//!
//! Each program is stored under a key derived from the build's digest of the
//! bundled rules and the regorus release (build.rs) and from the group's
//! dispatch source, so a program is only ever used for exactly the rules it
//! was compiled from. Anything else (rules from `KUBEWARD_RULES_DIR`, a config
//! that switches rules on or off, a stale file after editing a rule) finds no
//! program and compiles at run time as before; `tests/programs.rs` fails when
//! the committed file is stale and `KUBEWARD_UPDATE_PROGRAMS=1 cargo test
//! --test programs` writes it anew.
//!
//! File layout: `KWPROGS1`, a little-endian u32 count, then per program its
//! 16-byte key, a u32 length and `Program::serialize_binary` bytes (sources
//! stripped: they only decorate error messages, and a group whose program
//! fails falls back to the interpreter anyway).

use regorus::rvm::program::{DeserializationResult, Program};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Where the test writes the file, relative to the crate.
pub const ARTIFACT_PATH: &str = "rules/programs.bin";

static ARTIFACT: &[u8] = include_bytes!("../../rules/programs.bin");

const MAGIC: &[u8; 8] = b"KWPROGS1";

pub type Key = u128;

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

/// The key of a group's program: the bundle digest and the group's source in
/// the dispatch module (which rules, under which indices).
pub fn key(bundle_digest: u128, group_source: &str) -> Key {
    fnv128(&[&bundle_digest.to_le_bytes(), group_source.as_bytes()])
}

/// Encodes programs (already serialised) under their keys, in the given order.
pub fn encode(programs: &[(Key, Vec<u8>)]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(programs.len() as u32).to_le_bytes());
    for (key, bytes) in programs {
        out.extend_from_slice(&key.to_le_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// The keys and byte ranges of an encoded file; None when it is malformed
/// (an empty file holds no programs).
pub fn decode(data: &[u8]) -> Option<HashMap<Key, std::ops::Range<usize>>> {
    let mut index = HashMap::new();
    if data.is_empty() {
        return Some(index);
    }
    let rest = data.strip_prefix(MAGIC)?;
    let count = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?);
    let mut at = MAGIC.len() + 4;
    for _ in 0..count {
        let key = Key::from_le_bytes(data.get(at..at + 16)?.try_into().ok()?);
        let len = u32::from_le_bytes(data.get(at + 16..at + 20)?.try_into().ok()?) as usize;
        let start = at + 20;
        let end = start.checked_add(len)?;
        data.get(start..end)?;
        index.insert(key, start..end);
        at = end;
    }
    (at == data.len()).then_some(index)
}

fn embedded() -> &'static HashMap<Key, std::ops::Range<usize>> {
    static INDEX: OnceLock<HashMap<Key, std::ops::Range<usize>>> = OnceLock::new();
    INDEX.get_or_init(|| decode(ARTIFACT).unwrap_or_default())
}

/// Whether the binary holds a program for this key (no deserialisation).
pub fn has(key: Key) -> bool {
    embedded().contains_key(&key)
}

/// The embedded program for this key, if any deserialises completely.
pub fn load(key: Key) -> Option<Arc<Program>> {
    let range = embedded().get(&key)?.clone();
    match Program::deserialize_binary(ARTIFACT.get(range)?) {
        Ok(DeserializationResult::Complete(p)) => Some(Arc::new(p)),
        _ => None,
    }
}

/// A compiled program as stored: without its Rego sources.
pub fn serialize(program: &Program) -> Result<Vec<u8>, String> {
    let mut stripped = program.clone();
    stripped.sources.clear();
    stripped.serialize_binary()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let data = encode(&[(7, vec![1, 2, 3]), (9, vec![])]);
        let index = decode(&data).expect("decodes");
        assert_eq!(index.len(), 2);
        assert_eq!(&data[index[&7].clone()], &[1, 2, 3]);
        assert!(index[&9].is_empty());
    }

    #[test]
    fn malformed_files_hold_nothing() {
        let data = encode(&[(7, vec![1, 2, 3])]);
        assert!(decode(&data[..data.len() - 1]).is_none(), "truncated");
        assert!(decode(b"KWPROGS0\0\0\0\0").is_none(), "other magic");
        let mut longer = data.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes");
        assert_eq!(decode(&[]).map(|i| i.len()), Some(0));
    }

    #[test]
    fn keys_depend_on_digest_and_group() {
        assert_ne!(key(1, "g0"), key(2, "g0"));
        assert_ne!(key(1, "g0"), key(1, "g1"));
        assert_eq!(key(1, "g0"), key(1, "g0"));
    }

    #[test]
    fn the_embedded_file_is_well_formed() {
        assert!(decode(ARTIFACT).is_some());
    }
}
