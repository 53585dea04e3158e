//! One finding per problem (`implied-by` in a rule's METADATA, `engine::implied`): how an
//! implied finding behaves with suppressions, configured severities and rules that do not run.
//! The per-rule fixtures (testdata/rules/**/fail-implied-*.yaml) cover which pairs imply.

use kubeward::{lint, ConfigChoice, Settings};

/// A container that drops something, but neither NET_RAW nor ALL: capabilities-restricted and
/// drop-net-raw both report its `capabilities.drop`.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: tools
spec:
  containers:
    - name: tools
      image: registry.example.com/tools:1.0.0
      securityContext:
        capabilities:
          drop: [SYS_ADMIN]
";

/// (rule, suppressed) of every finding of a run over `yaml`, with `config` (a
/// `.kubeward.yaml` body) when given.
fn run(yaml: &str, config: Option<&str>, only: Option<&[&str]>) -> Vec<(String, bool)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, yaml).expect("write manifest");
    let config = match config {
        Some(c) => {
            let path = dir.path().join(".kubeward.yaml");
            std::fs::write(&path, c).expect("write config");
            ConfigChoice::File(path)
        }
        None => ConfigChoice::Disabled,
    };
    let settings = Settings {
        paths: vec![file],
        config,
        only_rules: only.map(|o| o.iter().map(|s| s.to_string()).collect()),
        threads: 1,
        ..Default::default()
    };
    let outcome = lint(&settings).expect("lint runs");
    outcome
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.suppressed.is_some()))
        .collect()
}

fn has(found: &[(String, bool)], rule: &str) -> bool {
    found.iter().any(|(r, _)| r == rule)
}

const WIDE: &str = "pod-security/capabilities-restricted";
const NARROW: &str = "pod-security/drop-net-raw";

#[test]
fn the_implied_finding_is_left_out_beside_the_implying_one() {
    let found = run(POD, None, None);
    assert!(has(&found, WIDE), "{found:?}");
    assert!(!has(&found, NARROW), "{found:?}");
}

#[test]
fn the_implied_finding_comes_back_when_the_implying_rule_does_not_run() {
    // --only
    let found = run(POD, None, Some(&[NARROW]));
    assert!(has(&found, NARROW) && !has(&found, WIDE), "{found:?}");
    // config
    let found = run(POD, Some(&format!("rules:\n  disable: [{WIDE}]\n")), None);
    assert!(has(&found, NARROW) && !has(&found, WIDE), "{found:?}");
}

#[test]
fn a_more_severe_implied_finding_is_kept() {
    let found = run(POD, Some(&format!("severity:\n  {NARROW}: error\n")), None);
    assert!(has(&found, NARROW) && has(&found, WIDE), "{found:?}");
    // Equal severities: the implying finding says it all.
    let found = run(
        POD,
        Some(&format!("severity:\n  {NARROW}: warning\n")),
        None,
    );
    assert!(!has(&found, NARROW), "{found:?}");
}

#[test]
fn suppressing_the_implying_finding_accepts_the_implied_one() {
    let yaml = POD.replace(
        "          drop: [SYS_ADMIN]",
        &format!("          drop: [SYS_ADMIN] # kubeward:ignore {WIDE} -- legacy image needs its capabilities"),
    );
    let found = run(&yaml, None, None);
    assert!(
        found.contains(&(WIDE.to_string(), true)),
        "implying finding suppressed: {found:?}"
    );
    assert!(!has(&found, NARROW), "{found:?}");
}

#[test]
fn a_suppression_of_the_implied_finding_is_still_used() {
    // Written before the implying rule existed (or while it was switched off): it still
    // matches a real problem, so it is not reported as stale.
    let yaml = POD.replace(
        "          drop: [SYS_ADMIN]",
        &format!(
            "          drop: [SYS_ADMIN] # kubeward:ignore {NARROW} -- ping needs raw sockets"
        ),
    );
    let found = run(&yaml, None, None);
    assert!(has(&found, WIDE), "{found:?}");
    assert!(!has(&found, NARROW), "{found:?}");
    assert!(!has(&found, "kubeward/unused-suppression"), "{found:?}");
}

#[test]
fn explain_and_the_rule_list_name_the_pairs() {
    let catalog = kubeward::engine::Catalog::bundled().expect("bundled rules");
    let narrow = kubeward::catalog_doc::explain(&catalog, NARROW).expect("known rule");
    assert!(narrow.contains(&format!("Implied by: {WIDE}")), "{narrow}");
    let wide = kubeward::catalog_doc::explain(&catalog, WIDE).expect("known rule");
    assert!(wide.contains(&format!("Implies: {NARROW}")), "{wide}");
    let md = kubeward::catalog_doc::markdown(&catalog);
    assert!(md.contains(&format!(
        "| [`{NARROW}`](#pod-securitydrop-net-raw) | [`{WIDE}`](#pod-securitycapabilities-restricted) |"
    )));
}

/// Pod Security controls are each reported, as Pod Security Admission reports every control a
/// pod breaks: none may be declared implied by another rule. Every declaration names a rule.
#[test]
fn no_pod_security_control_is_implied() {
    let catalog = kubeward::engine::Catalog::bundled().expect("bundled rules");
    for r in &catalog.rules {
        if !r.meta.implied_by.is_empty() {
            assert!(
                r.meta.pss.is_none(),
                "{} is a Pod Security control: it cannot be implied-by {:?}",
                r.meta.id,
                r.meta.implied_by
            );
        }
        for a in &r.meta.implied_by {
            assert!(catalog.rule(a).is_some(), "{}: unknown {a}", r.meta.id);
        }
    }
}
