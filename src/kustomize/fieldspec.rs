//! Field specs: which fields of which kinds a transformer touches
//! (`spec/template/metadata/labels` of a Deployment for labels, the
//! `configMapRef` names for name references), and how to visit them.
//!
//! The built-in tables state the same facts as kustomize's default
//! transformer configuration, written compactly: most entries repeat a pod
//! spec's fields under each workload's pod template, so they are generated
//! from [`POD_TEMPLATES`]. A kustomization's `configurations:` files add
//! entries in kustomize's own format ([`parse_config`]), and a base's
//! configuration applies in the overlays that include it, as in kustomize.

use super::tree::{Node, Origin, Value};
use crate::yaml::Scalar;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Path segments; `containers[]` marks a sequence (never created).
    pub path: Vec<String>,
    pub create: bool,
}

impl FieldSpec {
    pub fn new(kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            group: String::new(),
            version: String::new(),
            kind: kind.to_string(),
            path: split_path(path),
            create,
        }
    }

    fn with_group(mut self, group: &str) -> FieldSpec {
        self.group = group.to_string();
        self
    }

    fn with_version(mut self, version: &str) -> FieldSpec {
        self.version = version.to_string();
        self
    }

    /// Whether the spec applies to a resource with this apiVersion and kind.
    pub fn applies_to(&self, api_version: &str, kind: &str) -> bool {
        let (group, version) = super::resid::split_api_version(api_version);
        (self.kind.is_empty() || self.kind == kind)
            && (self.group.is_empty() || self.group == group)
            && (self.version.is_empty() || self.version == version)
    }

    pub fn path_is(&self, path: &[&str]) -> bool {
        self.path.len() == path.len() && self.path.iter().zip(path).all(|(a, b)| a == b)
    }
}

/// `a/b\/c` -> ["a", "b/c"]; a leading `/` is allowed.
pub(crate) fn split_path(path: &str) -> Vec<String> {
    let path = path
        .strip_prefix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let mut out: Vec<String> = Vec::new();
    for part in path.split('/') {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(part);
            }
            _ => out.push(part.to_string()),
        }
    }
    out
}

/// The fields that refer to resources of one kind by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameBackRef {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub referrers: Vec<FieldSpec>,
}

/// What each transformer touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Config {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub volume_claim_template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackRef>,
    pub var_reference: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
}

fn merge_specs(into: &mut Vec<FieldSpec>, from: &[FieldSpec]) {
    for fs in from {
        // Same kind and path: one entry (kustomize keeps the first).
        if !into.iter().any(|x| {
            x.group == fs.group && x.version == fs.version && x.kind == fs.kind && x.path == fs.path
        }) {
            into.push(fs.clone());
        }
    }
}

impl Config {
    pub fn merge(&mut self, other: &Config) {
        merge_specs(&mut self.name_prefix, &other.name_prefix);
        merge_specs(&mut self.name_suffix, &other.name_suffix);
        merge_specs(&mut self.namespace, &other.namespace);
        merge_specs(&mut self.common_labels, &other.common_labels);
        merge_specs(&mut self.labels, &other.labels);
        merge_specs(&mut self.template_labels, &other.template_labels);
        merge_specs(
            &mut self.volume_claim_template_labels,
            &other.volume_claim_template_labels,
        );
        merge_specs(&mut self.common_annotations, &other.common_annotations);
        merge_specs(&mut self.var_reference, &other.var_reference);
        merge_specs(&mut self.images, &other.images);
        merge_specs(&mut self.replicas, &other.replicas);
        for nbr in &other.name_reference {
            match self
                .name_reference
                .iter_mut()
                .find(|x| x.group == nbr.group && x.version == nbr.version && x.kind == nbr.kind)
            {
                Some(x) => merge_specs(&mut x.referrers, &nbr.referrers),
                None => self.name_reference.push(nbr.clone()),
            }
        }
    }

    /// The built-in configuration.
    pub fn defaults() -> Config {
        let mut c = Config {
            name_prefix: vec![FieldSpec::new("", "metadata/name", false)],
            name_suffix: vec![FieldSpec::new("", "metadata/name", false)],
            namespace: vec![
                FieldSpec::new("Namespace", "metadata/name", true),
                FieldSpec::new("APIService", "spec/service/namespace", true)
                    .with_group("apiregistration.k8s.io"),
                FieldSpec::new(
                    "CustomResourceDefinition",
                    "spec/conversion/webhook/clientConfig/service/namespace",
                    false,
                )
                .with_group("apiextensions.k8s.io"),
            ],
            images: ["spec/", "spec/template/spec/"]
                .iter()
                .flat_map(|p| {
                    [
                        "containers[]/image",
                        "initContainers[]/image",
                        "volumes[]/image/reference",
                    ]
                    .map(|f| FieldSpec::new("", &format!("{p}{f}"), true))
                })
                .collect(),
            replicas: [
                "Deployment",
                "ReplicationController",
                "ReplicaSet",
                "StatefulSet",
            ]
            .iter()
            .map(|k| FieldSpec::new(k, "spec/replicas", true))
            .collect(),
            ..Config::default()
        };
        c.template_labels = metadata_labels();
        c.volume_claim_template_labels = vec![volume_claim_template_labels()];
        c.common_labels = selector_labels();
        c.common_labels.extend(metadata_labels());
        c.common_labels.push(volume_claim_template_labels());
        c.common_annotations = template_metadata("annotations");
        c.name_reference = name_references();
        c.var_reference = var_references();
        c
    }
}

/// The workloads whose pod template kustomize knows, with their group (empty:
/// any) and the path of the pod template's `metadata`'s parent.
const TEMPLATE_OWNERS: &[(&str, &str, &str)] = &[
    ("ReplicationController", "", "spec/template"),
    ("Deployment", "", "spec/template"),
    ("ReplicaSet", "", "spec/template"),
    ("DaemonSet", "", "spec/template"),
    ("StatefulSet", "apps", "spec/template"),
    ("Job", "batch", "spec/template"),
    ("CronJob", "batch", "spec/jobTemplate"),
    ("CronJob", "batch", "spec/jobTemplate/spec/template"),
];

/// `metadata/<field>` of every resource and of every pod template (and a
/// CronJob's job template), created when missing.
fn template_metadata(field: &str) -> Vec<FieldSpec> {
    let mut out = vec![FieldSpec::new("", &format!("metadata/{field}"), true)];
    for (kind, group, prefix) in TEMPLATE_OWNERS {
        let mut fs =
            FieldSpec::new(kind, &format!("{prefix}/metadata/{field}"), true).with_group(group);
        if *kind == "ReplicationController" {
            fs = fs.with_version("v1");
        }
        out.push(fs);
    }
    out
}

fn metadata_labels() -> Vec<FieldSpec> {
    template_metadata("labels")
}

fn volume_claim_template_labels() -> FieldSpec {
    FieldSpec::new(
        "StatefulSet",
        "spec/volumeClaimTemplates[]/metadata/labels",
        true,
    )
    .with_group("apps")
}

/// Selectors that `commonLabels` (and `labels` with `includeSelectors`) also
/// set: created where the API requires a selector to match the template.
fn selector_labels() -> Vec<FieldSpec> {
    let mut out = vec![
        FieldSpec::new("Service", "spec/selector", true).with_version("v1"),
        FieldSpec::new("ReplicationController", "spec/selector", true).with_version("v1"),
        FieldSpec::new("Deployment", "spec/selector/matchLabels", true),
    ];
    let affinity = [
        "podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
        "podAffinity/requiredDuringSchedulingIgnoredDuringExecution",
        "podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm",
        "podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution",
    ];
    let terms = |kind: &str| -> Vec<FieldSpec> {
        let mut v: Vec<FieldSpec> = affinity
            .iter()
            .map(|a| {
                FieldSpec::new(
                    kind,
                    &format!("spec/template/spec/affinity/{a}/labelSelector/matchLabels"),
                    false,
                )
                .with_group("apps")
            })
            .collect();
        v.push(
            FieldSpec::new(
                kind,
                "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
                false,
            )
            .with_group("apps"),
        );
        v
    };
    out.extend(terms("Deployment"));
    out.push(FieldSpec::new(
        "ReplicaSet",
        "spec/selector/matchLabels",
        true,
    ));
    out.push(FieldSpec::new(
        "DaemonSet",
        "spec/selector/matchLabels",
        true,
    ));
    out.push(FieldSpec::new("StatefulSet", "spec/selector/matchLabels", true).with_group("apps"));
    out.extend(terms("StatefulSet"));
    out.push(FieldSpec::new("Job", "spec/selector/matchLabels", false).with_group("batch"));
    out.push(
        FieldSpec::new(
            "CronJob",
            "spec/jobTemplate/spec/selector/matchLabels",
            false,
        )
        .with_group("batch"),
    );
    out.push(
        FieldSpec::new("PodDisruptionBudget", "spec/selector/matchLabels", false)
            .with_group("policy"),
    );
    for p in [
        "spec/podSelector/matchLabels",
        "spec/ingress/from/podSelector/matchLabels",
        "spec/egress/to/podSelector/matchLabels",
    ] {
        out.push(FieldSpec::new("NetworkPolicy", p, false).with_group("networking.k8s.io"));
    }
    out
}

/// Where each kind keeps its pod spec.
const POD_SPECS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("PodTemplate", "template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

/// The same as [`POD_SPECS`] for the references that kustomize also follows in
/// a ReplicationController but not in a PodTemplate or ReplicaSet.
const POD_SPECS_RC: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicationController", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
];

fn in_pod_specs(owners: &[(&str, &str)], fields: &[&str]) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    for (kind, prefix) in owners {
        for f in fields {
            let mut fs = FieldSpec::new(kind, &format!("{prefix}/{f}"), false);
            if *kind == "Pod" {
                fs = fs.with_version("v1");
            }
            out.push(fs);
        }
    }
    out
}

fn backref(group: &str, version: &str, kind: &str, referrers: Vec<FieldSpec>) -> NameBackRef {
    NameBackRef {
        group: group.into(),
        version: version.into(),
        kind: kind.into(),
        referrers,
    }
}

/// Where a ConfigMap's name is referenced.
fn config_map_references() -> NameBackRef {
    let mut cm = in_pod_specs(
        POD_SPECS,
        &[
            "volumes/configMap/name",
            "containers/env/valueFrom/configMapKeyRef/name",
            "initContainers/env/valueFrom/configMapKeyRef/name",
            "containers/envFrom/configMapRef/name",
            "initContainers/envFrom/configMapRef/name",
            "volumes/projected/sources/configMap/name",
        ],
    );
    cm.push(FieldSpec::new("Node", "spec/configSource/configMap", false));
    cm.push(FieldSpec::new("Role", "rules/resourceNames", false));
    cm.push(FieldSpec::new("ClusterRole", "rules/resourceNames", false));
    cm.push(FieldSpec::new(
        "Ingress",
        "metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap",
        false,
    ));
    backref("", "v1", "ConfigMap", cm)
}

/// Where a Secret's name is referenced (the longest list of `name_references`).
fn secret_references() -> NameBackRef {
    let mut secret = in_pod_specs(
        POD_SPECS,
        &[
            "volumes/secret/secretName",
            "containers/env/valueFrom/secretKeyRef/name",
            "initContainers/env/valueFrom/secretKeyRef/name",
            "containers/envFrom/secretRef/name",
            "initContainers/envFrom/secretRef/name",
            "imagePullSecrets/name",
            "volumes/projected/sources/secret/name",
        ],
    );
    for p in [
        "spec/tls/secretName",
        "metadata/annotations/ingress.kubernetes.io\\/auth-secret",
        "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
        "metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
    ] {
        secret.push(FieldSpec::new("Ingress", p, false));
    }
    secret.push(FieldSpec::new(
        "ServiceAccount",
        "imagePullSecrets/name",
        false,
    ));
    for p in [
        "parameters/secretName",
        "parameters/adminSecretName",
        "parameters/userSecretName",
        "parameters/secretRef",
    ] {
        secret.push(FieldSpec::new("StorageClass", p, false));
    }
    secret.push(FieldSpec::new("Role", "rules/resourceNames", false));
    secret.push(FieldSpec::new("ClusterRole", "rules/resourceNames", false));
    secret.push(
        FieldSpec::new(
            "Service",
            "spec/template/spec/containers/env/valueFrom/secretKeyRef/name",
            false,
        )
        .with_group("serving.knative.dev")
        .with_version("v1"),
    );
    secret.push(FieldSpec::new(
        "PersistentVolume",
        "spec/azureFile/secretName",
        false,
    ));
    backref("", "v1", "Secret", secret)
}

/// Which fields name which kinds (kustomize's `nameReference` defaults).
fn name_references() -> Vec<NameBackRef> {
    let hpa = |k: &str| {
        backref(
            "",
            "",
            k,
            vec![FieldSpec::new(
                "HorizontalPodAutoscaler",
                "spec/scaleTargetRef/name",
                false,
            )],
        )
    };
    let mut out = vec![
        hpa("Deployment"),
        hpa("ReplicationController"),
        hpa("ReplicaSet"),
        hpa("StatefulSet"),
    ];

    out.push(config_map_references());

    out.push(secret_references());

    out.push(backref(
        "",
        "v1",
        "Service",
        vec![
            FieldSpec::new("StatefulSet", "spec/serviceName", false).with_group("apps"),
            FieldSpec::new(
                "Ingress",
                "spec/rules/http/paths/backend/serviceName",
                false,
            ),
            FieldSpec::new("Ingress", "spec/backend/serviceName", false),
            FieldSpec::new(
                "Ingress",
                "spec/rules/http/paths/backend/service/name",
                false,
            ),
            FieldSpec::new("Ingress", "spec/defaultBackend/service/name", false),
            FieldSpec::new("APIService", "spec/service/name", false)
                .with_group("apiregistration.k8s.io"),
            FieldSpec::new(
                "ValidatingWebhookConfiguration",
                "webhooks/clientConfig/service",
                false,
            )
            .with_group("admissionregistration.k8s.io"),
            FieldSpec::new(
                "MutatingWebhookConfiguration",
                "webhooks/clientConfig/service",
                false,
            )
            .with_group("admissionregistration.k8s.io"),
        ],
    ));
    let rbac = "rbac.authorization.k8s.io";
    out.push(backref(
        rbac,
        "",
        "Role",
        vec![FieldSpec::new("RoleBinding", "roleRef/name", false).with_group(rbac)],
    ));
    out.push(backref(
        rbac,
        "",
        "ClusterRole",
        vec![
            FieldSpec::new("RoleBinding", "roleRef/name", false).with_group(rbac),
            FieldSpec::new("ClusterRoleBinding", "roleRef/name", false).with_group(rbac),
        ],
    ));
    let mut sa = vec![
        FieldSpec::new("RoleBinding", "subjects", false).with_group(rbac),
        FieldSpec::new("ClusterRoleBinding", "subjects", false).with_group(rbac),
    ];
    sa.extend(unversioned(in_pod_specs(
        POD_SPECS_RC,
        &["serviceAccountName"],
    )));
    out.push(backref("", "v1", "ServiceAccount", sa));
    out.push(backref(
        "",
        "v1",
        "PersistentVolumeClaim",
        unversioned(in_pod_specs(
            POD_SPECS_RC,
            &["volumes/persistentVolumeClaim/claimName"],
        )),
    ));
    out.push(backref(
        "",
        "v1",
        "PersistentVolume",
        vec![
            FieldSpec::new("PersistentVolumeClaim", "spec/volumeName", false),
            FieldSpec::new("ClusterRole", "rules/resourceNames", false),
        ],
    ));
    out.push(backref(
        "storage.k8s.io",
        "v1",
        "StorageClass",
        vec![
            FieldSpec::new("PersistentVolume", "spec/storageClassName", false),
            FieldSpec::new("PersistentVolumeClaim", "spec/storageClassName", false),
            FieldSpec::new(
                "StatefulSet",
                "spec/volumeClaimTemplates/spec/storageClassName",
                false,
            ),
        ],
    ));
    out.push(backref(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        unversioned(in_pod_specs(POD_SPECS_RC, &["priorityClassName"])),
    ));
    // kustomize's own entry names the group "networking.k8s.io/v1", which no
    // resource has: it never matches, and neither does this one.
    out.push(backref(
        "networking.k8s.io/v1",
        "v1",
        "IngressClass",
        vec![FieldSpec::new("Ingress", "spec/ingressClassName", false)],
    ));
    out.push(backref(
        "admissionregistration.k8s.io",
        "",
        "ValidatingAdmissionPolicy",
        vec![
            FieldSpec::new("ValidatingAdmissionPolicyBinding", "spec/policyName", false)
                .with_group("admissionregistration.k8s.io"),
        ],
    ));
    out
}

/// The same specs without the `v1` a Pod's entries carry (kustomize's
/// service account, claim and priority class entries have none).
fn unversioned(specs: Vec<FieldSpec>) -> Vec<FieldSpec> {
    specs
        .into_iter()
        .map(|mut f| {
            f.version.clear();
            f
        })
        .collect()
}

/// Where `$(VAR)` is replaced (kustomize's `varReference` defaults).
fn var_references() -> Vec<FieldSpec> {
    let container_fields = ["args", "command", "env/value", "volumeMounts/mountPath"];
    let mut out = Vec::new();
    for (kind, prefix) in [
        ("CronJob", "spec/jobTemplate/spec/template/spec"),
        ("DaemonSet", "spec/template/spec"),
        ("Deployment", "spec/template/spec"),
        ("Job", "spec/template/spec"),
        ("Pod", "spec"),
        ("ReplicaSet", "spec/template/spec"),
        ("StatefulSet", "spec/template/spec"),
    ] {
        for c in ["containers", "initContainers"] {
            for f in container_fields {
                out.push(FieldSpec::new(kind, &format!("{prefix}/{c}/{f}"), false));
            }
        }
        let nfs = match kind {
            // kustomize's entry for CronJobs misses the pod spec's `spec/`.
            "CronJob" => "spec/jobTemplate/spec/template/volumes/nfs/server".to_string(),
            "StatefulSet" => "spec/volumeClaimTemplates/spec/nfs/server".to_string(),
            _ => format!("{prefix}/volumes/nfs/server"),
        };
        out.push(FieldSpec::new(kind, &nfs, false));
    }
    out.push(FieldSpec::new(
        "Deployment",
        "spec/template/metadata/annotations",
        false,
    ));
    for p in ["spec/rules/host", "spec/tls/hosts", "spec/tls/secretName"] {
        out.push(FieldSpec::new("Ingress", p, false));
    }
    out.push(FieldSpec::new("Service", "spec/ports/port", false));
    out.push(FieldSpec::new("Service", "spec/ports/targetPort", false));
    out.push(FieldSpec::new("PersistentVolume", "spec/nfs/server", false));
    out.push(FieldSpec::new("", "metadata/labels", false));
    out.push(FieldSpec::new("", "metadata/annotations", false));
    out
}

/// A `configurations:` file (kustomize's transformer configuration format).
/// Unknown sections are reported by the caller; a malformed entry is skipped.
pub(crate) fn parse_config(root: &Node) -> (Config, Vec<String>) {
    let mut c = Config::default();
    let mut unknown = Vec::new();
    let Some(entries) = root.entries() else {
        return (c, vec!["the file is not a mapping".into()]);
    };
    for e in entries {
        let specs = || parse_specs(&e.value);
        match e.key.as_str() {
            "namePrefix" => c.name_prefix = specs(),
            "nameSuffix" => c.name_suffix = specs(),
            "namespace" => c.namespace = specs(),
            "commonLabels" => c.common_labels = specs(),
            "labels" => c.labels = specs(),
            "templateLabels" => c.template_labels = specs(),
            "volumeClaimTemplateLabels" => c.volume_claim_template_labels = specs(),
            "commonAnnotations" => c.common_annotations = specs(),
            "varReference" => c.var_reference = specs(),
            "images" => c.images = specs(),
            "replicas" => c.replicas = specs(),
            "nameReference" => {
                for item in e.value.items().unwrap_or_default() {
                    let s = |k: &str| item.text_at(k);
                    let referrers = item.get("fieldSpecs").map(parse_specs).unwrap_or_default();
                    let nbr = backref(&s("group"), &s("version"), &s("kind"), referrers);
                    let mut one = Config::default();
                    one.name_reference.push(nbr);
                    c.merge(&one);
                }
            }
            other => unknown.push(other.to_string()),
        }
    }
    (c, unknown)
}

fn parse_specs(list: &Node) -> Vec<FieldSpec> {
    let mut out = Vec::new();
    for item in list.items().unwrap_or_default() {
        let s = |k: &str| item.text_at(k);
        let path = s("path");
        if path.is_empty() {
            continue;
        }
        let create = matches!(
            item.get("create").map(|n| &n.value),
            Some(Value::Scalar(Scalar::Bool(true)))
        );
        out.push(FieldSpec {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            path: split_path(&path),
            create,
        });
    }
    out
}

/// What a missing field along a spec's path becomes when the spec creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Create {
    /// Never create (a lookup).
    No,
    /// Create maps along the way and a map at the end (labels).
    Map,
    /// Create maps along the way and a null scalar at the end, for the setter
    /// to fill (namespace, replicas).
    Scalar,
}

/// Calls `f` on every node at `fs.path` in `root` (a resource whose
/// apiVersion/kind the spec was checked against by the caller), the way
/// kustomize's field-spec filter walks: a sequence on the way is entered item
/// by item, a missing field ends that branch unless the spec creates it (with
/// `origin`), a scalar in the way ends it.
pub(crate) fn visit(
    root: &mut Node,
    fs: &FieldSpec,
    create: Create,
    origin: Origin,
    f: &mut dyn FnMut(&mut Node),
) {
    let create = if fs.create { create } else { Create::No };
    walk(root, &fs.path, create, origin, f);
}

fn walk(
    node: &mut Node,
    path: &[String],
    create: Create,
    origin: Origin,
    f: &mut dyn FnMut(&mut Node),
) {
    let Some((first, rest)) = path.split_first() else {
        return f(node);
    };
    match &mut node.value {
        Value::Seq(items) => {
            for item in items {
                walk(item, path, create, origin, f);
            }
        }
        Value::Map(_) => {
            let (name, is_seq) = match first.strip_suffix("[]") {
                Some(n) => (n, true),
                None => (first.as_str(), false),
            };
            if name.is_empty() {
                return;
            }
            let creating = create != Create::No && !is_seq;
            if node.get(name).is_none() {
                if !creating {
                    return;
                }
                let leaf = if rest.is_empty() && create == Create::Scalar {
                    Node::scalar(Scalar::Null, origin)
                } else {
                    Node::map(origin)
                };
                node.set(name, leaf, origin);
            }
            let Some(child) = node.get_mut(name) else {
                return;
            };
            if child.is_null() && creating && !(rest.is_empty() && create == Create::Scalar) {
                *child = Node::map(origin);
            }
            walk(child, rest, create, origin, f);
        }
        Value::Scalar(Scalar::Null) => {}
        Value::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_slashes_stay_in_the_segment() {
        assert_eq!(
            split_path("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret"),
            [
                "metadata",
                "annotations",
                "nginx.ingress.kubernetes.io/auth-secret"
            ]
        );
        assert_eq!(split_path("/spec/x"), ["spec", "x"]);
    }

    #[test]
    fn defaults_cover_the_common_references() {
        let c = Config::defaults();
        let cm = c
            .name_reference
            .iter()
            .find(|n| n.kind == "ConfigMap")
            .expect("configmap refs");
        assert!(cm.referrers.iter().any(|f| f.kind == "Deployment"
            && f.path_is(&[
                "spec",
                "template",
                "spec",
                "containers",
                "envFrom",
                "configMapRef",
                "name"
            ])));
        assert!(c
            .common_labels
            .iter()
            .any(|f| f.kind == "Service" && f.create));
    }
}
