//! The project a run belongs to. Cross-resource rules (a workload without a
//! NetworkPolicy, a PDB, a ServiceAccount) must judge a file against the
//! *project's* resources, not against whichever files the command line
//! happened to name: pre-commit passes only the staged files, an editor only
//! its buffer, CI the whole tree, and all three must agree.
//!
//! The project root of a named path is the directory of the nearest
//! `.kubeward.yaml` above it, else the nearest directory holding `.git`, else
//! the current directory (when the path is under it) or the path's own
//! directory. Every manifest under the root that the run does not lint itself
//! (same discovery and excludes as a walk) contributes its slim inventory
//! entries. Chart directories are not rendered for context: rendering costs
//! seconds, and a pre-commit run must not pay it for a chart nobody touched.
//!
//! Reading a large repository on every one-file run would be slow, so each
//! file's entries are cached (see [`cache`]), keyed by path, size, mtime and
//! what shapes an entry (kubeward's version, custom workloads, limits).

pub mod cache;

use crate::discover;
use crate::input::Target;
use crate::settings::Settings;
use crate::{config, input, limits::Limits, resource};
use globset::GlobSet;
use regorus::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Projects with fewer manifests than this are read without the cache: they
/// read in a few milliseconds anyway, and a cache file per small directory
/// (every temporary checkout) would only litter the cache directory.
pub const CACHE_MIN_FILES: usize = 256;

/// The resources of a run's project that the run does not lint.
#[derive(Debug, Default)]
pub struct Context {
    /// Inventory entries (as `data.kubeward.inventory` holds them), in
    /// discovery order.
    pub entries: Vec<Value>,
    /// Manifest files read for context (from disk or from the cache).
    pub files: usize,
    /// Of those, how many came from the cache.
    pub cached: usize,
    /// The files holding CustomResourceDefinitions (each with the CRD's name,
    /// `<plural>.<group>`, empty when it has none), in discovery order: the
    /// schema stage reads the CRDs it needs from them (their trees are not
    /// kept: CRDs are most of a large project's bytes).
    pub crd_files: Vec<(PathBuf, String)>,
}

/// What reading the context needs from the run.
pub struct Options<'a> {
    pub excludes: &'a GlobSet,
    pub follow: bool,
    pub limits: Limits,
    pub workloads: &'a [crate::kinds::Workload],
    /// Where the inventory cache lives; None: no cache (`--no-cache`).
    pub cache_dir: Option<PathBuf>,
    pub threads: usize,
}

/// The project root for a path named on the command line (a file or a
/// directory), as an absolute path.
pub fn root_of(named: &Path, cwd: &Path) -> PathBuf {
    let abs = cwd.join(named);
    let start = match std::fs::metadata(&abs) {
        Ok(m) if m.is_dir() => abs.clone(),
        _ => abs.parent().map_or_else(|| abs.clone(), Path::to_path_buf),
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    if let Some(dir) = start.ancestors().find(|d| config::in_dir(d).is_some()) {
        return dir.to_path_buf();
    }
    if let Some(dir) = start
        .ancestors()
        .find(|d| crate::paths::is_repository_root(d))
    {
        return dir.to_path_buf();
    }
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    match start.starts_with(&cwd) {
        true => cwd,
        false => start,
    }
}

/// The roots of a run: one per path named (stdin counts through
/// `--stdin-filename`; bare stdin has no project), without repeats. A root
/// inside another root is dropped: the outer one's walk covers it.
pub fn roots(settings: &Settings, cwd: &Path) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    for p in &settings.paths {
        let root = if p.as_os_str() == "-" {
            match &settings.stdin_filename {
                Some(name) => root_of(Path::new(name), cwd),
                None => continue,
            }
        } else {
            root_of(p, cwd)
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let all = roots.clone();
    roots.retain(|r| !all.iter().any(|o| o != r && r.starts_with(o)));
    // A root the run walks itself (`kubeward .` at the top of the project)
    // has nothing more to give: every manifest under it is linted.
    let walked: Vec<PathBuf> = settings
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| cwd.join(p))
        .filter(|p| p.is_dir())
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    roots.retain(|r| !walked.contains(r));
    roots.sort();
    roots
}

/// How a walk of `root` should be written so that excludes match as they do
/// in a walk from the current directory: `.` for the current directory,
/// `../..` above it, the absolute path elsewhere.
fn walk_path(root: &Path, cwd: &Path) -> PathBuf {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    if let Ok(rest) = root.strip_prefix(&cwd) {
        return Path::new(".").join(rest);
    }
    if let Ok(up) = cwd.strip_prefix(root) {
        let mut p = PathBuf::new();
        for _ in up.components() {
            p.push("..");
        }
        return p;
    }
    root.to_path_buf()
}

/// Reads the project's manifests under `roots` that are not among the linted
/// files (`linted_paths`, and `linted`: their identities), through the cache.
pub fn read(
    roots: &[PathBuf],
    cwd: &Path,
    linted_paths: &[PathBuf],
    linted: &HashSet<crate::paths::FileId>,
    settings: &Settings,
    opts: &Options<'_>,
) -> Context {
    let mut context = Context::default();
    let linted_names: HashSet<&std::ffi::OsStr> =
        linted_paths.iter().filter_map(|p| p.file_name()).collect();
    for root in roots {
        let walked = walk_path(root, cwd);
        // The cache is parsed on another thread while the tree is walked:
        // both take tens of milliseconds in a large repository.
        let salt = salt(opts);
        let cache_dir = opts.cache_dir.as_deref();
        let (files, store) = std::thread::scope(|scope| {
            let store = cache_dir.map(|dir| scope.spawn(|| cache::Store::open(dir, root, &salt)));
            let files: Vec<PathBuf> = discover::manifests_under(
                &walked,
                opts.excludes,
                opts.follow,
                walk_threads(opts.threads),
            )
            .into_iter()
            // A stat per file is much of a warm run's time in a large
            // repository: only files named like a linted one are checked.
            .filter(|p| {
                !p.file_name().is_some_and(|n| linted_names.contains(n))
                    || !linted.contains(&crate::paths::FileId::of(p))
            })
            .collect();
            (files, store.and_then(|h| h.join().ok()))
        });
        // Small projects are read without the cache (see CACHE_MIN_FILES).
        let mut store = store.filter(|_| files.len() >= CACHE_MIN_FILES);
        // A stat per file: on all cores (the kernel's lookups are the cost).
        let keys: Vec<Option<cache::Key>> = match store.is_some() {
            true => crate::parallel::map(
                &files,
                crate::parallel::threads_for(files.len(), 1024, opts.threads),
                || Ok::<_, std::convert::Infallible>(()),
                |_, p| cache::Key::of(&walked, p),
            )
            .unwrap_or_default(),
            false => vec![None; files.len()],
        };
        let mut found: Vec<Option<Vec<Value>>> = keys
            .iter()
            .map(|k| Some(store.as_ref()?.get(k.as_ref()?)?.clone()))
            .collect();
        context.files += files.len();
        context.cached += found.iter().filter(|f| f.is_some()).count();
        let missing: Vec<usize> = (0..files.len()).filter(|&i| found[i].is_none()).collect();
        let threads = crate::parallel::threads_for(missing.len(), 8, opts.threads);
        let fresh = crate::parallel::map(
            &missing,
            threads,
            || Ok::<_, std::convert::Infallible>(()),
            |_, &i| entries_of(&files[i], settings, opts),
        )
        .unwrap_or_default();
        for (i, entries) in missing.into_iter().zip(fresh) {
            if let (Some(store), Some(key)) = (store.as_mut(), &keys[i]) {
                store.put(key, &entries);
            }
            found[i] = Some(entries);
        }
        for (path, entries) in files.iter().zip(&found) {
            for e in entries.iter().flatten() {
                if let Some(name) = crd_name(e) {
                    context.crd_files.push((path.clone(), name));
                }
            }
        }
        context
            .entries
            .extend(found.into_iter().flatten().flatten());
        if let Some(store) = store {
            store.save(&keys);
        }
    }
    context
}

/// The name of a CustomResourceDefinition's inventory entry (empty when it
/// has none); `None` for any other entry.
fn crd_name(entry: &Value) -> Option<String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    };
    let api = text(&entry["apiVersion"])?;
    let kind = text(&entry["kind"])?;
    if !crate::schema::crd::is_crd(&api, &kind) {
        return None;
    }
    Some(text(&entry["metadata"]["name"]).unwrap_or_default())
}

/// Threads for the project walk: one per CPU (`--threads` caps it).
fn walk_threads(max: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    match max {
        0 => cpus,
        n => n.min(cpus),
    }
}

/// What shapes an inventory entry besides the file's bytes: a cache written
/// under other settings is ignored.
fn salt(opts: &Options<'_>) -> String {
    format!(
        "{} {:?} {:?}",
        env!("CARGO_PKG_VERSION"),
        opts.workloads,
        opts.limits
    )
}

/// The inventory entries of one manifest file; nothing when it cannot be
/// read or parsed (the run reports only on the files it lints).
fn entries_of(path: &Path, settings: &Settings, opts: &Options<'_>) -> Vec<Value> {
    let target = Target::File(path.to_path_buf());
    match input::read_and_load(&target, settings.stdin_input(), &opts.limits) {
        input::Loaded::File {
            source, documents, ..
        } => {
            let mut issues = Vec::new();
            resource::resources_of(0, &source.text, documents, &mut issues)
                .iter()
                .map(|r| crate::inventory::inventory_entry(r, opts.workloads))
                .collect()
        }
        input::Loaded::Failed(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_nearest_config_then_the_repository() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = std::fs::canonicalize(dir.path()).expect("real");
        std::fs::create_dir_all(base.join("repo/.git")).expect("git");
        std::fs::create_dir_all(base.join("repo/apps/web")).expect("dirs");
        std::fs::write(base.join("repo/apps/web/d.yaml"), "").expect("file");
        assert_eq!(
            root_of(Path::new("repo/apps/web/d.yaml"), &base),
            base.join("repo")
        );
        std::fs::write(base.join("repo/apps/.kubeward.yaml"), "").expect("config");
        assert_eq!(
            root_of(Path::new("repo/apps/web/d.yaml"), &base),
            base.join("repo/apps")
        );
        // No marker: the current directory when the path is under it.
        std::fs::create_dir_all(base.join("plain/x")).expect("dirs");
        assert_eq!(root_of(Path::new("plain/x/a.yaml"), &base), base);
        // ... else the path's own directory.
        let elsewhere = base.join("plain/x");
        assert_eq!(
            root_of(&elsewhere.join("a.yaml"), &base.join("repo")),
            elsewhere
        );
    }

    #[test]
    fn walks_are_written_from_the_current_directory() {
        let cwd = std::env::current_dir().expect("cwd");
        let cwd = std::fs::canonicalize(cwd).expect("real");
        assert_eq!(walk_path(&cwd, &cwd), Path::new("."));
        if let Some(parent) = cwd.parent() {
            assert_eq!(walk_path(parent, &cwd), Path::new(".."));
        }
        assert_eq!(walk_path(&cwd.join("a"), &cwd), Path::new("./a"));
    }
}
