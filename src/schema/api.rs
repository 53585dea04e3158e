//! The API server's own validations that Kubernetes' JSON schemas cannot express (issue 16,
//! point 3): the value lists of enum-like strings (the schemas carry them only as prose),
//! and a handful of cross-field and syntax rules that security rules would otherwise stumble
//! on (`seccompProfile.type: Localhost` without a `localhostProfile`, `allowPrivilegeEscalation:
//! false` with `privileged: true`, a container without an image, a port name that is not an
//! IANA service name, ...).
//!
//! Each check hangs off the definition it belongs to (`io.k8s.api.core.v1.Container`), so the
//! validator runs it wherever that definition appears — a Pod, every pod template, a CronJob's
//! job template — with the field path it walked. Messages are the API server's own words
//! (`Unsupported value: "Sometimes": supported values: ...`), so what kubeward says is what
//! `kubectl apply` would say. Only values of the right JSON type are judged here: a wrong type
//! is the schema's `invalid-type` already.
//!
//! Empty strings are not judged: the API server decodes `""` to Go's zero value, which is
//! "unset" and defaulted, exactly as if the field were absent.

use crate::yaml::{Node, NodeKind, Scalar, Span};

/// One API-rejected value, relative to the object the check ran on.
pub(super) struct Rejection<'n> {
    /// The field below the object (`["imagePullPolicy"]`, `["supplementalGroups", "1"]`
    /// as keys, with indexes for list items).
    pub rel: Vec<RelSeg<'n>>,
    pub span: Span,
    /// The API's message after the field path: `Unsupported value: "x": supported values: ...`.
    pub message: String,
    /// "Required value": a field left out (or null, or empty) rather than a bad value, so a
    /// partial document (a Kustomize patch) may do it.
    pub missing: bool,
}

#[derive(Clone, Copy)]
pub(super) enum RelSeg<'n> {
    Key(&'n str),
    Index(usize),
}

/// What the check needs to know about where the object is.
#[derive(Clone, Copy)]
pub(super) struct Context {
    /// The document is a `Pod` (some rules apply to pods only, not to pod templates).
    pub in_pod: bool,
}

/// Enum-like string fields: (definition, field, allowed values). The API server rejects
/// anything else with "Unsupported value". Sources: Kubernetes' `pkg/apis/*/validation`.
const ENUMS: &[(&str, &str, &[&str])] = &[
    (CONTAINER, "imagePullPolicy", PULL_POLICIES),
    (EPHEMERAL, "imagePullPolicy", PULL_POLICIES),
    (CONTAINER, "terminationMessagePolicy", TERMINATION_MESSAGE),
    (EPHEMERAL, "terminationMessagePolicy", TERMINATION_MESSAGE),
    (POD_SPEC, "restartPolicy", &["Always", "OnFailure", "Never"]),
    (
        POD_SPEC,
        "dnsPolicy",
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ),
    (
        POD_SPEC,
        "preemptionPolicy",
        &["PreemptLowerPriority", "Never"],
    ),
    ("io.k8s.api.core.v1.PodOS", "name", &["linux", "windows"]),
    (
        "io.k8s.api.core.v1.SecurityContext",
        "procMount",
        &["Default", "Unmasked"],
    ),
    (
        "io.k8s.api.core.v1.PodSecurityContext",
        "fsGroupChangePolicy",
        &["OnRootMismatch", "Always"],
    ),
    ("io.k8s.api.core.v1.SeccompProfile", "type", PROFILE_TYPES),
    ("io.k8s.api.core.v1.AppArmorProfile", "type", PROFILE_TYPES),
    ("io.k8s.api.core.v1.ContainerPort", "protocol", PROTOCOLS),
    ("io.k8s.api.core.v1.ServicePort", "protocol", PROTOCOLS),
    (
        "io.k8s.api.networking.v1.NetworkPolicyPort",
        "protocol",
        PROTOCOLS,
    ),
    (
        SERVICE_SPEC,
        "type",
        &["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"],
    ),
    (SERVICE_SPEC, "externalTrafficPolicy", &["Cluster", "Local"]),
    (SERVICE_SPEC, "internalTrafficPolicy", &["Cluster", "Local"]),
    (SERVICE_SPEC, "sessionAffinity", &["ClientIP", "None"]),
    (
        SERVICE_SPEC,
        "ipFamilyPolicy",
        &["SingleStack", "PreferDualStack", "RequireDualStack"],
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "operator",
        &["Exists", "Equal"],
    ),
    (
        "io.k8s.api.core.v1.Toleration",
        "effect",
        &["NoSchedule", "PreferNoSchedule", "NoExecute"],
    ),
    (
        "io.k8s.api.core.v1.NodeSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"],
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
        "operator",
        &["In", "NotIn", "Exists", "DoesNotExist"],
    ),
    (
        "io.k8s.api.core.v1.TopologySpreadConstraint",
        "whenUnsatisfiable",
        &["DoNotSchedule", "ScheduleAnyway"],
    ),
    (
        "io.k8s.api.core.v1.VolumeMount",
        "mountPropagation",
        &["None", "HostToContainer", "Bidirectional"],
    ),
    (
        "io.k8s.api.core.v1.HostPathVolumeSource",
        "type",
        &[
            "DirectoryOrCreate",
            "Directory",
            "FileOrCreate",
            "File",
            "Socket",
            "CharDevice",
            "BlockDevice",
        ],
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "volumeMode",
        &["Block", "Filesystem"],
    ),
    (
        "io.k8s.api.apps.v1.DeploymentStrategy",
        "type",
        &["Recreate", "RollingUpdate"],
    ),
    (
        "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
        "type",
        &["RollingUpdate", "OnDelete"],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        "podManagementPolicy",
        &["OrderedReady", "Parallel"],
    ),
    (
        "io.k8s.api.batch.v1.CronJobSpec",
        "concurrencyPolicy",
        &["Allow", "Forbid", "Replace"],
    ),
    (
        "io.k8s.api.batch.v1.JobSpec",
        "completionMode",
        &["NonIndexed", "Indexed"],
    ),
    (
        "io.k8s.api.networking.v1.HTTPIngressPath",
        "pathType",
        &["Exact", "Prefix", "ImplementationSpecific"],
    ),
];

/// Enum-like string lists: (definition, field, allowed item values).
const ENUM_ITEMS: &[(&str, &str, &[&str])] = &[
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        "accessModes",
        &[
            "ReadWriteOnce",
            "ReadOnlyMany",
            "ReadWriteMany",
            "ReadWriteOncePod",
        ],
    ),
    (
        "io.k8s.api.networking.v1.NetworkPolicySpec",
        "policyTypes",
        &["Ingress", "Egress"],
    ),
    (SERVICE_SPEC, "ipFamilies", &["IPv4", "IPv6"]),
];

const CONTAINER: &str = "io.k8s.api.core.v1.Container";
const EPHEMERAL: &str = "io.k8s.api.core.v1.EphemeralContainer";
const POD_SPEC: &str = "io.k8s.api.core.v1.PodSpec";
const SERVICE_SPEC: &str = "io.k8s.api.core.v1.ServiceSpec";
const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const TERMINATION_MESSAGE: &[&str] = &["File", "FallbackToLogsOnError"];
const PROFILE_TYPES: &[&str] = &["RuntimeDefault", "Unconfined", "Localhost"];
const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

/// The highest user or group id the API accepts (Linux ids are 32-bit; the API keeps them
/// within int32's positive range).
const MAX_ID: i64 = 2_147_483_647;

/// (field, allowed values, whether the field is a list of them), per definition.
type EnumFields = Vec<(&'static str, &'static [&'static str], bool)>;

/// [`ENUMS`] and [`ENUM_ITEMS`] by definition, built once.
fn enums_by_definition() -> &'static std::collections::HashMap<&'static str, EnumFields> {
    static MAP: std::sync::OnceLock<std::collections::HashMap<&'static str, EnumFields>> =
        std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut map: std::collections::HashMap<&'static str, EnumFields> = Default::default();
        let tables = [(ENUMS, false), (ENUM_ITEMS, true)];
        for (table, items) in tables {
            for &(def, field, allowed) in table {
                map.entry(def).or_default().push((field, allowed, items));
            }
        }
        map
    })
}

/// Every API-only problem of object `node`, an instance of `definition`.
pub(super) fn check<'n>(definition: &str, node: &'n Node, cx: Context) -> Vec<Rejection<'n>> {
    let mut out = Vec::new();
    // Every object of a known definition comes here: look its enums up once, not by a
    // scan of both tables per object.
    if let Some(fields) = enums_by_definition().get(definition) {
        for &(field, allowed, items) in fields {
            match items {
                false => enum_value(node, field, allowed, &mut out),
                true => enum_items(node, field, allowed, &mut out),
            }
        }
    }
    match definition {
        CONTAINER | EPHEMERAL => container(node, cx, &mut out),
        "io.k8s.api.core.v1.SecurityContext" => {
            escalation(node, &mut out);
            ids(node, &["runAsUser", "runAsGroup"], &mut out);
        }
        "io.k8s.api.core.v1.PodSecurityContext" => {
            ids(node, &["runAsUser", "runAsGroup", "fsGroup"], &mut out);
            id_items(node, "supplementalGroups", &mut out);
        }
        "io.k8s.api.core.v1.ResourceRequirements" => {
            non_negative_quantities(node, "limits", &mut out);
            non_negative_quantities(node, "requests", &mut out);
        }
        "io.k8s.api.core.v1.SeccompProfile" => localhost_profile(node, "seccomp", &mut out),
        "io.k8s.api.core.v1.AppArmorProfile" => localhost_profile(node, "AppArmor", &mut out),
        "io.k8s.api.core.v1.HTTPGetAction" | "io.k8s.api.core.v1.TCPSocketAction" => {
            port_or_name(node, "port", 1, &mut out);
        }
        "io.k8s.api.core.v1.ContainerPort" => {
            port_name(node, "name", &mut out);
            port_number(node, "containerPort", 1, &mut out);
            port_number(node, "hostPort", 0, &mut out);
        }
        "io.k8s.api.core.v1.ServicePort" => {
            port_number(node, "port", 1, &mut out);
            port_number(node, "nodePort", 0, &mut out);
            // targetPort 0 is "unset" (defaulted to port).
            port_or_name(node, "targetPort", 0, &mut out);
        }
        "io.k8s.api.policy.v1.PodDisruptionBudgetSpec"
        | "io.k8s.api.policy.v1beta1.PodDisruptionBudgetSpec" => {
            for field in ["minAvailable", "maxUnavailable"] {
                int_or_percent(node, field, &mut out);
            }
        }
        "io.k8s.api.apps.v1.RollingUpdateDeployment"
        | "io.k8s.api.apps.v1.RollingUpdateDaemonSet"
        | "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy" => {
            for field in ["maxSurge", "maxUnavailable"] {
                int_or_percent(node, field, &mut out);
            }
        }
        _ => {}
    }
    out
}

fn at<'n>(key: &'n str, node: &'n Node, message: String) -> Rejection<'n> {
    Rejection {
        rel: vec![RelSeg::Key(key)],
        span: node.span,
        message,
        missing: false,
    }
}

/// `"Always", "IfNotPresent", "Never"`, as the API lists supported values.
fn supported(allowed: &[&str]) -> String {
    let quoted: Vec<String> = allowed.iter().map(|a| json_string(a)).collect();
    quoted.join(", ")
}

fn unsupported(value: &str, allowed: &[&str]) -> String {
    format!(
        "Unsupported value: {}: supported values: {}",
        json_string(value),
        supported(allowed)
    )
}

fn enum_value<'n>(node: &'n Node, field: &str, allowed: &[&str], out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    if let Some(v) = e.value.as_str() {
        if !v.is_empty() && !allowed.contains(&v) {
            out.push(at(&e.key, &e.value, unsupported(v, allowed)));
        }
    }
}

fn enum_items<'n>(node: &'n Node, field: &str, allowed: &[&str], out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    let NodeKind::Seq(items) = &e.value.kind else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = item.as_str() {
            if !allowed.contains(&v) {
                out.push(Rejection {
                    rel: vec![RelSeg::Key(&e.key), RelSeg::Index(i)],
                    span: item.span,
                    message: unsupported(v, allowed),
                    missing: false,
                });
            }
        }
    }
}

/// A container needs an image; in a Pod (not a template) the image may not carry leading
/// or trailing whitespace either.
fn container<'n>(node: &'n Node, cx: Context, out: &mut Vec<Rejection<'n>>) {
    let required = |rel, span| Rejection {
        rel,
        span,
        message: "Required value: a container must name its image".to_string(),
        missing: true,
    };
    match node.entry("image") {
        None => out.push(required(Vec::new(), node.span)),
        Some(e) => match &e.value.kind {
            NodeKind::Scalar(Scalar::Null) => {
                out.push(required(vec![RelSeg::Key(&e.key)], e.value.span))
            }
            NodeKind::Scalar(Scalar::Str(s)) if s.is_empty() => {
                out.push(required(vec![RelSeg::Key(&e.key)], e.value.span))
            }
            NodeKind::Scalar(Scalar::Str(s)) if cx.in_pod && s.trim() != s => out.push(at(
                &e.key,
                &e.value,
                format!(
                    "Invalid value: {}: must not have leading or trailing whitespace",
                    json_string(s)
                ),
            )),
            _ => {}
        },
    }
}

/// `allowPrivilegeEscalation: false` cannot hold for a privileged container or one that
/// adds CAP_SYS_ADMIN (the API compares the capability name exactly as written).
fn escalation<'n>(node: &'n Node, out: &mut Vec<Rejection<'n>>) {
    let Some(ape) = node.entry("allowPrivilegeEscalation") else {
        return;
    };
    if !matches!(ape.value.kind, NodeKind::Scalar(Scalar::Bool(false))) {
        return;
    }
    let privileged = matches!(
        node.get("privileged").map(|n| &n.kind),
        Some(NodeKind::Scalar(Scalar::Bool(true)))
    );
    let sys_admin = match node.get("capabilities").and_then(|c| c.get("add")) {
        Some(Node {
            kind: NodeKind::Seq(items),
            ..
        }) => items.iter().any(|i| i.as_str() == Some("CAP_SYS_ADMIN")),
        _ => false,
    };
    let why = if privileged {
        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
    } else if sys_admin {
        "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"
    } else {
        return;
    };
    out.push(at(
        &ape.key,
        &ape.value,
        format!("Invalid value: false: {why}"),
    ));
}

fn id_message(v: i64) -> String {
    format!("Invalid value: {v}: must be between 0 and {MAX_ID}, inclusive")
}

fn ids<'n>(node: &'n Node, fields: &[&str], out: &mut Vec<Rejection<'n>>) {
    for field in fields {
        let Some(e) = node.entry(field) else { continue };
        if let Some(v) = integer(&e.value) {
            if !(0..=MAX_ID).contains(&v) {
                out.push(at(&e.key, &e.value, id_message(v)));
            }
        }
    }
}

fn id_items<'n>(node: &'n Node, field: &str, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    let NodeKind::Seq(items) = &e.value.kind else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        if let Some(v) = integer(item) {
            if !(0..=MAX_ID).contains(&v) {
                out.push(Rejection {
                    rel: vec![RelSeg::Key(&e.key), RelSeg::Index(i)],
                    span: item.span,
                    message: id_message(v),
                    missing: false,
                });
            }
        }
    }
}

/// An integral value as the API reads it (`1.0` is 1; out of i64 is no integer here: the
/// schema's range check reports it).
fn integer(node: &Node) -> Option<i64> {
    match &node.kind {
        NodeKind::Scalar(Scalar::Int(i)) => Some(*i),
        NodeKind::Scalar(Scalar::Float(f))
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 =>
        {
            Some(*f as i64)
        }
        _ => None,
    }
}

/// Resource amounts cannot be negative (the quantity syntax allows a sign; the API's
/// resource validation does not).
fn non_negative_quantities<'n>(node: &'n Node, field: &str, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    let NodeKind::Map(entries) = &e.value.kind else {
        return;
    };
    for r in entries {
        let negative = match &r.value.kind {
            NodeKind::Scalar(Scalar::Str(s)) => {
                s.trim_start().starts_with('-') && super::formats::is_quantity(s)
            }
            NodeKind::Scalar(Scalar::Int(i)) => *i < 0,
            NodeKind::Scalar(Scalar::Float(f)) => *f < 0.0,
            _ => false,
        };
        if negative {
            out.push(Rejection {
                rel: vec![RelSeg::Key(&e.key), RelSeg::Key(&r.key)],
                span: r.value.span,
                message: format!(
                    "Invalid value: {}: must be greater than or equal to 0",
                    scalar_text(&r.value)
                ),
                missing: false,
            });
        }
    }
}

fn scalar_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar(Scalar::Str(s)) => json_string(s),
        NodeKind::Scalar(Scalar::Int(i)) => i.to_string(),
        NodeKind::Scalar(Scalar::Float(f)) => format!("{f}"),
        _ => String::new(),
    }
}

/// `type: Localhost` needs `localhostProfile`; any other type may not have one.
fn localhost_profile<'n>(node: &'n Node, what: &str, out: &mut Vec<Rejection<'n>>) {
    let Some(ty) = node.entry("type") else { return };
    let Some(kind) = ty.value.as_str() else {
        return;
    };
    let profile = node.entry("localhostProfile");
    let set = profile.is_some_and(|p| !p.value.is_null());
    if kind == "Localhost" {
        let empty = profile.and_then(|p| p.value.as_str()) == Some("");
        if !set || empty {
            out.push(at(
                &ty.key,
                &ty.value,
                format!(
                    "Required value: localhostProfile must be set when {what} type is Localhost"
                ),
            ));
        }
    } else if set && PROFILE_TYPES.contains(&kind) {
        if let Some(p) = profile {
            out.push(at(
                &p.key,
                &p.value,
                format!(
                    "Invalid value: localhostProfile can only be set when {what} type is Localhost"
                ),
            ));
        }
    }
}

/// Why `name` is not an IANA service name (a port name), in the API's words; `None` if it is.
pub(super) fn port_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        return Some("must be no more than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        return Some("must not contain consecutive hyphens");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("must not begin or end with a hyphen");
    }
    None
}

fn port_name<'n>(node: &'n Node, field: &str, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    let Some(name) = e.value.as_str() else { return };
    if name.is_empty() {
        return;
    }
    if let Some(why) = port_name_problem(name) {
        let msg = format!("Invalid value: {}: {why}", json_string(name));
        out.push(at(&e.key, &e.value, msg));
    }
}

/// A port number field: `lowest` is 1 where 0 is invalid, 0 where 0 means unset.
fn port_number<'n>(node: &'n Node, field: &str, lowest: i64, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    // Beyond int32 the schema's format check reports it already.
    if let Some(v) = integer(&e.value).filter(|v| i32::try_from(*v).is_ok()) {
        let ok = (lowest..=65535).contains(&v);
        if !ok {
            let range = "must be between 1 and 65535, inclusive";
            out.push(at(&e.key, &e.value, format!("Invalid value: {v}: {range}")));
        }
    }
}

/// An int-or-string port: a number in range (`lowest` as for [`port_number`]) or a port name.
fn port_or_name<'n>(node: &'n Node, field: &str, lowest: i64, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    match e.value.as_str() {
        Some("") => {}
        Some(_) => port_name(node, field, out),
        None => port_number(node, field, lowest, out),
    }
}

/// An int-or-string count that may be a percentage: a string must be digits then `%`, an
/// integer must not be negative.
fn int_or_percent<'n>(node: &'n Node, field: &str, out: &mut Vec<Rejection<'n>>) {
    let Some(e) = node.entry(field) else { return };
    if let Some(s) = e.value.as_str() {
        let digits = s.strip_suffix('%').unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        let msg = format!(
            "Invalid value: {}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            json_string(s)
        );
        out.push(at(&e.key, &e.value, msg));
    } else if let Some(v) = integer(&e.value).filter(|v| i32::try_from(*v).is_ok()) {
        // Beyond int32 the schema's range check reports it already.
        if v < 0 {
            let msg = format!("Invalid value: {v}: must be greater than or equal to 0");
            out.push(at(&e.key, &e.value, msg));
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
