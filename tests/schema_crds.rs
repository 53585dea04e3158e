//! Custom resources validated against their CRDs, end to end (issue 16 point 4): CRDs from
//! `--schema` (a CRD file, a JSON catalog directory), config `schemas:`, the project, and a
//! chart's `crds/`; unusable CRDs get a notice; a bad `--schema` path is exit 2.

mod common;

use common::{kubeward_in, text};
use std::path::Path;

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, maximum: 10}
";

/// A Widget with an unknown field and a size too large.
const WIDGET: &str = "apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
spec:
  size: 11
  colour: red
";

/// A catalog schema as CRD catalogs publish it (the version's schema alone).
const CATALOG_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "apiVersion": {"type": "string"},
    "kind": {"type": "string"},
    "metadata": {"type": "object"},
    "spec": {"type": "object", "additionalProperties": false,
             "properties": {"size": {"type": "integer", "maximum": 10}}}
  }
}"#;

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

/// A project (`.git` at its root) holding `files`.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join(".git")).expect("git");
    for (name, text) in files {
        write(&dir.path().join(name), text);
    }
    dir
}

/// `rule line:column` of every schema finding of a compact run.
fn findings(out: &std::process::Output) -> Vec<String> {
    text(&out.stdout)
        .lines()
        .filter_map(|l| {
            let rule = l.rsplit_once('[')?.1.trim_end_matches(']');
            let mut parts = l.split(':');
            let (_, line, col) = (parts.next()?, parts.next()?, parts.next()?);
            Some(format!("{rule} {line}:{col}"))
        })
        .collect()
}

fn lint(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec![
        "--format",
        "compact",
        "--no-cache",
        "--fail-on",
        "never",
        "--only",
        "schema/",
    ];
    all.extend_from_slice(args);
    kubeward_in(dir, &all)
}

const EXPECTED: [&str; 2] = ["schema/invalid-value 6:3", "schema/unknown-field 7:3"];

#[test]
fn schema_flag_takes_a_crd_file() {
    let repo = project(&[("widget.yaml", WIDGET)]);
    let elsewhere = tempfile::tempdir().expect("tempdir");
    let crd = elsewhere.path().join("crds/widgets.yaml");
    write(&crd, CRD);
    let crd = crd.to_str().expect("utf-8 path");
    let without = lint(
        repo.path(),
        &["--only", "schema/unknown-kind", "widget.yaml"],
    );
    assert_eq!(findings(&without), ["schema/unknown-kind 2:1"]);
    let out = lint(repo.path(), &["--schema", crd, "widget.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(findings(&out), EXPECTED, "{}", text(&out.stdout));
    // A directory of CRD files works the same.
    let dir = elsewhere.path().join("crds");
    let out = lint(
        repo.path(),
        &["--schema", dir.to_str().expect("utf-8"), "widget.yaml"],
    );
    assert_eq!(findings(&out), EXPECTED, "{}", text(&out.stdout));
}

#[test]
fn schema_flag_takes_a_json_catalog_directory() {
    let repo = project(&[("widget.yaml", WIDGET)]);
    for layout in [
        "example.com/widget_v1.json",
        "widget-example-v1.json",
        "widget_v1.json",
    ] {
        let catalog = tempfile::tempdir().expect("tempdir");
        write(&catalog.path().join(layout), CATALOG_SCHEMA);
        let dir = catalog.path().to_str().expect("utf-8");
        let out = lint(repo.path(), &["--schema", dir, "widget.yaml"]);
        assert_eq!(findings(&out), EXPECTED, "{layout}: {}", text(&out.stdout));
    }
    // A kind or group that is not a plain name is never made into a path.
    let hostile = "apiVersion: ../example.com/v1\nkind: Widget\nmetadata: {name: w}\n";
    let repo = project(&[("hostile.yaml", hostile)]);
    let catalog = tempfile::tempdir().expect("tempdir");
    let dir = catalog.path().to_str().expect("utf-8");
    let out = lint(repo.path(), &["--schema", dir, "hostile.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn config_schemas_are_relative_to_the_config_and_stay_in_the_project() {
    let repo = project(&[
        ("deploy/widget.yaml", WIDGET),
        ("deploy/.kubeward.yaml", "schemas: [../vendor/crds]\n"),
        ("vendor/crds/widgets.yaml", CRD),
    ]);
    let out = lint(repo.path(), &["deploy/widget.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(findings(&out), EXPECTED, "{}", text(&out.stdout));
    // Outside the project: refused (exit 2) with the config's location.
    let outside = project(&[
        ("widget.yaml", WIDGET),
        (".kubeward.yaml", "schemas:\n  - /\n"),
    ]);
    let out = lint(outside.path(), &["widget.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(".kubeward.yaml:2:5"), "{err}");
    assert!(err.contains("schema path /"), "{err}");
}

#[test]
fn a_missing_schema_path_is_a_usage_error() {
    let repo = project(&[("widget.yaml", WIDGET)]);
    let out = lint(repo.path(), &["--schema", "no/such/crds", "widget.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--schema no/such/crds"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn crds_elsewhere_in_the_project_count() {
    let repo = project(&[("apps/widget.yaml", WIDGET), ("platform/crds.yaml", CRD)]);
    let out = lint(repo.path(), &["apps/widget.yaml"]);
    assert_eq!(findings(&out), EXPECTED, "{}", text(&out.stdout));
    let alone = lint(repo.path(), &["--no-project-context", "apps/widget.yaml"]);
    assert_eq!(findings(&alone), ["schema/unknown-kind 2:1"]);
}

#[test]
fn a_charts_crds_directory_counts() {
    let repo = project(&[
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        ),
        (
            "chart/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        ),
        (
            "chart/charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("chart/charts/sub/crds/widgets.yaml", CRD),
        ("widget.yaml", WIDGET),
    ]);
    let out = lint(
        repo.path(),
        &["--no-helm", "--no-project-context", "chart", "widget.yaml"],
    );
    let got: Vec<String> = findings(&out)
        .into_iter()
        .filter(|f| f.starts_with("schema/"))
        .collect();
    assert_eq!(got, EXPECTED, "{}", text(&out.stdout));
}

#[test]
fn an_unusable_crd_gets_a_notice_and_its_resources_are_not_validated() {
    let mut deep = String::from("{type: string}");
    for _ in 0..200 {
        deep = format!("{{type: object, properties: {{a: {deep}}}}}");
    }
    let crd = CRD.replace(
        "                size: {type: integer, maximum: 10}\n",
        &format!("                size: {deep}\n"),
    );
    let repo = project(&[("crd.yaml", &crd), ("widget.yaml", WIDGET)]);
    let out = lint(repo.path(), &["widget.yaml", "crd.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let widget: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("widget.yaml"))
        .map(str::to_string)
        .collect();
    assert!(widget.is_empty(), "{widget:?}");
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "kubeward: warning: crd.yaml:1:1: the schema of Widget example.com/v1 in CRD \
             widgets.example.com cannot be used (its schema nests deeper than 128 levels); its \
             resources are not validated"
        ),
        "{err}"
    );
}
