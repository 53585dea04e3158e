//! What compiling CRD schemas costs (issue 16 point 4): every CustomResourceDefinition among
//! the manifests of `../shared/corpus/bulk` (or the directory given), each version compiled
//! with `kubeward::schema::crd` against the default Kubernetes version. Loading is outside
//! the timed part. Prints the total, the slowest CRDs with their sizes and node counts, and
//! the versions that could not be used.
//! `cargo run --release --example crd_timing [DIR]`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kubeward::schema::crd;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("../shared/corpus/bulk"), PathBuf::from);
    let excludes = kubeward::discover::build_excludes(&[]).expect("no excludes");
    let files = kubeward::discover::manifests_under(&dir, &excludes, false, 0);
    let kube = kubeward::schema::pick_version(kubeward::DEFAULT_KUBE_VERSION)
        .expect("bundled schemas")
        .used;
    // Inflate the bundle first: its one-off cost is not a CRD's.
    let _ = kubeward::schema::lookup(kube, "v1", "ConfigMap");
    let mut timed: Vec<(Duration, usize, usize, String)> = Vec::new();
    let mut failed = Vec::new();
    let mut total = Duration::ZERO;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for d in kubeward::yaml::load(&text).documents {
            let field = |k| d.root.get(k).and_then(|n| n.as_str()).unwrap_or_default();
            if !crd::is_crd(field("apiVersion"), field("kind")) {
                continue;
            }
            let Ok(c) = crd::read_crd(&d.root) else {
                continue;
            };
            let bytes = d.root.span.end - d.root.span.start;
            for v in &c.versions {
                let started = Instant::now();
                let result = crd::compile_crd_version(&d.root, v, kube);
                let took = started.elapsed();
                total += took;
                match result {
                    Ok(s) => timed.push((took, bytes, s.types().len(), format!("{} {v}", c.name))),
                    Err(e) => failed.push(format!("{} {v}: {e}", c.name)),
                }
            }
        }
    }
    timed.sort_by_key(|t| std::cmp::Reverse(t.0));
    println!(
        "{} CRD versions compiled in {:.1} ms ({} unusable)",
        timed.len(),
        total.as_secs_f64() * 1e3,
        failed.len()
    );
    for (took, bytes, nodes, name) in timed.iter().take(8) {
        println!(
            "  {:8.2} ms  {:7} bytes  {:6} nodes  {name}",
            took.as_secs_f64() * 1e3,
            bytes,
            nodes
        );
    }
    for f in &failed {
        println!("  unusable: {f}");
    }
}
