//! Helm and Kustomize end to end: chart directories rendered with a real helm
//! (or scripts/helm, the helm-python-sdk stand-in; without either, the tests
//! that render are reported as SKIPPED with the reason, by the harness of
//! tests/harness, never as passed), rendered streams
//! attributed to their templates and values files, chart discovery rules; and
//! fake helms (shell scripts written at test time) that hang, flood their
//! output or leave processes behind.

mod common;
mod harness;

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

/// The test helm, or the calling test is skipped (reported as such).
fn with_helm() -> HelmSettings {
    match common::helm() {
        Some(bin) => HelmSettings {
            bin: Some(bin),
            ..Default::default()
        },
        None => harness::skip(
            "no helm (install helm, or `pip install helm-python-sdk` for scripts/helm)",
        ),
    }
}

fn find<'o>(o: &'o Outcome, rule: &str) -> Vec<&'o Finding> {
    o.active().filter(|f| f.rule == rule).collect()
}

fn path_of(o: &Outcome, f: &Finding) -> String {
    o.files[f.file].path.clone()
}

fn a_chart_directory_is_rendered_and_findings_lead_back_to_templates_and_values() {
    let helm = with_helm();
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

fn values_files_and_set_change_what_is_rendered() {
    let mut helm = with_helm();
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

fn config_renders_a_chart_once_per_environment() {
    let helm = with_helm();
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

fn a_helm_bin_that_cannot_run_is_a_usage_error_not_a_finding() {
    let settings = |bin: &std::path::Path, paths: &[&str], no_render: bool| Settings {
        paths: paths.iter().map(PathBuf::from).collect(),
        threads: 1,
        config: ConfigChoice::Disabled,
        helm: HelmSettings {
            bin: Some(bin.to_path_buf()),
            no_render,
            ..Default::default()
        },
        ..Default::default()
    };
    let refused = |bin: &std::path::Path| match lint(&settings(bin, &[APP], false)) {
        Err(kubeward::RunError::HelmBin(m)) => m,
        Err(e) => panic!("unexpected error {e}"),
        Ok(o) => panic!("linted: {:?}", o.findings),
    };
    assert_eq!(
        refused("/nonexistent/helm".as_ref()),
        "--helm-bin /nonexistent/helm: no such file or directory"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(refused(dir.path()).ends_with(": not a file"));
    let plain = dir.path().join("helm");
    std::fs::write(&plain, "#!/bin/sh\n").expect("write");
    #[cfg(unix)]
    assert!(refused(&plain).ends_with(": not executable"));
    assert_eq!(
        refused("no-such-helm-anywhere".as_ref()),
        "--helm-bin no-such-helm-anywhere: no such command on PATH"
    );
    // It matters only when a chart is to be rendered.
    let missing = std::path::Path::new("/nonexistent/helm");
    assert!(lint(&settings(missing, &[APP], true)).is_ok());
    assert!(lint(&settings(
        missing,
        &["testdata/helm/app/rendered/default.yaml"],
        false
    ))
    .is_ok());

    // A binary the system cannot execute: the run says so (exit 2 in the
    // CLI), with no helm/render-error finding about the chart.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let garbage = dir.path().join("garbage-helm");
        std::fs::write(&garbage, [0x7f, b'E', b'L', b'F', 0, 1, 2, 3]).expect("write");
        std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let o = lint(&settings(&garbage, &[APP], false)).expect("lint runs");
        assert!(find(&o, "helm/render-error").is_empty(), "{:?}", o.findings);
        assert!(
            o.problems
                .iter()
                .any(|p| p.is_error && p.message.starts_with("cannot run ")),
            "{:?}",
            o.problems
        );
    }
}

/// The chart of tests/helm.rs's namespace cases: templates that print
/// .Release.Namespace into metadata.namespace, a label, a URL, a
/// ClusterRoleBinding's name and subject, and refuse a namespace that is not
/// a DNS label.
const RELEASE_NS: &str = "testdata/helm/release-ns";

fn a_chart_rendered_without_namespace_lands_in_an_unknown_namespace() {
    let helm = with_helm();
    let rules = [
        "metadata/default-namespace",
        "helm/namespace-unknown",
        "rbac/default-sa-binding",
        "pod-security/privileged",
    ];
    let o = run(&[RELEASE_NS], &rules, helm.clone());
    // The chart renders (the sentinel is a DNS label), and nothing is placed
    // in `default`.
    assert!(find(&o, "helm/render-error").is_empty(), "{:?}", o.findings);
    assert!(
        find(&o, "metadata/default-namespace").is_empty(),
        "{:?}",
        o.findings
    );
    let unknown: Vec<String> = find(&o, "helm/namespace-unknown")
        .iter()
        .map(|f| {
            f.resource
                .as_ref()
                .and_then(|r| r.name.clone())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(unknown, ["settings", "web"], "{:?}", o.findings);
    // Resources are in no namespace, as plain manifests without one are.
    for f in o.active() {
        let r = f.resource.as_ref().expect("a resource");
        assert_eq!(r.namespace, None, "{f:?}");
    }
    // The sentinel is never shown: messages and names show the placeholder.
    let sentinel = kubeward::helm::namespace::UNKNOWN;
    for f in &o.findings {
        assert!(!format!("{f:?}").contains(sentinel), "{f:?}");
    }
    assert!(o.files.iter().all(|f| !f.text.contains(sentinel)));
    let binding = find(&o, "rbac/default-sa-binding");
    assert_eq!(binding.len(), 1, "{:?}", o.findings);
    assert_eq!(
        binding[0].message,
        "ClusterRoleBinding \"view-<release-namespace>\" grants ClusterRole \"view\" to the default service account of namespace \"<release-namespace>\", which every pod without serviceAccountName runs as"
    );
    assert_eq!(find(&o, "pod-security/privileged").len(), 1);

    // Given a namespace, the chart is rendered in it.
    let settings = |ns: &str| Settings {
        paths: vec![PathBuf::from(RELEASE_NS)],
        only_rules: Some(rules.iter().map(|s| s.to_string()).collect()),
        threads: 1,
        config: ConfigChoice::Disabled,
        namespace: Some(ns.to_string()),
        helm: helm.clone(),
        ..Default::default()
    };
    let o = lint(&settings("shop")).expect("lint runs");
    assert!(
        find(&o, "helm/namespace-unknown").is_empty(),
        "{:?}",
        o.findings
    );
    let namespaces: Vec<Option<String>> = o
        .active()
        .filter(|f| f.rule == "pod-security/privileged")
        .map(|f| f.resource.as_ref().and_then(|r| r.namespace.clone()))
        .collect();
    assert_eq!(namespaces, [Some("shop".to_string())]);
    let o = lint(&settings("default")).expect("lint runs");
    assert_eq!(
        find(&o, "metadata/default-namespace").len(),
        2,
        "{:?}",
        o.findings
    );
}

fn json_and_human_output_of_an_unknown_namespace_match_plain_manifests() {
    let helm = with_helm();
    let bin = helm.bin.expect("a helm");
    let bin = bin.to_string_lossy();
    let dir = tempfile::tempdir().expect("tempdir");
    let human = dir.path().join("human.txt");
    let human_arg = format!("human={}", human.display());
    let out = common::kubeward_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "--helm-bin",
            &bin,
            "--format",
            "json",
            "--format",
            &human_arg,
            RELEASE_NS,
        ],
    );
    let stdout = common::text(&out.stdout);
    let human = std::fs::read_to_string(&human).expect("human report written");
    for text in [&stdout, &human] {
        assert!(!text.contains(kubeward::helm::namespace::UNKNOWN), "{text}");
    }
    // The rendered text shown in snippets says what the namespace is.
    assert!(human.contains("namespace: <release-namespace>"), "{human}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["resource"]["namespace"].is_null(), "{f}");
        assert_ne!(f["rule"], "metadata/default-namespace");
    }
    // A plain manifest without a namespace reads the same way.
    let plain = common::kubeward_in(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "--format",
            "json",
            "testdata/helm/app/rendered/default.yaml",
        ],
    );
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("JSON report");
    let first = &plain["findings"][0]["resource"];
    assert!(first["namespace"].is_null(), "{first}");
}

/// The chart fixtures of rules that render (testdata/rules/helm/render-error):
/// they need a helm, so they are checked here rather than in tests/rules.rs.
fn render_fixtures_report_exactly_their_expectations() {
    let _ = with_helm();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut failures = Vec::new();
    for rule in common::RENDERING_RULES {
        let dir = root.join(rule);
        let mut charts: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("fixture directory")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").is_file())
            .collect();
        charts.sort();
        assert!(
            !charts.is_empty(),
            "no chart fixtures under {}",
            dir.display()
        );
        for chart in charts {
            let shown = chart
                .strip_prefix(&root)
                .expect("under root")
                .display()
                .to_string();
            failures.extend(common::check_chart(&chart, &shown, rule));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

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
    assert_eq!(find(&o, "helm/not-rendered").len(), 2, "one per chart");
    assert!(o.findings.iter().all(|f| f.rule != "yaml/syntax"));
}

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

fn an_image_tag_left_unset_in_values_is_reported_when_it_renders_latest() {
    let helm = with_helm();
    let (_dir, chart) = empty_chart();
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

/// A temp directory holding chart `web/` with a Chart.yaml and no templates.
fn empty_chart() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("web");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )
    .expect("write");
    (dir, chart)
}

/// A chart directory and, next to it, a fake `helm` running `script` (sh). The
/// script's `$DIR` is the temp directory, where it can record pids.
#[cfg(unix)]
fn fake_helm(script: &str) -> (tempfile::TempDir, String, PathBuf) {
    let (dir, chart) = empty_chart();
    let helm = dir.path().join("helm");
    let text = format!("#!/bin/sh\nDIR='{}'\n{script}\n", dir.path().display());
    // Written by a child process: a file this process had open for writing
    // could be inherited by a concurrent test's fork and make exec fail with
    // "text file busy".
    let written = std::process::Command::new("sh")
        .args(["-c", "printf '%s' \"$1\" > \"$2\" && chmod +x \"$2\"", "sh"])
        .arg(&text)
        .arg(&helm)
        .status()
        .expect("sh runs");
    assert!(written.success());
    (dir, chart.display().to_string(), helm)
}

/// Lints `chart` rendered by `helm`; returns the outcome and how long it took.
#[cfg(unix)]
fn render_with(
    chart: &str,
    helm: PathBuf,
    timeout: std::time::Duration,
    max_file_bytes: Option<u64>,
) -> (Outcome, std::time::Duration) {
    let settings = Settings {
        paths: vec![PathBuf::from(chart)],
        only_rules: Some(vec!["pod-security/privileged".into()]),
        threads: 1,
        config: ConfigChoice::Disabled,
        helm: HelmSettings {
            bin: Some(helm),
            render_timeout: Some(timeout),
            ..Default::default()
        },
        limits: kubeward::limits::Limits {
            max_file_bytes,
            ..Default::default()
        },
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let o = lint(&settings).expect("lint runs");
    (o, started.elapsed())
}

/// Waits (a few seconds at most: SIGKILL is delivered asynchronously) for the
/// process recorded in `pid_file` to be gone; false if it is still running.
#[cfg(unix)]
fn ends(pid_file: &std::path::Path) -> bool {
    let pid = std::fs::read_to_string(pid_file).expect("the fake helm recorded a pid");
    let pid = pid.trim();
    // A killed process nobody reaped yet (this container's init may never reap
    // it) still answers `kill -0`, as a zombie.
    let zombie = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|r| r.trim().starts_with('Z'))
        })
    };
    let running = || {
        std::process::Command::new("sh")
            .args(["-c", &format!("kill -0 {pid} 2>/dev/null")])
            .status()
            .is_ok_and(|s| s.success())
            && !zombie()
    };
    for _ in 0..50 {
        if !running() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Do not leave it behind for the rest of the suite.
    let _ = std::process::Command::new("sh")
        .args(["-c", &format!("kill -9 {pid}")])
        .status();
    false
}

const PRIVILEGED_POD: &str = "---\n# Source: web/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n";

#[cfg(unix)]
fn a_process_helm_leaves_holding_its_output_does_not_hang_the_run() {
    // helm prints a manifest and exits, but a background child keeps its stdout
    // open: reading until end of file would wait for the child.
    let (dir, chart, helm) = fake_helm(&format!(
        "sleep 1000 &\necho $! > \"$DIR/grandchild.pid\"\nprintf '%s' '{PRIVILEGED_POD}'"
    ));
    // The timeout is far above the bound checked: the grace period after helm
    // exits is what ends the wait, not the timeout.
    let (o, took) = render_with(&chart, helm, std::time::Duration::from_secs(60), None);
    // Checked first: a failed check would otherwise leave the child running.
    let ended = ends(&dir.path().join("grandchild.pid"));
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
    assert!(
        find(&o, "helm/render-error").is_empty(),
        "helm exited 0; {:?}",
        o.findings
    );
    // What helm printed was linted.
    assert_eq!(
        find(&o, "pod-security/privileged").len(),
        1,
        "{:?}",
        o.findings
    );
    assert!(
        ended,
        "the child helm left behind was killed with its group"
    );
}

#[cfg(unix)]
fn a_flood_on_helm_stderr_becomes_a_capped_message() {
    let (_dir, chart, helm) =
        fake_helm("yes 'Error: something went wrong' | head -c 104857600 >&2\nexit 1");
    let (o, _) = render_with(&chart, helm, std::time::Duration::from_secs(60), None);
    let errors = find(&o, "helm/render-error");
    assert_eq!(errors.len(), 1, "{:?}", o.findings.len());
    let message = &errors[0].message;
    assert!(message.len() < 70_000, "{} bytes", message.len());
    assert!(
        message.starts_with("helm template failed: something went wrong\n"),
        "{}",
        &message[..100]
    );
    assert!(
        message.ends_with(" more bytes)"),
        "{}",
        &message[message.len() - 100..]
    );
    // The marker counts what was left out: nearly all of the 100 MB.
    let missing: u64 = message
        .rsplit_once("… (")
        .and_then(|(_, n)| n.strip_suffix(" more bytes)"))
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(missing > 100_000_000, "{missing}");
}

#[cfg(unix)]
fn a_helm_that_never_exits_is_stopped_with_its_whole_group() {
    // The background child has no pipe of helm's: only killing the process
    // group ends it.
    let (dir, chart, helm) = fake_helm(
        "sleep 1000 >/dev/null 2>&1 &\necho $! > \"$DIR/grandchild.pid\"\nexec sleep 1000",
    );
    let (o, took) = render_with(&chart, helm, std::time::Duration::from_secs(1), None);
    let ended = ends(&dir.path().join("grandchild.pid"));
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
    let errors = find(&o, "helm/render-error");
    assert_eq!(errors.len(), 1, "{:?}", o.findings);
    assert_eq!(errors[0].message, "helm did not finish within 1s; stopped");
    assert!(
        ended,
        "the child of the stopped helm was killed with its group"
    );
}

#[cfg(unix)]
fn helm_output_beyond_the_file_size_limit_stops_the_render() {
    // A megabyte, then helm keeps running: the render stops on the size, long
    // before the timeout.
    let (_dir, chart, helm) = fake_helm("head -c 1048576 /dev/zero\nexec sleep 1000");
    let (o, took) = render_with(&chart, helm, std::time::Duration::from_secs(60), Some(4096));
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
    let errors = find(&o, "helm/render-error");
    assert_eq!(errors.len(), 1, "{:?}", o.findings);
    assert_eq!(
        errors[0].message,
        "helm output exceeds 4096 bytes (the max-file-size limit); stopped"
    );
}

#[cfg(unix)]
fn a_process_that_left_helms_group_and_holds_its_output_fails_the_render() {
    let has_setsid = std::process::Command::new("sh")
        .args(["-c", "command -v setsid >/dev/null"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_setsid {
        harness::skip("no setsid command to start a process outside helm's group");
    }
    // Out of the group, the background child survives the group kill and its
    // copy of stdout never closes: kubeward stops waiting rather than lint what
    // may be half of the output.
    let (dir, chart, helm) = fake_helm(&format!(
        "setsid sleep 1000 &\necho $! > \"$DIR/escaped.pid\"\nprintf '%s' '{PRIVILEGED_POD}'"
    ));
    let (o, took) = render_with(&chart, helm, std::time::Duration::from_secs(60), None);
    // No group to kill it with: the test ends it itself.
    let pid = std::fs::read_to_string(dir.path().join("escaped.pid")).expect("pid recorded");
    let _ = std::process::Command::new("sh")
        .args(["-c", &format!("kill -9 {}", pid.trim())])
        .status();
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
    let errors = find(&o, "helm/render-error");
    assert_eq!(errors.len(), 1, "{:?}", o.findings);
    assert_eq!(
        errors[0].message,
        "helm exited but a process it started kept its output open; stopped"
    );
}

fn main() -> std::process::ExitCode {
    #[allow(unused_mut)]
    let mut tests = harness::tests![
        a_chart_directory_is_rendered_and_findings_lead_back_to_templates_and_values,
        values_files_and_set_change_what_is_rendered,
        config_renders_a_chart_once_per_environment,
        a_helm_bin_that_cannot_run_is_a_usage_error_not_a_finding,
        a_chart_rendered_without_namespace_lands_in_an_unknown_namespace,
        json_and_human_output_of_an_unknown_namespace_match_plain_manifests,
        render_fixtures_report_exactly_their_expectations,
        without_helm_a_chart_is_one_finding_not_a_wall_of_parse_errors,
        saved_and_piped_streams_are_attributed,
        kustomize_origin_annotations_attribute_findings,
        an_image_tag_left_unset_in_values_is_reported_when_it_renders_latest,
    ];
    #[cfg(unix)]
    tests.extend(harness::tests![
        a_process_helm_leaves_holding_its_output_does_not_hang_the_run,
        a_flood_on_helm_stderr_becomes_a_capped_message,
        a_helm_that_never_exits_is_stopped_with_its_whole_group,
        helm_output_beyond_the_file_size_limit_stops_the_render,
        a_process_that_left_helms_group_and_holds_its_output_fails_the_render,
    ]);
    harness::main(tests)
}
