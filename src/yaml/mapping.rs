//! One mapping under construction, with go-yaml's map semantics: setting a key that is
//! already there replaces its value (last wins, `decode.go` `setMapIndex`) but keeps
//! its first position, so the tree lists keys in the order they first appeared.
//! Lookups are by the JSON key string; a small map is scanned, a larger one gets a
//! hash index so big mappings stay linear.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::keys::KeyId;
use super::{Entry, Node, Span};

/// Below this many entries a linear scan beats hashing.
const INDEX_FROM: usize = 8;

/// Where an entry's current value came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyMeta {
    pub id: KeyId,
    /// Brought in by a `<<` merge rather than written in this mapping.
    pub merged: bool,
}

/// What `set` replaced, so the caller can report it.
pub(crate) enum Replaced {
    /// A new key.
    Nothing,
    /// The same Go key (same type and value): a duplicate or a merge override.
    SameKey { was_merged: bool },
    /// A different Go key with the same JSON string (`1` and `"1"`).
    Collision { earlier: KeyId },
}

#[derive(Default)]
pub(crate) struct MapBuilder {
    entries: Vec<Entry>,
    meta: Vec<KeyMeta>,
    index: Option<KeyIndex>,
}

impl MapBuilder {
    /// Reuses `meta`'s allocation (the builder pools them).
    pub(crate) fn with_meta(mut meta: Vec<KeyMeta>) -> Self {
        meta.clear();
        MapBuilder {
            entries: Vec::new(),
            meta,
            index: None,
        }
    }

    /// Sets `key` and returns what it replaced and the entry's position.
    pub(crate) fn set(
        &mut self,
        key: String,
        key_span: Span,
        value: Node,
        meta: KeyMeta,
    ) -> (Replaced, usize) {
        if let Some(i) = self.find(&key) {
            if let (Some(entry), Some(old)) = (self.entries.get_mut(i), self.meta.get_mut(i)) {
                let replaced = if old.id.same_key(meta.id) {
                    Replaced::SameKey {
                        was_merged: old.merged,
                    }
                } else {
                    Replaced::Collision { earlier: old.id }
                };
                entry.key_span = key_span;
                entry.value = value;
                *old = meta;
                return (replaced, i);
            }
        }
        let position = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(&key, position);
        }
        self.entries.push(Entry {
            key,
            key_span,
            value,
        });
        self.meta.push(meta);
        if self.index.is_none() && self.entries.len() >= INDEX_FROM {
            self.index = Some(KeyIndex::build(&self.entries));
        }
        (Replaced::Nothing, position)
    }

    pub(crate) fn key_at(&self, position: usize) -> &str {
        self.entries.get(position).map_or("", |e| e.key.as_str())
    }

    fn find(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.find(&self.entries, key),
            None => self.entries.iter().position(|e| e.key == key),
        }
    }

    /// The finished entries and, parallel to them, their key identities.
    pub(crate) fn finish(self) -> (Vec<Entry>, Vec<KeyMeta>) {
        (self.entries, self.meta)
    }
}

/// Hash of the key string -> most recent entry with that hash; `next` chains entries
/// whose hashes are equal. Stores positions, not copies of the keys.
struct KeyIndex {
    heads: HashMap<u64, usize, BuildHasherDefault<IdentityHasher>>,
    next: Vec<usize>,
}

const NONE: usize = usize::MAX;

impl KeyIndex {
    fn build(entries: &[Entry]) -> Self {
        let mut index = KeyIndex {
            heads: HashMap::with_capacity_and_hasher(entries.len() * 2, Default::default()),
            next: Vec::with_capacity(entries.len() * 2),
        };
        for (i, e) in entries.iter().enumerate() {
            index.insert(&e.key, i);
        }
        index
    }

    fn insert(&mut self, key: &str, position: usize) {
        let previous = self.heads.insert(fx_hash(key), position).unwrap_or(NONE);
        if self.next.len() <= position {
            self.next.resize(position + 1, NONE);
        }
        if let Some(slot) = self.next.get_mut(position) {
            *slot = previous;
        }
    }

    fn find(&self, entries: &[Entry], key: &str) -> Option<usize> {
        let mut at = *self.heads.get(&fx_hash(key))?;
        while at != NONE {
            if entries.get(at).is_some_and(|e| e.key == key) {
                return Some(at);
            }
            at = self.next.get(at).copied().unwrap_or(NONE);
        }
        None
    }
}

/// FxHash (rustc's hasher) over the key bytes, then MurmurHash3's 64-bit finaliser:
/// FxHash alone leaves the low bits depending only on the low bytes of each word, and
/// the hash table picks buckets by the low bits, so keys like `key10000`..`key39999`
/// (which differ only in their last bytes) would all share a bucket.
fn fx_hash(key: &str) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h: u64 = 0;
    let mut chunks = key.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(SEED);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The keys of `heads` are already hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{NodeKind, Scalar};

    fn node(i: i64) -> Node {
        Node {
            kind: NodeKind::Scalar(Scalar::Int(i)),
            span: Span::default(),
        }
    }

    fn meta(id: KeyId) -> KeyMeta {
        KeyMeta { id, merged: false }
    }

    #[test]
    fn key_hash_spreads_keys_that_differ_only_at_the_end() {
        let buckets: std::collections::HashSet<u64> = (10_000..30_000)
            .map(|i| fx_hash(&format!("key{i}")) & 0xFFFF)
            .collect();
        assert!(buckets.len() > 15_000, "{}", buckets.len());
    }

    #[test]
    fn last_value_wins_in_first_position_for_small_and_large_maps() {
        for n in [3, 50] {
            let mut m = MapBuilder::default();
            for i in 0..n {
                assert!(matches!(
                    m.set(format!("k{i}"), Span::default(), node(i), meta(KeyId::Str)),
                    (Replaced::Nothing, _)
                ));
            }
            assert!(matches!(
                m.set("k1".into(), Span::new(7, 9), node(100), meta(KeyId::Str)),
                (Replaced::SameKey { was_merged: false }, 1)
            ));
            assert!(matches!(
                m.set("k2".into(), Span::default(), node(200), meta(KeyId::Int)),
                (
                    Replaced::Collision {
                        earlier: KeyId::Str
                    },
                    2
                )
            ));
            assert_eq!(m.key_at(2), "k2");
            let (entries, _) = m.finish();
            assert_eq!(entries.len(), usize::try_from(n).unwrap_or(0));
            assert_eq!(entries[1].value, node(100));
            assert_eq!(entries[1].key_span, Span::new(7, 9));
            assert_eq!(entries[2].value, node(200));
        }
    }
}
