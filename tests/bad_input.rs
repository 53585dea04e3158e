//! Bad input (testdata/bad/README.md): every case is linted together with a good
//! file, and must give a located finding or a per-file problem, never a panic or a
//! hang, while the good file's findings stay exactly what they are on their own.
//! Small cases are committed; big ones and filesystem oddities are made here in a
//! tempdir. The biggest (100 MB, 1M documents) are ignored unless asked for:
//! `cargo test --release --test bad_input -- --ignored`. Cases that cannot be
//! made here (a file root cannot be kept from reading) are reported as
//! SKIPPED by tests/harness, with the reason.

mod harness;

use kubeward::finding::Finding;
use kubeward::limits::Limits;
use kubeward::{lint, ConfigChoice, Outcome, Settings};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const GOOD: &str = "testdata/formats/findings.yaml";

/// Generous for a debug build on a shared 2-core machine; a hang never ends.
const DEADLINE: Duration = Duration::from_secs(300);

/// Lints `paths` on a thread and fails the test if it takes longer than the deadline.
fn lint_within(paths: Vec<PathBuf>, limits: Limits) -> Outcome {
    lint_settings_within(Settings {
        paths,
        config: ConfigChoice::Disabled,
        limits,
        ..Default::default()
    })
}

/// `lint_within` with any settings.
fn lint_settings_within(settings: Settings) -> Outcome {
    let (tx, rx) = mpsc::channel();
    let what = format!("{:?}", settings.paths);
    std::thread::spawn(move || {
        let _ = tx.send(lint(&settings).map_err(|e| e.to_string()));
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => panic!("lint of {what} failed: {e}"),
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("lint of {what} hung"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("lint of {what} panicked"),
    }
}

/// (line, column, rule) of the findings in the file whose path ends with `name`.
fn findings_in(outcome: &Outcome, name: &str) -> Vec<(usize, usize, String)> {
    let Some(idx) = outcome.files.iter().position(|f| f.path.ends_with(name)) else {
        return Vec::new();
    };
    outcome
        .findings
        .iter()
        .filter(|f| f.file == idx)
        .map(|f| (f.line, f.column, f.rule.clone()))
        .collect()
}

fn only_finding<'a>(outcome: &'a Outcome, name: &str) -> &'a Finding {
    let idx = outcome
        .files
        .iter()
        .position(|f| f.path.ends_with(name))
        .unwrap_or_else(|| panic!("{name} was not linted"));
    let found: Vec<&Finding> = outcome.findings.iter().filter(|f| f.file == idx).collect();
    assert_eq!(found.len(), 1, "{name}: {found:#?}");
    found[0]
}

/// What `case` must produce.
enum Expect {
    /// One `yaml/syntax` finding at line:column whose message contains the text.
    Syntax(usize, usize, &'static str),
    /// The file is read as a normal manifest: this rule fires at this line.
    Finding(usize, &'static str),
    /// No file is linted; a problem for the path contains the text.
    Problem(&'static str, bool),
}

/// Lints `case` with the good file and checks both.
fn check(case: &Path, expect: Expect, limits: Limits) {
    let good_alone = lint_within(vec![PathBuf::from(GOOD)], Limits::default());
    let baseline = findings_in(&good_alone, "findings.yaml");
    assert!(baseline.len() > 5, "the good file has findings");

    let outcome = lint_within(vec![case.to_path_buf(), PathBuf::from(GOOD)], limits);
    assert_eq!(
        findings_in(&outcome, "findings.yaml"),
        baseline,
        "the good file's findings changed next to {case:?}"
    );
    let name = case
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match expect {
        Expect::Syntax(line, column, text) => {
            let f = only_finding(&outcome, &name);
            assert_eq!(f.rule, "yaml/syntax", "{case:?}: {f:#?}");
            assert_eq!(
                (f.line, f.column),
                (line, column),
                "{case:?}: {}",
                f.message
            );
            assert!(f.message.contains(text), "{case:?}: {}", f.message);
        }
        Expect::Finding(line, rule) => {
            let got = findings_in(&outcome, &name);
            assert!(
                got.iter().any(|(l, _, r)| *l == line && r == rule),
                "{case:?}: no {rule} at line {line} in {got:?}"
            );
            assert!(!got.iter().any(|(_, _, r)| r == "yaml/syntax"), "{got:?}");
        }
        Expect::Problem(text, is_error) => {
            let p = outcome
                .problems
                .iter()
                .find(|p| p.path.ends_with(&name))
                .unwrap_or_else(|| panic!("{case:?}: no problem in {:?}", outcome.problems));
            assert!(p.message.contains(text), "{case:?}: {p:?}");
            assert_eq!(p.is_error, is_error, "{case:?}: {p:?}");
            assert!(findings_in(&outcome, &name).is_empty());
        }
    }
}

fn bad(name: &str) -> PathBuf {
    Path::new("testdata/bad").join(name)
}

fn undecodable_files_are_located_findings() {
    let d = Limits::default();
    check(&bad("binary.yaml"), Expect::Syntax(1, 1, "binary file"), d);
    check(
        &bad("binary-no-nul.yaml"),
        Expect::Syntax(1, 1, "not valid UTF-8"),
        d,
    );
    check(
        &bad("latin1.yaml"),
        Expect::Syntax(6, 15, "not valid UTF-8 (invalid byte at offset 76)"),
        d,
    );
    check(&bad("nul-byte.yaml"), Expect::Syntax(8, 22, "NUL byte"), d);
    for f in ["utf16le-no-bom.yaml", "utf16be-no-bom.yaml"] {
        check(
            &bad(f),
            Expect::Syntax(1, 1, "UTF-16 without a byte-order mark"),
            d,
        );
    }
}

fn utf16_with_bom_and_cr_only_lines_are_linted_normally() {
    for f in ["utf16le-bom.yaml", "utf16be-bom.yaml", "cr-only.yaml"] {
        check(
            &bad(f),
            Expect::Finding(10, "pod-security/privileged"),
            Limits::default(),
        );
    }
}

fn nesting_and_alias_bombs_are_rejected() {
    let d = Limits::default();
    check(
        &bad("deep-block.yaml"),
        Expect::Syntax(2, 2001, "nested too deeply"),
        d,
    );
    check(
        &bad("deep-flow.yaml"),
        Expect::Syntax(2, 1003, "nested too deeply"),
        d,
    );
    check(
        &bad("billion-laughs.yaml"),
        Expect::Syntax(9, 22, "excessive aliasing"),
        d,
    );
    // Within go-yaml's ratio rule but over a lowered kubeward limit.
    let few = Limits {
        max_alias_nodes: Some(20),
        ..d
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let small_bomb = written(
        dir.path(),
        "aliases.yaml",
        "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a, *a, *a]\n",
    );
    check(
        &small_bomb,
        Expect::Syntax(2, 17, "kubeward's limit of 20 nodes"),
        few,
    );
}

fn depth_up_to_the_ceiling_is_usable() {
    // 10,000 levels inside a resource: parsed, converted and evaluated on the
    // worker stacks (also with one thread) when the limit is raised to the ceiling.
    let dir = tempfile::tempdir().expect("tempdir");
    let n = kubeward::limits::MAX_DEPTH_CEILING - 8;
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext: {{privileged: true}}\n    args: {}x{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    let deep = written(dir.path(), "deep-pod.yaml", text);
    let deepest = Limits {
        max_depth: Some(kubeward::limits::MAX_DEPTH_CEILING),
        ..Limits::default()
    };
    check(
        &deep,
        Expect::Finding(9, "pod-security/privileged"),
        deepest,
    );
    let one_thread = Settings {
        paths: vec![deep.clone()],
        config: ConfigChoice::Disabled,
        limits: deepest,
        threads: 1,
        ..Default::default()
    };
    let outcome = lint(&one_thread).expect("lint");
    assert!(findings_in(&outcome, "deep-pod.yaml")
        .iter()
        .any(|(_, _, r)| r == "pod-security/privileged"));
    // With the default limit it is a located syntax finding instead.
    check(
        &deep,
        Expect::Syntax(10, 1007, "nested too deeply"),
        Limits::default(),
    );
}

fn oversized_files_are_not_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = "k: v\n";
    let big = written(dir.path(), "big.yaml", line.repeat((2 << 20) / line.len()));
    let limit = Limits {
        max_file_bytes: Some(1 << 20),
        ..Limits::default()
    };
    check(
        &big,
        Expect::Syntax(1, 1, "over the 1048576-byte limit"),
        limit,
    );
}

fn megabyte_lines_are_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mb = "x".repeat(1 << 20);
    let flow: Vec<String> = (0..60_000).map(|i| format!("k{i}: v{i}")).collect();
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  plain: {mb}\n  quoted: \"{mb}\"\n  flow: {{{}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{a: \"{mb}\"}}}}\nspec:\n  containers:\n  - {{name: a, image: nginx:1.27, securityContext: {{privileged: true}}}}\n",
        flow.join(", ")
    );
    let long = written(dir.path(), "long-lines.yaml", text);
    check(
        &long,
        Expect::Finding(15, "pod-security/privileged"),
        Limits::default(),
    );
}

fn many_tiny_documents_in_one_stream() {
    // 100,000 here; the 1,000,000-document stream is in `huge_inputs`.
    let dir = tempfile::tempdir().expect("tempdir");
    let many = written(dir.path(), "many.yaml", tiny_documents(100_000));
    check(
        &many,
        Expect::Finding(200_006, "pod-security/privileged"),
        Limits::default(),
    );
}

/// `n` one-line documents (not resources), then a privileged pod whose
/// `privileged:` key is on line 2n + 6.
fn tiny_documents(n: usize) -> String {
    let mut s = "a: 1\n---\n".repeat(n);
    s.push_str("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: nginx:1.27, securityContext: {privileged: true}}\n");
    s
}

#[cfg(unix)]
fn filesystem_oddities_are_per_file_problems() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();

    // A directory symlink loop while walking with --follow: reported, not an
    // error. (Without --follow symlinks are skipped silently, below.)
    let walk = d.join("walk");
    std::fs::create_dir_all(walk.join("sub")).expect("mkdir");
    std::os::unix::fs::symlink(&walk, walk.join("sub/loop")).expect("symlink");
    std::os::unix::fs::symlink(d.join("missing.yaml"), walk.join("dangling.yaml"))
        .expect("symlink");
    std::fs::copy(GOOD, walk.join("sub/good.yaml")).expect("copy");
    let unfollowed = lint_within(vec![walk.clone()], Limits::default());
    assert!(unfollowed.problems.is_empty(), "{:?}", unfollowed.problems);
    assert_eq!(unfollowed.files.len(), 1);
    let outcome = lint_settings_within(Settings {
        paths: vec![walk.clone()],
        config: ConfigChoice::Disabled,
        follow_symlinks: true,
        ..Default::default()
    });
    let msgs: Vec<String> = outcome
        .problems
        .iter()
        .map(|p| format!("{} {} {}", p.path, p.message, p.is_error))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("symlink loop skipped false")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("dangling.yaml dangling symlink skipped false")),
        "{msgs:?}"
    );
    let baseline = findings_in(
        &lint_within(vec![PathBuf::from(GOOD)], Limits::default()),
        "findings.yaml",
    );
    assert_eq!(findings_in(&outcome, "good.yaml"), baseline);

    // Named explicitly: a dangling symlink cannot be read (an error).
    check(
        &walk.join("dangling.yaml"),
        Expect::Problem("no such file or directory", true),
        Limits::default(),
    );

    // A path that is not UTF-8 is linted and reported with a replacement character.
    let odd = d.join(std::ffi::OsStr::from_bytes(b"caf\xe9.yaml"));
    std::fs::copy(bad("cr-only.yaml"), &odd).expect("copy");
    check(
        &odd,
        Expect::Finding(10, "pod-security/privileged"),
        Limits::default(),
    );
    let outcome = lint_within(vec![odd.clone()], Limits::default());
    assert!(outcome.files[0].path.ends_with("caf\u{FFFD}.yaml"));
}

/// A FIFO would block a reader forever: it is not opened.
#[cfg(unix)]
fn a_fifo_is_not_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        harness::skip("no mkfifo command");
    }
    check(
        &fifo,
        Expect::Problem("not a regular file", true),
        Limits::default(),
    );
}

/// An unreadable file: a per-file error. (root reads a file of mode 000
/// anyway, so the case cannot be made as root.)
#[cfg(unix)]
fn an_unreadable_file_is_a_per_file_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let locked = dir.path().join("locked.yaml");
    std::fs::copy(GOOD, &locked).expect("copy");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_ok() {
        harness::skip("running as root: a file of mode 000 is still readable");
    }
    check(
        &locked,
        Expect::Problem("permission denied", true),
        Limits::default(),
    );
}

fn fuzz_regressions_load_with_valid_spans() {
    let mut inputs: Vec<PathBuf> = std::fs::read_dir("testdata/bad/fuzz")
        .expect("testdata/bad/fuzz")
        .flatten()
        .map(|e| e.path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    for path in inputs {
        let bytes = std::fs::read(&path).expect("read");
        let kubeward::input::Loaded::File {
            source,
            issues,
            documents,
        } = kubeward::input::load_bytes(path.display().to_string(), bytes)
        else {
            panic!("{path:?} was not loaded");
        };
        let text: &str = &source.text;
        for i in &issues {
            assert!(
                text.get(i.span.start..i.span.end).is_some(),
                "{path:?}: {i:?}"
            );
        }
        for doc in documents {
            // Nothing is evicted yet: `full` borrows the loaded tree.
            let root = doc.root.full();
            let mut stack = vec![root.as_ref()];
            while let Some(n) = stack.pop() {
                assert!(text.get(n.span.start..n.span.end).is_some(), "{path:?}");
                match &n.kind {
                    kubeward::yaml::NodeKind::Seq(items) => stack.extend(items),
                    kubeward::yaml::NodeKind::Map(entries) => {
                        for e in entries {
                            assert!(text.get(e.key_span.start..e.key_span.end).is_some());
                            stack.push(&e.value);
                        }
                    }
                    kubeward::yaml::NodeKind::Scalar(_) => {}
                }
            }
        }
    }
}

/// The big cases. Peak RSS is measured on the binary (docs/limits.md).
/// Ignored (tests/harness): writes ~110 MB and takes minutes in a debug build.
fn huge_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();

    let big = written(d, "100mb.yaml", big_document(100 << 20));
    check(
        &big,
        Expect::Finding(5, "reliability/min-replicas"),
        Limits::default(),
    );

    let many = written(d, "million.yaml", tiny_documents(1_000_000));
    check(
        &many,
        Expect::Finding(2_000_006, "pod-security/privileged"),
        Limits::default(),
    );

    // 10,000 levels of indented block mappings (~50 MB of indentation).
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    let deep = written(d, "deep-indented.yaml", text);
    check(
        &deep,
        Expect::Syntax(1001, 1001, "nested too deeply"),
        Limits::default(),
    );
}

/// One Deployment of about `bytes` bytes: its pod template's annotations hold the
/// bulk, so the resource is evaluated by every rule.
fn big_document(bytes: usize) -> String {
    let mut s = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: big\nspec:\n  selector: {matchLabels: {app: big}}\n  template:\n    metadata:\n      labels: {app: big}\n      annotations:\n",
    );
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "        key-{i:08}: \"a value of some sixty bytes, repeated for every key\"\n"
        ));
        i += 1;
    }
    s.push_str("    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n");
    s
}

/// Writes `contents` to `dir/name` and returns the path.
fn written(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("write");
    path
}

fn main() -> std::process::ExitCode {
    #[allow(unused_mut)]
    let mut tests = harness::tests![
        undecodable_files_are_located_findings,
        utf16_with_bom_and_cr_only_lines_are_linted_normally,
        nesting_and_alias_bombs_are_rejected,
        depth_up_to_the_ceiling_is_usable,
        oversized_files_are_not_read,
        megabyte_lines_are_linted,
        many_tiny_documents_in_one_stream,
        fuzz_regressions_load_with_valid_spans,
    ];
    #[cfg(unix)]
    tests.extend(harness::tests![
        filesystem_oddities_are_per_file_problems,
        a_fifo_is_not_opened,
        an_unreadable_file_is_a_per_file_error,
    ]);
    tests.push(
        harness::Test::new("huge_inputs", huge_inputs)
            .ignore("writes ~110 MB and takes minutes in a debug build"),
    );
    harness::main(tests)
}
