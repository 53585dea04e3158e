//! Stage 3, context: the rest of the project's inventory (manifests the run
//! does not lint itself), for the cross-resource rules (`crate::project`).

use super::configs::Configs;
use super::discovery::Discovery;
use super::RunError;
use crate::engine::{self, Catalog};
use crate::input::Target;
use crate::settings::{ConfigChoice, Settings};
use crate::{config, project};
use std::path::PathBuf;

/// The project roots whose inventory the run reads (see [`crate::project`]): none
/// when the run is not asked for it; a root's config can switch it off.
pub fn roots(
    settings: &Settings,
    configs: &mut Configs,
    catalog: &Catalog,
) -> Result<Vec<PathBuf>, RunError> {
    if !settings.project_context {
        return Ok(Vec::new());
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut kept = Vec::new();
    for root in project::roots(settings, &cwd) {
        // The root's own config decides (`project-context: false`); `--config`
        // decides for every root, `--no-config` leaves it on.
        let config = match &settings.config {
            ConfigChoice::Disabled => None,
            ConfigChoice::File(_) => Some(0),
            // The root is the directory of its config, when it has one.
            ConfigChoice::Discover => match config::in_dir(&root) {
                Some(_) => configs.nearest_in_dir(&root, catalog)?,
                None => None,
            },
        };
        let on = config
            .and_then(|i| configs.loaded.get(i))
            .and_then(|c| c.project_context)
            .unwrap_or(true);
        if on {
            kept.push(root);
        }
    }
    Ok(kept)
}

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
