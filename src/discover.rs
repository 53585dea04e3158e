//! Which files to lint, in a stable sorted order: `*.yaml`, `*.yml`, `*.json`
//! under directories (hidden directories and `.git` skipped unless named),
//! explicitly named files whatever their extension, `--exclude` globs applied.
//! A directory holding `Chart.yaml` is a Helm chart: one target, rendered rather
//! than walked (its templates are Go templates, not manifests).

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

use crate::input::Target;
use crate::paths::{io_message, real_path, system_dir, FileId, SYSTEM_DIRS};

// Problems met while walking: errors (a named path that does not exist, an
// unreadable directory) make the run exit 2; skipped symlink loops are only
// reported.
use crate::problem::Problem;

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

/// Expands the command-line paths into targets. `-` is stdin. Symlinks met
/// while walking a directory are followed only with `follow` (`--follow`), and
/// then only to targets inside the walked directory; paths named here are
/// resolved whatever they are, but never into /proc, /sys or /dev.
pub fn discover(
    paths: &[PathBuf],
    excludes: &GlobSet,
    follow: bool,
) -> (Vec<Target>, Vec<Problem>) {
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
        // A dangling symlink, a missing path or a kernel pseudo-filesystem
        // named explicitly: an error, and nothing is walked.
        let real_root = match real_path(root) {
            Ok(real) => real,
            Err(message) => {
                problems.push(Problem {
                    path: root.display().to_string(),
                    message,
                    is_error: true,
                });
                continue;
            }
        };
        let meta = std::fs::metadata(root);
        match meta {
            Err(e) => {
                problems.push(Problem {
                    path: root.display().to_string(),
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
        let walk = Walk {
            root,
            real_root: &real_root,
            excludes,
            follow,
        };
        let mut found = walk.run(&mut problems);
        found.sort();
        for (f, chart) in found {
            if !excluded(excludes, &f) {
                push(&mut targets, f, chart);
            }
        }
    }
    (targets, problems)
}

/// The manifest files under directory `root`, sorted, walked exactly as
/// [`discover`] walks a directory (hidden directories, excludes, charts and
/// symlinks alike) but without its check for files reached twice, which
/// costs a `stat` per file: without `follow`, a walk of one directory meets
/// each file once. Charts are left out. For the project context, which
/// walks a whole repository on every one-file run.
pub fn manifests_under(
    root: &Path,
    excludes: &GlobSet,
    follow: bool,
    threads: usize,
) -> Vec<PathBuf> {
    let Ok(real_root) = real_path(root) else {
        return Vec::new();
    };
    // A chart is rendered, not walked: its templates are not manifests.
    if crate::helm::chart::is_chart_dir(root) {
        return Vec::new();
    }
    let guard_system = SYSTEM_DIRS
        .iter()
        .any(|d| Path::new(d).starts_with(&real_root));
    let found = match follow || guard_system || threads <= 1 {
        true => walk_subtree(root, &real_root, excludes, follow),
        false => walk_in_parallel(root, &real_root, excludes, threads),
    };
    let mut found: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| !excluded(excludes, f))
        .collect();
    found.sort();
    if follow {
        let mut seen = HashSet::new();
        found.retain(|f| seen.insert(FileId::of(f)));
    }
    found
}

/// The manifests of one subtree (charts left out), as [`Walk`] finds them.
fn walk_subtree(root: &Path, real_root: &Path, excludes: &GlobSet, follow: bool) -> Vec<PathBuf> {
    let walk = Walk {
        root,
        real_root,
        excludes,
        follow,
    };
    walk.run(&mut Vec::new())
        .into_iter()
        .filter(|(_, chart)| !chart)
        .map(|(f, _)| f)
        .collect()
}

/// The same walk without `--follow`, the root's subdirectories shared among
/// `threads` workers: listing a large repository is kernel work (a directory
/// open and listing each, a `stat` per directory for `Chart.yaml`) that two
/// cores do in half the time. The root's own entries are filtered as
/// [`Walk::run`] filters an entry below its root.
fn walk_in_parallel(
    root: &Path,
    real_root: &Path,
    excludes: &GlobSet,
    threads: usize,
) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(root) else {
        return walk_subtree(root, real_root, excludes, false);
    };
    // `kubeward .` reports `deploy/a.yaml`, not `./deploy/a.yaml`.
    let shown = |name: &std::ffi::OsStr| match root.as_os_str() == "." {
        true => PathBuf::from(name),
        false => root.join(name),
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in read.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let path = shown(&name);
        if excluded(excludes, &path) {
            continue;
        }
        if kind.is_dir() {
            let hidden = name.to_str().is_some_and(|n| n.starts_with('.'));
            if !hidden && !crate::helm::chart::is_chart_dir(&path) {
                dirs.push((path, real_root.join(&name)));
            }
        } else if kind.is_file() && is_manifest_name(&path) {
            files.push(path);
        }
    }
    let below = crate::parallel::map(
        &dirs,
        threads,
        || Ok::<_, std::convert::Infallible>(()),
        |_, (dir, real)| walk_subtree(dir, real, excludes, false),
    )
    .unwrap_or_default();
    files.extend(below.into_iter().flatten());
    files
}

/// One directory named on the command line, walked.
struct Walk<'a> {
    root: &'a Path,
    /// `root` with symlinks resolved: what followed symlinks must stay inside.
    real_root: &'a Path,
    excludes: &'a GlobSet,
    follow: bool,
}

impl Walk<'_> {
    /// The manifests and charts under the root, as (path, is a chart).
    fn run(&self, problems: &mut Vec<Problem>) -> Vec<(PathBuf, bool)> {
        let mut found: Vec<(PathBuf, bool)> = Vec::new();
        let mut charts: Vec<PathBuf> = Vec::new();
        // Only a walk of `/` itself can meet /proc, /sys or /dev without
        // following a symlink; below any other root a directory's real path is
        // the root's real path joined with the part walked.
        let guard_system = SYSTEM_DIRS
            .iter()
            .any(|d| Path::new(d).starts_with(self.real_root));
        let walker = WalkDir::new(self.root)
            // Without it a symlink entry is neither a file nor a directory:
            // skipped silently, as ripgrep does. The root itself is resolved.
            .follow_links(self.follow)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                let hidden = e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
                let hidden_dir = e.file_type().is_dir() && hidden;
                if hidden_dir || excluded(self.excludes, e.path()) {
                    return false;
                }
                // (walkdir has already listed a followed directory it hands us
                // here, one read_dir, but nothing below it is walked or read.)
                if self.follow && e.path_is_symlink() {
                    if let Err(message) = self.followable(e.path()) {
                        problems.push(Problem {
                            path: e.path().display().to_string(),
                            message,
                            is_error: false,
                        });
                        return false;
                    }
                } else if guard_system && e.file_type().is_dir() {
                    let rel = e.path().strip_prefix(self.root).unwrap_or(e.path());
                    if system_dir(&self.real_root.join(rel)).is_some() {
                        problems.push(Problem {
                            path: e.path().display().to_string(),
                            message: "a kernel pseudo-filesystem; not walked".into(),
                            is_error: false,
                        });
                        return false;
                    }
                }
                // A chart is one target; nothing inside it is walked.
                if e.file_type().is_dir() && crate::helm::chart::is_chart_dir(e.path()) {
                    charts.push(e.path().to_path_buf());
                    return false;
                }
                true
            });
        let mut errors = Vec::new();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_file() && is_manifest_name(e.path()) {
                        // `kubeward .` reports `deploy/a.yaml`, not `./deploy/a.yaml`.
                        let path = e.into_path();
                        let path = match path.strip_prefix("./") {
                            Ok(p) if self.root.as_os_str() == "." => p.to_path_buf(),
                            _ => path,
                        };
                        found.push((path, false));
                    }
                }
                Err(e) => errors.push(self.walk_error(&e)),
            }
        }
        problems.extend(errors.into_iter().flatten());
        found.extend(
            charts
                .into_iter()
                .map(|c| (crate::helm::chart::tidy(&c), true)),
        );
        found
    }

    /// Whether a symlink met while walking (with `--follow`) may be followed:
    /// its target must lie inside the walked directory, so a committed
    /// `ln -s / root` or `ln -s ~/.ssh keys` reads nothing outside the tree.
    fn followable(&self, link: &Path) -> Result<(), String> {
        let target = std::fs::canonicalize(link).map_err(|e| io_message(&e))?;
        if let Some(dir) = system_dir(&target) {
            return Err(format!(
                "symlink into {dir} (a kernel pseudo-filesystem) not followed"
            ));
        }
        if !target.starts_with(self.real_root) {
            return Err(format!(
                "symlink to {} not followed: it is outside {}",
                target.display(),
                self.real_root.display()
            ));
        }
        Ok(())
    }

    /// A walk error as a problem (None: nothing worth saying).
    fn walk_error(&self, e: &walkdir::Error) -> Option<Problem> {
        let path = e
            .path()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.to_path_buf());
        if e.loop_ancestor().is_some() {
            return Some(Problem {
                path: path.display().to_string(),
                message: "symlink loop skipped".into(),
                is_error: false,
            });
        }
        let io = e.io_error()?;
        // A dangling symlink inside a directory is not a manifest anyone can
        // lint; say so without failing the run.
        let dangling = std::fs::symlink_metadata(&path)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        Some(Problem {
            path: path.display().to_string(),
            message: if dangling {
                "dangling symlink skipped".into()
            } else {
                io_message(io)
            },
            is_error: !dangling,
        })
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
        let (targets, problems) = discover(&[d.to_path_buf()], &ex, false);
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
        let (targets, _) = discover(&[d.join("b/e.txt"), d.join(".hidden")], &ex, false);
        assert_eq!(targets.len(), 2);
    }

    #[test]
    fn reports_missing_paths() {
        let ex = build_excludes(&[]).expect("globs");
        let (targets, problems) = discover(&[PathBuf::from("/nonexistent/kubeward")], &ex, false);
        assert!(targets.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].is_error);
    }
}

#[cfg(test)]
mod manifests_under_tests {
    use super::*;

    /// The parallel walk finds what the sequential one finds, in the same
    /// order: hidden directories, charts, excludes and non-manifests alike.
    #[test]
    fn parallel_and_sequential_walks_agree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (path, text) in [
            ("a.yaml", ""),
            ("notes.txt", ""),
            (".hidden.yaml", ""),
            ("apps/web/d.yaml", ""),
            ("apps/web/x.json", ""),
            ("apps/.cache/c.yaml", ""),
            ("vendor/v.yaml", ""),
            ("chart/Chart.yaml", "name: c\n"),
            ("chart/templates/t.yaml", ""),
            ("z/deep/er/e.yml", ""),
        ] {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
            std::fs::write(p, text).expect("write");
        }
        let excludes = build_excludes(&["vendor".to_string()]).expect("globs");
        let one = manifests_under(root, &excludes, false, 1);
        let two = manifests_under(root, &excludes, false, 2);
        assert_eq!(one, two);
        let names: Vec<_> = one
            .iter()
            .map(|p| p.strip_prefix(root).expect("under root").to_path_buf())
            .collect();
        let want: Vec<PathBuf> = [
            ".hidden.yaml",
            "a.yaml",
            "apps/web/d.yaml",
            "apps/web/x.json",
            "z/deep/er/e.yml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(names, want);
    }
}
