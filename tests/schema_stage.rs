//! Schema validation as the run uses it: on by default (off with a config or
//! `--only` that leaves it out), and Kustomize patch files are partial resources.

use kubeward::{ConfigChoice, Linter, Settings};

fn linter(only: Option<&str>) -> Linter {
    Linter::new(Settings {
        config: ConfigChoice::Disabled,
        project_context: false,
        only_rules: only.map(|o| vec![o.to_string()]),
        ..Settings::default()
    })
    .expect("rules load")
}

/// A strategic-merge patch: no selector, no container image, a `$patch` directive.
const PATCH: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          $patch: delete
";

fn schema_findings(outcome: &kubeward::Outcome, file: &str) -> Vec<String> {
    outcome
        .active()
        .filter(|f| f.rule.starts_with("schema/"))
        .filter(|f| outcome.files[f.file].path.ends_with(file))
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

#[test]
fn kustomize_patches_are_partial_resources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("overlay/patches")).expect("mkdir");
    std::fs::write(
        d.join("overlay/kustomization.yaml"),
        "resources: [../base]\npatches:\n  - path: patches/web.yaml\n",
    )
    .expect("write");
    std::fs::write(d.join("overlay/patches/web.yaml"), PATCH).expect("write");
    // The same text where no kustomization lists it is a (broken) resource.
    std::fs::write(d.join("overlay/web.yaml"), PATCH).expect("write");
    let outcome = linter(Some("schema/"))
        .lint_paths(&[d.join("overlay")])
        .expect("a run");
    assert_eq!(
        schema_findings(&outcome, "patches/web.yaml"),
        Vec::<String>::new()
    );
    let whole = schema_findings(&outcome, "overlay/web.yaml");
    assert!(
        whole
            .iter()
            .any(|f| f.starts_with("schema/missing-required")),
        "{whole:?}"
    );
    assert!(whole.iter().any(|f| f.contains("\"$patch\"")), "{whole:?}");
}

#[test]
fn schema_checks_are_on_by_default() {
    let text =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"3\"\n";
    let on = linter(None).lint_text("d.yaml", text).expect("a run");
    assert!(on.findings.iter().any(|f| f.rule == "schema/invalid-type"));
    // schema/unknown-kind is the one opt-in check.
    assert!(on.findings.iter().all(|f| f.rule != "schema/unknown-kind"));
    let off = linter(Some("pod-security/"))
        .lint_text("d.yaml", text)
        .expect("a run");
    assert!(off.findings.iter().all(|f| !f.rule.starts_with("schema/")));
}

#[test]
fn json_input_is_validated_and_located() {
    let text = r#"{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "web"},
  "spec": {
    "replicas": "3",
    "selector": {"matchLabels": {"app": "web"}},
    "template": {
      "metadata": {"labels": {"app": "web"}},
      "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "imagePullPolicy": "Sometimes"}]}
    }
  }
}
"#;
    let outcome = linter(None).lint_text("d.json", text).expect("a run");
    // At the key of the field, as for YAML (the location rules).
    let mut schema: Vec<(String, usize, usize)> = outcome
        .active()
        .filter(|f| f.rule.starts_with("schema/"))
        .map(|f| (f.rule.clone(), f.line, f.column))
        .collect();
    schema.sort();
    assert_eq!(
        schema,
        [
            ("schema/invalid-type".to_string(), 6, 5),
            ("schema/invalid-value".to_string(), 10, 70),
        ]
    );
}
