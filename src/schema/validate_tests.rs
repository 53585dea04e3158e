//! The validator against real schemas: each problem with its exact path and message, the
//! did-you-mean hints, Kubernetes' YAML reading, int-or-string, quantities, nulls, list
//! keys, versions, and clean realistic manifests.

use super::*;
use crate::finding::{display_path, PathSeg};

const V: (u32, u32) = crate::DEFAULT_KUBE_VERSION;

fn check_in(v: (u32, u32), text: &str) -> Vec<Violation> {
    let loaded = crate::yaml::load(text);
    assert!(loaded.issues.is_empty(), "{:?}", loaded.issues);
    let root = &loaded.documents.first().expect("a document").root;
    let api = root
        .get("apiVersion")
        .and_then(|n| n.as_str())
        .expect("apiVersion");
    let kind = root.get("kind").and_then(|n| n.as_str()).expect("kind");
    let schema = lookup(v, api, kind).expect("a built-in kind");
    validate(&schema, root)
}

fn check(text: &str) -> Vec<Violation> {
    check_in(V, text)
}

/// `(problem, path, message)` of each violation, paths as people write them.
pub(super) fn summary(text: &str) -> Vec<(Problem, String, String)> {
    check(text)
        .into_iter()
        .map(|v| (v.problem, display_path(&v.path), v.message))
        .collect()
}

pub(super) fn one(text: &str) -> (Problem, String, String) {
    let all = summary(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().expect("one")
}

pub(super) fn clean(text: &str) {
    let all = summary(text);
    assert!(all.is_empty(), "{all:#?}");
}

/// A Deployment whose first container gets `extra` (indented 8 spaces), pod spec `pod`.
fn deployment(pod: &str, extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{pod}      containers:
      - name: web
        image: nginx:1.27
{extra}"
    )
}

const C: &str = "spec.template.spec.containers[0]";

#[test]
fn a_minimal_deployment_is_clean() {
    clean(&deployment("", ""));
}

#[test]
fn unknown_fields_get_a_did_you_mean() {
    let (p, path, msg) = one(&deployment(
        "",
        "        securityContext:\n          readOnlyRootFileSystem: true\n",
    ));
    assert_eq!(p, Problem::UnknownField);
    assert_eq!(path, format!("{C}.securityContext.readOnlyRootFileSystem"));
    assert_eq!(
        msg,
        "unknown field \"readOnlyRootFileSystem\" in SecurityContext; \
         did you mean \"readOnlyRootFilesystem\"?"
    );
    let (_, path, msg) = one(&deployment("      securityContex: {}\n", ""));
    assert_eq!(path, "spec.template.spec.securityContex");
    assert_eq!(
        msg,
        "unknown field \"securityContex\" in PodSpec; did you mean \"securityContext\"?"
    );
    let (_, path, msg) = one(&deployment("", "        resourses: {}\n"));
    assert_eq!(path, format!("{C}.resourses"));
    assert_eq!(
        msg,
        "unknown field \"resourses\" in Container; did you mean \"resources\"?"
    );
    let (_, _, msg) = one(&deployment("", "        frobnicate: 1\n"));
    assert_eq!(msg, "unknown field \"frobnicate\" in Container");
}

#[test]
fn did_you_mean_prefers_case_then_distance_within_a_limit() {
    let names = ["resources", "readOnlyRootFilesystem", "name", "image"];
    let dym = |n| did_you_mean(n, names.iter().copied());
    assert_eq!(dym("RESOURCES"), Some("resources"));
    assert_eq!(dym("resourses"), Some("resources"));
    assert_eq!(
        dym("readOnlyRootFileSistem"),
        Some("readOnlyRootFilesystem")
    );
    assert_eq!(dym("nmae"), None, "two edits are too many for a short name");
    assert_eq!(dym("nam"), Some("name"));
    assert_eq!(dym("completelyDifferent"), None);
    assert_eq!(dym(""), None);
}

#[test]
fn wrong_types_name_the_field_and_the_value() {
    let text =
        deployment("", "").replace("spec:\n  selector", "spec:\n  replicas: \"3\"\n  selector");
    assert_eq!(
        one(&text),
        (
            Problem::InvalidType,
            "spec.replicas".into(),
            "spec.replicas must be an integer, got a string \"3\"".into()
        )
    );
    let (p, path, msg) = one(&deployment(
        "",
        "        securityContext:\n          privileged: \"no\"\n",
    ));
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidType,
            &*format!("{C}.securityContext.privileged")
        )
    );
    assert_eq!(
        msg,
        format!("{C}.securityContext.privileged must be a boolean, got a string \"no\"")
    );
    let (_, _, msg) = one(&deployment("", "        args: {a: b}\n"));
    assert_eq!(msg, format!("{C}.args must be a list, got an object"));
    let (_, _, msg) = one(&deployment("", "        ports: [{containerPort: 8.5}]\n"));
    assert_eq!(
        msg,
        format!("{C}.ports[0].containerPort must be an integer, got a number 8.5")
    );
}

#[test]
fn integers_are_checked_against_their_format() {
    let (p, path, msg) = one(&deployment(
        "",
        "        ports: [{containerPort: 4294967296}]\n",
    ));
    assert_eq!(
        (p, path),
        (Problem::InvalidValue, format!("{C}.ports[0].containerPort"))
    );
    assert_eq!(
        msg,
        format!("{C}.ports[0].containerPort is out of range for a 32-bit integer: an integer 4294967296")
    );
    // 3.0 is the JSON 3 once sigs.k8s.io/yaml converts it; 1e3 is 1000.
    clean(&deployment(
        "",
        "        ports: [{containerPort: 3.0}, {containerPort: 1e3}]\n",
    ));
    let big = deployment("      activeDeadlineSeconds: 18446744073709551615\n", "");
    assert_eq!(one(&big).0, Problem::InvalidValue);
    clean(&deployment(
        "      activeDeadlineSeconds: 9223372036854775807\n",
        "",
    ));
}

#[test]
fn yaml_is_read_as_kubernetes_reads_it() {
    // YAML 1.1 booleans, octal modes, string ConfigMap keys.
    clean(&deployment(
        "      hostNetwork: off\n      automountServiceAccountToken: yes\n      \
         volumes: [{name: c, configMap: {name: c, defaultMode: 0644}}]\n",
        "        args:\n        # nothing yet\n",
    ));
    clean("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  5: five\n  \"on\": x\n");
    let (p, path, msg) =
        one("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 5\n");
    assert_eq!((p, path), (Problem::InvalidType, "data.a".into()));
    assert_eq!(msg, "data.a must be a string, got an integer 5");
}

#[test]
fn metadata_is_object_meta() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    \
                version: 1.0\n    \"a.b/c\": ok\n  annotation: {}\n";
    let all = summary(text);
    assert_eq!(
        all,
        vec![
            (
                Problem::InvalidType,
                "metadata.labels.version".into(),
                "metadata.labels.version must be a string, got a number 1.0".into()
            ),
            (
                Problem::UnknownField,
                "metadata.annotation".into(),
                "unknown field \"annotation\" in ObjectMeta; did you mean \"annotations\"?".into()
            ),
        ]
    );
}

#[test]
fn int_or_string_takes_integers_and_strings_only() {
    let with = |surge: &str| {
        deployment("", "").replace(
            "spec:\n  selector",
            &format!("spec:\n  strategy:\n    rollingUpdate: {{maxSurge: {surge}, maxUnavailable: 0}}\n  selector"),
        )
    };
    clean(&with("25%"));
    clean(&with("1"));
    // A string that is not a percentage passes the schema; the API's own check rejects
    // it (tests in api_tests).
    assert_eq!(one(&with("\"1\"")).0, Problem::InvalidValue);
    let (p, path, msg) = one(&with("true"));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidType, "spec.strategy.rollingUpdate.maxSurge")
    );
    assert_eq!(
        msg,
        "spec.strategy.rollingUpdate.maxSurge must be an integer or a string, got a boolean true"
    );
    assert_eq!(one(&with("1.5")).0, Problem::InvalidType);
    assert_eq!(one(&with("[1]")).0, Problem::InvalidType);
    // A whole number outside int32 is the right type with a wrong value: intstr decodes
    // it into an int32, which fails.
    for big in ["2147483648", "-2147483649", "18446744073709551615"] {
        let (p, path, msg) = one(&with(big));
        assert_eq!(
            (p, path.as_str()),
            (
                Problem::InvalidValue,
                "spec.strategy.rollingUpdate.maxSurge"
            )
        );
        assert_eq!(
            msg,
            format!(
                "spec.strategy.rollingUpdate.maxSurge is out of range for a 32-bit integer: \
                 an integer {big}"
            )
        );
    }
    clean(&with("2147483647"));
    // In range for the schema; a negative count is the API's own check (api_tests).
    assert!(one(&with("-2147483648"))
        .2
        .ends_with("must be greater than or equal to 0"));
    let (_, _, msg) = one(&deployment(
        "",
        "        livenessProbe: {httpGet: {port: {}}}\n",
    ));
    assert_eq!(
        msg,
        format!("{C}.livenessProbe.httpGet.port must be an integer or a string, got an object")
    );
    clean(&deployment(
        "",
        "        livenessProbe: {httpGet: {port: http}}\n",
    ));
}

#[test]
fn quantities_are_strings_of_the_quantity_grammar_or_numbers() {
    let with = |cpu: &str| {
        deployment(
            "",
            &format!("        resources: {{limits: {{cpu: {cpu}, memory: 1.5Gi}}}}\n"),
        )
    };
    for ok in ["100m", "1", "0.5", "1e3", "\"2\"", "250m"] {
        clean(&with(ok));
    }
    let (p, path, msg) = one(&with("1GB"));
    assert_eq!(
        (p, path),
        (Problem::InvalidValue, format!("{C}.resources.limits.cpu"))
    );
    assert_eq!(
        msg,
        format!(
            "{C}.resources.limits.cpu is not a valid quantity: a string \"1GB\" \
             (examples: \"500m\", \"1Gi\", \"2\")"
        )
    );
    assert_eq!(one(&with("abc")).0, Problem::InvalidValue);
    assert_eq!(one(&with("--1")).0, Problem::InvalidValue);
    assert_eq!(one(&with("1ki")).0, Problem::InvalidValue);
    // What apimachinery's parser takes, however odd: micro and nano suffixes, spaces it
    // trims, a sign or a suffix with no digits (0).
    for ok in ["500u", "100n", "\" 1\"", "\"2 \"", "\"+\"", "m"] {
        clean(&with(ok));
    }
    assert_eq!(one(&with("true")).0, Problem::InvalidType);
    assert_eq!(one(&with("{a: 1}")).0, Problem::InvalidType);
}

#[test]
fn nulls_pass_where_the_schema_allows_them() {
    // `args:` with only a comment and an empty securityContext field are null.
    clean(&deployment(
        "",
        "        args:\n        securityContext:\n          readOnlyRootFilesystem: null\n",
    ));
    clean("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: null\n");
}

#[test]
fn missing_required_fields_are_reported_at_the_object() {
    let (p, path, msg) = one("apiVersion: v1\nkind: Binding\nmetadata: {name: b}\n");
    assert_eq!((p, path.as_str()), (Problem::MissingRequired, ""));
    assert_eq!(msg, "Binding is missing required field \"target\"");
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  \
                template:\n    spec:\n      containers:\n      - image: nginx\n";
    let all = summary(text);
    assert_eq!(
        all,
        vec![
            (
                Problem::MissingRequired,
                "spec".into(),
                "spec is missing required field \"selector\"".into()
            ),
            (
                Problem::MissingRequired,
                "spec.template.spec.containers[0]".into(),
                "spec.template.spec.containers[0] is missing required field \"name\"".into()
            ),
        ]
    );
}

#[test]
fn duplicate_list_map_keys_are_invalid_values() {
    let text = deployment("", "      - name: web\n        image: nginx:1.27\n");
    let (p, path, msg) = one(&text);
    assert_eq!(
        (p, path.as_str()),
        (
            Problem::InvalidValue,
            "spec.template.spec.containers[1].name"
        )
    );
    assert_eq!(
        msg,
        "spec.template.spec.containers[1].name repeats name \"web\" of containers[0]; \
         the list's entries must be unique by their keys"
    );
    // Container ports are keyed by (containerPort, protocol) for server-side apply only:
    // the API accepts a repeated port (a warning), so it is no finding. A Service's ports
    // are checked for duplicates by the API's own validation.
    clean(&deployment(
        "",
        "        ports: [{containerPort: 53, protocol: TCP}, {containerPort: 53, protocol: TCP}]\n",
    ));
    clean(&deployment(
        "",
        "        env: [{name: A, value: one}, {name: A, value: two}]\n",
    ));
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n    - {port: 53, protocol: UDP}\n    - {port: 53, protocol: TCP}\n    - {port: 53, protocol: UDP}\n";
    let (_, path, msg) = one(service);
    assert_eq!(path, "spec.ports[2]");
    assert!(
        msg.contains("repeats port 53, protocol \"UDP\" of ports[0]"),
        "{msg}"
    );
    // An optional key field may be unset (and then equal); an entry without a required one
    // is only missing it.
    let unset = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 53}, {port: 53}]\n";
    let (_, path, msg) = one(unset);
    assert_eq!(path, "spec.ports[1]");
    assert!(
        msg.contains("repeats port 53, protocol (unset) of ports[0]"),
        "{msg}"
    );
    let all = summary(&deployment("", "        ports: [{name: a}, {name: b}]\n"));
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all.iter().all(|v| v.0 == Problem::MissingRequired));
}

#[test]
fn violations_come_in_document_order_with_spans() {
    let text = deployment(
        "      hostNetwork: \"yes\"\n",
        "        imagePullPolicy: 3\n        resourses: {}\n",
    );
    let all = check(&text);
    assert_eq!(all.len(), 3, "{all:#?}");
    assert!(all.windows(2).all(|w| w[0].span.start < w[1].span.start));
    assert_eq!(&text[all[0].span.start..all[0].span.end], "\"yes\"");
    assert_eq!(&text[all[2].span.start..all[2].span.end], "resourses");
    assert_eq!(
        all[1].path,
        ["spec", "template", "spec", "containers"]
            .iter()
            .map(|k| PathSeg::Key(k.to_string()))
            .chain([PathSeg::Index(0), PathSeg::Key("imagePullPolicy".into())])
            .collect::<Vec<_>>()
    );
}

#[test]
fn versions_differ() {
    let text = deployment(
        "",
        "        securityContext:\n          appArmorProfile: {type: RuntimeDefault}\n",
    );
    let old = check_in((1, 29), &text);
    assert_eq!(old.len(), 1, "{old:#?}");
    assert_eq!(old[0].problem, Problem::UnknownField);
    assert!(check_in((1, 30), &text).is_empty());
}

#[test]
fn secret_data_must_be_base64() {
    clean("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: YWJj}\nstringData: {b: \"not base64\"}\n");
    let (p, path, msg) =
        one("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {a: not base64}\n");
    assert_eq!((p, path.as_str()), (Problem::InvalidValue, "data.a"));
    assert_eq!(msg, "data.a is not valid base64");
}

#[test]
fn the_top_level_must_be_an_object_and_odd_trees_do_not_panic() {
    let schema = lookup(V, "apps/v1", "Deployment").expect("built in");
    for text in [
        "[1, 2]",
        "3",
        "null",
        "~",
        "spec: [[[[]]]]",
        "spec: {template: .nan}",
        "spec: {replicas: .inf}",
    ] {
        let loaded = crate::yaml::load(text);
        for d in &loaded.documents {
            let _ = validate(&schema, &d.root);
        }
    }
    let loaded = crate::yaml::load("[1, 2]");
    let all = validate(&schema, &loaded.documents[0].root);
    assert_eq!(all[0].message, "Deployment must be an object, got a list");
    assert!(all[0].path.is_empty());
    // Deep nesting inside a recursive schema (a CRD's JSONSchemaProps) is walked to a
    // bound: a typo 5 levels down is found, 400 levels down it is not looked at.
    let crd = lookup(V, "apiextensions.k8s.io/v1", "CustomResourceDefinition").expect("crd");
    let nested = |levels: usize| {
        let mut deep = String::from(
            "spec: {versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: ",
        );
        deep.push_str(&"{properties: {a: ".repeat(levels));
        deep.push_str("{typo: 1}");
        deep.push_str(&"}}".repeat(levels));
        deep.push_str("}}]}");
        let loaded = crate::yaml::load(&deep);
        assert!(loaded.issues.is_empty(), "{:?}", loaded.issues);
        let root = &loaded.documents[0].root;
        validate(&crd, root)
            .into_iter()
            .filter(|v| v.problem == Problem::UnknownField)
            .count()
    };
    assert_eq!(nested(5), 1);
    assert_eq!(nested(400), 0);
}

/// Upstream install manifests applied to real clusters validate clean (issue 16, item 8):
/// argo-cd's generated installs (CRDs, RBAC, Deployments, StatefulSets, Services, ...),
/// plain and HA, from both corpus copies (bulk has the installs variety lacks).
#[test]
fn argo_cd_install_manifests_are_clean() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut checked = 0;
    for dir in ["variety/argo-cd/manifests", "bulk/argo-cd/manifests"] {
        for sub in ["", "ha/"] {
            for name in [
                "namespace-install.yaml",
                "namespace-install-with-hydrator.yaml",
                "install.yaml",
                "install-with-hydrator.yaml",
                "core-install.yaml",
                "core-install-with-hydrator.yaml",
            ] {
                let path = corpus.join(dir).join(sub).join(name);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for d in crate::yaml::load(&text).documents {
                    let field = |k| d.root.get(k).and_then(|n| n.as_str()).unwrap_or_default();
                    let Some(schema) = lookup(V, field("apiVersion"), field("kind")) else {
                        continue;
                    };
                    let all = validate(&schema, &d.root);
                    assert!(
                        all.is_empty(),
                        "{} {}: {all:#?}",
                        path.display(),
                        field("kind")
                    );
                    checked += 1;
                }
            }
        }
    }
    if checked > 0 {
        assert!(checked > 20, "only {checked} built-in documents");
    } else {
        println!(
            "SKIP: no argo-cd install manifest under {}",
            corpus.display()
        );
    }
}

#[test]
fn a_realistic_deployment_is_clean() {
    clean(REALISTIC);
}

const REALISTIC: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api, app.kubernetes.io/version: "1.4.2"}
  annotations: {deployment.kubernetes.io/revision: "3"}
spec:
  replicas: 3
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      serviceAccountName: api
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector:
                matchExpressions:
                - {key: app.kubernetes.io/name, operator: In, values: [api]}
      tolerations:
      - {key: dedicated, operator: Equal, value: shop, effect: NoSchedule}
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
        labelSelector: {matchLabels: {app.kubernetes.io/name: api}}
      initContainers:
      - name: migrate
        image: registry.example.com/shop/api:1.4.2
        command: [/app/migrate, --wait]
        envFrom:
        - secretRef: {name: api-db}
      containers:
      - name: api
        image: registry.example.com/shop/api:1.4.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-level=info"]
        ports:
        - {name: http, containerPort: 8080, protocol: TCP}
        - {name: metrics, containerPort: 9090}
        env:
        - {name: GOMAXPROCS, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: "1"}}}
        - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
        - name: DB_PASSWORD
          valueFrom: {secretKeyRef: {name: api-db, key: password, optional: false}}
        resources:
          requests: {cpu: 250m, memory: 256Mi, ephemeral-storage: 1Gi}
          limits: {cpu: "1", memory: 512Mi}
        readinessProbe:
          httpGet: {path: /healthz, port: http, scheme: HTTP}
          periodSeconds: 5
          failureThreshold: 3
        livenessProbe:
          tcpSocket: {port: 8080}
          initialDelaySeconds: 10
        startupProbe:
          exec: {command: [cat, /tmp/ready]}
        lifecycle:
          preStop: {exec: {command: [sleep, "5"]}}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          privileged: false
          capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
        - {name: config, mountPath: /etc/api, readOnly: true}
      volumes:
      - name: tmp
        emptyDir: {medium: Memory, sizeLimit: 64Mi}
      - name: config
        projected:
          defaultMode: 0440
          sources:
          - configMap: {name: api-config, items: [{key: config.yaml, path: config.yaml}]}
          - secret: {name: api-tls}
          - serviceAccountToken: {path: token, expirationSeconds: 3600, audience: api}
"#;

#[test]
fn times_must_be_rfc3339() {
    let with = |t: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: {t}\n")
    };
    clean(&with("\"2024-05-01T10:00:00Z\""));
    clean(&with("2024-05-01T10:00:00.5+02:00"));
    let (p, path, msg) = one(&with("2024-05-01"));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "metadata.creationTimestamp")
    );
    assert_eq!(
        msg,
        "metadata.creationTimestamp is not an RFC 3339 time such as \"2006-01-02T15:04:05Z\": \
         a string \"2024-05-01\""
    );
}

/// Go's RFC 3339 parser is laxer than the RFC: a one-digit hour, a comma before the
/// fraction, an offset of +24:00.
#[test]
fn times_are_read_as_go_reads_them() {
    let with = |t: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: {t}\n")
    };
    clean(&with("\"2024-05-01T9:00:00Z\""));
    clean(&with("\"2024-05-01T10:00:00,25Z\""));
    clean(&with("\"2024-05-01T10:00:00+24:00\""));
    assert_eq!(
        one(&with("\"2024-05-01T10:00:00+25:00\"")).0,
        Problem::InvalidValue
    );
}

/// `metav1.MicroTime` fields (a Lease's renew time, an event's time) need exactly six
/// fractional digits: the API server parses them with RFC3339Micro.
#[test]
fn micro_times_need_six_fractional_digits() {
    let lease = |t: &str| {
        format!(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {{name: l}}\n\
             spec:\n  holderIdentity: a\n  renewTime: {t}\n  acquireTime: \"2024-05-01T10:00:00.000000Z\"\n"
        )
    };
    clean(&lease("\"2024-05-01T10:00:00.123456Z\""));
    clean(&lease("2024-05-01T10:00:00.123456+02:00"));
    clean(&lease("null"));
    let (p, path, msg) = one(&lease("\"2024-05-01T10:00:00Z\""));
    assert_eq!(
        (p, path.as_str()),
        (Problem::InvalidValue, "spec.renewTime")
    );
    assert_eq!(
        msg,
        "spec.renewTime is not a time with six fractional digits such as \
         \"2006-01-02T15:04:05.000000Z\": a string \"2024-05-01T10:00:00Z\""
    );
    assert_eq!(
        one(&lease("\"2024-05-01T10:00:00.1234567Z\"")).0,
        Problem::InvalidValue
    );
    // events.k8s.io/v1 Event: eventTime is a MicroTime, deprecatedFirstTimestamp a Time.
    let event = "apiVersion: events.k8s.io/v1\nkind: Event\nmetadata: {name: e}\n\
                 eventTime: \"2024-05-01T10:00:00.000001Z\"\n\
                 deprecatedFirstTimestamp: \"2024-05-01T10:00:00Z\"\n";
    clean(event);
    let event = event.replace(".000001Z", "Z");
    assert_eq!(
        one(&event),
        (
            Problem::InvalidValue,
            "eventTime".into(),
            "eventTime is not a time with six fractional digits such as \
             \"2006-01-02T15:04:05.000000Z\": a string \"2024-05-01T10:00:00Z\""
                .into()
        )
    );
}

#[test]
fn built_in_set_lists_take_duplicates_the_api_takes() {
    // metadata.finalizers is a set for server-side apply; the API's validation does not
    // reject a repeated finalizer, so neither does kubeward (CRDs' own lists: crd_tests).
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  \
                finalizers: [a.io/x, b.io/y, a.io/x]\n";
    clean(text);
}

/// A schema compiled from inline definitions (CRD-style keywords the built-in schemas do
/// not use).
fn custom(defs: &[(&str, &str)]) -> KindSchema {
    let find = |name: &str| defs.iter().find(|(n, _)| *n == name).map(|(_, j)| *j);
    let (types, roots) = compile(&[defs[0].0], &find).expect("compiles");
    KindSchema {
        version: V,
        api_version: "example.com/v1".into(),
        kind: "Widget".into(),
        definition: defs[0].0.into(),
        types,
        root: roots[0],
    }
}

fn custom_summary(schema: &KindSchema, text: &str) -> Vec<(Problem, String, String)> {
    let loaded = crate::yaml::load(text);
    validate(schema, &loaded.documents[0].root)
        .into_iter()
        .map(|v| (v.problem, display_path(&v.path), v.message))
        .collect()
}

#[test]
fn crd_style_keywords() {
    let s = custom(&[(
        "w",
        r#"{"type":"object","properties":{
            "apiVersion":{"type":"string"},"kind":{"type":"string"},
            "closed":{"type":"object","additionalProperties":false},
            "open":{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":true},
            "keep":{"type":"object","properties":{"a":{"type":"string"}},"x-kubernetes-preserve-unknown-fields":true},
            "port":{"x-kubernetes-int-or-string":true},
            "size":{"type":"string","format":"quantity"},
            "mode":{"type":"string","enum":["fast","slow"]},
            "either":{"oneOf":[{"type":"string"},{"type":"boolean"}]},
            "inner":{"type":"object","x-kubernetes-embedded-resource":true,
                     "properties":{"spec":{"type":"object"}}}
        }}"#,
    )]);
    let good = "apiVersion: example.com/v1\nkind: Widget\nclosed: {}\nopen: {a: x, b: 1}\n\
                keep: {a: x, z: [1]}\nport: http\nsize: 2Gi\nmode: fast\neither: true\n\
                inner: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {}}\n";
    assert_eq!(custom_summary(&s, good), vec![]);
    let bad = "apiVersion: example.com/v1\nkind: Widget\nclosed: {x: 1}\nport: 1.5\n\
               size: 2GB\nmode: medium\neither: 3\ninner: {other: 1}\n";
    assert_eq!(
        custom_summary(&s, bad),
        vec![
            (
                Problem::UnknownField,
                "closed.x".into(),
                "unknown field \"x\" in closed".into()
            ),
            (
                Problem::InvalidType,
                "port".into(),
                "port must be an integer or a string, got a number 1.5".into()
            ),
            (
                Problem::InvalidValue,
                "size".into(),
                "size is not a valid quantity: a string \"2GB\" (examples: \"500m\", \"1Gi\", \"2\")"
                    .into()
            ),
            (
                Problem::InvalidValue,
                "mode".into(),
                "mode must be one of \"fast\", \"slow\", got a string \"medium\"".into()
            ),
            (
                Problem::InvalidType,
                "either".into(),
                "either matches none of its allowed forms".into()
            ),
            (
                Problem::UnknownField,
                "inner.other".into(),
                "unknown field \"other\" in inner".into()
            ),
        ]
    );
}

/// Every built-in kind's schema against documents of other kinds and odd shapes: many
/// mismatches, no panic.
#[test]
fn every_kind_takes_any_document_without_panicking() {
    let texts = [
        REALISTIC.to_string(),
        deployment("      hostNetwork: [1]\n", "        resources: 3\n        ports: x\n"),
        "apiVersion: v1\nkind: X\nmetadata: [1]\nspec: {a: {b: {c: [null, ~, 1.5, yes]}}}\n"
            .to_string(),
        "apiVersion: v1\nkind: X\nspec: 18446744073709551615\nstatus: {conditions: [1, 1, {}, {}]}\n"
            .to_string(),
    ];
    let docs: Vec<_> = texts
        .iter()
        .flat_map(|t| {
            let loaded = crate::yaml::load(t);
            assert!(loaded.issues.is_empty(), "{t}: {:?}", loaded.issues);
            loaded.documents
        })
        .collect();
    assert_eq!(docs.len(), texts.len());
    for (api, kind) in kinds(V) {
        let s = lookup(V, api, kind).expect("looks up");
        for d in &docs {
            for v in validate(&s, &d.root) {
                assert!(!v.message.is_empty());
            }
        }
    }
}

/// The loader rejects `.inf` and `.nan` (JSON has no such numbers); a tree built otherwise
/// gets an invalid value, not a panic.
#[test]
fn non_finite_numbers_are_invalid_values() {
    use crate::yaml::{Entry, Node, NodeKind, Scalar, Span};
    let scalar = |s| Node {
        kind: NodeKind::Scalar(s),
        span: Span::new(0, 0),
    };
    let entry = |key: &str, value| Entry {
        key: key.into(),
        key_span: Span::new(0, 0),
        value,
    };
    let root = Node {
        kind: NodeKind::Map(vec![
            entry("spec", scalar(Scalar::Float(f64::NAN))),
            entry("status", scalar(Scalar::Float(f64::INFINITY))),
        ]),
        span: Span::new(0, 0),
    };
    let s = lookup(V, "apps/v1", "Deployment").expect("built in");
    let messages: Vec<_> = validate(&s, &root)
        .into_iter()
        .map(|v| (v.problem, v.message))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                Problem::InvalidValue,
                "spec is a NaN, which JSON cannot hold".into()
            ),
            (
                Problem::InvalidValue,
                "status is an infinity, which JSON cannot hold".into()
            ),
        ]
    );
}
