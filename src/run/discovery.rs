//! Stage 1, discover: the configs, the files and charts to lint (with the
//! config, limits and Helm renders of each), the project roots whose
//! inventory the run reads, and the run-wide settings the first file's config
//! gives (target version, custom workloads).

use super::configs::Configs;
use super::RunError;
use crate::config::Config;
use crate::discover;
use crate::engine::Catalog;
use crate::input::Target;
use crate::kinds::Workload;
use crate::kube_version::DEFAULT_KUBE_VERSION;
use crate::problem::Problem;
use crate::settings::{ConfigChoice, Settings};
use crate::{config, helm, limits, project};
use std::path::{Path, PathBuf};

pub struct Discovery {
    pub configs: Configs,
    pub excludes: globset::GlobSet,
    pub targets: Vec<Target>,
    /// Per target: the index of its config.
    pub target_cfg: Vec<Option<usize>>,
    /// Per target: its limits (the command line's, then its config's, then
    /// the defaults).
    pub target_limits: Vec<limits::Limits>,
    /// Per target: how a chart is rendered (empty for files).
    pub renders: Vec<Vec<helm::render::RenderSpec>>,
    /// Roots of the project context (empty: only the linted files count).
    pub project_roots: Vec<PathBuf>,
    /// The path stdin is linted as (`--stdin-filename`, else `.`).
    pub stdin_anchor: PathBuf,
    /// The config run-wide settings come from: the first file's.
    pub primary: Option<usize>,
    pub kube_version: (u32, u32),
    /// Custom pod-bearing kinds (the primary config's `workloads:`).
    pub workloads: Vec<Workload>,
    /// Problems met while walking.
    pub problems: Vec<Problem>,
}

impl Discovery {
    pub fn primary(&self) -> Option<&Config> {
        self.configs.get(self.primary)
    }

    /// The path a target is linted as.
    pub fn path_of<'a>(&'a self, t: &'a Target) -> &'a Path {
        match t {
            Target::File(p) | Target::Chart(p) => p,
            Target::Stdin => &self.stdin_anchor,
        }
    }
}

/// Finds the configs and the targets of a run.
pub fn discover(settings: &Settings, catalog: &Catalog) -> Result<Discovery, RunError> {
    // Configs: an explicit file, or the nearest one above each path argument
    // (for excludes, needed while walking) and above each file (for the rest).
    let mut configs = Configs::new(settings.limits.file_bytes());
    let stdin_anchor = settings
        .stdin_filename
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    match &settings.config {
        ConfigChoice::File(p) => {
            configs.load(p, catalog)?;
        }
        ConfigChoice::Disabled => {}
        ConfigChoice::Discover => {
            for p in &settings.paths {
                let anchor = if p.as_os_str() == "-" {
                    &stdin_anchor
                } else {
                    p
                };
                configs.nearest(anchor, catalog)?;
            }
        }
    }
    let mut excludes = settings.excludes.clone();
    for c in &configs.loaded {
        excludes.extend(c.exclude.iter().cloned());
    }
    let excludes = discover::build_excludes(&excludes)?;
    let (mut targets, problems) =
        discover::discover(&settings.paths, &excludes, settings.follow_symlinks);
    // An editor buffer is linted as if it were the file it names: an excluded
    // path yields nothing, as it would when walking the repository.
    if let Some(name) = &settings.stdin_filename {
        if discover::excluded(&excludes, Path::new(name)) {
            targets.retain(|t| *t != Target::Stdin);
        }
    }
    let mut target_cfg: Vec<Option<usize>> = Vec::with_capacity(targets.len());
    for t in &targets {
        let path = match t {
            Target::File(p) | Target::Chart(p) => p.as_path(),
            Target::Stdin => stdin_anchor.as_path(),
        };
        target_cfg.push(match &settings.config {
            ConfigChoice::File(_) => Some(0),
            ConfigChoice::Disabled => None,
            // A file's directory is its parent: no need to ask the disk.
            ConfigChoice::Discover => match (t, crate::paths::absolute_normal(path)) {
                (Target::File(_), Ok(abs)) => match abs.parent() {
                    Some(dir) => configs.nearest_in_dir(dir, catalog)?,
                    None => configs.nearest(path, catalog)?,
                },
                _ => configs.nearest(path, catalog)?,
            },
        });
    }
    let project_roots = project_roots(settings, &mut configs, catalog)?;
    // Run-wide settings come from the first file's config.
    let primary = target_cfg.iter().flatten().next().copied();
    let primary_config = configs.get(primary);
    let kube_version = settings
        .kube_version
        .or(primary_config.and_then(|c| c.kube_version))
        .unwrap_or(DEFAULT_KUBE_VERSION);
    let workloads = primary_config
        .map(|c| c.workloads.clone())
        .unwrap_or_default();

    // A `--helm-bin` that cannot run is a usage error (exit 2), found before
    // anything is linted; it matters only when a chart is to be rendered.
    if let Some(bin) = settings
        .helm
        .bin
        .as_deref()
        .filter(|_| !settings.helm.no_render)
    {
        if targets.iter().any(|t| matches!(t, Target::Chart(_))) {
            helm::render::check_bin(bin, settings.helm.search_path.as_deref())
                .map_err(RunError::HelmBin)?;
        }
    }

    // How each chart is rendered: its config's `charts:` entries, else once with
    // the command line's values.
    let renders = targets
        .iter()
        .zip(&target_cfg)
        .map(|(t, cfg)| match t {
            Target::Chart(dir) => helm_renders(dir, configs.get(*cfg), settings, kube_version),
            _ => Vec::new(),
        })
        .collect();
    let target_limits = target_cfg
        .iter()
        .map(|cfg| {
            let from_config = configs.get(*cfg).map(|c| c.limits).unwrap_or_default();
            settings.limits.or(&from_config)
        })
        .collect();
    Ok(Discovery {
        configs,
        excludes,
        targets,
        target_cfg,
        target_limits,
        renders,
        project_roots,
        stdin_anchor,
        primary,
        kube_version,
        workloads,
        problems,
    })
}

/// The project roots whose inventory the run reads (see [`crate::project`]): none
/// when the run is not asked for it; a root's config can switch it off.
fn project_roots(
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

/// The `helm template` runs for one chart: each `charts:` entry of its config
/// (values relative to the chart), else one run with the command line's options.
/// Command-line values files and `--set`s apply to every run, after the config's.
pub fn helm_renders(
    dir: &Path,
    config: Option<&Config>,
    settings: &Settings,
    kube_version: (u32, u32),
) -> Vec<helm::render::RenderSpec> {
    let base = helm::render::RenderSpec {
        label: None,
        release_name: settings.helm.release_name.clone(),
        namespace: settings.namespace.clone(),
        values: settings.helm.values.clone(),
        set: settings.helm.set.clone(),
        kube_version: Some(kube_version),
    };
    let configured = config.map(|c| c.renders_for(dir)).unwrap_or_default();
    if configured.is_empty() {
        return vec![base];
    }
    configured
        .into_iter()
        .map(|c| {
            let mut values: Vec<PathBuf> = c.values.iter().map(|v| dir.join(v)).collect();
            values.extend(base.values.iter().cloned());
            let mut set = c.set.clone();
            set.extend(base.set.iter().cloned());
            helm::render::RenderSpec {
                label: c.name.clone(),
                release_name: base.release_name.clone().or(c.release_name),
                namespace: base.namespace.clone().or(c.namespace),
                values,
                set,
                kube_version: base.kube_version,
            }
        })
        .collect()
}
