//! A small test runner for the test binaries whose tests may be unable to run
//! where they are run (no helm, running as root, no `mkfifo`): Rust's own
//! harness can only pass or fail a test that has started, so such a test used
//! to return early and count as a pass. These binaries are `harness = false`
//! (Cargo.toml) and list their tests for [`main`]; a test that cannot run calls
//! [`skip`] with the reason, and is reported as SKIPPED, counted, and listed
//! with its reason at the end, never as passed. Tests can also be made at
//! run time, one per data file (tests/rules.rs: one per fixture), with names
//! such as `fixture::pod-security/privileged/fail-pod.yaml`.
//!
//! `KUBEWARD_NO_SKIP=1` turns every skip into a failure (for a CI that must
//! run everything). The usual libtest arguments work: name filters,
//! `--exact`, `--skip`, `--ignored`, `--include-ignored`, `--list`,
//! `--test-threads N` (or `RUST_TEST_THREADS`), `-q`.

#![allow(dead_code)]

use std::any::Any;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One test of a binary.
pub struct Test {
    pub name: String,
    pub run: Arc<dyn Fn() + Send + Sync + std::panic::RefUnwindSafe>,
    /// `#[ignore = "..."]`: run only with `--ignored` / `--include-ignored`.
    pub ignored: Option<&'static str>,
}

impl Test {
    pub fn new(
        name: impl Into<String>,
        run: impl Fn() + Send + Sync + std::panic::RefUnwindSafe + 'static,
    ) -> Test {
        Test {
            name: name.into(),
            run: Arc::new(run),
            ignored: None,
        }
    }

    pub fn ignore(mut self, reason: &'static str) -> Test {
        self.ignored = Some(reason);
        self
    }
}

/// `tests![a, b, c]`: the functions as [`Test`]s named after themselves.
macro_rules! tests {
    ($($f:ident),* $(,)?) => {
        vec![$(harness::Test::new(stringify!($f), $f)),*]
    };
}
pub(crate) use tests;

/// The panic payload of a test that cannot run here.
struct Skipped(String);

/// Stops the calling test: it cannot run here, for `reason`. Reported as
/// SKIPPED by [`main`] (a failure with `KUBEWARD_NO_SKIP` set).
pub fn skip(reason: impl Into<String>) -> ! {
    let reason = reason.into();
    if std::env::var_os("KUBEWARD_NO_SKIP").is_some_and(|v| !v.is_empty() && v != "0") {
        panic!("cannot run here: {reason} (and KUBEWARD_NO_SKIP is set)");
    }
    std::panic::panic_any(Skipped(reason))
}

enum Outcome {
    Passed,
    Failed,
    Skipped(String),
}

struct Args {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    ignored: bool,
    include_ignored: bool,
    list: bool,
    quiet: bool,
    threads: Option<usize>,
}

fn parse_args() -> Args {
    let mut a = Args {
        filters: Vec::new(),
        skips: Vec::new(),
        exact: false,
        ignored: false,
        include_ignored: false,
        list: false,
        quiet: false,
        threads: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next());
        match flag.as_str() {
            "--exact" => a.exact = true,
            "--ignored" => a.ignored = true,
            "--include-ignored" => a.include_ignored = true,
            "--list" => a.list = true,
            "-q" | "--quiet" => a.quiet = true,
            "--test-threads" => a.threads = value().and_then(|v| v.parse().ok()),
            "--skip" => a.skips.extend(value()),
            // Accepted and meaningless here (output is never captured).
            "--color" | "--format" | "--logfile" | "-Z" => {
                value();
            }
            f if f.starts_with('-') => {}
            _ => a.filters.push(arg),
        }
    }
    a
}

/// Runs the selected tests and exits like libtest (101 when one failed).
pub fn main(tests: Vec<Test>) -> std::process::ExitCode {
    let args = parse_args();
    let matches = |name: &str, pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    let total = tests.len();
    let selected: Vec<&Test> = tests
        .iter()
        .filter(|t| args.filters.is_empty() || args.filters.iter().any(|f| matches(&t.name, f)))
        .filter(|t| !args.skips.iter().any(|s| matches(&t.name, s)))
        .collect();
    let filtered_out = total - selected.len();
    let (to_run, ignored): (Vec<&Test>, Vec<&Test>) =
        selected.into_iter().partition(|t| match t.ignored {
            None => !args.ignored,
            Some(_) => args.ignored || args.include_ignored,
        });
    if args.list {
        for t in &to_run {
            println!("{}: test", t.name);
        }
        return std::process::ExitCode::SUCCESS;
    }

    // A skip is not a crash: its panic prints nothing. Nor do the YAML
    // parser's panics, which the loader catches and reports as findings
    // (libtest would capture them; this runner does not capture output).
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let skipped = info.payload().downcast_ref::<Skipped>().is_some();
        if !skipped && !kubeward::yaml::is_parser_panic(info) {
            default_hook(info);
        }
    }));

    let started = Instant::now();
    println!("\nrunning {} tests", to_run.len());
    for t in &ignored {
        if let Some(reason) = t.ignored {
            println!("test {} ... ignored, {reason}", t.name);
        }
    }
    let threads = args
        .threads
        .or_else(|| std::env::var("RUST_TEST_THREADS").ok()?.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(&str, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(to_run.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(t) = to_run.get(i) else { break };
                let outcome = run_one(t);
                let line = match &outcome {
                    Outcome::Passed => "ok".to_string(),
                    Outcome::Failed => "FAILED".to_string(),
                    Outcome::Skipped(why) => format!("SKIPPED ({why})"),
                };
                if !(args.quiet && matches!(outcome, Outcome::Passed)) {
                    let mut out = std::io::stdout().lock();
                    let _ = writeln!(out, "test {} ... {line}", t.name);
                }
                if let Ok(mut r) = results.lock() {
                    r.push((t.name.as_str(), outcome));
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Failed))
        .map(|(n, _)| *n)
        .collect();
    let skipped: Vec<(&str, &str)> = results
        .iter()
        .filter_map(|(n, o)| match o {
            Outcome::Skipped(why) => Some((*n, why.as_str())),
            _ => None,
        })
        .collect();
    let passed = results.len() - failed.len() - skipped.len();
    if !skipped.is_empty() {
        println!("\nskipped (could not run here):");
        for (name, why) in &skipped {
            println!("    {name}: {why}");
        }
    }
    if !failed.is_empty() {
        println!("\nfailures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {} skipped; {} ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        skipped.len(),
        ignored.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(101)
    }
}

/// Runs one test on a thread named after it (as libtest does, so a panic
/// message names the test).
fn run_one(t: &Test) -> Outcome {
    let run = Arc::clone(&t.run);
    let joined = std::thread::Builder::new()
        .name(t.name.clone())
        .spawn(move || std::panic::catch_unwind(move || run()))
        .map(|h| h.join());
    match joined {
        Ok(Ok(Ok(()))) => Outcome::Passed,
        Ok(Ok(Err(payload))) | Ok(Err(payload)) => outcome_of(payload),
        Err(e) => {
            eprintln!("cannot start a thread for {}: {e}", t.name);
            Outcome::Failed
        }
    }
}

fn outcome_of(payload: Box<dyn Any + Send>) -> Outcome {
    match payload.downcast::<Skipped>() {
        Ok(s) => Outcome::Skipped(s.0),
        Err(_) => Outcome::Failed,
    }
}
