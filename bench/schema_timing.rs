//! What the bundled schemas cost a run that validates (issue 16): inflating the bundle,
//! indexing one version, compiling a kind, and a cached lookup. Run it in release:
//! `cargo run --release --example schema_timing` (docs/development.md, "Schemas").

use std::time::Instant;

fn main() {
    let t = Instant::now();
    let versions = kubeward::schema::versions();
    let inflate = t.elapsed();
    let v = kubeward::DEFAULT_KUBE_VERSION;
    let t = Instant::now();
    let kinds = kubeward::schema::kinds(v);
    let index = t.elapsed();
    let mut first = Vec::new();
    for (api, kind) in [
        ("apps/v1", "Deployment"),
        ("v1", "Pod"),
        ("v1", "ConfigMap"),
    ] {
        let t = Instant::now();
        let s = kubeward::schema::lookup(v, api, kind);
        first.push(format!(
            "{kind} {:.2} ms ({} types)",
            t.elapsed().as_secs_f64() * 1e3,
            s.map_or(0, |s| s.types().len())
        ));
    }
    let t = Instant::now();
    let n = 100_000;
    for _ in 0..n {
        std::hint::black_box(kubeward::schema::lookup(v, "apps/v1", "Deployment"));
    }
    let cached = t.elapsed() / n;
    let t = Instant::now();
    let mut all = 0;
    for (api, kind) in &kinds {
        all += usize::from(kubeward::schema::lookup(v, api, kind).is_some());
    }
    let every = t.elapsed();
    println!(
        "inflate+parse bundle ({} versions): {:.2} ms\nindex 1.{} ({} kinds): {:.2} ms\n\
         first lookup: {}\ncached lookup: {} ns\nevery other kind of 1.{} ({all}): {:.1} ms",
        versions.len(),
        inflate.as_secs_f64() * 1e3,
        v.1,
        kinds.len(),
        index.as_secs_f64() * 1e3,
        first.join(", "),
        cached.as_nanos(),
        v.1,
        every.as_secs_f64() * 1e3,
    );
}
