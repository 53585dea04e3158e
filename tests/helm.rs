//! Helm and Kustomize end to end: chart directories rendered with a real helm
//! (or scripts/helm, the helm-python-sdk stand-in; tests that render are skipped
//! with a printed reason when neither is available), rendered streams
//! attributed to their templates and values files, chart discovery rules.

mod common;

use kubeward::finding::Finding;
use kubeward::helm::HelmSettings;
use kubeward::{lint, ConfigChoice, Outcome, Settings};
use std::path::PathBuf;

const APP: &str = "testdata/helm/app";

fn run(paths: &[&str], only: &[&str], helm: HelmSettings) -> Outcome {
    let settings = Settings {
        paths: paths.iter().map(PathBuf::from).collect(),
        only_rules: Some(only.iter().map(|s| s.to_string()).collect()),
        threads: 1,
        config: ConfigChoice::Disabled,
        helm,
        ..Default::default()
    };
    lint(&settings).expect("lint runs")
}

fn with_helm() -> Option<HelmSettings> {
    match common::helm() {
        Some(bin) => Some(HelmSettings {
            bin: Some(bin),
            ..Default::default()
        }),
        None => {
            eprintln!("skipped: no helm (install helm or `pip install helm-python-sdk`)");
            None
        }
    }
}

fn find<'o>(o: &'o Outcome, rule: &str) -> Vec<&'o Finding> {
    o.active().filter(|f| f.rule == rule).collect()
}

fn path_of(o: &Outcome, f: &Finding) -> String {
    o.files[f.file].path.clone()
}

#[test]
fn a_chart_directory_is_rendered_and_findings_lead_back_to_templates_and_values() {
    let Some(helm) = with_helm() else { return };
    let o = run(
        &[APP],
        &["pod-security/privileged", "pod-security/host-network"],
        helm,
    );
    let privileged = find(&o, "pod-security/privileged");
    assert_eq!(privileged.len(), 1, "{:?}", o.findings);
    let f = privileged[0];
    assert_eq!(
        path_of(&o, f),
        APP,
        "the rendered stream is named after the chart"
    );
    assert!(o.files[f.file].generated);
    let src = f.source.as_ref().expect("attributed");
    assert_eq!(src.template, "app/templates/deployment.yaml");
    assert_eq!(
        src.file.as_deref(),
        Some("testdata/helm/app/templates/deployment.yaml")
    );
    let values = src.values.as_ref().expect("values attribution");
    assert_eq!(
        (values.file.as_str(), values.line),
        ("testdata/helm/app/values.yaml", 8)
    );

    // A subchart's template, with the value set in the parent's `cache:` section.
    let host = find(&o, "pod-security/host-network");
    let src = host[0].source.as_ref().expect("attributed");
    assert_eq!(
        src.file.as_deref(),
        Some("testdata/helm/app/charts/cache/templates/deployment.yaml")
    );
    assert_eq!(
        src.line,
        Some(14),
        "hostNetwork: is written once in the template"
    );
    assert_eq!(
        src.values.as_ref().map(|v| v.key.as_str()),
        Some("cache.hostNetwork")
    );
    // Templates are never parsed as manifests.
    assert!(
        o.findings.iter().all(|f| f.rule != "yaml/syntax"),
        "{:?}",
        o.findings
    );
}

#[test]
fn values_files_and_set_change_what_is_rendered() {
    let Some(mut helm) = with_helm() else { return };
    helm.values = vec![PathBuf::from("testdata/helm/app/values-prod.yaml")];
    let o = run(
        &[APP],
        &[
            "pod-security/privileged",
            "pod-security/host-network",
            "network/service-nodeport",
        ],
        helm.clone(),
    );
    assert!(find(&o, "pod-security/privileged").is_empty());
    assert_eq!(find(&o, "network/service-nodeport").len(), 1);
    // The later values file wins, and attribution follows it.
    let host = find(&o, "pod-security/host-network");
    let v = host[0]
        .source
        .as_ref()
        .and_then(|s| s.values.as_ref())
        .expect("values");
    assert_eq!(
        (v.file.as_str(), v.line),
        ("testdata/helm/app/values-prod.yaml", 8)
    );

    helm.values.clear();
    helm.set = vec!["securityContext.privileged=false".into()];
    let o = run(&[APP], &["pod-security/privileged"], helm);
    assert!(
        find(&o, "pod-security/privileged").is_empty(),
        "{:?}",
        o.findings
    );
}

#[test]
fn config_renders_a_chart_once_per_environment() {
    let Some(helm) = with_helm() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = std::path::absolute(APP).expect("absolute");
    let config = dir.path().join(".kubeward.yaml");
    std::fs::write(
        &config,
        format!(
            "charts:\n  - path: {c}\n    name: dev\n  - path: {c}\n    name: prod\n    namespace: shop\n    values: [values-prod.yaml]\n",
            c = chart.display()
        ),
    )
    .expect("write config");
    let settings = Settings {
        paths: vec![PathBuf::from(APP)],
        only_rules: Some(vec![
            "pod-security/privileged".into(),
            "network/service-nodeport".into(),
        ]),
        threads: 1,
        config: ConfigChoice::File(config),
        helm,
        ..Default::default()
    };
    let o = lint(&settings).expect("lint runs");
    let got: Vec<(String, String)> = o
        .active()
        .map(|f| (path_of(&o, f), f.rule.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (format!("{APP}@dev"), "pod-security/privileged".to_string()),
            (
                format!("{APP}@prod"),
                "network/service-nodeport".to_string()
            ),
        ]
    );
}

#[test]
fn render_failures_are_findings_in_the_chart() {
    let o = run(
        &[APP],
        &[],
        HelmSettings {
            bin: Some(PathBuf::from("/nonexistent/helm")),
            ..Default::default()
        },
    );
    let errors = find(&o, "helm/render-error");
    assert_eq!(errors.len(), 1, "{:?}", o.findings);
    assert_eq!(path_of(&o, errors[0]), "testdata/helm/app/Chart.yaml");
    assert!(
        errors[0].message.contains("cannot run"),
        "{}",
        errors[0].message
    );
}

#[test]
fn without_helm_a_chart_is_one_finding_not_a_wall_of_parse_errors() {
    let no_helm = HelmSettings {
        no_render: true,
        ..Default::default()
    };
    // Named as a directory, or through one of its templates (pre-commit).
    for path in [
        APP,
        "testdata/helm/app/templates/deployment.yaml",
        "testdata/helm/app/values.yaml",
    ] {
        let o = run(&[path], &["helm/not-rendered"], no_helm.clone());
        let got: Vec<(String, &str)> = o
            .findings
            .iter()
            .map(|f| (path_of(&o, f), f.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(
                "testdata/helm/app/Chart.yaml".to_string(),
                "helm/not-rendered"
            )],
            "{path}"
        );
    }
    // Found while walking a parent directory, next to plain manifests.
    let o = run(&["testdata/helm"], &["helm/not-rendered"], no_helm);
    assert_eq!(find(&o, "helm/not-rendered").len(), 1);
    assert!(o.findings.iter().all(|f| f.rule != "yaml/syntax"));
}

#[test]
fn saved_and_piped_streams_are_attributed() {
    let o = run(
        &["testdata/helm/app/rendered/prod.yaml"],
        &["network/service-nodeport"],
        HelmSettings::default(),
    );
    let f = find(&o, "network/service-nodeport")[0];
    let src = f.source.as_ref().expect("attributed");
    assert_eq!(src.template, "app/templates/service.yaml");
    // The chart is found next to the saved output, so the template has a file.
    assert_eq!(
        src.file.as_deref(),
        Some("testdata/helm/app/templates/service.yaml")
    );
    assert_eq!(src.line, Some(8), "type: is written once in the template");

    // Piped with no name: the template is named, nothing is guessed.
    let text = std::fs::read("testdata/helm/app/rendered/prod.yaml").expect("read");
    let settings = Settings {
        paths: vec![PathBuf::from("-")],
        stdin: Some(text),
        only_rules: Some(vec!["network/service-nodeport".into()]),
        config: ConfigChoice::Disabled,
        threads: 1,
        ..Default::default()
    };
    let o = lint(&settings).expect("lint runs");
    let src = o.findings[0].source.as_ref().expect("attributed");
    assert_eq!(
        (src.template.as_str(), src.file.as_deref()),
        ("app/templates/service.yaml", None)
    );
}

#[test]
fn kustomize_origin_annotations_attribute_findings() {
    let o = run(
        &["testdata/kustomize/build.yaml"],
        &["pod-security/host-pid"],
        HelmSettings::default(),
    );
    let f = find(&o, "pod-security/host-pid")[0];
    let src = f.source.as_ref().expect("attributed");
    assert_eq!(src.generator, kubeward::resource::Generator::Kustomize);
    assert_eq!(src.template, "base/pod.yaml");
    assert!(src.values.is_none());
}

#[test]
fn an_image_tag_left_unset_in_values_is_reported_when_it_renders_latest() {
    let Some(helm) = with_helm() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("web");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(
        chart.join("values.yaml"),
        "image:\n  repository: nginx\n  tag: \"\"\n",
    )
    .expect("write");
    // The tag is optional in the template, so an unset value renders no tag.
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: \"{{ .Values.image.repository }}{{ with .Values.image.tag }}:{{ . }}{{ end }}\"\n",
    )
    .expect("write");
    let path = chart.display().to_string();
    let o = run(&[&path], &["helm/image-tag-unset"], helm.clone());
    let got = find(&o, "helm/image-tag-unset");
    assert_eq!(got.len(), 1, "{:?}", o.findings);
    assert!(
        got[0].message.contains("the values leave image.tag unset"),
        "{}",
        got[0].message
    );

    // Set, the same template renders a fixed tag and nothing is reported.
    let mut with_tag = helm;
    with_tag.set = vec!["image.tag=1.27.0".into()];
    let o = run(&[&path], &["helm/image-tag-unset"], with_tag);
    assert!(
        find(&o, "helm/image-tag-unset").is_empty(),
        "{:?}",
        o.findings
    );
}
