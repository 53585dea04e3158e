//! Stage 3, context: the rest of the project's inventory (manifests the run
//! does not lint itself), for the cross-resource rules (`crate::project`).

use super::discovery::Discovery;
use crate::engine;
use crate::input::Target;
use crate::project;
use crate::settings::Settings;
use std::path::PathBuf;

/// The rest of the project's inventory under `roots`: every manifest the run
/// does not lint itself.
pub fn project_context(settings: &Settings, d: &Discovery) -> project::Context {
    let roots = &d.project_roots;
    if roots.is_empty() {
        return project::Context::default();
    }
    let _span = engine::profile::Span::new("project context");
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut linted_paths: Vec<PathBuf> = d
        .targets
        .iter()
        .filter_map(|t| match t {
            Target::File(p) | Target::Chart(p) => Some(p.clone()),
            Target::Stdin => None,
        })
        .collect();
    // An editor's buffer stands for the file it names: the copy on disk is
    // older and must not count too.
    if let Some(name) = &settings.stdin_filename {
        linted_paths.push(PathBuf::from(name));
    }
    let linted: std::collections::HashSet<crate::paths::FileId> = linted_paths
        .iter()
        .map(|p| crate::paths::FileId::of(p))
        .collect();
    let opts = project::Options {
        excludes: &d.excludes,
        follow: settings.follow_symlinks,
        limits: d.target_limits.first().copied().unwrap_or_default(),
        workloads: &d.workloads,
        cache_dir: settings.cache_dir.clone(),
        threads: settings.threads,
    };
    project::read(roots, &cwd, &linted_paths, &linted, settings, &opts)
}
