//! Resource identity as kustomize sees it: group, version, kind, name and
//! namespace, where "no namespace" and `default` are the same namespace and
//! cluster-scoped kinds have none. Identity decides which resources conflict,
//! what a patch without `target` applies to, and the output order.

use std::cmp::Ordering;

/// Group, version and kind; the group is empty for the core API (`v1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn new(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = split_api_version(api_version);
        Gvk {
            group: group.to_string(),
            version: version.to_string(),
            kind: kind.to_string(),
        }
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether `selector` (empty fields are wildcards) selects this.
    pub fn selected_by(&self, group: &str, version: &str, kind: &str) -> bool {
        (group.is_empty() || group == self.group)
            && (version.is_empty() || version == self.version)
            && (kind.is_empty() || kind == self.kind)
    }

    /// Kinds kustomize knows to be cluster-scoped (its built-in OpenAPI data):
    /// they get no namespace and match across namespaces. A custom resource is
    /// never known to be cluster-scoped, so kustomize gives even a
    /// `ClusterIssuer` the kustomization's namespace; so does this.
    pub fn is_cluster_scoped(&self) -> bool {
        let api = self.api_version();
        CLUSTER_SCOPED
            .iter()
            .any(|(a, k)| *k == self.kind && *a == api)
    }

    /// `Deployment.v1.apps`, as kustomize prints ids in messages and sorts them.
    pub fn display(&self) -> String {
        format!(
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }
}

/// `apps/v1` -> ("apps", "v1"); `v1` -> ("", "v1").
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.rsplit_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// (apiVersion, kind) pairs kustomize's built-in OpenAPI data marks as not
/// namespaced (kyaml `openapi.precomputedIsNamespaceScoped`).
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    (
        "admissionregistration.k8s.io/v1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy",
    ),
    (
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
    ),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("node.k8s.io/v1", "RuntimeClass"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "CSINode"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ("v1", "ComponentStatus"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("v1", "NodeProxyOptions"),
    ("v1", "PersistentVolume"),
];

/// A resource's identity at one moment of the build.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    /// As written (may be empty).
    pub namespace: String,
}

pub const NOT_NAMESPACED: &str = "_non_namespaceable_";

impl ResId {
    /// The namespace for comparisons: none and `default` are one namespace,
    /// cluster-scoped kinds have a namespace of their own.
    pub fn effective_namespace(&self) -> &str {
        effective_namespace(&self.gvk, &self.namespace)
    }

    /// kustomize's `ResId.Equals`: same group, version, kind, name and
    /// effective namespace.
    pub fn same(&self, other: &ResId) -> bool {
        self.gvk == other.gvk
            && self.name == other.name
            && self.effective_namespace() == other.effective_namespace()
    }

    /// `Deployment.v1.apps/web.prod`, kustomize's way of naming an id.
    pub fn display(&self) -> String {
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        let name = if self.name.is_empty() {
            "[noName]"
        } else {
            &self.name
        };
        format!("{}/{}.{}", self.gvk.display(), name, ns)
    }
}

pub fn effective_namespace<'a>(gvk: &Gvk, namespace: &'a str) -> &'a str {
    if gvk.is_cluster_scoped() {
        NOT_NAMESPACED
    } else if namespace.is_empty() || namespace == "default" {
        "default"
    } else {
        namespace
    }
}

/// The kinds `kustomize build` puts first, in this order, and last (its
/// default "legacy" output order; everything else sorts between them).
const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn type_order(kind: &str) -> i64 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i64 - ORDER_FIRST.len() as i64;
    }
    if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        return i as i64 + 1;
    }
    0
}

/// `s`, or `placeholder` when it is empty (how kustomize prints and sorts an id's
/// missing parts).
fn or<'a>(s: &'a str, placeholder: &'a str) -> &'a str {
    if s.is_empty() {
        placeholder
    } else {
        s
    }
}

fn gvk_sort_string(g: &Gvk) -> String {
    format!(
        "{}_{}_{}",
        or(&g.group, "~G"),
        or(&g.version, "~V"),
        or(&g.kind, "~K")
    )
}

/// kustomize's legacy order: kind rank, then group/version/kind, then the id.
pub fn legacy_cmp(a: &ResId, b: &ResId) -> Ordering {
    if a.gvk != b.gvk {
        let (ia, ib) = (type_order(&a.gvk.kind), type_order(&b.gvk.kind));
        if ia != ib {
            return ia.cmp(&ib);
        }
        let (sa, sb) = (gvk_sort_string(&a.gvk), gvk_sort_string(&b.gvk));
        // Namespaces of the core group sort after other groups' Namespaces.
        if a.gvk.kind == "Namespace"
            && b.gvk.kind == "Namespace"
            && (a.gvk.group.is_empty() || b.gvk.group.is_empty())
        {
            return sb.cmp(&sa);
        }
        return sa.cmp(&sb);
    }
    let key = |id: &ResId| {
        let ns = if id.namespace.is_empty() {
            "~X"
        } else {
            &id.namespace
        };
        let nm = if id.name.is_empty() { "~N" } else { &id.name };
        format!("{}|{}|{}", id.gvk.display(), ns, nm)
    };
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(api: &str, kind: &str, name: &str, ns: &str) -> ResId {
        ResId {
            gvk: Gvk::new(api, kind),
            name: name.into(),
            namespace: ns.into(),
        }
    }

    #[test]
    fn default_namespace_is_no_namespace() {
        assert!(id("v1", "ConfigMap", "a", "").same(&id("v1", "ConfigMap", "a", "default")));
        assert!(!id("v1", "ConfigMap", "a", "x").same(&id("v1", "ConfigMap", "a", "")));
        assert!(id("v1", "Namespace", "a", "x").same(&id("v1", "Namespace", "a", "")));
    }

    #[test]
    fn legacy_order_puts_namespaces_first_and_webhooks_last() {
        let mut ids = [
            id(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "w",
                "",
            ),
            id("apps/v1", "Deployment", "d", ""),
            id("example.com/v1", "Widget", "w", ""),
            id("v1", "Namespace", "n", ""),
            id("v1", "ConfigMap", "b", ""),
            id("v1", "ConfigMap", "a", ""),
        ];
        ids.sort_by(legacy_cmp);
        let kinds: Vec<_> = ids
            .iter()
            .map(|i| format!("{}/{}", i.gvk.kind, i.name))
            .collect();
        assert_eq!(
            kinds,
            [
                "Namespace/n",
                "ConfigMap/a",
                "ConfigMap/b",
                "Deployment/d",
                "Widget/w",
                "ValidatingWebhookConfiguration/w"
            ]
        );
    }
}
