//! User policies: native rules, conftest policies and Gatekeeper templates
//! (testdata/policies/<mode>/ with `# expect:` fixtures and Rego unit tests),
//! and the error paths: parse and compile errors stop the run with a location,
//! runtime errors and runaway policies become located `kubeward/policy-error`
//! findings, and no builtin reaches the network, the filesystem or the
//! environment.

use kubeward::finding::Severity;
use kubeward::policy::{self, PolicyOptions, RegoVersion};
use kubeward::{lint, ConfigChoice, Outcome, RunError, Settings};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/policies")
}

fn opts(paths: Vec<PathBuf>) -> PolicyOptions {
    PolicyOptions {
        paths,
        ..Default::default()
    }
}

/// Lints `files` with only the user rules (and policy errors) of `opts`.
fn run(opts: PolicyOptions, files: Vec<PathBuf>, only: &[&str]) -> Result<Outcome, RunError> {
    let mut only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    only.push("kubeward/policy-error".into());
    lint(&Settings {
        paths: files,
        only_rules: Some(only),
        config: ConfigChoice::Disabled,
        threads: 1,
        policies: opts,
        ..Default::default()
    })
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: a:1\n";

/// Every mode's directory passes `kubeward test`: its Rego unit tests and its
/// fixtures (exact sets of expected findings, both directions).
#[test]
fn policy_directories_pass_their_own_tests() {
    let cases: Vec<(&str, Vec<PathBuf>)> = vec![
        ("native", vec![]),
        ("conftest", vec![root().join("conftest/data.yaml")]),
        ("gatekeeper", vec![]),
    ];
    for (mode, data) in cases {
        let o = PolicyOptions {
            data,
            ..opts(vec![root().join(mode)])
        };
        let report = kubeward::policy_test::run(&o, &[], None).expect("policies load");
        let fixtures = report.tests.iter().filter(|t| t.kind == "fixture").count();
        assert!(fixtures >= 1, "{mode}: no fixtures ran");
        let failed: Vec<String> = report
            .tests
            .iter()
            .filter(|t| !t.passed)
            .map(|t| format!("{}: {}", t.name, t.message))
            .collect();
        assert!(failed.is_empty(), "{mode}:\n{}", failed.join("\n"));
    }
}

#[test]
fn conftest_findings_are_located_and_graded() {
    let o = PolicyOptions {
        data: vec![root().join("conftest/data.yaml")],
        ..opts(vec![root().join("conftest/policy")])
    };
    let file = root().join("conftest/testdata/app.yaml");
    let out = run(
        o,
        vec![file],
        &[
            "conftest/main/warn",
            "conftest/main/deny_latest_tag",
            "conftest/main/deny",
        ],
    )
    .expect("lint");
    let warn = out
        .active()
        .find(|f| f.rule == "conftest/main/warn")
        .expect("warn finding");
    assert_eq!(warn.severity, Severity::Warning);
    // `path` in the result object: the image of the second container.
    assert_eq!((warn.line, warn.column), (15, 11));
    let latest = out
        .active()
        .find(|f| f.rule == "conftest/main/deny_latest_tag")
        .expect("deny_latest_tag finding");
    assert_eq!(latest.severity, Severity::Error);
    assert_eq!(latest.line, 15, "a dotted `_loc` path is resolved too");
    // No path: the resource's kind line.
    let deny = out
        .active()
        .find(|f| f.rule == "conftest/main/deny")
        .expect("deny finding");
    assert_eq!((deny.line, deny.column), (3, 1));
}

#[test]
fn gatekeeper_enforcement_actions_map_to_severities() {
    let o = opts(vec![root().join("gatekeeper")]);
    let file = root().join("gatekeeper/testdata/shop.yaml");
    let out = run(
        o,
        vec![file],
        &[
            "gatekeeper/K8sRequiredLabels/must-have-owner",
            "gatekeeper/K8sAllowedRepos/prod-repos",
            "gatekeeper/K8sBlockNodePort/block-node-port",
        ],
    )
    .expect("lint");
    let sev = |id: &str| out.active().find(|f| f.rule == id).map(|f| f.severity);
    assert_eq!(
        sev("gatekeeper/K8sRequiredLabels/must-have-owner"),
        Some(Severity::Error)
    );
    assert_eq!(
        sev("gatekeeper/K8sAllowedRepos/prod-repos"),
        Some(Severity::Warning)
    );
    assert_eq!(
        sev("gatekeeper/K8sBlockNodePort/block-node-port"),
        Some(Severity::Info)
    );
    let regex = out
        .active()
        .find(|f| f.message.contains("does not match the regex"))
        .expect("second violation rule of the template");
    assert!(regex.message.contains("Shop-Team"), "{}", regex.message);
}

#[test]
fn gatekeeper_documents_among_linted_files_and_inventory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifests = write(
        dir.path(),
        "all.yaml",
        r#"apiVersion: templates.gatekeeper.sh/v1beta1
kind: ConstraintTemplate
metadata:
  name: k8sknownnamespace
spec:
  crd:
    spec:
      names:
        kind: K8sKnownNamespace
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sknownnamespace

        violation[{"msg": msg}] {
          ns := input.review.object.metadata.namespace
          not data.inventory.cluster["v1"].Namespace[ns]
          msg := sprintf("namespace %v is not declared", [ns])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sKnownNamespace
metadata:
  name: declared
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["ConfigMap"]}]
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ok
  namespace: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: lost
  namespace: nowhere
"#,
    );
    let o = PolicyOptions {
        gatekeeper: true,
        ..Default::default()
    };
    let out = run(
        o,
        vec![manifests],
        &["gatekeeper/K8sKnownNamespace/declared"],
    )
    .expect("lint");
    let msgs: Vec<&str> = out.active().map(|f| f.message.as_str()).collect();
    assert_eq!(msgs, vec!["namespace nowhere is not declared"]);
    // Without --gatekeeper the documents are plain resources.
    let out = lint(&Settings {
        paths: vec![dir.path().join("all.yaml")],
        config: ConfigChoice::Disabled,
        threads: 1,
        ..Default::default()
    })
    .expect("lint");
    assert!(!out.active().any(|f| f.rule.starts_with("gatekeeper/")));
}

#[test]
fn cel_only_templates_are_reported_once_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "cel.yaml",
        r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8scel
spec:
  crd:
    spec:
      names:
        kind: K8sCel
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
        - engine: K8sNativeValidation
          source:
            validations:
              - expression: "has(object.metadata.labels)"
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sCel
metadata:
  name: a
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sCel
metadata:
  name: b
"#,
    );
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let out = run(opts(vec![dir.path().join("cel.yaml")]), vec![pod], &[]).expect("lint");
    let notes: Vec<&str> = out
        .problems
        .iter()
        .filter(|p| p.message.contains("CEL"))
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", out.problems);
    assert!(notes[0].contains("not supported"));
    assert!(out.problems.iter().all(|p| !p.is_error));
}

#[test]
fn native_rules_get_config_and_suppression() {
    let dir = tempfile::tempdir().expect("tempdir");
    // `policies:` must stay inside the config's project: a copy of the rules.
    for rule in ["no-debug-image.rego", "owner-label.rego"] {
        let text = std::fs::read_to_string(root().join("native").join(rule)).expect("read");
        write(dir.path(), &format!("policy/{rule}"), &text);
    }
    write(
        dir.path(),
        ".kubeward.yaml",
        "policies: [policy/]\nrules:\n  disable: [pod-security/, resources/, reliability/, rbac/, network/, image/, metadata/]\nseverity:\n  team/owner-label: error\n",
    );
    let file = write(
        dir.path(),
        "app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop:debug # kubeward:ignore team/no-debug-image -- a test image\n",
    );
    let out = lint(&Settings {
        paths: vec![file],
        threads: 1,
        ..Default::default()
    })
    .expect("lint");
    let owner = out
        .active()
        .find(|f| f.rule == "team/owner-label")
        .expect("config-loaded native rule ran");
    assert_eq!(owner.severity, Severity::Error, "config re-grades it");
    let debug = out
        .findings
        .iter()
        .find(|f| f.rule == "team/no-debug-image")
        .expect("finding");
    assert!(debug.suppressed.is_some(), "inline suppression applies");
    assert!(out.catalog.rule("team/owner-label").is_some());
}

#[test]
fn a_user_rule_cannot_take_a_bundled_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join("native/owner-label.rego"))
        .expect("read")
        .replace("team/owner-label", "pod-security/privileged");
    write(dir.path(), "clash.rego", &text);
    let err = run(opts(vec![dir.path().into()]), vec![], &[]).expect_err("clash");
    assert!(err.to_string().contains("already a bundled rule"), "{err}");
}

#[test]
fn parse_errors_are_located_and_name_the_rego_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "p.rego",
        "package main\n\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \n}\n",
    );
    let Err(RunError::Policy(e)) = run(opts(vec![dir.path().into()]), vec![], &[]) else {
        panic!("expected a policy error");
    };
    assert!(e.source.path.ends_with("p.rego"));
    assert!(e.line >= 5, "{e}");
    assert!(e.note.as_deref().unwrap_or("").contains("Rego v0"), "{e:?}");
    // Forcing v1 on a v0 file says it was forced.
    write(
        dir.path(),
        "p.rego",
        "package main\n\ndeny[msg] {\n  msg := \"x\"\n}\n",
    );
    let forced = PolicyOptions {
        rego_version: Some(RegoVersion::V1),
        ..opts(vec![dir.path().into()])
    };
    let Err(RunError::Policy(e)) = run(forced, vec![], &[]) else {
        panic!("expected a policy error");
    };
    assert!(e.note.as_deref().unwrap_or("").contains("forced"), "{e:?}");
    assert_eq!(e.line, 3);
    // The same file is fine as v0 (detected, or forced).
    let v0 = PolicyOptions {
        rego_version: Some(RegoVersion::V0),
        ..opts(vec![dir.path().into()])
    };
    run(v0, vec![], &[]).expect("v0 policy loads");
}

#[test]
fn compile_errors_stop_the_run_before_linting() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "p.rego",
        "package main\nimport rego.v1\n\ndeny contains msg if {\n  input.kind == \"Pod\"\n  msg := sprintf(\"%v\", [y])\n}\n",
    );
    let Err(RunError::Policy(e)) = run(opts(vec![dir.path().into()]), vec![], &[]) else {
        panic!("expected a policy error");
    };
    assert_eq!((e.line, e.column), (6, 25), "{e}");
    assert!(e.message.contains("unsafe"), "{e}");
}

#[test]
fn template_errors_point_into_the_yaml_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "t.yaml",
        "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: bad\nspec:\n  crd:\n    spec:\n      names:\n        kind: Bad\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package bad\n\n        violation[{\"msg\": msg}] {\n          msg := sprintf(\"%v\", [nope])\n        }\n",
    );
    let Err(RunError::Policy(e)) = run(opts(vec![dir.path().into()]), vec![], &[]) else {
        panic!("expected a policy error");
    };
    assert!(e.source.path.ends_with("t.yaml"), "{e}");
    assert_eq!((e.line, e.column), (16, 33), "{e}");
}

#[test]
fn runtime_errors_are_located_findings_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "p.rego",
        "package main\nimport rego.v1\n\ndeny contains msg if {\n  x := input.metadata.name + 1\n  msg := sprintf(\"%v\", [x])\n}\n\nwarn contains \"still here\" if input.kind\n",
    );
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let out = run(
        opts(vec![dir.path().join("p.rego")]),
        vec![pod],
        &["conftest/main/deny", "conftest/main/warn"],
    )
    .expect("lint");
    let err = out
        .active()
        .find(|f| f.rule == "kubeward/policy-error")
        .expect("policy error");
    assert!(
        err.message.contains("conftest/main/deny"),
        "{}",
        err.message
    );
    assert!(err.message.contains("p.rego:5:"), "{}", err.message);
    assert_eq!(err.line, 2, "located at the resource");
    assert!(out.active().any(|f| f.rule == "conftest/main/warn"));
}

#[test]
fn a_runaway_policy_is_stopped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "p.rego",
        "package main\nimport rego.v1\n\ndeny contains msg if {\n  n := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); i * j == -1])\n  msg := sprintf(\"%v\", [n])\n}\n",
    );
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let o = PolicyOptions {
        timeout: Duration::from_millis(300),
        ..opts(vec![dir.path().join("p.rego")])
    };
    let started = Instant::now();
    let out = run(o, vec![pod], &["conftest/main/deny"]).expect("lint");
    assert!(started.elapsed() < Duration::from_secs(30));
    let err = out
        .active()
        .find(|f| f.rule == "kubeward/policy-error")
        .expect("stopped policy is reported");
    assert!(err.message.contains("stopped"), "{}", err.message);
}

/// No builtin can reach the network, the filesystem or the environment: the
/// ones OPA has for that are not compiled in (regorus features `http` and
/// `opa-runtime` are off), and a policy calling them is rejected when it is
/// loaded (exit 2), before anything is evaluated or any request is made.
#[test]
fn no_network_filesystem_or_environment_builtins() {
    let names: Vec<&str> = regorus::unstable::BUILTINS.keys().copied().collect();
    assert!(names.contains(&"sprintf"), "the builtin table is readable");
    for n in &names {
        assert!(
            !(n.starts_with("http.")
                || n.starts_with("opa.")
                || n.starts_with("net.lookup")
                || n.starts_with("io.")
                || n.starts_with("os.")
                || n.starts_with("rego.parse_module")),
            "builtin {n} must not be available to user policies"
        );
    }

    let dir = tempfile::tempdir().expect("tempdir");
    // A listener that records whether anything connected to it.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    write(
        dir.path(),
        "p.rego",
        &format!(
            "package main\nimport rego.v1\n\ndeny contains msg if {{\n  resp := http.send({{\"method\": \"GET\", \"url\": \"http://127.0.0.1:{port}/\"}})\n  msg := sprintf(\"%v\", [resp])\n}}\n\nwarn contains msg if {{\n  msg := sprintf(\"%v\", [opa.runtime().env])\n}}\n\nviolation contains msg if {{\n  msg := sprintf(\"%v\", [net.lookup_ip_addr(\"example.com\")])\n}}\n"
        ),
    );
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let Err(RunError::Policy(e)) = run(
        opts(vec![dir.path().join("p.rego")]),
        vec![pod],
        &[
            "conftest/main/deny",
            "conftest/main/warn",
            "conftest/main/violation",
        ],
    ) else {
        panic!("a policy calling network or environment builtins must not load");
    };
    assert_eq!((e.line, e.column), (5, 11), "{e}");
    assert!(e.message.contains("`http.send` is not available"), "{e}");
    assert!(e.message.contains("no network"), "{e}");
    // The other two calls are listed too, each with its location.
    let note = e.note.clone().unwrap_or_default();
    assert!(note.contains("p.rego:10:25: `opa.runtime`"), "{note}");
    assert!(
        note.contains("p.rego:14:25: `net.lookup_ip_addr`"),
        "{note}"
    );
    assert!(
        listener.accept().is_err(),
        "nothing may connect to the listener"
    );
}

/// Calls that resolve nowhere are load errors located at the call, in every
/// mode and Rego version; calls to the policy's own functions, to imported
/// `data.kubeward.lib` helpers and to a template's libs are not.
#[test]
fn unknown_functions_stop_the_run_when_policies_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let load = |name: &str, text: &str| -> Result<Outcome, RunError> {
        let p = write(dir.path(), name, text);
        run(opts(vec![p]), vec![], &[])
    };
    let located = |r: Result<Outcome, RunError>| -> (usize, usize, String) {
        match r {
            Err(RunError::Policy(e)) => (e.line, e.column, e.message.clone()),
            Err(e) => panic!("expected a policy error, got {e}"),
            Ok(_) => panic!("expected a policy error, the policy loaded"),
        }
    };

    // Native (v1): a typo gets a suggestion.
    let native = "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: team/t\n#   severity: error\n#   kinds: [Pod]\n#   remediation: r\npackage team.t\nimport rego.v1\n\ndeny contains {\"msg\": \"x\", \"path\": []} if {\n  startswih(input.kind, \"P\")\n}\n";
    let (line, column, msg) = located(load("native.rego", native));
    assert_eq!((line, column), (13, 3), "{msg}");
    assert!(msg.contains("did you mean `startswith`"), "{msg}");

    // conftest, Rego v0: a helper from a package that is not loaded.
    let v0 = "package main\nimport data.lib.helpers\n\ndeny[msg] {\n  helpers.is_pod(input)\n  msg := \"x\"\n}\n";
    let (line, column, msg) = located(load("conftest.rego", v0));
    assert_eq!((line, column), (5, 3), "{msg}");
    assert!(msg.contains("unknown function `helpers.is_pod`"), "{msg}");

    // Gatekeeper: located in the YAML file; the template's lib resolves.
    let template = "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: t\nspec:\n  crd:\n    spec:\n      names:\n        kind: T\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n        package t\n        import data.lib.util\n\n        violation[{\"msg\": msg}] {\n          util.named(input.review.object)\n          msg := sprintf(\"%v\", [time.now_ns()])\n        }\n      libs:\n        - |\n          package lib.util\n          named(o) { o.metadata.name }\n";
    let r = load("t/template.yaml", template);
    let Err(RunError::Policy(e)) = r else {
        panic!("expected a policy error");
    };
    assert!(e.source.path.ends_with("template.yaml"), "{e}");
    assert_eq!((e.line, e.column), (18, 33), "{e}");
    assert!(e.message.contains("`time.now_ns` is an OPA builtin"), "{e}");
    assert!(e.note.is_none(), "util.named resolves through the lib: {e}");

    // Not flagged: own functions (plain, absolute, else-chains, defaults),
    // data.kubeward.lib helpers (aliased and absolute), print.
    let fine = "package main\nimport rego.v1\nimport data.kubeward.lib.k8s as kube\n\ndefault fallback(_) := \"none\"\n\nlabel(o) := o.metadata.labels.app\n\ndeny contains msg if {\n  x := label(input)\n  y := data.main.label(input)\n  print(x, y, fallback(1))\n  msg := sprintf(\"%v %v\", [kube.quote(x), data.kubeward.lib.k8s.str(y)])\n}\n";
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let p = write(dir.path(), "fine.rego", fine);
    run(opts(vec![p]), vec![pod], &["conftest/main/deny"]).expect("calls resolve");
}

#[test]
fn conftest_namespaces_select_packages() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "main.rego",
        "package main\nimport rego.v1\ndeny contains \"from main\" if input.kind == \"Pod\"\n",
    );
    write(
        dir.path(),
        "sec.rego",
        "package k8s.security\nimport rego.v1\ndeny contains \"from security\" if input.kind == \"Pod\"\n",
    );
    let pod = write(dir.path(), "m/pod.yaml", POD);
    let ids = |o: PolicyOptions| -> Vec<String> {
        let user = policy::UserPolicies::load(&o, &o.paths, Vec::new(), &|_| false).expect("load");
        user.rules.iter().map(|r| r.meta.id.clone()).collect()
    };
    let base = || {
        opts(vec![
            dir.path().join("main.rego"),
            dir.path().join("sec.rego"),
        ])
    };
    assert_eq!(ids(base()), vec!["conftest/main/deny"]);
    let selected = PolicyOptions {
        namespaces: vec!["k8s.security".into()],
        ..base()
    };
    assert_eq!(ids(selected), vec!["conftest/k8s.security/deny"]);
    let all = PolicyOptions {
        all_namespaces: true,
        ..base()
    };
    let out = run(
        all,
        vec![pod],
        &["conftest/main/deny", "conftest/k8s.security/deny"],
    )
    .expect("lint");
    assert_eq!(out.active().count(), 2);
}
