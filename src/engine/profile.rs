//! Opt-in timing of rule evaluation (`KUBEWARD_PROFILE=1`, which the binary
//! reads and passes to [`set`]; for finding hot spots, see docs/performance.md). Off, it costs one branch per resource.
//! On, every rule of a resource's group is ALSO evaluated on its own, so the
//! per-rule times include the shared helpers each rule pulls in; they rank
//! rules, they do not add up to the run time.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

/// What is timed: a process-wide switch, like a log level, set once by the
/// binary before the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off = 0,
    /// The fixed-cost phases only (timings of a normal, multi-threaded run).
    Phases = 1,
    /// Phases, and every rule of a resource's group also evaluated on its
    /// own (slower: every rule runs twice).
    Rules = 2,
}

static MODE: AtomicU8 = AtomicU8::new(Mode::Off as u8);

/// Switches profiling on or off for the rest of the process.
pub fn set(mode: Mode) {
    MODE.store(mode as u8, Ordering::Relaxed);
}

/// The mode `KUBEWARD_PROFILE` asks for: unset, empty or `0` is off,
/// `phases` the phases only, anything else everything.
pub fn mode_of(value: Option<&std::ffi::OsStr>) -> Mode {
    match value.and_then(|v| v.to_str()) {
        None | Some("") | Some("0") => Mode::Off,
        Some("phases") => Mode::Phases,
        Some(_) => Mode::Rules,
    }
}

/// Whether any profiling is on.
pub fn enabled() -> bool {
    MODE.load(Ordering::Relaxed) != Mode::Off as u8
}

/// A timed phase of the run's fixed cost (policy load, engine preparation):
/// printed to stderr when dropped, if profiling is on. Evaluation itself is
/// reported per kind and rule by [`Profile`].
pub struct Span {
    name: &'static str,
    started: Option<Instant>,
}

impl Span {
    pub fn new(name: &'static str) -> Span {
        Span {
            name,
            started: enabled().then(Instant::now),
        }
    }
}

impl Drop for Span {
    fn drop(&mut self) {
        if let Some(t) = self.started {
            let ms = t.elapsed().as_secs_f64() * 1e3;
            eprintln!("kubeward profile: {:8.2} ms  {}", ms, self.name);
        }
    }
}

#[derive(Default)]
pub struct Profile {
    /// Rule id -> (total time evaluated alone, calls).
    rules: HashMap<String, (Duration, u64)>,
    /// (group evaluation time, resource label), the slowest kept.
    resources: Vec<(Duration, String)>,
    /// Kind -> (total group evaluation time, resources).
    kinds: HashMap<String, (Duration, u64)>,
    group_total: Duration,
    groups: u64,
}

const KEEP_SLOWEST: usize = 20;

impl Profile {
    /// The evaluation profile, when rules are profiled ([`Mode::Rules`]).
    pub fn when_enabled() -> Option<Profile> {
        (MODE.load(Ordering::Relaxed) == Mode::Rules as u8).then(Profile::default)
    }

    pub fn start() -> Instant {
        Instant::now()
    }

    pub fn group(&mut self, kind: &str, took: Duration, label: String) {
        let k = self.kinds.entry(kind.to_string()).or_default();
        k.0 += took;
        k.1 += 1;
        self.group_total += took;
        self.groups += 1;
        self.resources.push((took, label));
        if self.resources.len() > 4 * KEEP_SLOWEST {
            self.resources.sort_by_key(|r| std::cmp::Reverse(r.0));
            self.resources.truncate(KEEP_SLOWEST);
        }
    }

    pub fn rule(&mut self, id: &str, took: Duration) {
        let e = self.rules.entry(id.to_string()).or_default();
        e.0 += took;
        e.1 += 1;
    }

    pub fn report(&mut self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "kubeward profile: {} group evaluations, {:.3} s",
            self.groups,
            self.group_total.as_secs_f64()
        );
        let mut kinds: Vec<_> = self.kinds.iter().collect();
        kinds.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "kinds (total ms, resources, µs/resource):");
        for (kind, (d, n)) in kinds.iter().take(25) {
            let ms = d.as_secs_f64() * 1e3;
            let _ = writeln!(
                out,
                "  {ms:10.1} {n:8} {:9.1}  {kind}",
                ms * 1e3 / *n as f64
            );
        }
        let mut rules: Vec<_> = self.rules.iter().collect();
        rules.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "rules evaluated alone (total ms, calls, µs/call):");
        for (id, (d, n)) in rules {
            let ms = d.as_secs_f64() * 1e3;
            let _ = writeln!(out, "  {ms:10.1} {n:8} {:9.1}  {id}", ms * 1e3 / *n as f64);
        }
        self.resources.sort_by_key(|r| std::cmp::Reverse(r.0));
        self.resources.truncate(KEEP_SLOWEST);
        let _ = writeln!(out, "slowest resources (group ms):");
        for (d, label) in &self.resources {
            let _ = writeln!(out, "  {:10.2}  {label}", d.as_secs_f64() * 1e3);
        }
        out
    }
}
