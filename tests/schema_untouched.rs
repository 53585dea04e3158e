//! The bundled schemas cost a run nothing until a stage validates with them:
//! a lint run whose rules leave the `schema/*` checks out (`--only`, config)
//! leaves the bundle compressed. A test binary of its own, since
//! any other test in the process may inflate it.

use kubeward::{ConfigChoice, Linter, Settings};

#[test]
fn a_lint_run_does_not_inflate_the_schemas() {
    let linter = Linter::new(Settings {
        config: ConfigChoice::Disabled,
        project_context: false,
        only_rules: Some(vec!["pod-security/".to_string()]),
        ..Settings::default()
    })
    .expect("rules load");
    let outcome = linter
        .lint_text(
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n",
        )
        .expect("a run");
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.rule.starts_with("pod-security/")));
    assert!(!kubeward::schema::is_inflated());
    // And the check can fail: a lookup inflates it.
    let v = kubeward::schema::pick_version((1, 35))
        .expect("bundled")
        .used;
    assert!(kubeward::schema::lookup(v, "apps/v1", "Deployment").is_some());
    assert!(kubeward::schema::is_inflated());
}
