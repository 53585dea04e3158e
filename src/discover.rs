//! Which files to lint, in a stable sorted order: `*.yaml`, `*.yml`, `*.json`
//! under directories (hidden directories and `.git` skipped unless named),
//! explicitly named files whatever their extension, `--exclude` globs applied.
//! A directory holding `Chart.yaml` is a Helm chart: one target, rendered rather
//! than walked (its templates are Go templates, not manifests).

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A file to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Stdin,
    /// A Helm chart directory.
    Chart(PathBuf),
}

/// A problem met while walking that is not a lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub message: String,
    /// Errors (a named path that does not exist, an unreadable directory) make
    /// the run exit 2; skipped symlink loops are only reported.
    pub is_error: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid --exclude glob {glob:?}: {message}")]
pub struct GlobError {
    pub glob: String,
    pub message: String,
}

pub fn build_excludes(globs: &[String]) -> Result<GlobSet, GlobError> {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        let glob = Glob::new(g).map_err(|e| GlobError {
            glob: g.clone(),
            message: e.kind().to_string(),
        })?;
        b.add(glob);
        // `vendor` or `vendor/` should exclude everything below it too.
        let dir = g.trim_end_matches('/');
        if !dir.contains('*') {
            if let Ok(glob) = Glob::new(&format!("{dir}/**")) {
                b.add(glob);
            }
        }
    }
    b.build().map_err(|e| GlobError {
        glob: globs.join(", "),
        message: e.kind().to_string(),
    })
}

fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// A path is excluded when a glob matches it as written or any of its
/// suffixes (so `**/secret*.yaml` and `secret*.yaml` both work from any root).
pub fn excluded(excludes: &GlobSet, path: &Path) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let rel = path.strip_prefix("./").unwrap_or(path);
    if excludes.is_match(rel) {
        return true;
    }
    let mut comps = rel.components();
    while comps.next().is_some() {
        let rest = comps.as_path();
        if !rest.as_os_str().is_empty() && excludes.is_match(rest) {
            return true;
        }
    }
    false
}

/// Expands the command-line paths into targets. `-` is stdin.
pub fn discover(paths: &[PathBuf], excludes: &GlobSet) -> (Vec<Target>, Vec<WalkProblem>) {
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    let mut seen: HashSet<FileId> = HashSet::new();
    let mut push = |targets: &mut Vec<Target>, path: PathBuf, chart: bool| {
        // The same file reached twice (named twice, or through a symlinked
        // directory) is linted once; so is a chart named through several files.
        if seen.insert(FileId::of(&path)) {
            targets.push(if chart {
                Target::Chart(path)
            } else {
                Target::File(path)
            });
        }
    };
    for root in paths {
        if root.as_os_str() == "-" {
            targets.push(Target::Stdin);
            continue;
        }
        let meta = std::fs::metadata(root);
        match meta {
            Err(e) => {
                // A dangling symlink or missing path named explicitly.
                problems.push(WalkProblem {
                    path: root.clone(),
                    message: io_message(&e),
                    is_error: true,
                });
                continue;
            }
            Ok(m) if !m.is_dir() => {
                // Named explicitly: linted whatever its extension, but excludes
                // still apply, so pre-commit (which names every staged file)
                // honours the same excludes as a walk of the repository.
                if !excluded(excludes, root) {
                    // pre-commit names `chart/templates/x.yaml`: lint the chart.
                    match crate::helm::chart::chart_of(root) {
                        Some(chart) => push(&mut targets, chart, true),
                        None => push(&mut targets, root.clone(), false),
                    }
                }
                continue;
            }
            Ok(_) if crate::helm::chart::is_chart_dir(root) => {
                push(&mut targets, crate::helm::chart::tidy(root), true);
                continue;
            }
            Ok(_) => {}
        }
        // (path, is a chart)
        let mut found: Vec<(PathBuf, bool)> = Vec::new();
        let mut charts: Vec<PathBuf> = Vec::new();
        let walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                let hidden_dir = e.file_type().is_dir() && hidden;
                if hidden_dir || excluded(excludes, e.path()) {
                    return false;
                }
                // A chart is one target; nothing inside it is walked.
                if e.file_type().is_dir() && crate::helm::chart::is_chart_dir(e.path()) {
                    charts.push(e.path().to_path_buf());
                    return false;
                }
                true
            });
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_file() && is_manifest_name(e.path()) {
                        // `kubeward .` reports `deploy/a.yaml`, not `./deploy/a.yaml`.
                        let path = e.into_path();
                        let path = match path.strip_prefix("./") {
                            Ok(p) if root.as_os_str() == "." => p.to_path_buf(),
                            _ => path,
                        };
                        found.push((path, false));
                    }
                }
                Err(e) => {
                    let path = e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| root.clone());
                    if e.loop_ancestor().is_some() {
                        problems.push(WalkProblem {
                            path,
                            message: "symlink loop skipped".into(),
                            is_error: false,
                        });
                    } else if let Some(io) = e.io_error() {
                        // A dangling symlink inside a directory is not a manifest
                        // anyone can lint; say so without failing the run.
                        let dangling = std::fs::symlink_metadata(&path)
                            .map(|m| m.file_type().is_symlink())
                            .unwrap_or(false);
                        problems.push(WalkProblem {
                            path,
                            message: if dangling {
                                "dangling symlink skipped".into()
                            } else {
                                io_message(io)
                            },
                            is_error: !dangling,
                        });
                    }
                }
            }
        }
        found.extend(
            charts
                .into_iter()
                .map(|c| (crate::helm::chart::tidy(&c), true)),
        );
        found.sort();
        for (f, chart) in found {
            if !excluded(excludes, &f) {
                push(&mut targets, f, chart);
            }
        }
    }
    (targets, problems)
}

/// What identifies a file on disk: its device and inode on Unix (one `stat`;
/// canonicalising the path costs a lookup per path component, ~80 ms for the
/// 5,000 files of a large repository), its canonical path elsewhere.
#[derive(PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileId {
    fn of(path: &Path) -> FileId {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if let Ok(m) = std::fs::metadata(path) {
                return FileId::Inode(m.dev(), m.ino());
            }
        }
        FileId::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_sorted_skips_hidden_and_excluded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        fs::create_dir_all(d.join("b")).expect("mkdir");
        fs::create_dir_all(d.join(".hidden")).expect("mkdir");
        fs::create_dir_all(d.join("vendor")).expect("mkdir");
        for f in [
            "a.yaml",
            "b/c.yml",
            "b/d.json",
            "b/e.txt",
            ".hidden/x.yaml",
            "vendor/v.yaml",
        ] {
            fs::write(d.join(f), "x: 1\n").expect("write");
        }
        let ex = build_excludes(&["vendor".into()]).expect("globs");
        let (targets, problems) = discover(&[d.to_path_buf()], &ex);
        assert!(problems.is_empty());
        let names: Vec<String> = targets
            .iter()
            .map(|t| match t {
                Target::File(p) => p.strip_prefix(d).expect("under root").display().to_string(),
                Target::Stdin => "-".into(),
                Target::Chart(p) => format!("chart {}", p.display()),
            })
            .collect();
        assert_eq!(names, vec!["a.yaml", "b/c.yml", "b/d.json"]);

        // Named explicitly: linted whatever its extension, hidden or not.
        let (targets, _) = discover(&[d.join("b/e.txt"), d.join(".hidden")], &ex);
        assert_eq!(targets.len(), 2);
    }

    #[test]
    fn reports_missing_paths() {
        let ex = build_excludes(&[]).expect("globs");
        let (targets, problems) = discover(&[PathBuf::from("/nonexistent/kubeward")], &ex);
        assert!(targets.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].is_error);
    }
}
