//! The API server's own checks ([`super::api`]) through the validator: each at its field,
//! in the API's words, wherever its definition appears, and silent on what the API accepts.

use super::validate_tests::{clean, one as only, summary};
use super::*;

/// A Pod with pod-level fields `pod` and first-container fields `container` (each line
/// indented for its place).
fn pod(pod: &str, container: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{pod}  containers:\n    - name: a\n      image: nginx:1.27\n{container}"
    )
}

fn deployment(container: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {{app: d}}\n  template:\n    metadata:\n      labels: {{app: d}}\n    spec:\n      containers:\n        - name: a\n{container}"
    )
}

#[test]
fn enums_the_schemas_lack_are_checked_with_the_api_message() {
    let (p, path, msg) = only(&pod("", "      imagePullPolicy: always\n"));
    assert_eq!(p, Problem::InvalidValue);
    assert_eq!(path, "spec.containers[0].imagePullPolicy");
    assert_eq!(
        msg,
        "spec.containers[0].imagePullPolicy: Unsupported value: \"always\": supported values: \"Always\", \"IfNotPresent\", \"Never\""
    );
    for (pod_field, container_field) in [
        ("  restartPolicy: Sometimes\n", ""),
        ("  dnsPolicy: clusterfirst\n", ""),
        ("", "      ports: [{containerPort: 80, protocol: HTTP}]\n"),
        ("  securityContext: {seccompProfile: {type: Default}}\n", ""),
        ("  tolerations: [{key: a, operator: Equals}]\n", ""),
        (
            "",
            "      volumeMounts: [{name: v, mountPath: /v, mountPropagation: Shared}]\n",
        ),
    ] {
        assert_eq!(
            only(&pod(pod_field, container_field)).0,
            Problem::InvalidValue
        );
    }
    // Every listed value passes; "" is Go's zero value, i.e. unset and defaulted.
    for policy in ["Always", "IfNotPresent", "Never", "\"\""] {
        clean(&pod("", &format!("      imagePullPolicy: {policy}\n")));
    }
    // A wrong type is the schema's finding alone.
    let (p, _, _) = only(&pod("", "      imagePullPolicy: 3\n"));
    assert_eq!(p, Problem::InvalidType);
}

#[test]
fn enum_lists_are_checked_item_by_item() {
    let text = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, egress]\n";
    let (p, path, msg) = only(text);
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "spec.policyTypes[1]")
    );
    assert!(msg.contains("Unsupported value: \"egress\""), "{msg}");
}

#[test]
fn localhost_profiles_need_their_profile() {
    let (p, path, msg) = only(&pod(
        "  securityContext:\n    seccompProfile: {type: Localhost}\n",
        "",
    ));
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidValue,
            "spec.securityContext.seccompProfile.type"
        )
    );
    assert!(
        msg.ends_with("localhostProfile must be set when seccomp type is Localhost"),
        "{msg}"
    );
    let empty = "      securityContext:\n        appArmorProfile: {type: Localhost, localhostProfile: \"\"}\n";
    let (_, path, msg) = only(&pod("", empty));
    assert_eq!(
        path,
        "spec.containers[0].securityContext.appArmorProfile.type"
    );
    assert!(msg.contains("AppArmor type is Localhost"), "{msg}");
    let stray = "      securityContext:\n        seccompProfile: {type: RuntimeDefault, localhostProfile: x.json}\n";
    let (_, path, _) = only(&pod("", stray));
    assert_eq!(
        path,
        "spec.containers[0].securityContext.seccompProfile.localhostProfile"
    );
    clean(&pod("", "      securityContext:\n        seccompProfile: {type: Localhost, localhostProfile: x.json}\n"));
    clean(&pod(
        "",
        "      securityContext:\n        seccompProfile: {type: RuntimeDefault}\n",
    ));
}

#[test]
fn no_escalation_cannot_hold_for_privileged_or_sys_admin() {
    let sc = |body: &str| pod("", &format!("      securityContext: {{{body}}}\n"));
    let (p, path, msg) = only(&sc("privileged: true, allowPrivilegeEscalation: false"));
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidValue,
            "spec.containers[0].securityContext.allowPrivilegeEscalation"
        )
    );
    assert!(msg.contains("cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    let (_, _, msg) = only(&sc(
        "allowPrivilegeEscalation: false, capabilities: {add: [CAP_SYS_ADMIN]}",
    ));
    assert!(msg.contains("CAP_SYS_ADMIN"), "{msg}");
    // The API compares the name as written: SYS_ADMIN is not CAP_SYS_ADMIN.
    clean(&sc(
        "allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}",
    ));
    clean(&sc("privileged: true, allowPrivilegeEscalation: true"));
    clean(&sc("privileged: false, allowPrivilegeEscalation: false"));
}

#[test]
fn containers_need_an_image_and_pods_one_without_surrounding_spaces() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n  initContainers:\n    - name: b\n      image: \"\"\n";
    let all = summary(text);
    let found: Vec<(Problem, &str)> = all.iter().map(|(p, path, _)| (*p, path.as_str())).collect();
    assert_eq!(
        found,
        [
            (Problem::MissingRequired, "spec.containers[0]"),
            (Problem::MissingRequired, "spec.initContainers[0].image"),
        ]
    );
    let (p, path, msg) = only(&pod("", "").replace("image: nginx:1.27", "image: \" nginx:1.27\""));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "spec.containers[0].image")
    );
    assert!(
        msg.ends_with("must not have leading or trailing whitespace"),
        "{msg}"
    );
    // Pod templates are not held to the whitespace rule (the API checks it on pods only).
    clean(&deployment("          image: \"nginx:1.27 \"\n"));
    assert_eq!(
        only(&deployment("          image:\n")).0,
        Problem::MissingRequired
    );
}

#[test]
fn user_and_group_ids_must_be_in_range() {
    let (p, path, msg) = only(&pod("  securityContext: {runAsUser: -1}\n", ""));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "spec.securityContext.runAsUser")
    );
    assert!(
        msg.ends_with("Invalid value: -1: must be between 0 and 2147483647, inclusive"),
        "{msg}"
    );
    let (_, path, _) = only(&pod(
        "  securityContext: {supplementalGroups: [1, 2147483648]}\n",
        "",
    ));
    assert_eq!(path, "spec.securityContext.supplementalGroups[1]");
    let (_, path, _) = only(&pod("", "      securityContext: {runAsGroup: -3}\n"));
    assert_eq!(path, "spec.containers[0].securityContext.runAsGroup");
    clean(&pod(
        "  securityContext: {runAsUser: 0, runAsGroup: 2147483647, fsGroup: 1000}\n",
        "",
    ));
}

#[test]
fn ports_are_numbers_in_range_or_iana_names() {
    let probe = |port: &str| {
        pod(
            "",
            &format!("      readinessProbe:\n        httpGet: {{port: {port}}}\n"),
        )
    };
    let (p, path, msg) = only(&probe("\"8080\""));
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidValue,
            "spec.containers[0].readinessProbe.httpGet.port"
        )
    );
    assert!(
        msg.ends_with("must contain at least one letter (a-z)"),
        "{msg}"
    );
    for bad in [
        "0",
        "65536",
        "Http",
        "my--port",
        "-web",
        "a-very-long-port-name",
    ] {
        assert_eq!(only(&probe(bad)).0, Problem::InvalidValue, "{bad}");
    }
    for good in ["8080", "http", "web-1", "h2c"] {
        clean(&probe(good));
    }
    let ports = |p: &str| pod("", &format!("      ports: [{p}]\n"));
    assert_eq!(
        only(&ports("{containerPort: 70000}")).1,
        "spec.containers[0].ports[0].containerPort"
    );
    assert_eq!(
        only(&ports("{containerPort: 80, name: HTTP}")).1,
        "spec.containers[0].ports[0].name"
    );
    // hostPort 0 is unset; beyond int32 is the schema's range finding alone.
    clean(&ports("{containerPort: 80, hostPort: 0, name: metrics}"));
    assert!(only(&ports("{containerPort: 4294967296}"))
        .2
        .contains("32-bit"));
    let service = |port: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec:\n  ports:\n    - {port}\n"
        )
    };
    assert_eq!(
        only(&service("{port: 80, targetPort: \"8080\"}")).1,
        "spec.ports[0].targetPort"
    );
    clean(&service("{port: 80, targetPort: 0}"));
    clean(&service("{port: 80, targetPort: http}"));
}

#[test]
fn int_or_percent_strings_must_be_percentages() {
    let pdb = |v: &str| {
        format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p}}\nspec:\n  minAvailable: {v}\n")
    };
    let (p, path, msg) = only(&pdb("\"1\""));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "spec.minAvailable")
    );
    assert!(msg.contains("a valid percent string"), "{msg}");
    assert!(only(&pdb("-1"))
        .2
        .ends_with("must be greater than or equal to 0"));
    for good in ["1", "0", "\"50%\"", "\"100%\""] {
        clean(&pdb(good));
    }
}

#[test]
fn realistic_manifests_pass() {
    clean(&pod(
        "  securityContext:\n    runAsNonRoot: true\n    seccompProfile: {type: RuntimeDefault}\n  restartPolicy: Always\n",
        "      imagePullPolicy: IfNotPresent\n      ports: [{name: http, containerPort: 8080, protocol: TCP}]\n      livenessProbe:\n        tcpSocket: {port: http}\n      securityContext:\n        allowPrivilegeEscalation: false\n        capabilities: {drop: [ALL]}\n",
    ));
}

#[test]
fn resource_amounts_cannot_be_negative() {
    let res = |r: &str| pod("", &format!("      resources: {r}\n"));
    let (p, path, msg) = only(&res("{limits: {memory: -1Gi}}"));
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidValue,
            "spec.containers[0].resources.limits.memory"
        )
    );
    assert!(
        msg.ends_with("Invalid value: \"-1Gi\": must be greater than or equal to 0"),
        "{msg}"
    );
    assert_eq!(
        only(&res("{requests: {cpu: -2}}")).1,
        "spec.containers[0].resources.requests.cpu"
    );
    clean(&res(
        "{limits: {memory: 1Gi, cpu: 0}, requests: {cpu: 100m}}",
    ));
}
