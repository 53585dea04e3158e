//! The bundled data is right: every version inflates, parses and compiles; known facts of
//! the Kubernetes API hold in the versions they hold in; lookups are cached and total.

use std::sync::Arc;

use super::*;

fn newest() -> (u32, u32) {
    *versions().last().expect("the bundle has versions")
}

fn schema(v: (u32, u32), api: &str, kind: &str) -> Arc<KindSchema> {
    lookup(v, api, kind).unwrap_or_else(|| panic!("{api} {kind} in 1.{}", v.1))
}

#[test]
fn every_minor_version_from_1_25_on_is_bundled() {
    let v = versions();
    assert_eq!(v.first(), Some(&(1, 25)));
    assert!(newest() >= crate::DEFAULT_KUBE_VERSION, "{v:?}");
    assert!(v.windows(2).all(|w| w[1] == (1, w[0].1 + 1)), "{v:?}");
    assert_eq!(source(), Some("kubernetes-validate 1.37.0"));
}

/// Every definition of every version parses, every `$ref` resolves and every keyword is one
/// the compiler knows: the whole version compiled as one graph.
#[test]
fn every_version_compiles_whole() {
    for &v in versions() {
        let defs = definitions(v);
        assert!(defs.len() > 500, "1.{}: {} definitions", v.1, defs.len());
        let names: Vec<&str> = defs.iter().map(|(n, _)| *n).collect();
        let lookup_def = |name: &str| defs.iter().find(|(n, _)| *n == name).map(|(_, j)| *j);
        let (types, roots) =
            compile(&names, &lookup_def).unwrap_or_else(|e| panic!("1.{}: {e}", v.1));
        assert_eq!(roots.len(), names.len());
        assert!(types.len() > names.len());
        let kinds = kinds(v);
        assert!(kinds.len() > 100, "1.{}: {} kinds", v.1, kinds.len());
        assert!(kinds.contains(&("apps/v1", "Deployment")));
    }
}

#[test]
fn every_kind_of_the_default_version_looks_up() {
    let v = crate::DEFAULT_KUBE_VERSION;
    for (api, kind) in kinds(v) {
        let s = schema(v, api, kind);
        assert_eq!((s.api_version.as_str(), s.kind.as_str()), (api, kind));
        // apiVersion and kind are enums of exactly this kind's values.
        let enum_of = |field: &str| {
            s.at(&[field])
                .and_then(|t| t.enumeration.clone())
                .map(|e| e.to_vec())
        };
        assert_eq!(
            enum_of("apiVersion"),
            Some(vec![api.into()]),
            "{api} {kind}"
        );
        assert_eq!(enum_of("kind"), Some(vec![kind.into()]), "{api} {kind}");
    }
}

#[test]
fn apparmor_profile_is_in_the_pod_security_context_from_1_30_on() {
    let path = ["spec", "securityContext", "appArmorProfile"];
    for &v in versions() {
        let pod = schema(v, "v1", "Pod");
        assert!(pod.at(&["spec", "securityContext"]).is_some(), "1.{}", v.1);
        assert_eq!(pod.at(&path).is_some(), v >= (1, 30), "1.{}", v.1);
    }
    let pod = schema((1, 30), "v1", "Pod");
    let profile = pod.at(&path).expect("1.30 has it");
    assert_eq!(
        profile.definition.as_deref(),
        Some("io.k8s.api.core.v1.AppArmorProfile")
    );
    assert!(profile.is_required("type"));
}

#[test]
fn deployment_has_a_pod_template_and_typed_fields() {
    for &v in versions() {
        let d = schema(v, "apps/v1", "Deployment");
        let template = d.at(&["spec", "template"]).expect("spec.template");
        assert_eq!(
            template.definition.as_deref(),
            Some("io.k8s.api.core.v1.PodTemplateSpec")
        );
        let spec = d.at(&["spec"]).expect("spec");
        assert!(spec.is_required("selector") && spec.is_required("template"));
        let replicas = d.at(&["spec", "replicas"]).expect("replicas");
        assert_eq!(replicas.format, Some(Format::Int32));
        assert!(replicas.types.allows(TypeSet::INTEGER));
        assert!(!replicas.types.allows(TypeSet::STRING));
        let surge = d
            .at(&["spec", "strategy", "rollingUpdate", "maxSurge"])
            .expect("maxSurge");
        assert_eq!(surge.special, Special::IntOrString);
        assert_eq!(surge.one_of.len(), 2);
    }
}

/// Both time definitions say `format: date-time`; the API server decodes them with
/// different layouts, so the compiler tells them apart by definition.
#[test]
fn micro_time_is_told_from_time() {
    for &v in versions() {
        let lease = schema(v, "coordination.k8s.io/v1", "Lease");
        let renew = lease.at(&["spec", "renewTime"]).expect("renewTime");
        assert_eq!(renew.format, Some(Format::MicroTime), "{v:?}");
        let created = lease
            .at(&["metadata", "creationTimestamp"])
            .expect("creationTimestamp");
        assert_eq!(created.format, Some(Format::DateTime), "{v:?}");
    }
}

#[test]
fn container_fields_have_their_types() {
    let d = schema(crate::DEFAULT_KUBE_VERSION, "apps/v1", "Deployment");
    let c = ["spec", "template", "spec", "containers", "[]"];
    let at = |rest: &[&str]| {
        let path: Vec<&str> = c.iter().chain(rest).copied().collect();
        d.at(&path).unwrap_or_else(|| panic!("{path:?}"))
    };
    let ro = at(&["securityContext", "readOnlyRootFilesystem"]);
    assert!(ro.types.allows(TypeSet::BOOLEAN) && ro.types.allows(TypeSet::NULL));
    assert!(!ro.types.allows(TypeSet::STRING));
    let sc = at(&["securityContext"]);
    assert!(sc.property("readOnlyRootFileSystem").is_none());
    assert_eq!(sc.additional, Additional::Unspecified);
    let limit = at(&["resources", "limits", "cpu"]);
    assert_eq!(limit.special, Special::Quantity);
    // kubernetes-validate's schemas carry enums only for apiVersion and kind: the API's
    // value lists (imagePullPolicy: Always, Never, IfNotPresent) are prose in descriptions.
    let pull = at(&["imagePullPolicy"]);
    assert!(pull.enumeration.is_none() && pull.types.allows(TypeSet::STRING));
    let containers = d.at(&c[..4]).expect("containers");
    assert_eq!(containers.list_type, Some(ListType::Map));
    assert_eq!(&*containers.list_map_keys, &["name".into()]);
    assert!(d
        .at(&["spec", "template", "spec"])
        .expect("pod spec")
        .is_required("containers"));
}

#[test]
fn kinds_come_and_go_with_their_versions() {
    let has = |v, api, kind| kinds(v).contains(&(api, kind));
    // flowcontrol v1beta2 was removed in 1.29; ValidatingAdmissionPolicy went GA in 1.30.
    assert!(has(
        (1, 28),
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema"
    ));
    assert!(!has(
        (1, 29),
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema"
    ));
    assert!(!has(
        (1, 29),
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy"
    ));
    assert!(has(
        (1, 30),
        "admissionregistration.k8s.io/v1",
        "ValidatingAdmissionPolicy"
    ));
    // PodSecurityPolicy was removed in 1.25, the oldest bundled.
    assert!(!has((1, 25), "policy/v1beta1", "PodSecurityPolicy"));
}

#[test]
fn lookups_are_cached_and_shared_across_threads() {
    let v = crate::DEFAULT_KUBE_VERSION;
    let a = schema(v, "batch/v1", "CronJob");
    let b = schema(v, "batch/v1", "CronJob");
    assert!(Arc::ptr_eq(&a, &b));
    let from_threads: Vec<Arc<KindSchema>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| schema(v, "apps/v1", "StatefulSet")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .collect()
    });
    assert!(from_threads.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])));
    // Another version is another schema.
    let older = schema((1, 25), "batch/v1", "CronJob");
    assert!(!Arc::ptr_eq(&a, &older));
    assert_eq!(older.version, (1, 25));
}

#[test]
fn unknown_kinds_and_versions_are_none() {
    let v = crate::DEFAULT_KUBE_VERSION;
    assert!(lookup(v, "apps/v1", "Deploymnet").is_none());
    assert!(
        lookup(v, "apps/v1", "deployment").is_none(),
        "kinds are case-sensitive"
    );
    assert!(lookup(v, "v1", "Deployment").is_none(), "wrong group");
    assert!(
        lookup(v, "apps/v1beta1", "Deployment").is_none(),
        "removed in 1.16"
    );
    assert!(lookup(v, "argoproj.io/v1alpha1", "Application").is_none());
    assert!(
        lookup(v, "v1", "Affinity").is_none(),
        "a definition, not a kind"
    );
    assert!(
        lookup((1, 24), "apps/v1", "Deployment").is_none(),
        "not bundled"
    );
    assert!(lookup((1, 999), "apps/v1", "Deployment").is_none());
    assert!(kinds((1, 999)).is_empty() && definitions((0, 0)).is_empty());
}

#[test]
fn versions_outside_the_bundle_map_to_the_nearest() {
    let oldest = versions()[0];
    let exact = pick_version((1, 29)).expect("bundle");
    assert_eq!(exact.used, (1, 29));
    assert!(exact.is_exact());
    for (requested, used) in [
        ((1, 999), newest()),
        ((1, u32::MAX), newest()),
        ((2, 0), newest()),
        ((u32::MAX, u32::MAX), newest()),
        ((1, 24), oldest),
        ((1, 0), oldest),
        ((0, 99), oldest),
    ] {
        let c = pick_version(requested).expect("bundle");
        assert_eq!(c.used, used, "{requested:?}");
        assert!(!c.is_exact());
        assert!(lookup(c.used, "v1", "Pod").is_some());
    }
}

#[test]
fn a_corrupt_bundle_is_none_not_a_panic() {
    let good = bundle::compressed();
    assert!(bundle::inflate(good).is_some());
    assert!(
        bundle::inflate(&good[..good.len() / 2]).is_none(),
        "truncated"
    );
    assert!(bundle::inflate(&[]).is_none());
    let mut flipped = good.to_vec();
    flipped[good.len() / 2] ^= 0x40;
    assert!(bundle::inflate(&flipped).is_none(), "checksum");
    let parse = |s: &str| bundle::parse(Box::leak(s.to_string().into_boxed_str())).is_some();
    let head = "kubeward-schemas 1\nsource x\nversions 1.25 1.26\n";
    assert!(parse(&format!("{head}kinds 0\ndefs 0\n")));
    assert!(!parse("kubeward-schemas 2\n"), "another format");
    assert!(!parse(&format!("{head}kinds 1\ndefs 0\n")), "short");
    assert!(
        !parse(&format!("{head}kinds 0\ndefs 1\nzz\tn\t{{}}\n")),
        "bad mask"
    );
    assert!(
        !parse(&format!("{head}kinds 0\ndefs 0\nextra\n")),
        "trailing"
    );
    assert!(!parse(
        "kubeward-schemas 1\nsource x\nversions 1.26 1.25\nkinds 0\ndefs 0\n"
    ));
    assert!(!parse(
        "kubeward-schemas 1\nsource x\nversions 1.999\nkinds 0\ndefs 0\n"
    ));
}

#[test]
fn the_compiler_refuses_what_it_does_not_know() {
    let defs = |name: &str| match name {
        "a" => Some(r##"{"type":"object","properties":{"b":{"$ref":"#/$defs/b"}}}"##),
        "b" => Some(r##"{"type":"string","pattern":"^x$"}"##),
        "c" => Some(r##"{"properties":{"self":{"$ref":"#/$defs/c"}},"required":["self"]}"##),
        "d" => Some(r##"{"properties":{"e":{"$ref":"#/$defs/missing"}}}"##),
        "e" => Some(r##"{"type":["string",7]}"##),
        "f" => Some(r##"{"properties":{"g":{"$ref":"http://example.com/x"}}}"##),
        "g" => Some("{not json"),
        _ => None,
    };
    let err = |root| compile(&[root], &defs).expect_err(root).0;
    assert!(err("a").contains("unsupported keyword pattern"));
    assert!(err("d").contains("no definition missing"));
    assert!(err("e").contains("bad type"));
    assert!(err("f").contains("unsupported $ref"));
    assert!(err("g").contains("definition g"));
    // A recursive definition is a cycle of ids.
    let (types, roots) = compile(&["c"], &defs).expect("c compiles");
    let c = &types[roots[0] as usize];
    assert_eq!(c.property("self"), Some(roots[0]));
    assert!(c.types.is_any() && c.is_required("self"));
}
