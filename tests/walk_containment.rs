//! The walk stays in the repository (issue 13): symlinks met while walking are
//! not followed unless `--follow`, and then only inside the walked directory;
//! /proc, /sys and /dev are never walked or read; option files (`--config`,
//! discovered configs, `--baseline`, `--data`, policies) get the linted files'
//! guards (size cap, no FIFOs or devices); a config's `policies:` stays inside
//! its project. Every run has a deadline: a hang fails the test instead of
//! blocking it forever. Unix only (symlinks, FIFOs, /proc).

#![cfg(unix)]

mod common;

use kubeward::limits::Limits;
use kubeward::policy::PolicyOptions;
use kubeward::{lint, ConfigChoice, Outcome, Settings};
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A policy that loads (a policy path that yields none is a usage error).
const REAL_POLICY: &str = "package main\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"Nothing\"\n\tmsg := \"never\"\n}\n";

/// Generous for a debug build on a shared 2-core machine; a hang never ends.
const DEADLINE: Duration = Duration::from_secs(120);

/// A manifest with findings, and one without.
const FINDINGS: &str = "testdata/formats/findings.yaml";
const CLEAN: &str = "testdata/formats/clean.yaml";

fn settings(paths: Vec<PathBuf>) -> Settings {
    Settings {
        paths,
        config: ConfigChoice::Disabled,
        threads: 1,
        ..Default::default()
    }
}

/// Lints on a thread; fails the test if the run takes longer than the deadline.
fn lint_within(settings: Settings) -> Result<Outcome, String> {
    let (tx, rx) = mpsc::channel();
    let what = format!("{:?}", settings.paths);
    std::thread::spawn(move || {
        let _ = tx.send(lint(&settings).map_err(|e| e.to_string()));
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("lint of {what} hung"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("lint of {what} panicked"),
    }
}

fn linted(settings: Settings) -> Outcome {
    lint_within(settings).unwrap_or_else(|e| panic!("lint failed: {e}"))
}

/// The run's error message (it must fail, within the deadline).
fn refused(settings: Settings) -> String {
    match lint_within(settings) {
        Ok(o) => panic!("expected an error, got problems {:?}", o.problems),
        Err(e) => e,
    }
}

/// The names (last component) of the linted files.
fn names(outcome: &Outcome) -> Vec<String> {
    outcome
        .files
        .iter()
        .map(|f| {
            Path::new(&f.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn problems(outcome: &Outcome) -> Vec<String> {
    outcome
        .problems
        .iter()
        .map(|p| format!("{} | {} | {}", p.path, p.message, p.is_error))
        .collect()
}

fn mkfifo(path: &Path) -> bool {
    // mkfifo is POSIX (coreutils): without it the FIFO cases cannot be made,
    // and that fails the test rather than passing it untested.
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        made,
        "mkfifo {} failed: these tests need mkfifo",
        path.display()
    );
    made
}

/// Runs the binary with output to files (no pipe can fill), killed at the
/// deadline: (exit code, stderr, how long it took).
fn kubeward(args: &[&str], dir: &Path) -> (Option<i32>, String, Duration) {
    let out = dir.join("kubeward.out");
    let err = dir.join("kubeward.err");
    let started = Instant::now();
    let mut child = common::kubeward_command()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("binary runs");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kubeward {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    (status.code(), stderr, started.elapsed())
}

#[test]
fn a_symlink_to_sys_is_not_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("repo");
    std::fs::create_dir(&root).expect("mkdir");
    symlink("/sys", root.join("s")).expect("symlink");
    std::fs::copy(FINDINGS, root.join("app.yaml")).expect("copy");

    // Default: the symlink is skipped silently, as ripgrep does.
    let o = linted(settings(vec![root.clone()]));
    assert_eq!(names(&o), vec!["app.yaml"]);
    assert!(o.problems.is_empty(), "{:?}", problems(&o));

    // --follow: still not walked, and the note says why (not an error).
    let o = linted(Settings {
        follow_symlinks: true,
        ..settings(vec![root.clone()])
    });
    assert_eq!(names(&o), vec!["app.yaml"]);
    let p = problems(&o);
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("symlink into /sys (a kernel pseudo-filesystem) not followed | false"),
        "{p:?}"
    );

    // The binary takes the flag and finishes quickly either way.
    let root_arg = root.to_str().expect("UTF-8 tempdir");
    for args in [
        vec!["--no-config", root_arg],
        vec!["--no-config", "--follow", root_arg],
    ] {
        let (code, stderr, took) = kubeward(&args, dir.path());
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("/sys/"), "{stderr}");
        assert!(took < Duration::from_secs(60), "{args:?} took {took:?}");
    }
}

#[test]
fn a_symlink_outside_the_root_is_not_followed_even_with_follow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("secret.yaml");
    std::fs::copy(FINDINGS, &outside).expect("copy");
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("sub")).expect("mkdir");
    symlink(&outside, root.join("leak.yaml")).expect("symlink");
    // A directory link out of the tree, too.
    std::fs::create_dir(dir.path().join("elsewhere")).expect("mkdir");
    std::fs::copy(FINDINGS, dir.path().join("elsewhere/other.yaml")).expect("copy");
    symlink(dir.path().join("elsewhere"), root.join("sub/out")).expect("symlink");
    std::fs::copy(CLEAN, root.join("clean.yaml")).expect("copy");

    let o = linted(settings(vec![root.clone()]));
    assert_eq!(names(&o), vec!["clean.yaml"]);
    assert!(o.problems.is_empty(), "{:?}", problems(&o));

    let o = linted(Settings {
        follow_symlinks: true,
        ..settings(vec![root.clone()])
    });
    assert_eq!(names(&o), vec!["clean.yaml"]);
    let p = problems(&o);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p.iter()
            .all(|m| m.contains("not followed: it is outside") && m.ends_with("| false")),
        "{p:?}"
    );

    // Named on the command line, the same link is the user's choice: linted.
    let o = linted(settings(vec![root.join("leak.yaml")]));
    assert_eq!(names(&o), vec!["leak.yaml"]);
}

#[test]
fn a_symlink_inside_the_root_is_linted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::copy(FINDINGS, root.join("a.yaml")).expect("copy");
    symlink("a.yaml", root.join("b.yaml")).expect("symlink");
    std::fs::create_dir(root.join("real")).expect("mkdir");
    std::fs::copy(CLEAN, root.join("real/c.yaml")).expect("copy");
    symlink("real", root.join("linked")).expect("symlink");

    // Not followed: each file through its real path only.
    let o = linted(settings(vec![root.to_path_buf()]));
    assert_eq!(names(&o), vec!["a.yaml", "c.yaml"]);
    assert!(o.problems.is_empty(), "{:?}", problems(&o));
    assert!(o.files.iter().all(|f| !f.path.contains("linked")));

    // Followed (the targets are inside): still each file once.
    let o = linted(Settings {
        follow_symlinks: true,
        ..settings(vec![root.to_path_buf()])
    });
    let mut got = names(&o);
    got.sort();
    assert_eq!(got, vec!["a.yaml", "c.yaml"], "{:?}", problems(&o));
    assert!(o.problems.is_empty(), "{:?}", problems(&o));
}

#[test]
fn proc_sys_and_dev_are_refused_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let link = dir.path().join("status.yaml");
    symlink("/proc/self/status", &link).expect("symlink");
    for named in [
        PathBuf::from("/proc/self/status"),
        PathBuf::from("/dev/zero"),
        PathBuf::from("/proc"),
        link,
    ] {
        let o = linted(settings(vec![named.clone(), PathBuf::from(FINDINGS)]));
        assert_eq!(names(&o), vec!["findings.yaml"], "{named:?}");
        let p = problems(&o);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains(
                "a kernel pseudo-filesystem: kubeward never reads /proc, /sys or /dev | true"
            ),
            "{p:?}"
        );
    }
    // The binary: exit 2 at once, the reason on stderr.
    for named in ["/proc", "/dev/zero", "/sys/kernel"] {
        let (code, stderr, took) = kubeward(&["--no-config", named], dir.path());
        assert_eq!(code, Some(2), "{named}: {stderr}");
        assert!(stderr.contains("kubeward never reads"), "{stderr}");
        assert!(took < Duration::from_secs(60), "{named} took {took:?}");
    }
}

#[test]
fn fifo_option_files_are_refused_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.yaml");
    assert!(mkfifo(&fifo));
    let file = || vec![PathBuf::from(CLEAN)];
    let not_regular = "not a regular file (a FIFO)";

    let e = refused(Settings {
        config: ConfigChoice::File(fifo.clone()),
        ..settings(file())
    });
    assert!(
        e.contains("cannot read the config") && e.contains(not_regular),
        "{e}"
    );

    let e = refused(Settings {
        baseline: Some(fifo.clone()),
        ..settings(file())
    });
    assert!(
        e.contains("cannot read baseline") && e.contains(not_regular),
        "{e}"
    );

    let e = refused(Settings {
        policies: PolicyOptions {
            data: vec![fifo.clone()],
            ..Default::default()
        },
        ..settings(file())
    });
    assert!(
        e.contains("cannot read the data file") && e.contains(not_regular),
        "{e}"
    );

    let e = refused(Settings {
        policies: PolicyOptions {
            paths: vec![fifo.clone()],
            ..Default::default()
        },
        ..settings(file())
    });
    assert!(e.contains(not_regular), "{e}");

    // A FIFO planted as the repository's config: refused, not ignored or opened.
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).expect("mkdir");
    std::fs::copy(CLEAN, repo.join("app.yaml")).expect("copy");
    assert!(mkfifo(&repo.join(".kubeward.yaml")));
    let e = refused(Settings {
        config: ConfigChoice::Discover,
        ..settings(vec![repo.join("app.yaml")])
    });
    assert!(
        e.contains(".kubeward.yaml") && e.contains(not_regular),
        "{e}"
    );

    // Inside a policy directory a FIFO is not a policy: skipped (beside a
    // real one: a directory with no policy at all is a usage error).
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    assert!(mkfifo(&policies.join("rule.rego")));
    std::fs::write(policies.join("real.rego"), REAL_POLICY).expect("write");
    linted(Settings {
        policies: PolicyOptions {
            paths: vec![policies],
            ..Default::default()
        },
        ..settings(file())
    });

    // The binary: exit 2 with the file named, for each option.
    let fifo_arg = fifo.to_str().expect("UTF-8 tempdir");
    for option in ["--config", "--baseline", "--data"] {
        let (code, stderr, _) = kubeward(&[option, fifo_arg, CLEAN], dir.path());
        assert_eq!(code, Some(2), "{option}: {stderr}");
        assert!(
            stderr.contains("pipe.yaml") && stderr.contains(not_regular),
            "{stderr}"
        );
    }
}

#[test]
fn oversized_option_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let limit = Limits {
        max_file_bytes: Some(1 << 20),
        ..Limits::default()
    };
    let line = "key: value\n";
    let big = dir.path().join("data.yaml");
    std::fs::write(&big, line.repeat((2 << 20) / line.len())).expect("write");
    let over = "over the 1048576-byte limit (--max-file-size)";

    let e = refused(Settings {
        limits: limit,
        policies: PolicyOptions {
            data: vec![big.clone()],
            ..Default::default()
        },
        ..settings(vec![PathBuf::from(CLEAN)])
    });
    assert!(
        e.contains("cannot read the data file") && e.contains(over),
        "{e}"
    );

    let e = refused(Settings {
        limits: limit,
        config: ConfigChoice::File(big.clone()),
        ..settings(vec![PathBuf::from(CLEAN)])
    });
    assert!(
        e.contains("cannot read the config") && e.contains(over),
        "{e}"
    );

    let policy = dir.path().join("big.rego");
    std::fs::write(&policy, format!("package big\n{}", "# x\n".repeat(300_000))).expect("write");
    let e = refused(Settings {
        limits: limit,
        policies: PolicyOptions {
            paths: vec![policy],
            ..Default::default()
        },
        ..settings(vec![PathBuf::from(CLEAN)])
    });
    assert!(e.contains("big.rego") && e.contains(over), "{e}");

    // Under the limit the same data file is used.
    linted(Settings {
        policies: PolicyOptions {
            data: vec![big],
            ..Default::default()
        },
        ..settings(vec![PathBuf::from(CLEAN)])
    });
}

#[test]
fn config_policies_stay_in_the_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let team = repo.join("teams/web");
    std::fs::create_dir_all(&team).expect("mkdir");
    std::fs::copy(CLEAN, team.join("app.yaml")).expect("copy");
    let with_config = |policies: &str| {
        std::fs::write(
            team.join(".kubeward.yaml"),
            format!("policies: {policies}\n"),
        )
        .expect("write config");
        lint_within(Settings {
            config: ConfigChoice::Discover,
            ..settings(vec![team.join("app.yaml")])
        })
    };

    // No `.git` above: the project is the config's directory.
    std::fs::create_dir(repo.join("shared")).expect("mkdir");
    let e = with_config("[../../shared]").expect_err("outside the config's directory");
    assert!(
        e.contains(".kubeward.yaml:1:12: policy path ../../shared resolves to"),
        "{e}"
    );
    assert!(e.contains("outside this config's project"), "{e}");
    let e = with_config("[../../../../../../../../]").expect_err("the filesystem root");
    assert!(e.contains(".kubeward.yaml:1:12: policy path"), "{e}");
    assert!(e.contains("resolves to the filesystem root"), "{e}");
    let e = with_config("[\"/\"]").expect_err("the filesystem root");
    assert!(e.contains("resolves to the filesystem root"), "{e}");
    let e = with_config("[/proc/self]").expect_err("/proc");
    assert!(e.contains("kubeward never reads /proc"), "{e}");
    // A symlink inside the project pointing out of it is resolved first.
    symlink(dir.path(), team.join("escape")).expect("symlink");
    let e = with_config("[escape]").expect_err("a symlink out of the project");
    assert!(e.contains("outside this config's project"), "{e}");

    // With `.git` above, the repository is the project.
    std::fs::create_dir(repo.join(".git")).expect("mkdir");
    std::fs::write(repo.join("shared/real.rego"), REAL_POLICY).expect("write");
    with_config("[../../shared]").expect("inside the repository");
    let e = with_config("[../../../]").expect_err("above the repository");
    assert!(e.contains("outside this config's project"), "{e}");

    // The binary: a located config error, exit 2.
    std::fs::write(team.join(".kubeward.yaml"), "policies: [../../../../]\n").expect("write");
    let app = team.join("app.yaml");
    let (code, stderr, _) = kubeward(&[app.to_str().expect("UTF-8")], dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("outside this config's project"), "{stderr}");
}

#[test]
fn policy_directory_walks_do_not_follow_symlinks() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Outside the policy directory: a module that does not parse.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::fs::write(
        elsewhere.join("broken.rego"),
        "package broken\nthis is not rego\n",
    )
    .expect("write");
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).expect("mkdir");
    symlink(&elsewhere, policies.join("linked")).expect("symlink");
    symlink(elsewhere.join("broken.rego"), policies.join("file.rego")).expect("symlink");
    std::fs::write(policies.join("real.rego"), REAL_POLICY).expect("write");
    let o = linted(Settings {
        policies: PolicyOptions {
            paths: vec![policies],
            ..Default::default()
        },
        ..settings(vec![PathBuf::from(CLEAN)])
    });
    assert!(o.problems.is_empty(), "{:?}", problems(&o));
    // Named directly, the module is read (and fails), so the above proves
    // the links were not followed.
    let e = refused(Settings {
        policies: PolicyOptions {
            paths: vec![elsewhere],
            ..Default::default()
        },
        ..settings(vec![PathBuf::from(CLEAN)])
    });
    assert!(e.contains("broken.rego"), "{e}");
}
