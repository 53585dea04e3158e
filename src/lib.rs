//! kubeward: an offline Kubernetes manifest linter. This is the whole pipeline
//! as one function a test can call (DESIGN.md §1): discover -> load -> evaluate
//! -> locate. No clap, no printing, no process exit here.

pub mod baseline;
pub mod catalog_doc;
pub mod config;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod input;
pub mod locate;
pub mod parallel;
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
    #[error("unknown rule id {0:?}")]
    UnknownRule(String),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Baseline(#[from] baseline::BaselineError),
}

/// The configs of a run: each linted file uses the nearest one above it.
struct Configs {
    loaded: Vec<config::Config>,
    by_path: BTreeMap<PathBuf, usize>,
    by_dir: BTreeMap<PathBuf, Option<usize>>,
}

impl Configs {
    fn load(
        &mut self,
        path: &std::path::Path,
        catalog: &Catalog,
    ) -> Result<usize, config::ConfigError> {
        if let Some(i) = self.by_path.get(path) {
            return Ok(*i);
        }
        let known = |id: &str| rule_exists(catalog, id);
        let suggest = |id: &str| catalog_doc::suggest(catalog, id);
        let c = config::load(path, &known, &suggest)?;
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
    ) -> Result<Option<usize>, config::ConfigError> {
        let dir = std::path::absolute(start)
            .ok()
            .map(|a| {
                if a.is_dir() {
                    a
                } else {
                    a.parent().map(|p| p.to_path_buf()).unwrap_or(a)
                }
            })
            .unwrap_or_else(|| start.to_path_buf());
        if let Some(hit) = self.by_dir.get(&dir) {
            return Ok(*hit);
        }
        let found = match config::find_upwards(&dir) {
            Some(p) => Some(self.load(&p, catalog)?),
            None => None,
        };
        self.by_dir.insert(dir, found);
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
    let catalog = Catalog::bundled()?;
    if let Some(only) = &settings.only_rules {
        for id in only {
            if catalog.rule(id).is_none() && !rules_builtin::is_builtin(id) {
                return Err(RunError::UnknownRule(id.clone()));
            }
        }
    }

    // Configs: an explicit file, or the nearest one above each path argument
    // (for excludes, needed while walking) and above each file (for the rest).
    let mut configs = Configs {
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
    let (mut targets, walk_problems) = discover::discover(&settings.paths, &excludes);
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
            discover::Target::File(p) => p.as_path(),
            discover::Target::Stdin => stdin_anchor.as_path(),
        };
        target_cfg.push(match &settings.config {
            ConfigChoice::File(_) => Some(0),
            ConfigChoice::Disabled => None,
            ConfigChoice::Discover => configs.nearest(path, &catalog)?,
        });
    }
    for c in &configs.loaded {
        let name = c
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        for w in &c.unknown_ids {
            problems.push(Problem {
                path: format!("{name}:{}:{}", w.line, w.column),
                message: w.message.clone(),
                is_error: false,
            });
        }
    }
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

    // Read and load every file in parallel; each file is parsed exactly once.
    let threads = parallel::threads_for(targets.len(), 4, settings.threads);
    let loaded = parallel::map(
        &targets,
        threads,
        || Ok::<_, RunError>(()),
        |_, t| input::read_and_load(t, settings),
    )?;

    let mut files = Vec::new();
    // Per file: its config and its path relative to that config (for overrides).
    let mut file_cfg: Vec<(Option<usize>, Option<PathBuf>)> = Vec::new();
    let mut findings = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    for (item, (target, cfg)) in loaded.into_iter().zip(targets.iter().zip(&target_cfg)) {
        match item {
            input::Loaded::Failed(p) => problems.push(p),
            input::Loaded::File {
                source,
                issues,
                documents,
            } => {
                let idx = files.len();
                let path = match target {
                    discover::Target::File(p) => p.clone(),
                    discover::Target::Stdin => stdin_anchor.clone(),
                };
                let rel = cfg
                    .and_then(|i| configs.loaded.get(i))
                    .and_then(|c| c.relative(&path));
                file_cfg.push((*cfg, rel));
                for issue in issues {
                    findings.push(input::issue_finding(idx, &source, &issue));
                }
                resources.extend(resource::resources_of(idx, documents));
                files.push(source);
            }
        }
    }

    // Which rules run where: `--only` wins; else each file's config decides.
    // `--only` names the rules to run (opt-in ones included); config can still
    // switch them off for the files it covers.
    let enabled_in = |id: &str, default: bool, file: usize| -> bool {
        let default = match &settings.only_rules {
            Some(only) => only.iter().any(|o| o == id),
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
    let workloads = primary.map(|c| c.workloads.clone()).unwrap_or_default();
    let data = run_data(
        kube_version,
        settings.namespace.as_deref(),
        primary,
        &workloads,
        &resources,
    );
    let plan = Plan::new(&catalog, enabled, &workload_kinds(&workloads), data);
    let mut owners: Vec<Option<usize>> = vec![None; findings.len()];
    if !plan.is_empty() {
        let threads = parallel::threads_for(resources.len(), 32, settings.threads);
        let indices: Vec<usize> = (0..resources.len()).collect();
        let per_resource = parallel::map(
            &indices,
            threads,
            || Evaluator::new(&plan),
            |ev, &ri| {
                let r = &resources[ri];
                let label = || {
                    let file = files.get(r.file).map_or("?", |f| f.path.as_str());
                    let name = r.id.name.as_deref().unwrap_or("");
                    format!("{file} {}/{name}", r.id.kind)
                };
                let raw = ev.evaluate(&r.id.kind, engine::convert::to_value(&r.root), label);
                raw.into_iter()
                    .map(|raw| locate_finding(&plan, &files, r, raw))
                    .filter(|f| enabled_in(&f.rule, true, f.file))
                    .map(|f| (ri, f))
                    .collect::<Vec<_>>()
            },
        )?;
        for (ri, f) in per_resource.into_iter().flatten() {
            owners.push(Some(ri));
            findings.push(f);
        }
    }
    // Loader findings may be disabled or re-graded by config like any rule.
    let mut kept = Vec::with_capacity(findings.len());
    let mut kept_owners = Vec::with_capacity(findings.len());
    for (mut f, o) in findings.into_iter().zip(owners) {
        // Loader checks always run, but config may turn them off.
        let loader_on = match file_cfg.get(f.file) {
            Some((Some(c), rel)) => configs
                .loaded
                .get(*c)
                .is_none_or(|c| c.enabled(&f.rule, true, rel.as_deref())),
            _ => true,
        };
        if f.resource.is_none() && !loader_on {
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

    // Suppressions: comments, annotations, config ignores; then the baseline.
    let ran = |id: &str| {
        plan.rules
            .iter()
            .any(|r| r.meta.id == id || (id.ends_with('/') && r.meta.id.starts_with(id)))
            || rules_builtin::is_builtin(id)
    };
    let known = |id: &str| rule_exists(&catalog, id);
    let suggest = |id: &str| catalog_doc::suggest(&catalog, id);
    let report = |id: &str| {
        settings
            .only_rules
            .as_ref()
            .is_none_or(|only| only.iter().any(|o| o == id))
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
    let hygiene = suppress::apply(
        &mut findings,
        &kept_owners,
        &files,
        &resources,
        &ignores,
        &ids,
    );
    findings.extend(hygiene);
    let mut baselined = 0;
    if let Some(path) = &settings.baseline {
        let b = baseline::read(path)?;
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
    })
}

/// Kinds the config declares as carrying a pod template.
fn workload_kinds(workloads: &[config::Workload]) -> Vec<String> {
    workloads.iter().map(|w| w.kind.clone()).collect()
}

/// `data.kubeward`: the target version and a slim inventory of the run (only
/// what cross-resource rules read: identity and labels).
fn run_data(
    kube_version: (u32, u32),
    namespace: Option<&str>,
    primary: Option<&config::Config>,
    workloads: &[config::Workload],
    resources: &[Resource],
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
    let inventory: Vec<Value> = resources
        .iter()
        .map(|r| inventory_entry(r, workloads))
        .collect();
    // The same entries grouped by kind: a cross-resource rule reads only its
    // partner kind (`inventory_by_kind.NetworkPolicy`) instead of scanning the
    // whole run for every resource, which would be quadratic.
    let mut by_kind: BTreeMap<Value, Vec<Value>> = BTreeMap::new();
    for (r, entry) in resources.iter().zip(&inventory) {
        by_kind
            .entry(Value::from(r.id.kind.as_str()))
            .or_default()
            .push(entry.clone());
    }
    let by_kind: BTreeMap<Value, Value> = by_kind
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    let mut kw = BTreeMap::new();
    kw.insert(Value::from("config"), Value::from(config));
    kw.insert(Value::from("inventory"), Value::from(inventory));
    kw.insert(Value::from("inventory_by_kind"), Value::from(by_kind));
    let mut data = BTreeMap::new();
    data.insert(Value::from("kubeward"), Value::from(kw));
    Value::from(data)
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
fn inventory_entry(r: &Resource, workloads: &[config::Workload]) -> Value {
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
fn pod_template<'r>(r: &'r Resource, workloads: &[config::Workload]) -> Option<&'r yaml::Node> {
    let root = &r.root;
    if let Some(w) = workloads.iter().find(|w| {
        w.kind == r.id.kind
            && w.api_version
                .as_ref()
                .is_none_or(|a| *a == r.id.api_version)
    }) {
        return w.template.iter().try_fold(root, |n, k| n.get(k));
    }
    match r.id.kind.as_str() {
        "Pod" => Some(root),
        "PodTemplate" => root.get("template"),
        "CronJob" => root
            .get("spec")?
            .get("jobTemplate")?
            .get("spec")?
            .get("template"),
        k if engine::POD_BEARING.contains(&k) => root.get("spec")?.get("template"),
        _ => None,
    }
}

fn locate_finding(
    plan: &Plan,
    files: &[SourceFile],
    r: &Resource,
    raw: engine::RawFinding,
) -> Finding {
    let located = locate::locate(&r.root, &raw.path);
    let (rule, default_sev) = match raw.rule.and_then(|i| plan.rules.get(i)) {
        Some(rule) => (rule.meta.id.clone(), rule.meta.severity),
        None => (rules_builtin::POLICY_ERROR.to_string(), Severity::Error),
    };
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
        severity: raw.severity.unwrap_or(default_sev),
        message: raw.message,
        file: r.file,
        start: located.span.start,
        end: located.span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: Some(ResourceRef::clone(&r.id)),
        path: raw.path.into_iter().collect::<Vec<PathSeg>>(),
        suppressed: None,
    }
}
