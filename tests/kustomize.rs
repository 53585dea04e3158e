//! The native Kustomize build (issue 17, `kubeward::kustomize`): small trees
//! written for each test, built, and checked for what `kustomize build`
//! gives (values that `kubectl kustomize` v5.8 produced for the same trees)
//! and for provenance: each value is traced to the file, line and column an
//! author wrote it at. Error and hostile cases must give located problems and
//! still build the rest.

use kubeward::kustomize::{self, ids, Build, Document, Node, Options, Value};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Writes `files` (path, text) into a fresh directory.
fn tree(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    dir
}

fn opts(root: &Path) -> Options {
    Options {
        root: Some(root.to_path_buf()),
        ..Options::default()
    }
}

/// Builds `sub` of the tree, never reading outside the tree.
fn build(dir: &TempDir, sub: &str) -> Build {
    kustomize::build(&dir.path().join(sub), &opts(dir.path()))
}

/// `path:line:column` of an origin, relative to the tree.
fn at(b: &Build, dir: &TempDir, o: kustomize::Origin) -> String {
    let prefix = format!("{}/", dir.path().display());
    b.describe(o).replacen(&prefix, "", 1)
}

fn doc<'a>(b: &'a Build, kind: &str, name: &str) -> &'a Document {
    b.documents
        .iter()
        .find(|d| {
            d.root.str_at(&["kind"]) == Some(kind)
                && d.root.str_at(&["metadata", "name"]) == Some(name)
        })
        .unwrap_or_else(|| panic!("no {kind} {name} in {:?}", names(b)))
}

fn names(b: &Build) -> Vec<String> {
    b.documents
        .iter()
        .map(|d| {
            format!(
                "{}/{}",
                d.root.str_at(&["kind"]).unwrap_or_default(),
                d.root.str_at(&["metadata", "name"]).unwrap_or_default()
            )
        })
        .collect()
}

/// The node at a dotted path (`spec.template.spec.containers.0.image`).
fn node<'a>(d: &'a Document, path: &str) -> &'a Node {
    let mut n = &d.root;
    for step in path.split('.') {
        n = match &n.value {
            Value::Seq(items) => items
                .get(step.parse::<usize>().expect("index"))
                .expect("item"),
            _ => n.get(step).unwrap_or_else(|| panic!("no {step} in {path}")),
        };
    }
    n
}

/// Where the value at `path` was written.
fn origin(b: &Build, dir: &TempDir, d: &Document, path: &str) -> String {
    at(b, dir, node(d, path).origin)
}

fn json(d: &Document, path: &str) -> serde_json::Value {
    node(d, path).to_json()
}

fn problem_ids(b: &Build) -> Vec<&'static str> {
    b.problems.iter().map(|p| p.id).collect()
}

fn problem<'a>(b: &'a Build, id: &str) -> &'a kustomize::Problem {
    b.problems
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no {id} problem in {:?}", b.problems))
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: settings
        securityContext:
          allowPrivilegeEscalation: false
      - name: sidecar
        image: busybox
";

const CONFIGMAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
";

fn base() -> Vec<(&'static str, &'static str)> {
    vec![
        ("base/deployment.yaml", DEPLOYMENT),
        ("base/configmap.yaml", CONFIGMAP),
        (
            "base/kustomization.yaml",
            "resources:\n- deployment.yaml\n- configmap.yaml\n",
        ),
    ]
}

#[test]
fn resources_namespace_and_prefix_with_their_origins() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\nnamespace: prod\nnamePrefix: shop-\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    // kustomize's order: ConfigMap before Deployment.
    assert_eq!(
        names(&b),
        ["ConfigMap/shop-settings", "Deployment/shop-web"]
    );
    let d = doc(&b, "Deployment", "shop-web");
    assert_eq!(
        origin(&b, &dir, d, "metadata.namespace"),
        "overlay/kustomization.yaml:3:12"
    );
    // The name is the base's (the prefix is the overlay's).
    assert_eq!(
        origin(&b, &dir, d, "metadata.name"),
        "base/deployment.yaml:4:9"
    );
    // The reference follows the renamed ConfigMap and stays where it was written.
    assert_eq!(
        json(
            d,
            "spec.template.spec.containers.0.envFrom.0.configMapRef.name"
        ),
        "shop-settings"
    );
    assert_eq!(
        origin(
            &b,
            &dir,
            d,
            "spec.template.spec.containers.0.envFrom.0.configMapRef.name"
        ),
        "base/deployment.yaml:13:19"
    );
    assert_eq!(
        origin(
            &b,
            &dir,
            d,
            "spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation"
        ),
        "base/deployment.yaml:15:37"
    );
    // The chain: the base's kustomization, then the overlay's.
    let chain: Vec<String> = d
        .chain
        .iter()
        .map(|&f| at(&b, &dir, kustomize::Origin::new(f, Default::default())))
        .collect();
    assert_eq!(
        chain,
        [
            "base/kustomization.yaml:1:1",
            "overlay/kustomization.yaml:1:1"
        ]
    );
}

#[test]
fn a_finding_path_maps_to_the_key_an_author_wrote() {
    let mut files = base();
    files.push((
        "overlay/patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        securityContext:\n          privileged: true\n",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\npatches:\n- path: patch.yaml\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let d = doc(&b, "Deployment", "web");
    use kustomize::PathSeg::{Index, Key};
    let k = |s: &str| Key(s.to_string());
    let path = [
        k("spec"),
        k("template"),
        k("spec"),
        k("containers"),
        Index(0),
        k("securityContext"),
        k("privileged"),
    ];
    assert_eq!(at(&b, &dir, d.origin_at(&path)), "overlay/patch.yaml:11:11");
    let path = [
        k("spec"),
        k("template"),
        k("spec"),
        k("containers"),
        Index(0),
        k("securityContext"),
        k("allowPrivilegeEscalation"),
    ];
    assert_eq!(
        at(&b, &dir, d.origin_at(&path)),
        "base/deployment.yaml:15:11"
    );
    // A path beyond what exists points at the deepest node there is.
    let path = [
        k("spec"),
        k("template"),
        k("spec"),
        k("containers"),
        Index(1),
        k("resources"),
        k("limits"),
    ];
    assert_eq!(
        at(&b, &dir, d.origin_at(&path)),
        "base/deployment.yaml:16:9"
    );
    // The empty path is the resource: its `kind:`.
    assert_eq!(at(&b, &dir, d.origin_at(&[])), "base/deployment.yaml:2:1");
}

#[test]
fn strategic_merge_patches_merge_by_the_schemas_keys() {
    let mut files = base();
    files.push((
        "overlay/patch.yaml",
        "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: sidecar
        image: busybox:1.36
      - name: extra
        image: extra:1
      - name: app
        $patch: delete
",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\npatchesStrategicMerge:\n- patch.yaml\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let d = doc(&b, "Deployment", "web");
    // The patch's items first, the target's others after; `app` deleted.
    let names: Vec<_> = node(d, "spec.template.spec.containers")
        .items()
        .expect("list")
        .iter()
        .map(|c| c.str_at(&["name"]).unwrap_or_default().to_string())
        .collect();
    assert_eq!(names, ["sidecar", "extra"]);
    assert_eq!(
        origin(&b, &dir, d, "spec.template.spec.containers.0.image"),
        "overlay/patch.yaml:10:16"
    );
    // The merge key the patch repeats stays the base's.
    assert_eq!(
        origin(&b, &dir, d, "spec.template.spec.containers.0.name"),
        "base/deployment.yaml:16:15"
    );
    assert_eq!(
        origin(&b, &dir, d, "spec.template.spec.containers.1.name"),
        "overlay/patch.yaml:11:15"
    );
}

#[test]
fn an_inline_patch_points_inside_its_block_scalar() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "\
resources:
- ../base
patches:
- target:
    kind: Deployment
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      replicas: 5
- target:
    kind: ConfigMap
    name: settings
  patch: |-
    - op: replace
      path: /data/mode
      value: slow
",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let d = doc(&b, "Deployment", "web");
    assert_eq!(json(d, "spec.replicas"), 5);
    assert_eq!(
        origin(&b, &dir, d, "spec.replicas"),
        "overlay/kustomization.yaml:12:17"
    );
    let c = doc(&b, "ConfigMap", "settings");
    assert_eq!(json(c, "data.mode"), "slow");
    assert_eq!(
        origin(&b, &dir, c, "data.mode"),
        "overlay/kustomization.yaml:19:14"
    );
}

#[test]
fn images_replicas_labels_and_annotations_point_at_the_kustomization() {
    let mut files = base();
    files.push((
        "overlay/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "\
resources:
- ../base
- svc.yaml
images:
- name: nginx
  newTag: 1.27.1
replicas:
- name: web
  count: 3
commonLabels:
  app: web
labels:
- pairs:
    team: shop
commonAnnotations:
  owner: me
",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let d = doc(&b, "Deployment", "web");
    assert_eq!(
        json(d, "spec.template.spec.containers.0.image"),
        "nginx:1.27.1"
    );
    assert_eq!(
        origin(&b, &dir, d, "spec.template.spec.containers.0.image"),
        "overlay/kustomization.yaml:6:11"
    );
    // `busybox` is not `nginx`.
    assert_eq!(
        origin(&b, &dir, d, "spec.template.spec.containers.1.image"),
        "base/deployment.yaml:17:16"
    );
    assert_eq!(json(d, "spec.replicas"), 3);
    assert_eq!(
        origin(&b, &dir, d, "spec.replicas"),
        "overlay/kustomization.yaml:9:10"
    );
    // commonLabels reach selectors and templates; `labels` without
    // includeSelectors only metadata.
    assert_eq!(
        json(d, "spec.selector.matchLabels"),
        serde_json::json!({"app": "web"})
    );
    assert_eq!(
        json(d, "spec.template.metadata.labels"),
        serde_json::json!({"app": "web"})
    );
    assert_eq!(
        json(d, "metadata.labels"),
        serde_json::json!({"app": "web", "team": "shop"})
    );
    assert_eq!(
        origin(&b, &dir, d, "spec.selector.matchLabels.app"),
        "overlay/kustomization.yaml:11:8"
    );
    assert_eq!(
        origin(&b, &dir, d, "metadata.labels.team"),
        "overlay/kustomization.yaml:14:11"
    );
    assert_eq!(
        json(d, "spec.template.metadata.annotations"),
        serde_json::json!({"owner": "me"})
    );
    let s = doc(&b, "Service", "web");
    assert_eq!(json(s, "spec.selector"), serde_json::json!({"app": "web"}));
}

#[test]
fn generators_hash_like_kustomize_and_references_follow() {
    let dir = tree(&[
        ("app/deployment.yaml", DEPLOYMENT),
        ("app/app.env", "# comment\nMODE=fast\n  LEVEL=3\n"),
        (
            "app/kustomization.yaml",
            "\
resources:
- deployment.yaml
configMapGenerator:
- name: settings
  literals:
  - a=b
  - c=d
- name: from-env
  envs:
  - app.env
secretGenerator:
- name: creds
  literals:
  - password=hunter2
generatorOptions:
  labels:
    generated: \"yes\"
",
        ),
    ]);
    let b = build(&dir, "app");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    // `kubectl kustomize` names these settings-fh478f99mk and creds-…; the
    // suffix depends on the data only.
    let cm = doc(&b, "ConfigMap", "settings-fh478f99mk");
    assert_eq!(origin(&b, &dir, cm, "data.a"), "app/kustomization.yaml:6:5");
    assert_eq!(json(cm, "metadata.labels.generated"), "yes");
    let env = b
        .documents
        .iter()
        .find(|d| {
            d.root
                .str_at(&["metadata", "name"])
                .is_some_and(|n| n.starts_with("from-env-"))
        })
        .expect("env configmap");
    assert_eq!(
        json(env, "data"),
        serde_json::json!({"MODE": "fast", "LEVEL": "3"})
    );
    assert_eq!(origin(&b, &dir, env, "data.LEVEL"), "app/app.env:3:3");
    let secret = b
        .documents
        .iter()
        .find(|d| d.root.str_at(&["kind"]) == Some("Secret"))
        .expect("secret");
    assert_eq!(json(secret, "data.password"), "aHVudGVyMg==");
    assert_eq!(json(secret, "type"), "Opaque");
    let d = doc(&b, "Deployment", "web");
    assert_eq!(
        json(
            d,
            "spec.template.spec.containers.0.envFrom.0.configMapRef.name"
        ),
        "settings-fh478f99mk"
    );
}

#[test]
fn generator_merge_and_replace_act_on_the_base() {
    let dir = tree(&[
        ("base/kustomization.yaml", "configMapGenerator:\n- name: cfg\n  literals: [a=1, b=2]\n"),
        (
            "overlay/kustomization.yaml",
            "resources:\n- ../base\nconfigMapGenerator:\n- name: cfg\n  behavior: merge\n  literals: [b=3, c=4]\n",
        ),
    ]);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert_eq!(b.documents.len(), 1);
    let d = &b.documents[0];
    assert_eq!(
        json(d, "data"),
        serde_json::json!({"a": "1", "b": "3", "c": "4"})
    );
    assert_eq!(
        origin(&b, &dir, d, "data.a"),
        "base/kustomization.yaml:3:14"
    );
    assert_eq!(
        origin(&b, &dir, d, "data.b"),
        "overlay/kustomization.yaml:6:14"
    );
}

#[test]
fn components_apply_to_what_includes_them() {
    let mut files = base();
    files.push((
        "comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- extra.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - {op: add, path: /data/flag, value: \"on\"}\n",
    ));
    files.push((
        "comp/extra.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {}\n",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\ncomponents:\n- ../comp\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let c = doc(&b, "ConfigMap", "settings");
    assert_eq!(json(c, "data.flag"), "on");
    assert_eq!(
        at(&b, &dir, node(c, "data.flag").origin),
        "comp/kustomization.yaml:8:42"
    );
    assert_eq!(json(doc(&b, "ConfigMap", "extra"), "data.flag"), "on");
    // A component listed as a resource is refused.
    files = base();
    files.push((
        "comp/kustomization.yaml",
        "kind: Component\nresources: []\n",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\n- ../comp\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert_eq!(problem_ids(&b), [ids::COMPONENT]);
    assert_eq!(b.documents.len(), 2);
}

#[test]
fn replacements_and_vars_copy_values_with_their_origin() {
    let dir = tree(&[
        ("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n"),
        (
            "job.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      containers:\n      - name: m\n        image: m\n        args: [\"--host=$(DB_HOST)\"]\n        env:\n        - name: HOST\n          value: placeholder\n",
        ),
        (
            "kustomization.yaml",
            "\
resources: [svc.yaml, job.yaml]
namePrefix: p-
vars:
- name: DB_HOST
  objref: {kind: Service, name: db, apiVersion: v1}
replacements:
- source: {kind: Service, name: db}
  targets:
  - select: {kind: Job}
    fieldPaths:
    - spec.template.spec.containers.[name=m].env.[name=HOST].value
",
        ),
    ]);
    let b = build(&dir, ".");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    let j = doc(&b, "Job", "p-migrate");
    assert_eq!(
        json(j, "spec.template.spec.containers.0.args.0"),
        "--host=p-db"
    );
    // The replaced value came from the Service's name.
    assert_eq!(
        json(j, "spec.template.spec.containers.0.env.0.value"),
        "p-db"
    );
    assert_eq!(
        origin(&b, &dir, j, "spec.template.spec.containers.0.env.0.value"),
        "svc.yaml:4:9"
    );
}

#[test]
fn a_resource_deleted_by_a_patch_is_gone() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: settings\n    $patch: delete\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert_eq!(names(&b), ["Deployment/web"]);
}

#[test]
fn kustomize_reads_yaml_1_1_booleans_as_strings() {
    let dir = tree(&[
        (
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: yes\n  b: 0644\n",
        ),
        ("kustomization.yaml", "resources: [cm.yaml]\n"),
    ]);
    let b = build(&dir, ".");
    let d = doc(&b, "ConfigMap", "x");
    assert_eq!(json(d, "data"), serde_json::json!({"a": "yes", "b": 420}));
}

// ---- errors: located problems, the rest still built ----

#[test]
fn missing_files_and_remote_resources_are_located() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\n- missing.yaml\n- https://github.com/org/repo//deploy?ref=v1\npatches:\n- path: nope.yaml\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert_eq!(b.documents.len(), 2, "{:?}", names(&b));
    let p = problem(&b, ids::MISSING_FILE);
    assert_eq!(
        at(&b, &dir, p.at.expect("located")),
        "overlay/kustomization.yaml:3:3"
    );
    let p = problem(&b, ids::REMOTE_RESOURCE);
    assert_eq!(
        at(&b, &dir, p.at.expect("located")),
        "overlay/kustomization.yaml:4:3"
    );
    assert!(b.problems.iter().any(|p| p.id == ids::MISSING_FILE
        && p.at
            .is_some_and(|o| at(&b, &dir, o) == "overlay/kustomization.yaml:6:9")));
}

#[test]
fn a_directory_without_a_kustomization_is_a_problem() {
    let dir = tree(&[("x/readme.md", "hi")]);
    let b = build(&dir, "x");
    assert_eq!(problem_ids(&b), [ids::NO_KUSTOMIZATION]);
    assert!(b.problems[0].at.is_none());
    assert!(b.documents.is_empty());
}

#[test]
fn cycles_are_found_and_the_rest_is_built() {
    let dir = tree(&[
        ("a/kustomization.yaml", "resources:\n- ../b\n- cm.yaml\n"),
        ("a/cm.yaml", CONFIGMAP),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let b = build(&dir, "a");
    let p = problem(&b, ids::CYCLE);
    assert_eq!(
        at(&b, &dir, p.at.expect("located")),
        "b/kustomization.yaml:2:3"
    );
    assert_eq!(names(&b), ["ConfigMap/settings"]);
}

#[test]
fn deep_nesting_is_bounded() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..80 {
        files.push((
            format!("k{i}/kustomization.yaml"),
            format!("resources:\n- ../k{}\n", i + 1),
        ));
    }
    files.push((
        "k80/kustomization.yaml".into(),
        "resources:\n- cm.yaml\n".into(),
    ));
    files.push(("k80/cm.yaml".into(), CONFIGMAP.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = tree(&refs);
    let b = build(&dir, "k0");
    assert_eq!(problem_ids(&b), [ids::TOO_DEEP]);
    assert!(b.documents.is_empty());
}

#[test]
fn dot_dot_never_leaves_the_root() {
    let outside = tree(&[
        ("secret.yaml", CONFIGMAP),
        ("kustomization.yaml", "resources: [secret.yaml]\n"),
    ]);
    let inside = tree(&[]);
    let rel = pathdiff(outside.path(), inside.path());
    let k = format!("resources:\n- {rel}\n- {rel}/secret.yaml\n");
    std::fs::write(inside.path().join("kustomization.yaml"), k).expect("write");
    let b = build(&inside, ".");
    assert!(b.documents.is_empty());
    assert!(
        problem_ids(&b)
            .iter()
            .all(|&i| i == ids::OUTSIDE_ROOT || i == ids::LOAD_RESTRICTION),
        "{:?}",
        b.problems
    );
    assert!(problem_ids(&b).contains(&ids::OUTSIDE_ROOT));
    // Nothing outside was read.
    assert!(b.files.iter().all(|f| !f.path.contains("secret.yaml")));
}

/// `to` relative to `from` (both absolute).
fn pathdiff(to: &Path, from: &Path) -> String {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut p = PathBuf::new();
    for _ in common..from.len() {
        p.push("..");
    }
    for c in &to[common..] {
        p.push(c);
    }
    p.display().to_string()
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_refused() {
    let outside = tree(&[
        ("cm.yaml", CONFIGMAP),
        ("kustomization.yaml", "resources: [cm.yaml]\n"),
    ]);
    let dir = tree(&[
        (
            "kustomization.yaml",
            "resources:\n- link.yaml\n- linkdir\n- ok.yaml\n",
        ),
        ("ok.yaml", DEPLOYMENT),
    ]);
    std::os::unix::fs::symlink(outside.path().join("cm.yaml"), dir.path().join("link.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).expect("symlink");
    let b = build(&dir, ".");
    assert_eq!(problem_ids(&b), [ids::OUTSIDE_ROOT, ids::OUTSIDE_ROOT]);
    assert_eq!(names(&b), ["Deployment/web"]);
    // A symlink inside the tree is followed.
    let dir = tree(&[
        ("kustomization.yaml", "resources:\n- link.yaml\n"),
        ("real/cm.yaml", CONFIGMAP),
    ]);
    std::os::unix::fs::symlink(
        dir.path().join("real/cm.yaml"),
        dir.path().join("link.yaml"),
    )
    .expect("symlink");
    let b = build(&dir, ".");
    assert!(b.problems.is_empty(), "{:?}", b.problems);
    assert_eq!(names(&b), ["ConfigMap/settings"]);
}

#[test]
fn patches_that_match_nothing_and_conflicts_are_reported() {
    let mut files = base();
    files.push(("overlay/dup.yaml", CONFIGMAP));
    files.push((
        "overlay/kustomization.yaml",
        "\
resources:
- ../base
- dup.yaml
patches:
- target: {kind: StatefulSet}
  patch: |-
    - {op: add, path: /spec/replicas, value: 1}
- patch: |-
    apiVersion: v1
    kind: Secret
    metadata: {name: nope}
    data: {}
",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    let mut got = problem_ids(&b);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ids::CONFLICTING_ID,
            ids::PATCH_NO_TARGET,
            ids::PATCH_NO_TARGET
        ]
    );
    assert_eq!(
        at(&b, &dir, problem(&b, ids::CONFLICTING_ID).at.expect("at")),
        "overlay/kustomization.yaml:3:3"
    );
    assert_eq!(b.documents.len(), 2);
}

#[test]
fn unknown_and_unsupported_fields_and_bad_yaml_are_problems() {
    let mut files = base();
    files.push((
        "overlay/bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad\n",
    ));
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\n- bad.yaml\nnamePrefx: x-\nhelmCharts:\n- name: redis\ntransformers:\n- t.yaml\n",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    let mut got = problem_ids(&b);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            ids::HELM_CHART,
            ids::INVALID_YAML,
            ids::UNKNOWN_FIELD,
            ids::UNSUPPORTED
        ]
    );
    assert_eq!(
        at(&b, &dir, problem(&b, ids::UNKNOWN_FIELD).at.expect("at")),
        "overlay/kustomization.yaml:4:1"
    );
    assert_eq!(b.documents.len(), 2);
}

#[test]
fn invalid_patches_do_not_stop_the_build() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "\
resources:
- ../base
patches:
- target: {kind: ConfigMap}
  patch: |-
    - {op: replace, path: /data/missing, value: x}
- target: {kind: ConfigMap}
  patch: |-
    - {op: add, path: /data/ok, value: y}
- target: {kind: Deployment}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web}
    spec: [not, a, map]
",
    ));
    let dir = tree(&files);
    let b = build(&dir, "overlay");
    assert_eq!(problem_ids(&b), [ids::INVALID_PATCH, ids::INVALID_PATCH]);
    assert_eq!(
        at(&b, &dir, b.problems[0].at.expect("at")),
        "overlay/kustomization.yaml:6:7"
    );
    assert_eq!(json(doc(&b, "ConfigMap", "settings"), "data.ok"), "y");
}

// ---- hostile input ----

#[test]
fn output_size_is_bounded() {
    let many: String = (0..50)
        .map(|i| format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"))
        .collect();
    let dir = tree(&[
        ("many.yaml", &many),
        ("kustomization.yaml", "resources: [many.yaml]\n"),
    ]);
    let b = kustomize::build(
        dir.path(),
        &Options {
            max_documents: 10,
            ..opts(dir.path())
        },
    );
    assert_eq!(problem_ids(&b), [ids::TOO_LARGE]);
    assert_eq!(b.documents.len(), 10);
    // A JSON patch that doubles a tree again and again stops at the node limit.
    let ops: String = (0..40)
        .map(|i| format!("- {{op: copy, from: /data, path: /data/x{i}}}\n"))
        .collect();
    let dir = tree(&[
        (
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n",
        ),
        ("ops.yaml", &ops),
        (
            "kustomization.yaml",
            "resources: [cm.yaml]\npatches:\n- path: ops.yaml\n  target: {kind: ConfigMap}\n",
        ),
    ]);
    let b = kustomize::build(
        dir.path(),
        &Options {
            max_nodes: 10_000,
            ..opts(dir.path())
        },
    );
    assert_eq!(problem_ids(&b), [ids::TOO_LARGE]);
    assert_eq!(json(&b.documents[0], "data"), serde_json::json!({"a": "b"}));
}

#[test]
fn deeply_nested_documents_are_refused_not_overflowing() {
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: d}}\ndata: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let dir = tree(&[
        ("deep.yaml", &deep),
        ("ok.yaml", CONFIGMAP),
        ("kustomization.yaml", "resources: [deep.yaml, ok.yaml]\n"),
    ]);
    let b = build(&dir, ".");
    assert_eq!(problem_ids(&b), [ids::INVALID_YAML]);
    assert_eq!(names(&b), ["ConfigMap/settings"]);
}

#[test]
fn the_render_command_prints_the_build() {
    let mut files = base();
    files.push((
        "overlay/kustomization.yaml",
        "resources:\n- ../base\nnamespace: prod\n",
    ));
    files.push((".kubeward.yaml", ""));
    let dir = tree(&files);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(["render", "--provenance", "overlay"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("namespace: prod  # overlay/kustomization.yaml:3:12"),
        "{text}"
    );
    assert!(
        text.contains("image: nginx:1.25  # base/deployment.yaml:10:16"),
        "{text}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubeward"))
        .args(["render", "--format", "json", "missing-dir"])
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
