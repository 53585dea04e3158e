//! Embeds every bundled rule under `rules/` (except `*_test.rego`) into the
//! binary, so the bundle is whatever `rules/` holds: no hand-kept rule list.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if (path.extension().is_some_and(|e| e == "rego")
            && !path.to_string_lossy().ends_with("_test.rego"))
            || path.extension().is_some_and(|e| e == "json")
        {
            out.push(path);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut f =
        fs::File::create(out_dir.join("bundled_rules.rs")).expect("create bundled_rules.rs");
    writeln!(
        f,
        "/// (path relative to the crate, Rego source) of every bundled rule file."
    )
    .expect("write");
    writeln!(f, "pub static BUNDLED: &[(&str, &str)] = &[").expect("write");
    for path in &files {
        // Directories are watched only non-recursively by cargo; name each file too.
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        writeln!(
            f,
            "    ({:?}, include_str!({:?})),",
            rel,
            path.display().to_string()
        )
        .expect("write");
    }
    writeln!(f, "];").expect("write");
    // New files in subdirectories must retrigger the build too.
    let mut dirs = vec![rules.clone()];
    while let Some(d) = dirs.pop() {
        println!("cargo:rerun-if-changed={}", d.display());
        if let Ok(entries) = fs::read_dir(&d) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    dirs.push(e.path());
                }
            }
        }
    }
}
