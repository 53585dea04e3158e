//! kubeward: an offline Kubernetes manifest linter. This is the whole pipeline
//! as one function a test can call (DESIGN.md §1): discover -> load -> evaluate
//! -> locate. No clap, no printing, no process exit here.

pub mod atomic_file;
pub mod baseline;
pub mod catalog_doc;
pub mod config;
pub mod discover;
pub mod engine;
pub mod evict;
pub mod finding;
pub mod fixtures;
mod fnv;
pub mod helm;
pub mod input;
pub mod limits;
pub mod locate;
pub mod parallel;
pub mod policy;
pub mod project;
pub mod report;
pub mod resource;
pub mod rules_builtin;
pub mod source;
pub mod suppress;
pub mod yaml;

use engine::{Catalog, EngineError, Evaluator, Plan};
use finding::{Finding, PathSeg, ResourceRef, Severity};
use regorus::Value;
use resource::Resource;
use source::SourceFile;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The newest Kubernetes minor version the bundled rules know (RULES.md).
pub const DEFAULT_KUBE_VERSION: (u32, u32) = (1, 35);

/// Parses `1.29` / `v1.29` into (major, minor); only Kubernetes 1.x exists.
pub fn parse_kube_version(s: &str) -> Result<(u32, u32), String> {
    let t = s.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    // A patch version (`1.29.3`) is accepted and ignored.
    let patch_ok = parts.next().is_none_or(|p| p.parse::<u32>().is_ok()) && parts.next().is_none();
    match (major, minor) {
        (Some(1), Some(minor)) if patch_ok && minor <= 99 => Ok((1, minor)),
        _ => Err(format!(
            "expected a Kubernetes version like 1.{}, got {s:?}",
            DEFAULT_KUBE_VERSION.1
        )),
    }
}

/// Everything a run needs, already validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<String>,
    /// The name stdin is reported under (default `-`).
    pub stdin_filename: Option<String>,
    /// The bytes of stdin, when `-` is among the paths.
    pub stdin: Option<Vec<u8>>,
    /// Target Kubernetes version; None = the config's, else the newest known.
    pub kube_version: Option<(u32, u32)>,
    pub config: ConfigChoice,
    /// Report only findings not recorded in this baseline file.
    pub baseline: Option<PathBuf>,
    /// The namespace resources without `metadata.namespace` land in (Helm's
    /// release namespace, `kubectl apply -n`); None = unknown.
    pub namespace: Option<String>,
    /// Evaluate only these rule ids (loader checks always run).
    pub only_rules: Option<Vec<String>>,
    /// Worker threads; 0 = one per CPU.
    pub threads: usize,
    /// How Helm charts are rendered.
    pub helm: helm::HelmSettings,
    /// User policies (`--policy`, `--data`, ...).
    pub policies: policy::PolicyOptions,
    /// Input limits set on the command line (they override the config's `limits:`).
    pub limits: limits::Limits,
    /// `--follow`: follow symlinks met while walking directories (only to
    /// targets inside the directory walked).
    pub follow_symlinks: bool,
    /// Cross-resource rules read the project's inventory, not only the linted
    /// files' (see [`project`]); a root's config can still switch it off.
    pub project_context: bool,
    /// Where the project inventory and rule program caches live; None: no cache.
    pub cache_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paths: vec![PathBuf::from(".")],
            excludes: Vec::new(),
            stdin_filename: None,
            stdin: None,
            kube_version: None,
            config: ConfigChoice::Discover,
            baseline: None,
            namespace: None,
            only_rules: None,
            threads: 0,
            helm: helm::HelmSettings::default(),
            policies: policy::PolicyOptions::default(),
            limits: limits::Limits::default(),
            follow_symlinks: false,
            project_context: false,
            cache_dir: None,
        }
    }
}

/// Where configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest `.kubeward.yaml` above each linted file (or `--stdin-filename`).
    Discover,
    /// `--config FILE` for every file.
    File(PathBuf),
    /// `--no-config`.
    Disabled,
}

/// A per-file problem that is not a finding (unreadable file, skipped loop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
    /// Errors make the run exit 2; the other files are still linted.
    pub is_error: bool,
}

/// The result of a run: findings sorted by file, line, column, rule.
#[derive(Debug)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
    pub resources: usize,
    pub elapsed: Duration,
    /// Metadata of the rules that ran, for reports (remediation, titles).
    pub catalog: Catalog,
    /// `fail-on` from the config, when it sets one (the CLI flag wins over it).
    pub fail_on: Option<config::FailOn>,
    /// How many findings the baseline silenced.
    pub baselined: usize,
    /// Secret values of the input, masked wherever a report shows source text.
    pub redactions: report::redact::Redactions,
}

impl Outcome {
    /// Active (not suppressed) findings of a severity.
    pub fn count(&self, sev: Severity) -> usize {
        self.active().filter(|f| f.severity == sev).count()
    }

    /// Findings that count: everything not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    pub fn suppressed(&self) -> usize {
        self.findings.len() - self.active().count()
    }
}

/// Errors that stop the run before any file is linted (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Glob(#[from] discover::GlobError),
    #[error("bundled rule metadata is invalid: {0}")]
    Metadata(#[from] engine::metadata::MetadataError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("unknown rule id {0:?}{hint}", hint = .1.as_ref().map(|s| format!(" (did you mean {s}?)")).unwrap_or_default())]
    UnknownRule(String, Option<String>),
    /// `--helm-bin` names nothing that can run (checked when a chart is to be rendered).
    #[error("{0}")]
    HelmBin(String),
    /// Every error of the config that cannot be used.
    #[error(transparent)]
    Config(#[from] config::ConfigErrors),
    #[error(transparent)]
    Baseline(#[from] baseline::BaselineError),
    #[error(transparent)]
    Policy(#[from] policy::PolicyError),
}

impl From<config::ConfigError> for RunError {
    fn from(e: config::ConfigError) -> Self {
        RunError::Config(e.into())
    }
}

/// The configs of a run: each linted file uses the nearest one above it.
struct Configs {
    /// The size cap configs are read under: the command line's, never a config's.
    max_file_bytes: u64,
    loaded: Vec<config::Config>,
    by_path: BTreeMap<PathBuf, usize>,
    by_dir: BTreeMap<PathBuf, Option<usize>>,
}

impl Configs {
    fn load(
        &mut self,
        path: &std::path::Path,
        catalog: &Catalog,
    ) -> Result<usize, config::ConfigErrors> {
        if let Some(i) = self.by_path.get(path) {
            return Ok(*i);
        }
        let known = |id: &str| rule_exists(catalog, id);
        let suggest = |id: &str| catalog_doc::suggest(catalog, id);
        let c = config::load(path, self.max_file_bytes, &known, &suggest)?;
        self.loaded.push(c);
        self.by_path
            .insert(path.to_path_buf(), self.loaded.len() - 1);
        Ok(self.loaded.len() - 1)
    }

    /// The nearest config above `start` (cached per directory).
    fn nearest(
        &mut self,
        start: &std::path::Path,
        catalog: &Catalog,
    ) -> Result<Option<usize>, config::ConfigErrors> {
        let dir = crate::discover::absolute_normal(start)
            .ok()
            .map(|a| {
                if a.is_dir() {
                    a
                } else {
                    a.parent().map(|p| p.to_path_buf()).unwrap_or(a)
                }
            })
            .unwrap_or_else(|| start.to_path_buf());
        self.nearest_in_dir(&dir, catalog)
    }

    /// The nearest config at or above directory `dir` (absolute). Every
    /// directory's answer is remembered, so a walk of thousands of files looks
    /// at each directory once (per file, the whole chain of parents cost ~0.1 s
    /// on the bulk corpus).
    fn nearest_in_dir(
        &mut self,
        dir: &std::path::Path,
        catalog: &Catalog,
    ) -> Result<Option<usize>, config::ConfigErrors> {
        if let Some(hit) = self.by_dir.get(dir) {
            return Ok(*hit);
        }
        let found = match config::in_dir(dir) {
            Some(p) => Some(self.load(&p, catalog)?),
            None => match dir.parent() {
                Some(parent) => self.nearest_in_dir(parent, catalog)?,
                None => None,
            },
        };
        self.by_dir.insert(dir.to_path_buf(), found);
        Ok(found)
    }
}

/// Whether an id names a rule, a loader/engine check, or a category prefix.
fn rule_exists(catalog: &Catalog, id: &str) -> bool {
    if id.ends_with('/') {
        return catalog.rules.iter().any(|r| r.meta.id.starts_with(id))
            || rules_builtin::BUILTIN.iter().any(|b| b.id.starts_with(id));
    }
    catalog.rule(id).is_some() || rules_builtin::is_builtin(id)
}

/// Lints the settings' paths with the bundled rules.
pub fn lint(settings: &Settings) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let _whole = engine::profile::Span::new("lint (all)");
    let span = engine::profile::Span::new("catalogue");
    let mut catalog = Catalog::bundled()?;
    drop(span);
    let span = engine::profile::Span::new("configs and discovery");

    // Configs: an explicit file, or the nearest one above each path argument
    // (for excludes, needed while walking) and above each file (for the rest).
    let mut configs = Configs {
        max_file_bytes: settings.limits.file_bytes(),
        loaded: Vec::new(),
        by_path: BTreeMap::new(),
        by_dir: BTreeMap::new(),
    };
    let stdin_anchor = settings
        .stdin_filename
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut excludes = settings.excludes.clone();
    match &settings.config {
        ConfigChoice::File(p) => {
            configs.load(p, &catalog)?;
        }
        ConfigChoice::Disabled => {}
        ConfigChoice::Discover => {
            for p in &settings.paths {
                let anchor = if p.as_os_str() == "-" {
                    &stdin_anchor
                } else {
                    p
                };
                configs.nearest(anchor, &catalog)?;
            }
        }
    }
    for c in &configs.loaded {
        excludes.extend(c.exclude.iter().cloned());
    }
    let excludes = discover::build_excludes(&excludes)?;
    let (mut targets, walk_problems) =
        discover::discover(&settings.paths, &excludes, settings.follow_symlinks);
    // An editor buffer is linted as if it were the file it names: an excluded
    // path yields nothing, as it would when walking the repository.
    if let Some(name) = &settings.stdin_filename {
        if discover::excluded(&excludes, std::path::Path::new(name)) {
            targets.retain(|t| *t != discover::Target::Stdin);
        }
    }
    let mut problems: Vec<Problem> = walk_problems
        .into_iter()
        .map(|p| Problem {
            path: p.path.display().to_string(),
            message: p.message,
            is_error: p.is_error,
        })
        .collect();
    let mut target_cfg: Vec<Option<usize>> = Vec::with_capacity(targets.len());
    for t in &targets {
        let path = match t {
            discover::Target::File(p) | discover::Target::Chart(p) => p.as_path(),
            discover::Target::Stdin => stdin_anchor.as_path(),
        };
        target_cfg.push(match &settings.config {
            ConfigChoice::File(_) => Some(0),
            ConfigChoice::Disabled => None,
            // A file's directory is its parent: no need to ask the disk.
            ConfigChoice::Discover => match (t, crate::discover::absolute_normal(path)) {
                (discover::Target::File(_), Ok(abs)) => match abs.parent() {
                    Some(dir) => configs.nearest_in_dir(dir, &catalog)?,
                    None => configs.nearest(path, &catalog)?,
                },
                _ => configs.nearest(path, &catalog)?,
            },
        });
    }
    let project_roots = project_roots(settings, &mut configs, &catalog)?;
    // Run-wide settings come from the first file's config.
    let primary = target_cfg
        .iter()
        .flatten()
        .next()
        .and_then(|i| configs.loaded.get(*i));
    let kube_version = settings
        .kube_version
        .or(primary.and_then(|c| c.kube_version))
        .unwrap_or(DEFAULT_KUBE_VERSION);

    // A `--helm-bin` that cannot run is a usage error (exit 2), found before
    // anything is linted; it matters only when a chart is to be rendered.
    if let Some(bin) = settings
        .helm
        .bin
        .as_deref()
        .filter(|_| !settings.helm.no_render)
    {
        if targets
            .iter()
            .any(|t| matches!(t, discover::Target::Chart(_)))
        {
            helm::render::check_bin(bin).map_err(RunError::HelmBin)?;
        }
    }

    // How each chart is rendered: its config's `charts:` entries, else once with
    // the command line's values.
    let renders: Vec<Vec<helm::render::RenderSpec>> = targets
        .iter()
        .zip(&target_cfg)
        .map(|(t, cfg)| match t {
            discover::Target::Chart(dir) => {
                let config = cfg.and_then(|i| configs.loaded.get(i));
                helm_renders(dir, config, settings, kube_version)
            }
            _ => Vec::new(),
        })
        .collect();

    drop(span);
    let span = engine::profile::Span::new("read and load files");
    // Read and load every file in parallel; each file is parsed exactly once.
    let threads = parallel::threads_for(targets.len(), 4, settings.threads);
    // Limits: the command line's, then the file's config's, then the defaults.
    let target_limits: Vec<limits::Limits> = target_cfg
        .iter()
        .map(|cfg| {
            let from_config = cfg
                .and_then(|i| configs.loaded.get(i))
                .map(|c| c.limits)
                .unwrap_or_default();
            settings.limits.or(&from_config)
        })
        .collect();
    // Largest files first, so that no big file is left for one worker at the
    // end while the other idles (results are put back in target order below).
    let mut indices: Vec<usize> = (0..targets.len()).collect();
    let size = |i: &usize| match &targets[*i] {
        discover::Target::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        _ => 0,
    };
    let sizes: Vec<u64> = indices.iter().map(size).collect();
    indices.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    // Custom workloads (config) count as pod-bearing everywhere below.
    let workloads = primary.map(|c| c.workloads.clone()).unwrap_or_default();
    let pod_kinds = workload_kinds(&workloads);
    // Kinds read whole before evaluation are never evicted (`evict`).
    let read_whole = |kind: &str| {
        engine::POD_BEARING.contains(&kind)
            || INVENTORY_FULL_KINDS.contains(&kind)
            || pod_kinds.iter().any(|k| k == kind)
    };
    let loaded = parallel::map(
        &indices,
        threads,
        || Ok::<_, RunError>(()),
        |_, &i| {
            let limits = target_limits.get(i).copied().unwrap_or_default();
            match &targets[i] {
                discover::Target::Chart(dir) => helm::load::load_chart(
                    dir,
                    renders.get(i).map(Vec::as_slice).unwrap_or_default(),
                    &settings.helm,
                    &limits,
                ),
                t => {
                    let mut loaded = input::read_and_load(t, settings, &limits);
                    if let input::Loaded::File {
                        documents, source, ..
                    } = &mut loaded
                    {
                        evict::evict(documents, &source.text, read_whole);
                    }
                    vec![(loaded, None)]
                }
            }
        },
    )?;
    let mut in_order: Vec<Vec<_>> = (0..targets.len()).map(|_| Vec::new()).collect();
    for (&i, parts) in indices.iter().zip(loaded) {
        in_order[i] = parts;
    }
    let loaded = in_order;

    let mut files: Vec<SourceFile> = Vec::new();
    // Per file: how kubeward rendered it (chart targets only).
    let mut renderings: Vec<Option<std::sync::Arc<helm::Rendering>>> = Vec::new();
    // Per file: its config and its path relative to that config (for overrides).
    let mut file_cfg: Vec<(Option<usize>, Option<PathBuf>)> = Vec::new();
    let mut findings = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    let loaded = loaded
        .into_iter()
        .zip(targets.iter().zip(&target_cfg))
        .flat_map(|(parts, tc)| parts.into_iter().map(move |p| (p, tc)));
    for ((item, rendering), (target, cfg)) in loaded {
        match item {
            input::Loaded::Failed(p) => problems.push(p),
            input::Loaded::File {
                source,
                issues,
                documents,
            } => {
                let idx = files.len();
                let path = match target {
                    discover::Target::File(p) | discover::Target::Chart(p) => p.clone(),
                    discover::Target::Stdin => stdin_anchor.clone(),
                };
                let rel = cfg
                    .and_then(|i| configs.loaded.get(i))
                    .and_then(|c| c.relative(&path));
                file_cfg.push((*cfg, rel));
                let mut issues = issues;
                resources.extend(resource::resources_of(
                    idx,
                    &source.text,
                    documents,
                    &mut issues,
                ));
                for issue in issues {
                    findings.push(input::issue_finding(idx, &source, &issue));
                }
                files.push(source);
                renderings.push(rendering);
            }
        }
    }

    drop(span);
    let span = engine::profile::Span::new("user policies, run data, plan");
    // User policies join the catalogue, so config, suppressions and reports
    // know their ids; a config may name rules they define.
    let user = load_user_policies(settings, primary, &files, &resources, &catalog)?;
    catalog.rules.extend(user.catalog_rules());
    catalog.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    for e in &user.rejected {
        findings.push(rejected_template(e, &files));
    }
    for n in &user.notes {
        problems.push(Problem {
            path: n.path.clone(),
            message: n.message.clone(),
            is_error: false,
        });
    }
    if let Some(only) = &settings.only_rules {
        // Ids or category prefixes (`pod-security/`), as config takes them.
        for id in only {
            if !rule_exists(&catalog, id) {
                let near = catalog_doc::suggest(&catalog, id);
                return Err(RunError::UnknownRule(id.clone(), near));
            }
        }
    }
    for c in &configs.loaded {
        let name = c
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for w in c
            .unknown_ids
            .iter()
            .filter(|w| !rule_exists(&catalog, &w.id))
        {
            problems.push(Problem {
                path: format!("{name}:{}:{}", w.line, w.column),
                message: w.message.clone(),
                is_error: false,
            });
        }
    }

    // Which rules run where: `--only` wins; else each file's config decides.
    // `--only` names the rules to run (opt-in ones included); config can still
    // switch them off for the files it covers.
    let enabled_in = |id: &str, default: bool, file: usize| -> bool {
        let default = match &settings.only_rules {
            Some(only) => only.iter().any(|o| config::selects_id(o, id)),
            None => default,
        };
        match file_cfg.get(file) {
            Some((Some(c), rel)) => configs
                .loaded
                .get(*c)
                .is_none_or(|c| c.enabled(id, default, rel.as_deref())),
            _ => default,
        }
    };
    // Whether the file's config lets a rule that always runs report (`--only`
    // does not select these: loader checks, policy errors).
    let config_allows = |id: &str, file: usize| -> bool {
        match file_cfg.get(file) {
            Some((Some(c), rel)) => configs
                .loaded
                .get(*c)
                .is_none_or(|c| c.enabled(id, true, rel.as_deref())),
            _ => true,
        }
    };
    let severity_in = |id: &str, default: Severity, file: usize| -> Severity {
        match file_cfg.get(file) {
            Some((Some(c), rel)) => configs
                .loaded
                .get(*c)
                .map_or(default, |c| c.severity(id, default, rel.as_deref())),
            _ => default,
        }
    };
    let file_count = files.len().max(1);
    let enabled =
        |r: &engine::Rule| (0..file_count).any(|f| enabled_in(&r.meta.id, r.meta.enabled, f));
    let context = project_context(
        settings,
        &project_roots,
        &targets,
        &excludes,
        &workloads,
        target_limits.first().copied().unwrap_or_default(),
    );
    let data = run_data(
        kube_version,
        settings.namespace.as_deref(),
        primary,
        &workloads,
        &resources,
        &context.entries,
    );
    let user_plan = policy::UserPlan::new(
        &user,
        &catalog,
        data.clone(),
        (&resources, &files),
        pod_kinds.clone(),
        settings.namespace.as_deref(),
        |id| (0..file_count).any(|f| enabled_in(id, true, f)),
    );
    let input_bytes = files.iter().map(|f| f.text.len()).sum();
    let mut plan = Plan::for_run(
        &catalog,
        enabled,
        &pod_kinds,
        data,
        (resources.len(), input_bytes),
        settings.cache_dir.as_deref(),
    );
    plan.timeout = settings.policies.timeout;
    plan.restrict_to_kinds(resources.iter().map(|r| r.id.kind.as_str()));
    // User policies are compiled (and rejected, exit 2) before anything is
    // evaluated, even when there is nothing to lint.
    if !user.is_empty() {
        policy::UserEvaluator::new(&user_plan)?;
    }
    drop(span);
    let span = engine::profile::Span::new("evaluation (engines included)");
    let mut owners: Vec<Option<usize>> = vec![None; findings.len()];
    if !plan.is_empty() || !user_plan.is_empty() {
        let threads = parallel::threads_for(resources.len(), 32, settings.threads);
        let indices: Vec<usize> = (0..resources.len()).collect();
        let per_resource = parallel::map(
            &indices,
            threads,
            || -> Result<_, RunError> {
                let user = match user_plan.is_empty() {
                    true => None,
                    false => Some(policy::UserEvaluator::new(&user_plan)?),
                };
                Ok((Evaluator::new(&plan)?, user))
            },
            |(ev, user_ev), &ri| {
                // Bundled results of an identical document (or a kind no rule
                // reads) need neither the whole tree nor its value, unless
                // user policies run or a finding must be located.
                let text_key = memo_key_of(&resources[ri], &files);
                let cached = match user_ev {
                    Some(_) => None,
                    None => ev.cached(&resources[ri].id.kind, text_key),
                };
                if cached.as_ref().is_some_and(Vec::is_empty) {
                    return Vec::new();
                }
                let full = resources[ri].full(&files);
                let r = full.as_ref();
                let bundled_of = |i: usize| plan.rules.get(i).map(|r| &r.meta);
                let user_of = |i: usize| user.rules.get(i).map(|r| &r.meta);
                let (raw, user_raw) = match cached {
                    Some(raw) => (raw, Vec::new()),
                    None => {
                        let input = engine::convert::to_value(&r.root);
                        let user_raw = match user_ev {
                            Some(u) => u.evaluate(r, &input),
                            None => Vec::new(),
                        };
                        let label = || {
                            let file = files.get(r.file).map_or("?", |f| f.path.as_str());
                            let name = r.id.name.as_deref().unwrap_or("");
                            format!("{file} {}/{name}", r.id.kind)
                        };
                        (ev.evaluate(&r.id.kind, input, text_key, label), user_raw)
                    }
                };
                // One locator for the resource's findings: it indexes large
                // mappings once (a finding on each of a million keys).
                let mut locator = locate::Locator::new(&r.root);
                let bundled = raw
                    .into_iter()
                    .map(|raw| (raw.rule.and_then(bundled_of), raw));
                let users = user_raw
                    .into_iter()
                    .map(|raw| (raw.rule.and_then(user_of), raw));
                bundled
                    .chain(users)
                    .map(|(meta, raw)| locate_finding(meta, &files, r, &mut locator, raw))
                    .collect::<Vec<_>>()
                    .into_iter()
                    // A rule stopped by its budget (or failing) must not vanish
                    // with `--only`: its findings would be silently missing.
                    .filter(|f| match f.rule == rules_builtin::POLICY_ERROR {
                        true => config_allows(&f.rule, f.file),
                        false => enabled_in(&f.rule, true, f.file),
                    })
                    .map(|f| (ri, f))
                    .collect::<Vec<_>>()
            },
        )?;
        for (ri, f) in per_resource.into_iter().flatten() {
            owners.push(Some(ri));
            findings.push(f);
        }
    }
    drop(span);
    let _tail = engine::profile::Span::new("checks, suppressions, attribution, sorting");
    // Helm checks of rendered resources (empty image tags, unknown namespace).
    let namespace_known = |file: usize| {
        settings.namespace.is_some()
            || renderings
                .get(file)
                .and_then(|r| r.as_ref())
                .is_some_and(|r| r.namespace.is_some())
    };
    // The image tag each chart render's values leave unset, if any (the last
    // values file that says something about it wins).
    let unset_tags: Vec<Option<String>> = renderings
        .iter()
        .map(|r| {
            r.as_ref()?
                .values
                .iter()
                .rev()
                .find_map(|v| helm::values::unset_image_tag(v))
        })
        .collect();
    let unset_tag = |file: usize| unset_tags.get(file).cloned().flatten();
    for (ri, f) in helm::checks::check(&files, &resources, &workloads, &namespace_known, &unset_tag)
    {
        if enabled_in(&f.rule, true, f.file) {
            owners.push(Some(ri));
            findings.push(f);
        }
    }
    // Loader findings may be disabled or re-graded by config like any rule.
    let mut kept = Vec::with_capacity(findings.len());
    let mut kept_owners = Vec::with_capacity(findings.len());
    for (mut f, o) in findings.into_iter().zip(owners) {
        // Loader checks always run, but config may turn them off.
        let loader_on = config_allows(&f.rule, f.file);
        if f.resource.is_none() && !loader_on {
            continue;
        }
        // Chart advice is a rule like any other (`--only` selects it); a chart
        // that cannot render (`render-error`, `missing-dependency`) is reported
        // always, as a file that does not parse is.
        if rules_builtin::is_selectable(&f.rule) && !enabled_in(&f.rule, true, f.file) {
            continue;
        }
        f.severity = severity_in(&f.rule, f.severity, f.file);
        kept.push(f);
        kept_owners.push(o);
    }
    let mut findings = kept;
    // Loader findings inside a resource belong to it (for config ignores).
    for (f, o) in findings.iter().zip(kept_owners.iter_mut()) {
        if o.is_none() {
            *o = resources.iter().position(|r| {
                r.file == f.file && r.root.span.start <= f.start && f.start <= r.root.span.end
            });
        }
    }

    // Rendered input: lead each finding back to its template and values.
    let mut attributor = helm::attribution::Attributor::new(&files, &renderings, &settings.helm);
    for (f, o) in findings.iter_mut().zip(&kept_owners) {
        if let Some(r) = o.and_then(|ri| resources.get(ri)) {
            f.source = attributor.source_for(f, r);
        }
    }

    // A chart rendered without a release namespace was rendered in a sentinel
    // one, which is never shown (helm::namespace).
    if renderings.iter().flatten().any(|r| r.namespace.is_none()) {
        findings.iter_mut().for_each(helm::namespace::mask_finding);
    }

    // Suppressions: comments, annotations, config ignores; then the baseline.
    let ran = |id: &str| {
        let hit = |rid: &str| rid == id || (id.ends_with('/') && rid.starts_with(id));
        (plan.rules.iter().enumerate()).any(|(i, r)| plan.reports(i) && hit(&r.meta.id))
            || user.rules.iter().any(|r| hit(&r.meta.id))
            || rules_builtin::is_builtin(id)
    };
    let known = |id: &str| rule_exists(&catalog, id);
    let suggest = |id: &str| catalog_doc::suggest(&catalog, id);
    let report = |id: &str| {
        settings
            .only_rules
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| config::selects_id(o, id)))
    };
    let ignores = |file: usize| -> Vec<config::Ignore> {
        file_cfg
            .get(file)
            .and_then(|(c, _)| c.and_then(|c| configs.loaded.get(c)))
            .map(|c| c.ignore.clone())
            .unwrap_or_default()
    };
    let ids = suppress::RuleIds {
        known: &known,
        suggest: &suggest,
        ran: &ran,
        report: &report,
    };
    // One finding per problem: findings another rule's finding implies
    // (`implied-by`) still meet their suppressions, then leave the report.
    let implied = engine::implied::Implications::new(&catalog).implied(&findings, &kept_owners);
    let hygiene = suppress::apply(
        &mut findings,
        &kept_owners,
        &files,
        &resources,
        &ignores,
        &ids,
    );
    engine::implied::remove_implied(&mut findings, &implied);
    findings.extend(hygiene);
    // No secret value in any report: scrubbed from messages, masked in snippets.
    let redactions = report::redact::redact(&files, &resources, &mut findings, &kept_owners);
    let mut baselined = 0;
    if let Some(path) = &settings.baseline {
        let b = baseline::read(path, settings.limits.file_bytes())?;
        let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        baselined = baseline::apply(&mut findings, &paths, &b);
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    let fail_on = primary.and_then(|c| c.fail_on);
    Ok(Outcome {
        files,
        findings,
        problems,
        resources: resources.len(),
        elapsed: started.elapsed(),
        catalog,
        fail_on,
        baselined,
        redactions,
    })
}

/// The `helm template` runs for one chart: each `charts:` entry of its config
/// (values relative to the chart), else one run with the command line's options.
/// Command-line values files and `--set`s apply to every run, after the config's.
fn helm_renders(
    dir: &std::path::Path,
    config: Option<&config::Config>,
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

/// The run's user policies: `--policy` paths and the primary config's
/// `policies:` (relative to that config), plus Gatekeeper documents among the
/// linted files with `--gatekeeper`.
fn load_user_policies(
    settings: &Settings,
    primary: Option<&config::Config>,
    files: &[SourceFile],
    resources: &[Resource],
    catalog: &Catalog,
) -> Result<policy::UserPolicies, RunError> {
    let mut paths = settings.policies.paths.clone();
    if let Some(c) = primary {
        let base = c.path.as_ref().and_then(|p| p.parent());
        for p in &c.policies {
            paths.push(match base {
                Some(b) if p.path.is_relative() => b.join(&p.path),
                _ => p.path.clone(),
            });
        }
    }
    let mut linted = Vec::new();
    if settings.policies.gatekeeper {
        for r in resources {
            if policy::load::GatekeeperDoc::is_gatekeeper(&r.root) {
                if let Some(file) = files.get(r.file) {
                    linted.push(policy::load::GatekeeperDoc {
                        file: file.clone(),
                        root: r.full(files).root.clone(),
                        linted: true,
                    });
                }
            }
        }
    }
    if paths.is_empty() && linted.is_empty() && settings.policies.data.is_empty() {
        return Ok(policy::UserPolicies::default());
    }
    let bundled = |id: &str| catalog.rule(id).is_some() || rules_builtin::is_builtin(id);
    // Policy and data files are read under the same size cap as linted files.
    let opts = policy::PolicyOptions {
        max_file_bytes: settings.limits.file_bytes(),
        ..settings.policies.clone()
    };
    Ok(policy::UserPolicies::load(&opts, &paths, linted, &bundled)?)
}

/// A Gatekeeper template among the linted files that cannot be used: a
/// `kubeward/policy-error` where its Rego fails, in the file that holds it.
fn rejected_template(e: &policy::PolicyError, files: &[SourceFile]) -> Finding {
    let file = files
        .iter()
        .position(|f| f.path == e.source.path)
        .unwrap_or(0);
    let at = e.offset();
    let message = format!(
        "this ConstraintTemplate cannot be used and is skipped: {}",
        e.message
    );
    // Linted templates come from the run's files; the error's own copy of the
    // text is only a fallback.
    let src = files.get(file).unwrap_or(&e.source);
    suppress::located(
        file,
        src,
        yaml::Span::new(at, at),
        rules_builtin::POLICY_ERROR,
        Severity::Error,
        message,
    )
}

/// The project roots whose inventory the run reads (see [`project`]): none
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

/// The rest of the project's inventory under `roots`: every manifest the run
/// does not lint itself.
fn project_context(
    settings: &Settings,
    roots: &[PathBuf],
    targets: &[discover::Target],
    excludes: &globset::GlobSet,
    workloads: &[config::Workload],
    limits: limits::Limits,
) -> project::Context {
    if roots.is_empty() {
        return project::Context::default();
    }
    let _span = engine::profile::Span::new("project context");
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut linted_paths: Vec<PathBuf> = targets
        .iter()
        .filter_map(|t| match t {
            discover::Target::File(p) | discover::Target::Chart(p) => Some(p.clone()),
            discover::Target::Stdin => None,
        })
        .collect();
    // An editor's buffer stands for the file it names: the copy on disk is
    // older and must not count too.
    if let Some(name) = &settings.stdin_filename {
        linted_paths.push(PathBuf::from(name));
    }
    let linted: std::collections::HashSet<discover::FileId> = linted_paths
        .iter()
        .map(|p| discover::FileId::of(p))
        .collect();
    let opts = project::Options {
        excludes,
        follow: settings.follow_symlinks,
        limits,
        workloads,
        cache_dir: settings.cache_dir.clone(),
        threads: settings.threads,
    };
    project::read(roots, &cwd, &linted_paths, &linted, settings, &opts)
}

/// Kinds the config declares as carrying a pod template.
fn workload_kinds(workloads: &[config::Workload]) -> Vec<String> {
    workloads.iter().map(|w| w.kind.clone()).collect()
}

/// `data.kubeward`: the target version and a slim inventory of the run (only
/// what cross-resource rules read: identity and labels).
/// The memo key of a resource from its document's text: the text from the
/// start of its `---` chunk (directives and anchors count) to the end of the
/// resource determines its value, since YAML defines an anchor before any
/// alias to it; with the file's reading (YAML or a JSON stream), the kind and,
/// for a List item, its place in the List. Hashing the text is much cheaper
/// than serialising the value.
fn memo_key_of(r: &Resource, files: &[SourceFile]) -> Option<(u64, u64)> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let file = files.get(r.file)?;
    let text = file.text.get(r.doc_start..r.root.span.end)?;
    let json = yaml::is_json_stream(&file.text);
    let digest = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, json, r.id.kind.as_str(), &r.prefix, text).hash(&mut h);
        h.finish()
    };
    Some((digest(0), digest(1)))
}

pub(crate) fn run_data(
    kube_version: (u32, u32),
    namespace: Option<&str>,
    primary: Option<&config::Config>,
    workloads: &[config::Workload],
    resources: &[Resource],
    context: &[Value],
) -> Value {
    let (major, minor) = kube_version;
    let mut config = BTreeMap::new();
    config.insert(
        Value::from("kube_version"),
        Value::from(format!("{major}.{minor}")),
    );
    config.insert(Value::from("kube_minor"), Value::from(u64::from(minor)));
    if let Some(ns) = namespace {
        config.insert(Value::from("namespace"), Value::from(ns));
    }
    if let Some(c) = primary {
        let params: BTreeMap<Value, Value> = c
            .params
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
            .collect();
        config.insert(Value::from("params"), Value::from(params));
    }
    let workload_values: Vec<Value> = workloads
        .iter()
        .map(|w| {
            let mut o = BTreeMap::new();
            o.insert(Value::from("kind"), Value::from(w.kind.as_str()));
            if let Some(a) = &w.api_version {
                o.insert(Value::from("apiVersion"), Value::from(a.as_str()));
            }
            let path: Vec<Value> = w.template.iter().map(|s| Value::from(s.as_str())).collect();
            o.insert(Value::from("template"), Value::from(path));
            Value::from(o)
        })
        .collect();
    config.insert(Value::from("workloads"), Value::from(workload_values));
    // What the inventory covers, for messages ("the project contains no
    // NetworkPolicy").
    let scope = match context.is_empty() {
        true => "the linted files",
        false => "the project",
    };
    config.insert(Value::from("inventory_scope"), Value::from(scope));
    // The linted resources, then the rest of the project (project context).
    let inventory: Vec<Value> = resources
        .iter()
        .map(|r| inventory_entry(r, workloads))
        .chain(context.iter().cloned())
        .collect();
    // The same entries grouped by kind: a cross-resource rule reads only its
    // partner kind (`inventory_by_kind.NetworkPolicy`) instead of scanning the
    // whole run for every resource, which would be quadratic.
    let mut by_kind: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    for entry in &inventory {
        by_kind
            .entry(entry["kind"].clone())
            .or_default()
            .push(entry.clone());
    }
    let by_kind: BTreeMap<Value, Value> = by_kind
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let by_ns = inventory_by_ns(&inventory);
    let mut kw = BTreeMap::new();
    kw.insert(Value::from("config"), Value::from(config));
    kw.insert(Value::from("inventory"), Value::from(inventory));
    kw.insert(Value::from("inventory_by_kind"), Value::from(by_kind));
    kw.insert(Value::from("inventory_by_ns"), by_ns);
    let mut data = BTreeMap::new();
    data.insert(Value::from("kubeward"), Value::from(kw));
    Value::from(data)
}

/// The inventory grouped by the namespace written in each entry, then by kind
/// (`data.kubeward.inventory_by_ns`): rules/lib/precompute.rego computes each
/// namespace's views on its own bucket instead of scanning the whole run once
/// per namespace. `namespaces`: non-empty string namespace -> bucket; `unset`:
/// the entries whose namespace is absent, empty or not a string (they belong to
/// the release namespace). A bucket is `{all, by_kind}`, both in run order
/// (the values are reference-counted, so this adds pointers, not copies).
/// Entries without a metadata object belong to no namespace and are left out,
/// as `selectors.entries_in` leaves them out.
fn inventory_by_ns(inventory: &[Value]) -> Value {
    #[derive(Default)]
    struct Bucket {
        all: Vec<Value>,
        by_kind: BTreeMap<Value, Vec<Value>>,
    }
    impl Bucket {
        fn push(&mut self, kind: &str, entry: &Value) {
            self.all.push(entry.clone());
            self.by_kind
                .entry(Value::from(kind))
                .or_default()
                .push(entry.clone());
        }
        fn into_value(self) -> Value {
            let by_kind: BTreeMap<Value, Value> = self
                .by_kind
                .into_iter()
                .map(|(k, v)| (k, Value::from(v)))
                .collect();
            let mut b = BTreeMap::new();
            b.insert(Value::from("all"), Value::from(self.all));
            b.insert(Value::from("by_kind"), Value::from(by_kind));
            Value::from(b)
        }
    }
    let mut namespaces: BTreeMap<Value, Bucket> = BTreeMap::new();
    let mut unset = Bucket::default();
    for entry in inventory {
        let Value::Object(meta) = &entry["metadata"] else {
            continue;
        };
        let Value::String(kind) = &entry["kind"] else {
            continue;
        };
        let kind: &str = kind.as_ref();
        match meta.get(&Value::from("namespace")) {
            Some(ns @ Value::String(s)) if !s.is_empty() => {
                namespaces.entry(ns.clone()).or_default().push(kind, entry);
            }
            _ => unset.push(kind, entry),
        }
    }
    let namespaces: BTreeMap<Value, Value> = namespaces
        .into_iter()
        .map(|(ns, b)| (ns, b.into_value()))
        .collect();
    let mut groups = BTreeMap::new();
    groups.insert(Value::from("namespaces"), Value::from(namespaces));
    groups.insert(Value::from("unset"), unset.into_value());
    Value::from(groups)
}

/// Kinds whose whole object goes into the inventory: the partners that
/// cross-resource rules join against. They are small; everything else (ConfigMaps,
/// CRDs, ...) is reduced to its identity so the inventory stays slim.
const INVENTORY_FULL_KINDS: &[&str] = &[
    "NetworkPolicy",
    "CiliumNetworkPolicy",
    "CiliumClusterwideNetworkPolicy",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "Service",
    "ServiceAccount",
    "ResourceQuota",
    "LimitRange",
    "Namespace",
    "Ingress",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
];

/// One inventory entry (`data.kubeward.inventory[_]`):
/// - every entry: `apiVersion`, `kind`, `metadata` {name, namespace, labels,
///   ownerReferences};
/// - partner kinds (above): the whole object;
/// - pod-bearing kinds: also `pod_labels` (pod template labels), `replicas`,
///   `selector`, `service_account` and `automount_token` when set.
pub(crate) fn inventory_entry(r: &Resource, workloads: &[config::Workload]) -> Value {
    if INVENTORY_FULL_KINDS.contains(&r.id.kind.as_str()) {
        return engine::convert::to_value(&r.root);
    }
    let mut meta = BTreeMap::new();
    if let Some(n) = &r.id.name {
        meta.insert(Value::from("name"), Value::from(n.as_str()));
    }
    if let Some(ns) = &r.id.namespace {
        meta.insert(Value::from("namespace"), Value::from(ns.as_str()));
    }
    if let Some(labels) = r.root.get("metadata").and_then(|m| m.get("labels")) {
        meta.insert(Value::from("labels"), engine::convert::to_value(labels));
    }
    // Owned objects (a ReplicaSet of a Deployment in a cluster dump) must not be
    // counted twice by cross-resource rules.
    if let Some(owners) = r
        .root
        .get("metadata")
        .and_then(|m| m.get("ownerReferences"))
    {
        meta.insert(
            Value::from("ownerReferences"),
            engine::convert::to_value(owners),
        );
    }
    let mut obj = BTreeMap::new();
    obj.insert(
        Value::from("apiVersion"),
        Value::from(r.id.api_version.as_str()),
    );
    obj.insert(Value::from("kind"), Value::from(r.id.kind.as_str()));
    obj.insert(Value::from("metadata"), Value::from(meta));
    if let Some(template) = pod_template(r, workloads) {
        let spec = r.root.get("spec");
        let mut put = |key: &str, node: Option<&yaml::Node>| {
            if let Some(n) = node {
                obj.insert(Value::from(key), engine::convert::to_value(n));
            }
        };
        put(
            "pod_labels",
            template.get("metadata").and_then(|m| m.get("labels")),
        );
        put("replicas", spec.and_then(|s| s.get("replicas")));
        put("selector", spec.and_then(|s| s.get("selector")));
        let pod_spec = template.get("spec");
        put(
            "service_account",
            pod_spec.and_then(|s| s.get("serviceAccountName")),
        );
        put(
            "automount_token",
            pod_spec.and_then(|s| s.get("automountServiceAccountToken")),
        );
    }
    Value::from(obj)
}

/// The node holding a pod-bearing resource's pod `metadata` and `spec`
/// (RULES.md §1.1).
pub(crate) fn pod_template<'r>(
    r: &'r Resource,
    workloads: &[config::Workload],
) -> Option<&'r yaml::Node> {
    pod_template_path(r, workloads)?
        .iter()
        .try_fold(&r.root, |n, k| n.get(k))
}

/// The keys from a pod-bearing resource's root to its pod template (empty for
/// a Pod), whether or not the template is there.
pub(crate) fn pod_template_path(
    r: &Resource,
    workloads: &[config::Workload],
) -> Option<Vec<String>> {
    if let Some(w) = workloads.iter().find(|w| {
        w.kind == r.id.kind
            && w.api_version
                .as_ref()
                .is_none_or(|a| *a == r.id.api_version)
    }) {
        return Some(w.template.clone());
    }
    let keys: &[&str] = match r.id.kind.as_str() {
        "Pod" => &[],
        "PodTemplate" => &["template"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        k if engine::POD_BEARING.contains(&k) => &["spec", "template"],
        _ => return None,
    };
    Some(keys.iter().map(|k| k.to_string()).collect())
}

/// Locates a rule result in its resource; `meta` is the rule that produced
/// it (None for a policy error).
fn locate_finding(
    meta: Option<&engine::RuleMeta>,
    files: &[SourceFile],
    r: &Resource,
    locator: &mut locate::Locator,
    raw: engine::RawFinding,
) -> Finding {
    let (rule, default_sev) = match meta {
        Some(m) => (m.id.clone(), m.severity),
        None => (rules_builtin::POLICY_ERROR.to_string(), Severity::Error),
    };
    let severity = raw.severity.unwrap_or(default_sev);
    finding_at(files, r, locator, (rule, severity, raw.message), raw.path)
}

/// A finding on a resource at a field path, located as DESIGN.md §4 says.
pub(crate) fn resource_finding(
    files: &[SourceFile],
    r: &Resource,
    rule: String,
    severity: Severity,
    message: String,
    path: Vec<PathSeg>,
) -> Finding {
    let full = r.full(files);
    let mut locator = locate::Locator::new(&full.root);
    finding_at(files, &full, &mut locator, (rule, severity, message), path)
}

/// A finding at `path` in `r` (a whole resource, not an evicted one), found
/// with the resource's `locator`.
fn finding_at(
    files: &[SourceFile],
    r: &Resource,
    locator: &mut locate::Locator,
    (rule, severity, message): (String, Severity, String),
    path: Vec<PathSeg>,
) -> Finding {
    let located = locator.locate(&path);
    let source = files.get(r.file);
    let pos = |o: usize| {
        source
            .map(|s| s.position(o))
            .unwrap_or(source::Position { line: 1, column: 1 })
    };
    let start = pos(located.span.start);
    let end = pos(located.span.end);
    Finding {
        rule,
        severity,
        message,
        file: r.file,
        start: located.span.start,
        end: located.span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: Some(ResourceRef::clone(&r.id)),
        path,
        suppressed: None,
        source: None,
    }
}
