//! Kubernetes' JSON schemas, bundled for offline validation (issue 16).
//!
//! The schemas of every minor version from 1.25 to the newest kubernetes-validate ships are
//! embedded compressed ([`bundle`]); nothing is inflated until a caller asks, so a run that
//! validates nothing pays nothing. [`lookup`] gives the compiled schema of a built-in kind
//! ([`KindSchema`]: a graph of [`Type`]s with every `$ref` resolved), built once per
//! (version, kind) and shared by every worker through an `Arc`.
//!
//! ```
//! let v = kubeward::schema::pick_version((1, 30)).expect("bundled schemas").used;
//! let deployment = kubeward::schema::lookup(v, "apps/v1", "Deployment").expect("built in");
//! assert!(deployment.at(&["spec", "template", "spec", "containers"]).is_some());
//! ```

mod api;
#[cfg(test)]
mod api_tests;
mod bundle;
mod compile;
pub mod crd;
mod crd_formats;
#[cfg(test)]
mod crd_tests;
mod formats;
#[cfg(test)]
mod tests;
mod types;
mod validate;
#[cfg(test)]
mod validate_tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use compile::{compile, CompileError};
pub use formats::{is_base64, is_quantity, is_rfc3339, is_rfc3339_micro};
pub use types::{
    Additional, Bound, CrdChecks, CrdFormat, Format, KindSchema, ListType, Pattern, Properties,
    Special, Type, TypeId, TypeSet,
};
pub use validate::{did_you_mean, validate, validate_at, Problem, Violation};

/// The Kubernetes minor versions bundled, oldest first (empty if the bundle is corrupt).
pub fn versions() -> &'static [(u32, u32)] {
    bundle::bundle().map_or(&[], |b| &b.versions)
}

/// What the bundle holds: `kubernetes-validate <version>` (for NOTICE-style messages).
pub fn source() -> Option<&'static str> {
    bundle::bundle().map(|b| b.source)
}

/// The version a request is served with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionChoice {
    pub requested: (u32, u32),
    pub used: (u32, u32),
}

impl VersionChoice {
    pub fn is_exact(&self) -> bool {
        self.requested == self.used
    }
}

/// The bundled version to use for `requested`: itself when bundled, else the nearest one
/// (the oldest for anything older, the newest for anything newer; between two, the older,
/// as kubernetes-validate does). `None` only when the bundle is unusable.
pub fn pick_version(requested: (u32, u32)) -> Option<VersionChoice> {
    let all = versions();
    let used = all
        .iter()
        .rev()
        .find(|&&v| v <= requested)
        .or_else(|| all.first())?;
    Some(VersionChoice {
        requested,
        used: *used,
    })
}

/// Compiled schemas, per bundled version: (apiVersion, kind) -> schema.
type Cache = Mutex<HashMap<(&'static str, &'static str), Arc<KindSchema>>>;

fn cache(version: (u32, u32)) -> Option<&'static Cache> {
    static CACHES: OnceLock<Vec<((u32, u32), Cache)>> = OnceLock::new();
    let caches = CACHES.get_or_init(|| {
        versions()
            .iter()
            .map(|&v| (v, Mutex::new(HashMap::new())))
            .collect()
    });
    caches.iter().find(|(v, _)| *v == version).map(|(_, c)| c)
}

/// The schema of built-in kind (`apiVersion`, `kind`) in bundled `version` (exact: pick one
/// with [`pick_version`]), compiled on first use and cached; `None` for a version not
/// bundled, an unknown kind, or a bundle that does not compile.
pub fn lookup(version: (u32, u32), api_version: &str, kind: &str) -> Option<Arc<KindSchema>> {
    let index = bundle::bundle()?.index(version)?;
    let (api, kind, definition) = index.kind(api_version, kind)?;
    compiled(version, index, (api, kind), kind, definition)
}

/// The schema of definition `name` (`io.k8s.api.core.v1.PodTemplateSpec`) in bundled
/// `version`, as if it were a kind: what validates the built-in parts of custom resources
/// (a custom workload's pod template). Compiled once and cached like [`lookup`].
pub fn lookup_definition(version: (u32, u32), name: &str) -> Option<Arc<KindSchema>> {
    let index = bundle::bundle()?.index(version)?;
    let (&definition, _) = index.defs.get_key_value(name)?;
    let short = definition.rsplit('.').next().unwrap_or(definition);
    // Cached under an empty apiVersion (no kind has one) and the full name.
    compiled(version, index, ("", definition), short, definition)
}

/// The cached schema of `definition` under cache `key`, compiled on first use and named
/// `kind` (of apiVersion `key.0`) in messages.
fn compiled(
    version: (u32, u32),
    index: &bundle::VersionIndex,
    key: (&'static str, &'static str),
    kind: &str,
    definition: &'static str,
) -> Option<Arc<KindSchema>> {
    let cache = cache(version)?;
    if let Some(hit) = lock(cache).get(&key) {
        return Some(hit.clone());
    }
    // Compiled outside the lock, so workers asking for other kinds do not wait; when two
    // compile the same kind at once, the first inserted wins and both get that one.
    let (types, roots) = compile(&[definition], &|name| index.defs.get(name).copied()).ok()?;
    let root = *roots.first()?;
    let schema = Arc::new(KindSchema {
        version,
        api_version: key.0.to_string(),
        kind: kind.to_string(),
        definition: definition.to_string(),
        types,
        root,
    });
    Some(lock(cache).entry(key).or_insert(schema).clone())
}

/// The definition of built-in kind (`apiVersion`, `kind`) in bundled `version`, by name:
/// for readers of what validation ignores (the patch merge keys a native Kustomize
/// build merges lists by, `crate::kustomize`).
pub fn definition_name(version: (u32, u32), api_version: &str, kind: &str) -> Option<&'static str> {
    let index = bundle::bundle()?.index(version)?;
    index.kind(api_version, kind).map(|(_, _, def)| def)
}

/// The JSON text of definition `name` in bundled `version` (see [`definition_name`]).
pub fn definition_text(version: (u32, u32), name: &str) -> Option<&'static str> {
    bundle::bundle()?.index(version)?.defs.get(name).copied()
}

/// Every definition name of bundled `version` with its JSON text (tests, tools).
pub fn definitions(version: (u32, u32)) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = bundle::bundle()
        .and_then(|b| b.index(version))
        .map(|i| i.defs.iter().map(|(&n, &j)| (n, j)).collect())
        .unwrap_or_default();
    out.sort_unstable();
    out
}

/// Whether this process has inflated the bundle (a run that validates nothing must not).
pub fn is_inflated() -> bool {
    bundle::is_inflated()
}

/// Every built-in (apiVersion, kind) of bundled `version`, sorted.
pub fn kinds(version: (u32, u32)) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<_> = bundle::bundle()
        .and_then(|b| b.index(version))
        .map(|i| {
            i.kinds
                .iter()
                .flat_map(|(&api, kinds)| kinds.keys().map(move |&kind| (api, kind)))
                .collect()
        })
        .unwrap_or_default();
    out.sort_unstable();
    out
}

/// A poisoned cache still holds only complete entries (an insert cannot half-happen).
fn lock(
    cache: &Cache,
) -> std::sync::MutexGuard<'_, HashMap<(&'static str, &'static str), Arc<KindSchema>>> {
    cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
