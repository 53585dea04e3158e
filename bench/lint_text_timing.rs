//! The editor loop through the library: one `Linter`, then `lint_text` of the
//! same buffer again and again (an LSP server on every change). Prints the
//! first run (programs compiled or read) and the median and minimum of the
//! later ones. `cargo run --release --example lint_text_timing [FILE] [RUNS]`
//! [CONFIG]` (default: examples/shop/web.yaml, 50 runs, no config; no cache
//! directory, so the first run compiles and the rest reuse the linter's
//! programs). A CONFIG such as `rules: {disable: [schema/]}` measures what a
//! stage costs.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "examples/shop/web.yaml".to_string());
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(50);
    let config = match args.next() {
        Some(path) => kubeward::ConfigChoice::File(path.into()),
        None => kubeward::ConfigChoice::Disabled,
    };
    let text = std::fs::read_to_string(&file)?;
    let settings = kubeward::Settings {
        config,
        project_context: false,
        ..kubeward::Settings::default()
    };
    let t = Instant::now();
    let linter = kubeward::Linter::new(settings)?;
    let new = t.elapsed();
    let t = Instant::now();
    let first = linter.lint_text(&file, &text)?;
    let first_time = t.elapsed();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let outcome = linter.lint_text(&file, &text)?;
        times.push(t.elapsed());
        assert_eq!(outcome.findings.len(), first.findings.len());
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    println!("Linter::new: {:.2} ms", ms(new));
    println!(
        "first lint_text: {:.2} ms ({} findings)",
        ms(first_time),
        first.findings.len()
    );
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        println!(
            "later lint_text ({runs} runs): median {:.2} ms, min {:.2} ms",
            ms(*median),
            ms(*min)
        );
    }
    Ok(())
}
