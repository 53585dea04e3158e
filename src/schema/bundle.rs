//! The embedded schema bundle (`schemas/kubernetes.bin`, built by
//! `scripts/schemas/regenerate`, whose header documents the format): one zlib stream of
//! every definition body once, each with the mask of the versions that have it. Nothing is
//! inflated until a caller asks for a schema; then the text is inflated once per process
//! (~0.86 MB) and a version's index built once per version. The data is build-time data,
//! but a corrupt bundle still gives `None`, never a panic.

use std::collections::HashMap;
use std::sync::OnceLock;

static COMPRESSED: &[u8] = include_bytes!("../../schemas/kubernetes.bin");

const FORMAT: &str = "kubeward-schemas 1";
/// Far above the real text (0.86 MB): a bound on what a corrupt stream may allocate.
const MAX_TEXT: usize = 64 << 20;

/// The parsed bundle: slices of the inflated text, which lives as long as the process.
pub(crate) struct Bundle {
    pub source: &'static str,
    pub versions: Vec<(u32, u32)>,
    kinds: Vec<(u64, &'static str, &'static str, &'static str)>,
    defs: Vec<(u64, &'static str, &'static str)>,
    indexes: Vec<OnceLock<VersionIndex>>,
}

/// One version's view: definition name -> JSON text, apiVersion -> kind -> definition.
/// (Maps keyed by `&str`, not by a pair, so a lookup with a caller's short-lived strings
/// still yields the bundle's `'static` ones.)
pub(crate) struct VersionIndex {
    pub defs: HashMap<&'static str, &'static str>,
    pub kinds: HashMap<&'static str, HashMap<&'static str, &'static str>>,
}

impl VersionIndex {
    /// (apiVersion, kind, definition), all borrowed from the bundle.
    pub fn kind(
        &self,
        api_version: &str,
        kind: &str,
    ) -> Option<(&'static str, &'static str, &'static str)> {
        let (&api, kinds) = self.kinds.get_key_value(api_version)?;
        let (&kind, &def) = kinds.get_key_value(kind)?;
        Some((api, kind, def))
    }
}

/// The bundle, inflated and parsed on first use; `None` when it is corrupt.
pub(crate) fn bundle() -> Option<&'static Bundle> {
    BUNDLE
        .get_or_init(|| parse(TEXT.get_or_init(|| inflate(COMPRESSED)).as_deref()?))
        .as_ref()
}

// The text lives for the whole process: every index borrows from it.
static TEXT: OnceLock<Option<String>> = OnceLock::new();
static BUNDLE: OnceLock<Option<Bundle>> = OnceLock::new();

pub(crate) fn is_inflated() -> bool {
    TEXT.get().is_some()
}

/// The bundle's text; `None` for a stream that is not zlib, fails its checksum, is larger
/// than [`MAX_TEXT`] or is not UTF-8.
pub(crate) fn inflate(data: &[u8]) -> Option<String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_TEXT).ok()?;
    String::from_utf8(bytes).ok()
}

/// The embedded bytes (tests corrupt a copy).
#[cfg(test)]
pub(crate) fn compressed() -> &'static [u8] {
    COMPRESSED
}

pub(crate) fn parse(text: &'static str) -> Option<Bundle> {
    let mut lines = text.lines();
    if lines.next()? != FORMAT {
        return None;
    }
    let source = lines.next()?.strip_prefix("source ")?;
    let versions = lines
        .next()?
        .strip_prefix("versions ")?
        .split(' ')
        .map(crate::kube_version::parse_kube_version)
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    if versions.is_empty() || versions.len() > 64 || !versions.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    let n_kinds = count(lines.next()?, "kinds ")?;
    let mut kinds = Vec::with_capacity(n_kinds);
    for _ in 0..n_kinds {
        let mut f = lines.next()?.split('\t');
        let mask = u64::from_str_radix(f.next()?, 16).ok()?;
        kinds.push((mask, f.next()?, f.next()?, f.next()?));
    }
    let n_defs = count(lines.next()?, "defs ")?;
    let mut defs = Vec::with_capacity(n_defs);
    for _ in 0..n_defs {
        let mut f = lines.next()?.splitn(3, '\t');
        let mask = u64::from_str_radix(f.next()?, 16).ok()?;
        defs.push((mask, f.next()?, f.next()?));
    }
    if lines.next().is_some() {
        return None;
    }
    let indexes = versions.iter().map(|_| OnceLock::new()).collect();
    Some(Bundle {
        source,
        versions,
        kinds,
        defs,
        indexes,
    })
}

fn count(line: &str, prefix: &str) -> Option<usize> {
    line.strip_prefix(prefix)?.parse().ok()
}

impl Bundle {
    /// The index of bundled version `v`, built on first use.
    pub fn index(&self, v: (u32, u32)) -> Option<&VersionIndex> {
        let i = self.versions.iter().position(|&x| x == v)?;
        let bit = 1u64 << i;
        Some(self.indexes.get(i)?.get_or_init(|| {
            let mut kinds: HashMap<_, HashMap<_, _>> = HashMap::new();
            for &(_, api, kind, def) in self.kinds.iter().filter(|k| k.0 & bit != 0) {
                kinds.entry(api).or_default().insert(kind, def);
            }
            VersionIndex {
                defs: self
                    .defs
                    .iter()
                    .filter(|d| d.0 & bit != 0)
                    .map(|&(_, name, json)| (name, json))
                    .collect(),
                kinds,
            }
        }))
    }
}
