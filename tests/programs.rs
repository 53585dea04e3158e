//! The RVM programs of the bundled rule groups and their on-disk cache
//! (src/engine/programs.rs): a program goes through the cache unchanged, a
//! damaged or foreign cache file is never used (the run compiles and rewrites
//! it, with the same findings), and `--no-cache`, `KUBEWARD_PROGRAMS=compile`
//! and rules from `KUBEWARD_RULES_DIR` write no program.

mod common;

use kubeward::engine::{default_programs, programs};
use regorus::rvm::program::Program;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The programs the bundled rules compile to now (compiled once per binary).
fn fresh() -> &'static [(programs::Key, Arc<Program>)] {
    static FRESH: std::sync::OnceLock<Vec<(programs::Key, Arc<Program>)>> =
        std::sync::OnceLock::new();
    FRESH.get_or_init(|| default_programs().expect("every bundled rule group compiles for the RVM"))
}

fn entry(program: &Program) -> &str {
    program
        .entry_points
        .keys()
        .next()
        .map(String::as_str)
        .expect("a program has its entry point")
}

/// A rule of a library referenced through its import alias (`pods.spec`)
/// compiles to a lookup of the whole package, which the RVM assembles from all
/// of the package's rules on every use: it was a third of bulk's CPU. Library
/// rules are referenced by their full path (`data.kubeward.lib.pods.spec`);
/// functions (`k8s.quote(x)`) are called through the alias.
#[test]
fn no_program_looks_up_a_whole_package() {
    use regorus::rvm::instructions::LiteralOrRegister;
    assert!(
        fresh().len() > 5,
        "one program per rule group, and the run index"
    );
    let mut found = std::collections::BTreeSet::new();
    for (_, program) in fresh() {
        for lookup in &program.instruction_data.virtual_data_document_lookup_params {
            let path: Vec<String> = lookup
                .path_components
                .iter()
                .map(|c| match c {
                    LiteralOrRegister::Literal(i) => program
                        .literals
                        .get(usize::from(*i))
                        .map_or_else(String::new, |v| v.to_string()),
                    LiteralOrRegister::Register(_) => "<expr>".to_string(),
                })
                .collect();
            found.insert(path.join("."));
        }
    }
    assert!(
        found.is_empty(),
        "whole-package lookups (reference these rules by their full data.* path): {found:?}"
    );
}

#[test]
fn programs_come_back_from_the_cache_unchanged() {
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = programs::Cache::new(dir.path(), 1);
    let bytes = |p: &Program| programs::serialize(p).expect("serialises");
    for (key, program) in fresh() {
        assert!(cache.load(*key, entry(program)).is_none(), "empty cache");
        cache.store(*key, program);
        let back = cache
            .load(*key, entry(program))
            .expect("a stored program loads");
        assert!(bytes(&back) == bytes(program), "program {key:032x} changed");
        // The same file is no program for another entry point.
        assert!(cache.load(*key, "data.kubeward.dispatch.other").is_none());
    }
    // Another bundle (another build's rules) sees none of them.
    let other = programs::Cache::new(dir.path(), 2);
    let (key, program) = &fresh()[0];
    assert!(other.load(*key, entry(program)).is_none());
}

#[test]
fn a_damaged_or_foreign_file_is_never_used() {
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = programs::Cache::new(dir.path(), 1);
    let [(key, program), (other_key, other), ..] = fresh() else {
        panic!("at least two programs");
    };
    let (key, entry) = (*key, entry(program));
    let file = cache.file(key);
    cache.store(key, program);
    cache.store(*other_key, other);
    let good = std::fs::read(&file).expect("written");
    let other_file = std::fs::read(cache.file(*other_key)).expect("written");
    let other_payload = programs::decode(&other_file, *other_key).expect("valid");
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let mut longer = good.clone();
    longer.extend_from_slice(b"\n");
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("header only", good[..programs::HEADER].to_vec()),
        ("truncated", good[..good.len() - 1].to_vec()),
        ("half", good[..good.len() / 2].to_vec()),
        ("a flipped bit", flipped),
        ("a trailing byte", longer),
        (
            "garbage",
            b"KWRVM001 but nothing else of the format".to_vec(),
        ),
        // Another group's program under this name: its header names its key.
        ("another key's file", other_file.clone()),
        // ... re-headed with this key and a valid digest: a program of
        // another entry point is still not this group's.
        (
            "another program under this key",
            programs::encode(key, other_payload).expect("encodes"),
        ),
        // A valid header over a payload that is no program.
        (
            "no program",
            programs::encode(key, b"RVMP\x06\0\0\0 not really").expect("encodes"),
        ),
    ];
    for (what, bytes) in damaged {
        std::fs::write(&file, &bytes).expect("write");
        assert!(cache.load(key, entry).is_none(), "{what} was used");
        cache.store(key, program);
        assert!(cache.load(key, entry).is_some(), "{what}: rewritten");
    }
    // Not a regular file: a directory, a symlink to a valid file.
    std::fs::remove_file(&file).expect("remove");
    std::fs::create_dir(&file).expect("mkdir");
    assert!(cache.load(key, entry).is_none(), "a directory");
    std::fs::remove_dir(&file).expect("rmdir");
    #[cfg(unix)]
    {
        let valid = dir.path().join("valid.rvm");
        std::fs::write(&valid, &good).expect("write");
        std::os::unix::fs::symlink(&valid, &file).expect("symlink");
        assert!(cache.load(key, entry).is_none(), "a symlink");
    }
}

/// The cache files under `dir`.
fn cached_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.join("programs")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.path().is_dir() {
                true => dirs.push(e.path()),
                false => out.push(e.path()),
            }
        }
    }
    out.sort();
    out
}

fn lint(args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = common::kubeward_command();
    // No config and no project context: the repository (and its target/) is
    // not walked.
    cmd.args(["--format", "json", "--fail-on", "never", "--no-config"])
        .arg("--no-project-context")
        .args(args)
        .arg("examples/shop/web.yaml")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("binary runs");
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    out
}

#[test]
fn a_run_caches_its_programs_and_a_damaged_cache_changes_no_finding() {
    let dir = tempfile::tempdir().expect("cache dir");
    let cache = dir.path().to_str().expect("utf-8 temp path");
    let cold = lint(&["--cache-dir", cache], &[]);
    let files = cached_files(dir.path());
    assert!(!files.is_empty(), "the run wrote its programs");
    let written: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let warm = lint(&["--cache-dir", cache], &[]);
    assert_eq!(common::text(&warm.stdout), common::text(&cold.stdout));
    // Every program damaged: the run compiles them again, finds the same
    // and writes them anew.
    for f in &files {
        let len = std::fs::metadata(f).expect("metadata").len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(f)
            .and_then(|h| h.set_len(len / 2))
            .expect("truncate");
    }
    let damaged = lint(&["--cache-dir", cache], &[]);
    assert_eq!(common::text(&damaged.stdout), common::text(&cold.stdout));
    assert_eq!(cached_files(dir.path()), files);
    for (f, bytes) in files.iter().zip(&written) {
        assert!(std::fs::read(f).expect("read") == *bytes, "{f:?} rewritten");
    }
    // Without the cache (the interpreter, for a run this small): the same.
    let none = lint(&["--no-cache"], &[]);
    assert_eq!(common::text(&none.stdout), common::text(&cold.stdout));
}

#[test]
fn no_cache_compile_and_rules_directories_write_no_program() {
    let home = tempfile::tempdir().expect("home");
    let cache = tempfile::tempdir().expect("cache dir");
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    // --no-cache: nothing at all under any default cache location.
    lint(
        &["--no-cache"],
        &[
            ("HOME", home.path()),
            ("XDG_CACHE_HOME", home.path()),
            ("KUBEWARD_CACHE_DIR", home.path()),
        ],
    );
    let left: Vec<_> = std::fs::read_dir(home.path())
        .expect("home")
        .flatten()
        .collect();
    assert!(left.is_empty(), "--no-cache wrote {left:?}");
    // Rules read from a directory have no build digest: never cached.
    lint(
        &[],
        &[
            ("KUBEWARD_CACHE_DIR", cache.path()),
            ("KUBEWARD_RULES_DIR", &rules),
        ],
    );
    assert_eq!(cached_files(cache.path()), Vec::<PathBuf>::new());
    // KUBEWARD_PROGRAMS=compile neither reads nor writes programs.
    let mut cmd = common::kubeward_command();
    let out = cmd
        .args(["--format", "json", "--no-config", "--no-project-context"])
        .arg("examples/shop/web.yaml")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("KUBEWARD_CACHE_DIR", cache.path())
        .env("KUBEWARD_PROGRAMS", "compile")
        .output()
        .expect("binary runs");
    assert!(out.status.code().is_some_and(|c| c < 2));
    assert_eq!(cached_files(cache.path()), Vec::<PathBuf>::new());
}
