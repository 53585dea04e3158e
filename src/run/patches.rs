//! Kustomize patch files among the linted files: the strategic-merge patches a
//! `kustomization.yaml` lists (`patches[].path`, `patchesStrategicMerge`) are
//! partial resources by nature, so schema validation does not ask them for
//! required fields or reject their `$patch`-style directives (issue 16, point 6).

use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The names kustomize reads a kustomization from.
const KUSTOMIZATION_FILES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How far above a linted file a kustomization may list it (`../` patches of
/// an overlay are found from the overlay's own files).
const MAX_LEVELS: usize = 8;

/// A kustomization larger than this is not read (it is a list of paths).
const MAX_KUSTOMIZATION_BYTES: u64 = 1 << 20;

/// Per file of the run: whether a kustomization in its directory or above
/// lists it as a patch.
pub fn patch_files(files: &[SourceFile]) -> Vec<bool> {
    let mut listed: HashMap<PathBuf, HashSet<PathBuf>> = HashMap::new();
    files
        .iter()
        .map(|f| {
            if f.generated {
                return false;
            }
            let path = f
                .os_path
                .as_deref()
                .cloned()
                .unwrap_or_else(|| PathBuf::from(&f.path));
            let Ok(abs) = crate::paths::absolute_normal(&path) else {
                return false;
            };
            for dir in abs.ancestors().skip(1).take(MAX_LEVELS) {
                let found = listed
                    .entry(dir.to_path_buf())
                    .or_insert_with(|| patches_listed_in(dir));
                if found.contains(&abs) {
                    return true;
                }
                // A kustomization lists files inside its project: never look
                // above the repository (or the config) the file belongs to.
                if is_project_root(dir) {
                    break;
                }
            }
            false
        })
        .collect()
}

/// Whether `dir` is where a project starts (its repository or its config).
fn is_project_root(dir: &Path) -> bool {
    crate::paths::is_repository_root(dir) || crate::config::in_dir(dir).is_some()
}

/// The patch files the kustomization of `dir` (if any) lists, as absolute paths.
fn patches_listed_in(dir: &Path) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for name in KUSTOMIZATION_FILES {
        let file = dir.join(name);
        if !file.is_file() {
            continue;
        }
        let Ok(text) = crate::input::read_option_file(&file, MAX_KUSTOMIZATION_BYTES) else {
            continue;
        };
        let loaded = crate::yaml::load(&text);
        for doc in &loaded.documents {
            for rel in listed_paths(&doc.root) {
                if let Ok(p) = crate::paths::absolute_normal(&dir.join(rel)) {
                    out.insert(p);
                }
            }
        }
    }
    out
}

/// `patchesStrategicMerge: [path]` and `patches: [{path}]` entries of a kustomization.
fn listed_paths(root: &Node) -> Vec<&str> {
    let items = |key: &str| match root.get(key).map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.as_slice(),
        _ => &[],
    };
    let strategic = items("patchesStrategicMerge")
        .iter()
        .filter_map(Node::as_str)
        .filter(|s| !s.contains('\n'));
    let patches = items("patches")
        .iter()
        .filter_map(|p| p.get("path").and_then(Node::as_str));
    strategic.chain(patches).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_patches_are_found_from_their_kustomization() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("base/patches")).expect("mkdir");
        // The project root: the search stops here (a kustomization above it
        // is another project's).
        std::fs::create_dir_all(d.join(".git")).expect("mkdir");
        std::fs::write(
            d.join("base/kustomization.yaml"),
            "resources: [deploy.yaml]\npatchesStrategicMerge:\n  - patches/replicas.yaml\n\
             patches:\n  - path: patches/image.yaml\n    target: {kind: Deployment}\n",
        )
        .expect("write");
        let file = |rel: &str| SourceFile::new(d.join(rel).display().to_string(), String::new());
        let files = [
            file("base/deploy.yaml"),
            file("base/patches/replicas.yaml"),
            file("base/patches/image.yaml"),
            file("base/patches/other.yaml"),
        ];
        assert_eq!(patch_files(&files), vec![false, true, true, false]);
    }

    #[test]
    fn a_kustomization_above_the_project_root_is_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        std::fs::create_dir_all(d.join("repo/.git")).expect("mkdir");
        std::fs::write(
            d.join("kustomization.yaml"),
            "patchesStrategicMerge:\n  - repo/web.yaml\n",
        )
        .expect("write");
        let web = SourceFile::new(d.join("repo/web.yaml").display().to_string(), String::new());
        assert_eq!(patch_files(&[web]), vec![false]);
    }
}
