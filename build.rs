//! Embeds every bundled rule under `rules/` (except `*_test.rego`) into the
//! binary, so the bundle is whatever `rules/` holds: no hand-kept rule list.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[path = "src/fnv.rs"]
mod fnv;
use fnv::Fnv128;

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
    // What the RVM programs in the program cache (src/engine/programs.rs) are
    // compiled from: every bundled file and the regorus release that compiles
    // them. A cached program is used only when its key, derived from this
    // digest, matches.
    let mut digest = Fnv128::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap_or(path);
        digest.write(rel.to_string_lossy().replace('\\', "/").as_bytes());
        digest.write(&[0]);
        digest.write(&fs::read(path).expect("read a bundled rule file"));
        digest.write(&[0]);
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let regorus = regorus_version(&lock);
    digest.write(regorus.as_bytes());
    if regorus.is_empty() {
        // Unknown compiler: a digest of this build alone, so no program
        // another build cached is ever taken for these rules.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        digest.write(&now.as_nanos().to_le_bytes());
    }
    writeln!(
        f,
        "/// Digest of the bundled files and the regorus release (see build.rs)."
    )
    .expect("write");
    writeln!(
        f,
        "pub static BUNDLE_DIGEST: u128 = {:#x};",
        digest.finish()
    )
    .expect("write");
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

/// The locked regorus version ("" when Cargo.lock cannot be read).
fn regorus_version(lock: &str) -> String {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"regorus\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return v.trim_matches('"').to_string();
            }
        }
    }
    String::new()
}
