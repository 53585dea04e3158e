//! How a strategic merge patch merges each list of a built-in kind: by the
//! `x-kubernetes-patch-strategy` and `x-kubernetes-patch-merge-key` (or
//! `x-kubernetes-list-map-keys`) annotations of the bundled Kubernetes schemas
//! (issue 12), which the validator ignores but keeps. kustomize reads the same
//! annotations from its own copy of the OpenAPI document; a list without them
//! (or of a kind without a schema: custom resources) is replaced whole, as
//! kustomize does.
//!
//! Definitions are parsed once per process and kept for its lifetime (a few
//! hundred small values at most): a [`Schema`] is a plain `'static` reference.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

pub(crate) type Schema = &'static Value;

type Defs = Mutex<HashMap<((u32, u32), String), Option<Schema>>>;

fn defs() -> &'static Defs {
    static DEFS: OnceLock<Defs> = OnceLock::new();
    DEFS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn definition(version: (u32, u32), name: &str) -> Option<Schema> {
    let key = (version, name.to_string());
    let mut cache = defs()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(hit) = cache.get(&key) {
        return *hit;
    }
    let parsed = crate::schema::definition_text(version, name)
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .map(|v| &*Box::leak(Box::new(v)));
    cache.insert(key, parsed);
    parsed
}

/// The schemas of one Kubernetes version.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schemas {
    version: Option<(u32, u32)>,
}

impl Schemas {
    pub fn new(kube_version: (u32, u32)) -> Schemas {
        Schemas {
            version: crate::schema::pick_version(kube_version).map(|c| c.used),
        }
    }

    /// The schema of a built-in kind; `None` for a custom resource.
    pub fn for_kind(&self, api_version: &str, kind: &str) -> Option<Schema> {
        let v = self.version?;
        definition(v, crate::schema::definition_name(v, api_version, kind)?)
    }

    /// `s` with its `$ref` followed.
    fn resolve(&self, s: Schema) -> Option<Schema> {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => definition(self.version?, r.strip_prefix("#/$defs/")?),
            None => Some(s),
        }
    }

    /// The schema of property `key` of an object schema (its own annotations
    /// kept: they sit beside the property's `$ref` or `items`).
    pub fn field(&self, s: Schema, key: &str) -> Option<Schema> {
        self.resolve(s)?.get("properties")?.get(key)
    }

    /// The schema of a list's items.
    pub fn items(&self, s: Schema) -> Option<Schema> {
        self.resolve(s)?.get("items")
    }
}

/// How a list merges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListMerge {
    /// The patch's list replaces the target's.
    Replace,
    /// A list of scalars: the union, the patch's values first.
    Primitive,
    /// Items with equal keys merge; the others are added.
    Keys(Vec<String>),
}

/// The merge of a list field whose schema is `s` (absent: replace).
pub(crate) fn list_merge(s: Option<Schema>) -> ListMerge {
    let Some(s) = s else {
        return ListMerge::Replace;
    };
    let strategy = s
        .get("x-kubernetes-patch-strategy")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !strategy.split(',').any(|x| x == "merge") {
        return ListMerge::Replace;
    }
    if let Some(keys) = s
        .get("x-kubernetes-list-map-keys")
        .and_then(Value::as_array)
    {
        let keys: Vec<String> = keys
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect();
        if !keys.is_empty() {
            return ListMerge::Keys(keys);
        }
    }
    match s
        .get("x-kubernetes-patch-merge-key")
        .and_then(Value::as_str)
    {
        Some(k) => ListMerge::Keys(vec![k.to_string()]),
        None => ListMerge::Primitive,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_schemas_carry_the_merge_keys() {
        let s = Schemas::new(crate::DEFAULT_KUBE_VERSION);
        let d = s
            .for_kind("apps/v1", "Deployment")
            .expect("deployment schema");
        let path = ["spec", "template", "spec"];
        let pod = path
            .iter()
            .try_fold(d, |n, k| s.field(n, k))
            .expect("pod spec");
        let containers = s.field(pod, "containers");
        assert_eq!(list_merge(containers), ListMerge::Keys(vec!["name".into()]));
        let c = s.items(containers.expect("containers")).expect("container");
        assert_eq!(
            list_merge(s.field(c, "volumeMounts")),
            ListMerge::Keys(vec!["mountPath".into()])
        );
        assert_eq!(list_merge(s.field(c, "args")), ListMerge::Replace);
        let ports = list_merge(s.field(c, "ports"));
        assert!(
            matches!(ports, ListMerge::Keys(k) if k.first().map(String::as_str) == Some("containerPort"))
        );
        let meta = s.field(d, "metadata").expect("metadata");
        assert_eq!(
            list_merge(s.field(meta, "finalizers")),
            ListMerge::Primitive
        );
        assert!(s.for_kind("example.com/v1", "Widget").is_none());
    }
}
