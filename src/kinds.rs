//! What kubeward knows about Kubernetes kinds, read from the tables the Rego
//! rules read too (`rules/data/*.json`, `data.kubeward.tables`), so Rust and
//! Rego cannot disagree on which kinds carry a pod template or which kinds the
//! cross-resource rules join against:
//! - `pod_template_paths.json`: built-in pod-bearing kinds and the path to
//!   their pod template (RULES.md §1.1);
//! - `crd_pod_template_paths.json`: well-known custom kinds with a pod
//!   template, in their own API groups only (Argo Rollout, OpenShift
//!   DeploymentConfig);
//! - `inventory_partner_kinds.json`: kinds kept whole in the inventory.
//!
//! Custom workloads declared in a config (`workloads:`) come on top.

use crate::resource::Resource;
use crate::yaml::Node;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A custom resource that carries a pod template (e.g. Argo Rollout), as a
/// config declares it (`workloads:`).
#[derive(Debug, Clone, PartialEq)]
pub struct Workload {
    pub kind: String,
    pub api_version: Option<String>,
    /// Path to the object holding the pod's `metadata` and `spec`.
    pub template: Vec<String>,
}

/// A custom kind's pod template: where it is, and in which API groups the
/// kind means that (another group's `Rollout` is some other resource).
#[derive(Debug, serde::Deserialize)]
struct CrdTemplate {
    groups: Vec<String>,
    path: Vec<String>,
}

struct Tables {
    builtin: BTreeMap<String, Vec<String>>,
    crd: BTreeMap<String, CrdTemplate>,
    /// Built-in and custom pod-bearing kinds, built-in ones first.
    pod_bearing: Vec<String>,
    partners: Vec<String>,
}

/// The tables, parsed once. They are compiled into the binary and checked by
/// the tests (`kinds::tests`), so a parse failure cannot reach a user; should
/// one happen anyway, the table is empty rather than the run aborted.
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let builtin: BTreeMap<String, Vec<String>> =
            serde_json::from_str(include_str!("../rules/data/pod_template_paths.json"))
                .unwrap_or_default();
        let crd: BTreeMap<String, CrdTemplate> =
            serde_json::from_str(include_str!("../rules/data/crd_pod_template_paths.json"))
                .unwrap_or_default();
        let partners: Vec<String> =
            serde_json::from_str(include_str!("../rules/data/inventory_partner_kinds.json"))
                .unwrap_or_default();
        let pod_bearing = builtin.keys().chain(crd.keys()).cloned().collect();
        Tables {
            builtin,
            crd,
            pod_bearing,
            partners,
        }
    })
}

/// Every kind that may carry a PodSpec (built-in and well-known custom
/// kinds); a rule declaring `pod-bearing` runs on all of them.
pub fn pod_bearing() -> &'static [String] {
    &tables().pod_bearing
}

/// Whether `kind` is one of [`pod_bearing`].
pub fn is_pod_bearing(kind: &str) -> bool {
    pod_bearing().iter().any(|k| k == kind)
}

/// Kinds whose whole object goes into the inventory: the partners that
/// cross-resource rules join against. They are small; everything else
/// (ConfigMaps, CRDs, ...) is reduced to its identity so the inventory stays slim.
pub fn is_inventory_partner(kind: &str) -> bool {
    tables().partners.iter().any(|k| k == kind)
}

/// Kinds the config declares as carrying a pod template.
pub fn workload_kinds(workloads: &[Workload]) -> Vec<String> {
    workloads.iter().map(|w| w.kind.clone()).collect()
}

/// The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``).
fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(g, _)| g)
}

/// The keys from a pod-bearing resource's root to its pod template (empty for
/// a Pod), whether or not the template is there; None for other kinds. The
/// same answer as `template_path` in rules/lib/pods.rego.
pub fn pod_template_path(r: &Resource, workloads: &[Workload]) -> Option<Vec<String>> {
    let kind = r.id.kind.as_str();
    let t = tables();
    if let Some(path) = t.builtin.get(kind) {
        return Some(path.clone());
    }
    if let Some(crd) = t.crd.get(kind) {
        let group = api_group(&r.id.api_version);
        return crd
            .groups
            .iter()
            .any(|g| g == group)
            .then(|| crd.path.clone());
    }
    workloads
        .iter()
        .find(|w| {
            w.kind == kind
                && w.api_version
                    .as_ref()
                    .is_none_or(|a| *a == r.id.api_version)
        })
        .map(|w| w.template.clone())
}

/// The node holding a pod-bearing resource's pod `metadata` and `spec`
/// (RULES.md §1.1).
pub fn pod_template<'r>(r: &'r Resource, workloads: &[Workload]) -> Option<&'r Node> {
    pod_template_path(r, workloads)?
        .iter()
        .try_fold(r.as_whole()?, |n, k| n.get(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert!(is_pod_bearing("Deployment"));
        assert!(is_pod_bearing("CronJob"));
        assert!(is_pod_bearing("Rollout"));
        assert!(is_pod_bearing("DeploymentConfig"));
        assert!(!is_pod_bearing("ConfigMap"));
        assert!(is_inventory_partner("NetworkPolicy"));
        assert!(!is_inventory_partner("ConfigMap"));
        assert_eq!(api_group("apps/v1"), "apps");
        assert_eq!(api_group("v1"), "");
    }
}
