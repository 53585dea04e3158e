//! Invariants of the bundled rule catalogue.

use kubeward::engine::Catalog;

#[test]
fn bundled_rules_have_complete_metadata() {
    // Catalog::bundled checks: METADATA parses with unknown fields denied, the id
    // equals the file path, the package matches the id, ids are unique.
    let catalog = Catalog::bundled().expect("catalogue loads");
    assert!(catalog.libs.iter().any(|l| l.path == "rules/lib/pods.rego"));
    for r in &catalog.rules {
        let m = &r.meta;
        assert!(!m.title.is_empty(), "{}: title", m.id);
        assert!(m.description.len() > 40, "{}: description too short", m.id);
        assert!(!m.remediation.is_empty(), "{}: remediation", m.id);
        assert!(!m.references.is_empty(), "{}: references", m.id);
        assert!(m.kinds.iter().all(|k| !k.is_empty()), "{}: kinds", m.id);
        if let Some(pss) = &m.pss {
            assert!(
                pss == "baseline" || pss == "restricted",
                "{}: pss {pss}",
                m.id
            );
        }
    }
}

#[test]
fn pss_baseline_is_complete() {
    let catalog = Catalog::bundled().expect("catalogue loads");
    let baseline: Vec<&str> = catalog
        .rules
        .iter()
        .filter(|r| r.meta.pss.as_deref() == Some("baseline"))
        .map(|r| r.meta.id.as_str())
        .collect();
    for id in [
        "host-network",
        "host-pid",
        "host-ipc",
        "privileged",
        "capabilities-baseline",
        "host-path",
        "host-port",
        "probe-host",
        "apparmor",
        "selinux",
        "proc-mount",
        "seccomp-unconfined",
        "sysctls",
        "windows-host-process",
    ] {
        let id = format!("pod-security/{id}");
        assert!(baseline.contains(&id.as_str()), "{id} missing");
    }
}

#[test]
fn docs_rules_md_is_current() {
    let catalog = Catalog::bundled().expect("catalogue loads");
    let generated = kubeward::catalog_doc::markdown(&catalog);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("KUBEWARD_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == generated,
        "docs/rules.md is out of date: run `KUBEWARD_UPDATE_DOCS=1 cargo test --test catalogue` \
         (or `kubeward rules --format markdown > docs/rules.md`)"
    );
}
