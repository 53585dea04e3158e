//! What schema validation costs per document (issue 16): every document of a
//! pod-bearing kind (`kubeward::kinds`) among the manifests of
//! `../shared/corpus/variety` (or the directory given), then every built-in kind, validated
//! with `kubeward::schema::validate` against the default version; loading and schema
//! lookups are outside the timed loop. Prints docs/s and the violations found, most
//! frequent messages first; `--list` prints every violation with its file.
//! `cargo run --release --example validate_timing [--list] [DIR]`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use kubeward::schema::{self, KindSchema, Violation};
use kubeward::yaml::Node;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let dir = args
        .iter()
        .find(|a| *a != "--list")
        .map_or_else(|| PathBuf::from("../shared/corpus/variety"), PathBuf::from);
    // The manifests kubeward itself would lint there (hidden directories and
    // charts left out), sorted.
    let excludes = kubeward::discover::build_excludes(&[]).expect("no excludes");
    let files = kubeward::discover::manifests_under(&dir, &excludes, false, 0);
    let v = kubeward::DEFAULT_KUBE_VERSION;
    let mut docs: Vec<(std::sync::Arc<KindSchema>, Node)> = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for d in kubeward::yaml::load(&text).documents {
            let field = |k| d.root.get(k).and_then(|n| n.as_str()).unwrap_or_default();
            if let Some(s) = schema::lookup(v, field("apiVersion"), field("kind")) {
                if list {
                    for x in schema::validate(&s, &d.root) {
                        println!("{}: {:?} {}", f.display(), x.problem, x.message);
                    }
                }
                docs.push((s, d.root));
            }
        }
    }
    let workloads: Vec<_> = docs
        .iter()
        .filter(|(s, _)| kubeward::kinds::is_pod_bearing(&s.kind))
        .cloned()
        .collect();
    println!(
        "{} files under {}, Kubernetes 1.{}",
        files.len(),
        dir.display(),
        v.1
    );
    for (what, set) in [("workload", &workloads), ("built-in", &docs)] {
        let (per_sec, found) = time(set);
        println!(
            "{what} documents: {}, {per_sec:.0} docs/s ({:.1} us/doc), {} violations",
            set.len(),
            1e6 / per_sec,
            found.len()
        );
        summary(&found);
    }
}

/// Docs/s over repeated passes (at least one second), and the violations of one pass.
fn time(docs: &[(std::sync::Arc<KindSchema>, Node)]) -> (f64, Vec<Violation>) {
    let found: Vec<Violation> = docs
        .iter()
        .flat_map(|(s, n)| schema::validate(s, n))
        .collect();
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < Duration::from_secs(1) || n == 0 {
        for (s, node) in docs {
            std::hint::black_box(schema::validate(s, node));
        }
        n += docs.len().max(1);
    }
    (n as f64 / start.elapsed().as_secs_f64(), found)
}

fn summary(found: &[Violation]) {
    let mut by_problem: HashMap<String, usize> = HashMap::new();
    let mut by_message: HashMap<&str, usize> = HashMap::new();
    for v in found {
        *by_problem.entry(format!("{:?}", v.problem)).or_default() += 1;
        *by_message.entry(&v.message).or_default() += 1;
    }
    let mut problems: Vec<_> = by_problem.into_iter().collect();
    problems.sort();
    println!("  by problem: {problems:?}");
    let mut messages: Vec<_> = by_message.into_iter().collect();
    messages.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (m, c) in messages.iter().take(12) {
        println!("  {c:>5}  {m}");
    }
}
