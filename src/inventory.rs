//! `data.kubeward`: what every rule sees besides its input — the target
//! version, the config's parameters and workloads, and the inventory of the
//! run (plus the project context) that cross-resource rules join against.

use crate::resource::Resource;
use crate::{config, engine, kinds, yaml};
use regorus::Value;
use std::collections::BTreeMap;

/// `data.kubeward`: the target version and a slim inventory of the run (only
/// what cross-resource rules read: identity and labels).
pub fn run_data(
    kube_version: (u32, u32),
    namespace: Option<&str>,
    primary: Option<&config::Config>,
    workloads: &[crate::kinds::Workload],
    resources: &[Resource],
    context: &[Value],
) -> Value {
    let (major, minor) = kube_version;
    let mut config = BTreeMap::new();
    config.insert(
        Value::from("kube_version"),
        Value::from(format!("{major}.{minor}")),
    );
    config.insert(Value::from("kube_minor"), Value::from(u64::from(minor)));
    if let Some(ns) = namespace {
        config.insert(Value::from("namespace"), Value::from(ns));
    }
    if let Some(c) = primary {
        let params: BTreeMap<Value, Value> = c
            .params
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
            .collect();
        config.insert(Value::from("params"), Value::from(params));
    }
    let workload_values: Vec<Value> = workloads
        .iter()
        .map(|w| {
            let mut o = BTreeMap::new();
            o.insert(Value::from("kind"), Value::from(w.kind.as_str()));
            if let Some(a) = &w.api_version {
                o.insert(Value::from("apiVersion"), Value::from(a.as_str()));
            }
            let path: Vec<Value> = w.template.iter().map(|s| Value::from(s.as_str())).collect();
            o.insert(Value::from("template"), Value::from(path));
            Value::from(o)
        })
        .collect();
    config.insert(Value::from("workloads"), Value::from(workload_values));
    // What the inventory covers, for messages ("the project contains no
    // NetworkPolicy").
    let scope = match context.is_empty() {
        true => "the linted files",
        false => "the project",
    };
    config.insert(Value::from("inventory_scope"), Value::from(scope));
    // The linted resources, then the rest of the project (project context).
    let inventory: Vec<Value> = resources
        .iter()
        .map(|r| inventory_entry(r, workloads))
        .chain(context.iter().cloned())
        .collect();
    // The same entries grouped by kind: a cross-resource rule reads only its
    // partner kind (`inventory_by_kind.NetworkPolicy`) instead of scanning the
    // whole run for every resource, which would be quadratic.
    let mut by_kind: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    for entry in &inventory {
        by_kind
            .entry(entry["kind"].clone())
            .or_default()
            .push(entry.clone());
    }
    let by_kind: BTreeMap<Value, Value> = by_kind
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let by_ns = inventory_by_ns(&inventory);
    let mut kw = BTreeMap::new();
    kw.insert(Value::from("config"), Value::from(config));
    kw.insert(Value::from("inventory"), Value::from(inventory));
    kw.insert(Value::from("inventory_by_kind"), Value::from(by_kind));
    kw.insert(Value::from("inventory_by_ns"), by_ns);
    let mut data = BTreeMap::new();
    data.insert(Value::from("kubeward"), Value::from(kw));
    Value::from(data)
}

/// The inventory grouped by the namespace written in each entry, then by kind
/// (`data.kubeward.inventory_by_ns`): rules/lib/precompute.rego computes each
/// namespace's views on its own bucket instead of scanning the whole run once
/// per namespace. `namespaces`: non-empty string namespace -> bucket; `unset`:
/// the entries whose namespace is absent, empty or not a string (they belong to
/// the release namespace). A bucket is `{all, by_kind}`, both in run order
/// (the values are reference-counted, so this adds pointers, not copies).
/// Entries without a metadata object belong to no namespace and are left out,
/// as `selectors.entries_in` leaves them out.
fn inventory_by_ns(inventory: &[Value]) -> Value {
    #[derive(Default)]
    struct Bucket {
        all: Vec<Value>,
        by_kind: BTreeMap<Value, Vec<Value>>,
    }
    impl Bucket {
        fn push(&mut self, kind: &str, entry: &Value) {
            self.all.push(entry.clone());
            self.by_kind
                .entry(Value::from(kind))
                .or_default()
                .push(entry.clone());
        }
        fn into_value(self) -> Value {
            let by_kind: BTreeMap<Value, Value> = self
                .by_kind
                .into_iter()
                .map(|(k, v)| (k, Value::from(v)))
                .collect();
            let mut b = BTreeMap::new();
            b.insert(Value::from("all"), Value::from(self.all));
            b.insert(Value::from("by_kind"), Value::from(by_kind));
            Value::from(b)
        }
    }
    let mut namespaces: BTreeMap<Value, Bucket> = BTreeMap::new();
    let mut unset = Bucket::default();
    for entry in inventory {
        let Value::Object(meta) = &entry["metadata"] else {
            continue;
        };
        let Value::String(kind) = &entry["kind"] else {
            continue;
        };
        let kind: &str = kind.as_ref();
        match meta.get(&Value::from("namespace")) {
            Some(ns @ Value::String(s)) if !s.is_empty() => {
                namespaces.entry(ns.clone()).or_default().push(kind, entry);
            }
            _ => unset.push(kind, entry),
        }
    }
    let namespaces: BTreeMap<Value, Value> = namespaces
        .into_iter()
        .map(|(ns, b)| (ns, b.into_value()))
        .collect();
    let mut groups = BTreeMap::new();
    groups.insert(Value::from("namespaces"), Value::from(namespaces));
    groups.insert(Value::from("unset"), unset.into_value());
    Value::from(groups)
}

/// One inventory entry (`data.kubeward.inventory[_]`):
/// - every entry: `apiVersion`, `kind`, `metadata` {name, namespace, labels,
///   ownerReferences};
/// - partner kinds ([`kinds::is_inventory_partner`]): the whole object;
/// - pod-bearing kinds: also `pod_labels` (pod template labels), `replicas`,
///   `selector`, `service_account` and `automount_token` when set.
pub fn inventory_entry(r: &Resource, workloads: &[crate::kinds::Workload]) -> Value {
    if kinds::is_inventory_partner(&r.id.kind) {
        return engine::convert::to_value(&r.tree());
    }
    let mut meta = BTreeMap::new();
    if let Some(n) = &r.id.name {
        meta.insert(Value::from("name"), Value::from(n.as_str()));
    }
    if let Some(ns) = &r.id.namespace {
        meta.insert(Value::from("namespace"), Value::from(ns.as_str()));
    }
    if let Some(labels) = r.metadata().and_then(|m| m.get("labels")) {
        meta.insert(Value::from("labels"), engine::convert::to_value(labels));
    }
    // Owned objects (a ReplicaSet of a Deployment in a cluster dump) must not be
    // counted twice by cross-resource rules.
    if let Some(owners) = r.metadata().and_then(|m| m.get("ownerReferences")) {
        meta.insert(
            Value::from("ownerReferences"),
            engine::convert::to_value(owners),
        );
    }
    let mut obj = BTreeMap::new();
    obj.insert(
        Value::from("apiVersion"),
        Value::from(r.id.api_version.as_str()),
    );
    obj.insert(Value::from("kind"), Value::from(r.id.kind.as_str()));
    obj.insert(Value::from("metadata"), Value::from(meta));
    if let Some(template) = kinds::pod_template(r, workloads) {
        let spec = r.as_whole().and_then(|n| n.get("spec"));
        let mut put = |key: &str, node: Option<&yaml::Node>| {
            if let Some(n) = node {
                obj.insert(Value::from(key), engine::convert::to_value(n));
            }
        };
        put(
            "pod_labels",
            template.get("metadata").and_then(|m| m.get("labels")),
        );
        put("replicas", spec.and_then(|s| s.get("replicas")));
        put("selector", spec.and_then(|s| s.get("selector")));
        let pod_spec = template.get("spec");
        put(
            "service_account",
            pod_spec.and_then(|s| s.get("serviceAccountName")),
        );
        put(
            "automount_token",
            pod_spec.and_then(|s| s.get("automountServiceAccountToken")),
        );
    }
    Value::from(obj)
}
