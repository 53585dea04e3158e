//! Large documents (16 KiB or more) are kept as a compact encoding, not as trees,
//! until they are evaluated (src/evict.rs). Their findings, locations and
//! suppressions must be exactly those of a small document: a generated
//! ConfigMap with a credential deep inside its data, another one suppressed by
//! a comment, and the same resource below the threshold; user policies,
//! comments and the Gatekeeper inventory reading evicted trees whole.

mod common;

use kubeward::ConfigChoice;

fn config_map(padding_keys: usize) -> String {
    let mut text = String::from(
        "# rules: secrets/configmap-sensitive\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: shop\ndata:\n",
    );
    for i in 0..padding_keys {
        text.push_str(&format!(
            "  setting_{i}: \"an ordinary value number {i}\"\n"
        ));
    }
    text.push_str("  DB_PASSWORD: hunter2-but-longer # expect: secrets/configmap-sensitive\n");
    text.push_str(
        "  API_TOKEN: abcdefgh12345678 # kubeward:ignore secrets/configmap-sensitive -- test token\n",
    );
    text.push_str("  tail: done\n");
    text
}

#[test]
fn evicted_documents_report_like_small_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, keys) in [("big.yaml", 2_000), ("small.yaml", 10)] {
        let text = config_map(keys);
        let large = text.len() >= kubeward::evict::MIN_BYTES;
        assert_eq!(large, name == "big.yaml", "{name}: {} bytes", text.len());
        let file = dir.path().join(name);
        std::fs::write(&file, &text).expect("write");
        let failures = common::check(
            &file,
            name,
            common::header_rules(&text),
            ConfigChoice::Discover,
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

/// A Secret too large to keep as a tree is masked like a small one: its
/// values never reach the snippet (`report::redact` decodes the evicted tree).
#[test]
fn evicted_secrets_are_masked() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n  namespace: shop\nstringData:\n",
    );
    for i in 0..400 {
        text.push_str(&format!("  key_{i}: kw-TEST-SECRET-padding-value-{i:04}\n"));
    }
    assert!(text.len() >= kubeward::evict::MIN_BYTES);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big-secret.yaml");
    std::fs::write(&file, &text).expect("write");
    let settings = kubeward::Settings {
        paths: vec![file],
        only_rules: Some(vec!["secrets/inline-secret-manifest".into()]),
        threads: 1,
        config: ConfigChoice::Disabled,
        ..Default::default()
    };
    let outcome = kubeward::lint(&settings).expect("lint runs");
    assert_eq!(outcome.findings.len(), 1, "{:?}", outcome.findings);
    let mut out = Vec::new();
    kubeward::report::human::write(
        &outcome,
        kubeward::report::human::HumanOptions {
            show_suppressed: true,
            ..kubeward::report::human::HumanOptions::plain(100)
        },
        &mut out,
    )
    .expect("writes");
    let out = String::from_utf8(out).expect("utf-8");
    assert!(out.contains("key_0: «redacted, 33 chars»"), "{out}");
    assert!(!out.contains("TEST-SECRET"), "{out}");
}

/// Every reader of an evicted resource's whole tree gets it decoded: a user
/// policy reading a field deep in its data (evaluation), its finding located
/// on that field's line and suppressed there by a comment (the comment is
/// resolved against the decoded tree), a Gatekeeper template that is itself
/// too large to keep as a tree (`--gatekeeper` reads its rego from the
/// decoded tree) and whose rego reads those deep fields from
/// `data.inventory` (whole objects, decoded).
#[test]
fn evicted_trees_are_read_whole_by_policies_suppressions_and_the_inventory() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("policy")).expect("mkdir");
    std::fs::write(
        dir.path().join("policy/deep-marker.rego"),
        r#"# METADATA
# title: Marked ConfigMaps
# description: >-
#   A test rule that reads a field at the end of a large ConfigMap's data.
# custom:
#   id: team/deep-marker
#   severity: warning
#   kinds: [ConfigMap]
#   remediation: Remove data.marker.
package team.deep_marker

import rego.v1

deny contains finding if {
	input.data.marker == "bad"
	finding := {"msg": sprintf("ConfigMap %q is marked", [input.metadata.name]), "path": ["data", "marker"]}
}
"#,
    )
    .expect("write");
    let mut template = String::from(
        r#"apiVersion: templates.gatekeeper.sh/v1beta1
kind: ConstraintTemplate
metadata:
  name: k8smarkedpeers
spec:
  crd:
    spec:
      names:
        kind: K8sMarkedPeers
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8smarkedpeers

        violation[{"msg": msg}] {
          obj := input.review.object
          obj.metadata.name == "probe"
          peer := data.inventory.namespace[obj.metadata.namespace]["v1"].ConfigMap[name]
          peer.data.marker == "bad"
          msg := sprintf("peer %v is marked", [name])
        }
"#,
    );
    while template.len() < kubeward::evict::MIN_BYTES {
        template.push_str("        # padding: the template is evicted, and its rego comes from the decoded tree\n");
    }
    let big = |name: &str, marker: &str| {
        let mut text =
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: shop\ndata:\n");
        for i in 0..600 {
            text.push_str(&format!(
                "  setting_{i}: \"an ordinary value number {i}\"\n"
            ));
        }
        text.push_str(&format!("  marker: {marker}\n"));
        assert!(text.len() >= kubeward::evict::MIN_BYTES);
        text
    };
    let docs = [
        template,
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sMarkedPeers\nmetadata:\n  name: peers\nspec:\n  match:\n    kinds: [{apiGroups: [\"\"], kinds: [\"ConfigMap\"]}]\n".to_string(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n  namespace: shop\n".to_string(),
        big("a", "bad"),
        big("b", "bad # kubeward:ignore team/deep-marker -- a known one"),
    ];
    let text = docs.join("---\n");
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("in the text")
    };
    let line_a = text
        .lines()
        .position(|l| l == "  marker: bad")
        .map(|i| i + 1)
        .expect("a's marker");
    let line_b = line_of("marker: bad #");
    let file = dir.path().join("all.yaml");
    std::fs::write(&file, &text).expect("write");
    let outcome = kubeward::lint(&kubeward::Settings {
        paths: vec![file],
        only_rules: Some(vec![
            "team/deep-marker".into(),
            "gatekeeper/K8sMarkedPeers/peers".into(),
            "kubeward/policy-error".into(),
        ]),
        threads: 1,
        config: ConfigChoice::Disabled,
        policies: kubeward::policy::PolicyOptions {
            paths: vec![dir.path().join("policy")],
            gatekeeper: true,
            ..Default::default()
        },
        ..Default::default()
    })
    .expect("lint runs");
    let got: Vec<(&str, usize, &str, bool)> = outcome
        .findings
        .iter()
        .map(|f| {
            (
                f.rule.as_str(),
                f.line,
                f.message.as_str(),
                f.suppressed.is_some(),
            )
        })
        .collect();
    // A Gatekeeper violation has no field path: it points at `kind:`.
    let probe = line_of("name: probe") - 2;
    assert_eq!(
        got,
        vec![
            (
                "gatekeeper/K8sMarkedPeers/peers",
                probe,
                "peer a is marked",
                false
            ),
            (
                "gatekeeper/K8sMarkedPeers/peers",
                probe,
                "peer b is marked",
                false
            ),
            (
                "team/deep-marker",
                line_a,
                "ConfigMap \"a\" is marked",
                false
            ),
            (
                "team/deep-marker",
                line_b,
                "ConfigMap \"b\" is marked",
                true
            ),
        ],
        "{:#?}",
        outcome.findings
    );
}

/// A saved `helm template` stream too large to keep as a tree: a finding deep
/// in it is led back to its template and to the values file that set the
/// value (`helm::attribution` reads the value from the decoded tree).
#[test]
fn evicted_rendered_streams_are_attributed_to_their_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("shop");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::create_dir_all(chart.join("rendered")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: shop\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("values.yaml"),
        "replicas: 1\ndata:\n  DB_PASSWORD: hunter2-but-longer\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  DB_PASSWORD: {{ .Values.data.DB_PASSWORD }}\n",
    )
    .expect("write");
    let mut text = String::from(
        "---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n",
    );
    for i in 0..600 {
        text.push_str(&format!(
            "  setting_{i}: \"an ordinary value number {i}\"\n"
        ));
    }
    text.push_str("  DB_PASSWORD: hunter2-but-longer\n");
    assert!(text.len() >= kubeward::evict::MIN_BYTES);
    let file = chart.join("rendered/out.yaml");
    std::fs::write(&file, &text).expect("write");
    let outcome = kubeward::lint(&kubeward::Settings {
        paths: vec![file],
        only_rules: Some(vec!["secrets/configmap-sensitive".into()]),
        threads: 1,
        config: ConfigChoice::Disabled,
        ..Default::default()
    })
    .expect("lint runs");
    let [f] = outcome.findings.as_slice() else {
        panic!("one finding: {:#?}", outcome.findings)
    };
    assert_eq!(f.line, text.lines().count());
    let src = f.source.as_ref().expect("attributed");
    assert_eq!(src.template, "shop/templates/cm.yaml");
    assert_eq!(
        src.line,
        Some(6),
        "DB_PASSWORD: is written once in the template"
    );
    let values = src.values.as_ref().expect("values attribution");
    assert_eq!((values.line, values.key.as_str()), (3, "data.DB_PASSWORD"));
    assert!(values.file.ends_with("values.yaml"), "{}", values.file);
}
