//! Issue 13, points 3, 7 and 8: report and baseline files are replaced
//! atomically and never over a linted file; a baseline of an incomplete run is
//! not recorded; `--policy` paths that load nothing are usage errors; suppression
//! comments with thousands of ids stay linear.

mod common;

use common::{kubeward_in, text};

const PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    securityContext:\n      privileged: true\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pod.yaml"), PRIVILEGED).expect("write");
    dir
}

#[test]
fn format_file_dash_is_stdout() {
    let dir = project();
    let out = kubeward_in(
        dir.path(),
        &["--no-config", "--format", "json=-", "pod.yaml"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(!dir.path().join("-").exists(), "no file named `-`");
    // Two reports cannot share stdout.
    let out = kubeward_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "json=-",
            "--format",
            "compact",
            "pod.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("stdout"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn refuses_to_write_over_a_linted_file() {
    let dir = project();
    for args in [
        vec![
            "--no-config",
            "-o",
            "pod.yaml",
            "--format",
            "json",
            "pod.yaml",
        ],
        vec!["--no-config", "--format", "sarif=./pod.yaml", "pod.yaml"],
        vec!["--no-config", "--write-baseline", "pod.yaml", "."],
    ] {
        let out = kubeward_in(dir.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("it is one of the linted files"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("pod.yaml")).expect("read"),
            PRIVILEGED,
            "{args:?} left the manifest alone"
        );
    }
}

#[test]
fn a_failing_report_file_does_not_stop_the_others() {
    let dir = project();
    // A directory where a report file should go cannot be replaced by a file.
    std::fs::create_dir(dir.path().join("blocked.sarif")).expect("mkdir");
    let out = kubeward_in(
        dir.path(),
        &[
            "--no-config",
            "--format",
            "sarif=blocked.sarif",
            "--format",
            "json=out/report.json",
            "--format",
            "compact",
            "pod.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot write blocked.sarif"));
    let json = std::fs::read(dir.path().join("out/report.json")).expect("json report written");
    serde_json::from_slice::<serde_json::Value>(&json).expect("whole JSON");
    assert!(
        text(&out.stdout).contains("pod-security/privileged"),
        "stdout report written"
    );
    // Nothing half-written is left beside the targets.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("report.json")]);
}

#[test]
fn baseline_of_an_incomplete_run_is_not_recorded() {
    let dir = project();
    std::fs::write(
        dir.path().join("old.json"),
        "{\"version\": 1, \"findings\": []}\n",
    )
    .expect("seed");
    // A path that cannot be read (missing) makes the run incomplete.
    let out = kubeward_in(
        dir.path(),
        &[
            "--no-config",
            "--write-baseline",
            "old.json",
            "pod.yaml",
            "missing.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("missing.yaml"), "{err}");
    assert!(err.contains("baseline not written"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("old.json")).expect("read"),
        "{\"version\": 1, \"findings\": []}\n",
        "the previous baseline is kept"
    );
    // A complete run records it (atomically: no temporary file left).
    let out = kubeward_in(
        dir.path(),
        &["--no-config", "--write-baseline", "old.json", "pod.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("old.json")).expect("read"))
            .expect("baseline JSON");
    assert!(b["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);
}

#[test]
fn a_policy_path_that_loads_nothing_is_a_usage_error() {
    let dir = project();
    let empty = dir.path().join("policy-empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let backup = dir.path().join("policy-bak");
    std::fs::create_dir(&backup).expect("mkdir");
    std::fs::write(
        backup.join("deny.rego.bak"),
        "package main\ndeny contains \"x\" if { true }\n",
    )
    .expect("write");
    for p in ["policy-empty", "policy-bak", "policy-bak/deny.rego.bak"] {
        let out = kubeward_in(dir.path(), &["--no-config", "--policy", p, "pod.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{p}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("no policy found"),
            "{p}: {}",
            text(&out.stderr)
        );
    }
}

/// Before: every id of the comment recomputed the comment's column by walking
/// the whole line, so 20,000 ids took minutes; now the position is computed
/// once per comment.
#[test]
fn a_suppression_comment_with_thousands_of_ids_is_linear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = vec!["pod-security/privileged"; 20_000].join(",");
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p  # kubeward:ignore {ids} -- r\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n"
    );
    std::fs::write(dir.path().join("pod.yaml"), manifest).expect("write");
    let out = kubeward_in(dir.path(), &["--no-config", "--format", "json", "pod.yaml"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let unused = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "kubeward/unused-suppression")
        .count();
    assert!(unused >= 1, "{}", text(&out.stdout));
}

/// `--format X=/dev/stderr` with stderr redirected to a regular file: the
/// report goes into that file, and `/dev/stderr` is not replaced by one (the
/// first atomic writer renamed a temporary file over it).
#[cfg(unix)]
#[test]
fn dev_stderr_redirected_to_a_file_is_written_not_replaced() {
    let dir = project();
    let was_link = std::fs::symlink_metadata("/dev/stderr").map(|m| m.file_type().is_symlink());
    let log = dir.path().join("stderr.log");
    let status = common::kubeward_command()
        .args([
            "--no-config",
            "--format",
            "json=/dev/stderr",
            "--format",
            "compact",
            "pod.yaml",
        ])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log"))
        .status()
        .expect("binary runs");
    assert_eq!(status.code(), Some(1));
    let written = std::fs::read(&log).expect("log");
    let v: serde_json::Value = serde_json::from_slice(&written).expect("JSON in the log");
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(
        std::fs::symlink_metadata("/dev/stderr")
            .map(|m| m.file_type().is_symlink())
            .ok(),
        was_link.ok(),
        "/dev/stderr is what it was"
    );
}
