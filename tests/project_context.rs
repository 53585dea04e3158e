//! A file's findings are a function of the project, not of the command line:
//! cross-resource rules read the whole project's inventory whether the file
//! is linted alone (pre-commit), as an editor buffer, or with everything (CI).

mod common;

use common::{kubeward_in, text};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      serviceAccountName: web\n      automountServiceAccountToken: false\n      containers:\n      - name: web\n        image: nginx:1.25\n";
const NETPOL: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n";

/// A repository: the Deployment in apps/, its NetworkPolicy and PDB elsewhere.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join(".git")).expect("git");
    std::fs::create_dir_all(root.join("apps")).expect("apps");
    std::fs::create_dir_all(root.join("platform")).expect("platform");
    std::fs::write(root.join("apps/deploy.yaml"), DEPLOY).expect("write");
    std::fs::write(root.join("platform/netpol.yaml"), NETPOL).expect("write");
    std::fs::write(root.join("platform/pdb.yaml"), PDB).expect("write");
    dir
}

/// The compact lines of a run that are about `file`, sorted.
fn lines_for(out: &std::process::Output, file: &str) -> Vec<String> {
    let mut lines: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| l.starts_with(file))
        .map(str::to_string)
        .collect();
    lines.sort();
    lines
}

fn lint(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--format", "compact", "--no-cache"];
    all.extend_from_slice(args);
    kubeward_in(dir, &all)
}

const CROSS: [&str; 2] = ["network/workload-not-isolated", "reliability/pdb-missing"];

#[test]
fn a_named_file_is_judged_against_the_project() {
    let dir = repo();
    let whole = lines_for(&lint(dir.path(), &["."]), "apps/deploy.yaml");
    let alone = lines_for(&lint(dir.path(), &["apps/deploy.yaml"]), "apps/deploy.yaml");
    assert_eq!(alone, whole);
    assert!(
        !alone.iter().any(|l| CROSS.iter().any(|r| l.contains(r))),
        "{alone:#?}"
    );
    // From inside a subdirectory, the root is still the repository's.
    let inside = lines_for(
        &lint(&dir.path().join("apps"), &["deploy.yaml"]),
        "deploy.yaml",
    );
    assert_eq!(
        inside,
        alone
            .iter()
            .map(|l| l.trim_start_matches("apps/").to_string())
            .collect::<Vec<_>>()
    );
    // Only the named file is reported.
    let out = lint(dir.path(), &["apps/deploy.yaml"]);
    assert!(text(&out.stdout)
        .lines()
        .all(|l| l.starts_with("apps/deploy.yaml")));
}

#[test]
fn without_project_context_only_the_linted_files_count() {
    let dir = repo();
    let out = lint(dir.path(), &["--no-project-context", "apps/deploy.yaml"]);
    let lines = lines_for(&out, "apps/deploy.yaml");
    for rule in CROSS {
        assert!(lines.iter().any(|l| l.contains(rule)), "{rule}: {lines:#?}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the linted files contain no NetworkPolicy")),
        "{lines:#?}"
    );
    // The project's config can say the same.
    std::fs::write(
        dir.path().join(".kubeward.yaml"),
        "project-context: false\n",
    )
    .expect("config");
    let by_config = lines_for(&lint(dir.path(), &["apps/deploy.yaml"]), "apps/deploy.yaml");
    assert_eq!(by_config, lines);
    std::fs::write(
        dir.path().join(".kubeward.yaml"),
        "project-context: maybe\n",
    )
    .expect("config");
    let bad = lint(dir.path(), &["apps/deploy.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("project-context must be true or false"));
}

#[test]
fn messages_name_the_project() {
    let dir = repo();
    std::fs::remove_file(dir.path().join("platform/netpol.yaml")).expect("rm");
    let lines = lines_for(&lint(dir.path(), &["apps/deploy.yaml"]), "apps/deploy.yaml");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("the project contains no NetworkPolicy")),
        "{lines:#?}"
    );
}

#[test]
fn an_editor_buffer_replaces_its_file_on_disk() {
    let dir = repo();
    // The buffer of apps/deploy.yaml relabels the pods and adds a Service for
    // the old label: counting the copy on disk (whose pods still carry it)
    // would hide that the Service now selects nothing.
    let buffer = format!(
        "{}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector: {{app: web}}\n  ports:\n  - port: 80\n",
        DEPLOY.replace("app: web", "app: api")
    );
    let mut child = common::kubeward_command()
        .args([
            "--format",
            "compact",
            "--no-cache",
            "--stdin-filename",
            "apps/deploy.yaml",
            "-",
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(buffer.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("run");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        text(&out.stderr)
    );
    let lines = lines_for(&out, "apps/deploy.yaml");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("reliability/dangling-service")),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // And the editor sees what a whole-project run sees with that buffer saved.
    std::fs::write(dir.path().join("apps/deploy.yaml"), &buffer).expect("save");
    let saved = lines_for(&lint(dir.path(), &["."]), "apps/deploy.yaml");
    assert_eq!(lines, saved);
}

#[test]
fn pre_commit_batches_agree() {
    let dir = repo();
    let files = [
        "apps/deploy.yaml",
        "platform/netpol.yaml",
        "platform/pdb.yaml",
    ];
    let together = lint(dir.path(), &files);
    let mut one_by_one: Vec<String> = files
        .iter()
        .flat_map(|f| lines_for(&lint(dir.path(), &[f]), f))
        .collect();
    one_by_one.sort();
    let mut all: Vec<String> = text(&together.stdout).lines().map(str::to_string).collect();
    all.sort();
    all.retain(|l| files.iter().any(|f| l.starts_with(f)));
    assert_eq!(all, one_by_one);
}

/// A project big enough to be cached, and a cache directory of its own.
fn big_repo() -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = repo();
    for i in 0..kubeward::project::CACHE_MIN_FILES {
        std::fs::write(
            dir.path().join(format!("platform/cm-{i:04}.yaml")),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: shop\ndata:\n  k: v\n"),
        )
        .expect("write");
    }
    (dir, tempfile::tempdir().expect("cache dir"))
}

fn cached(dir: &Path, cache: &Path) -> std::process::Output {
    let cache = cache.to_str().expect("utf-8 temp path");
    kubeward_in(
        dir,
        &[
            "--format",
            "compact",
            "--cache-dir",
            cache,
            "apps/deploy.yaml",
        ],
    )
}

/// The inventory files in a cache directory (it also holds `programs/`, the
/// compiled rule programs).
fn inventories(cache: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache)
        .expect("cache dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("inventory-"))
        })
        .collect()
}

#[test]
fn the_cache_gives_what_a_fresh_read_gives_and_follows_changes() {
    let (dir, cache) = big_repo();
    let fresh = lines_for(&lint(dir.path(), &["apps/deploy.yaml"]), "apps/deploy.yaml");
    let cold = cached(dir.path(), cache.path());
    assert_eq!(lines_for(&cold, "apps/deploy.yaml"), fresh);
    let written = inventories(cache.path());
    assert_eq!(written.len(), 1, "one cache file per project");
    let warm = cached(dir.path(), cache.path());
    assert_eq!(lines_for(&warm, "apps/deploy.yaml"), fresh);
    // The NetworkPolicy goes: the cached entry of a file that is gone must not
    // keep isolating the Deployment.
    std::fs::remove_file(dir.path().join("platform/netpol.yaml")).expect("rm");
    let after = lines_for(&cached(dir.path(), cache.path()), "apps/deploy.yaml");
    assert!(
        after
            .iter()
            .any(|l| l.contains("network/workload-not-isolated")),
        "{after:#?}"
    );
    // A changed file is read again (same size, new content and mtime).
    std::fs::write(
        dir.path().join("platform/pdb.yaml"),
        PDB.replace("app: web", "app: wex"),
    )
    .expect("write");
    let changed = lines_for(&cached(dir.path(), cache.path()), "apps/deploy.yaml");
    assert!(
        changed
            .iter()
            .any(|l| l.contains("reliability/pdb-missing")),
        "{changed:#?}"
    );
}

#[test]
fn a_corrupt_cache_is_ignored() {
    let (dir, cache) = big_repo();
    let fresh = lines_for(&lint(dir.path(), &["apps/deploy.yaml"]), "apps/deploy.yaml");
    let _ = cached(dir.path(), cache.path());
    for file in inventories(cache.path()) {
        std::fs::write(file, b"{\"format\": 1, \"files\": [\x00garbage").expect("corrupt");
    }
    let out = cached(dir.path(), cache.path());
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(lines_for(&out, "apps/deploy.yaml"), fresh);
    // A cache directory that cannot be created is not an error either.
    let blocked = dir.path().join("platform/pdb.yaml");
    let out = kubeward_in(
        dir.path(),
        &[
            "--format",
            "compact",
            "--cache-dir",
            blocked.join("sub").to_str().expect("utf-8"),
            "apps/deploy.yaml",
        ],
    );
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(lines_for(&out, "apps/deploy.yaml"), fresh);
}

/// `kubeward ../other/x.yaml` looks for its config (and project) upwards from
/// where the path points, not through the current directory: walking up
/// `/repo/a/../b` by name would pass through `/repo/a` and apply its config.
#[test]
fn paths_with_dot_dot_use_their_own_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).expect("a");
    std::fs::create_dir_all(&b).expect("b");
    std::fs::write(
        a.join(".kubeward.yaml"),
        "rules:\n  disable: [pod-security/privileged]\n",
    )
    .expect("config");
    std::fs::write(
        b.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext:\n      privileged: true\n",
    )
    .expect("pod");
    let out = lint(&a, &["../b/pod.yaml"]);
    assert!(
        text(&out.stdout).contains("pod-security/privileged"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
