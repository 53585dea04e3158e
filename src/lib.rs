//! kubeward: an offline Kubernetes manifest linter. This is the whole pipeline
//! as one function a test can call (DESIGN.md §1): discover -> load -> evaluate
//! -> locate. No clap, no printing, no process exit here.

pub mod catalog_doc;
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
    pub kube_version: (u32, u32),
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
            kube_version: DEFAULT_KUBE_VERSION,
            only_rules: None,
            threads: 0,
        }
    }
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
    let excludes = discover::build_excludes(&settings.excludes)?;
    let (targets, walk_problems) = discover::discover(&settings.paths, &excludes);
    let mut problems: Vec<Problem> = walk_problems
        .into_iter()
        .map(|p| Problem {
            path: p.path.display().to_string(),
            message: p.message,
            is_error: p.is_error,
        })
        .collect();

    // Read and load every file in parallel; each file is parsed exactly once.
    let threads = parallel::threads_for(targets.len(), 4, settings.threads);
    let loaded = parallel::map(
        &targets,
        threads,
        || Ok::<_, RunError>(()),
        |_, t| input::read_and_load(t, settings),
    )?;

    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    for item in loaded {
        match item {
            input::Loaded::Failed(p) => problems.push(p),
            input::Loaded::File {
                source,
                issues,
                documents,
            } => {
                let idx = files.len();
                for issue in issues {
                    findings.push(input::issue_finding(idx, &source, &issue));
                }
                resources.extend(resource::resources_of(idx, documents));
                files.push(source);
            }
        }
    }

    let enabled = |r: &engine::Rule| match &settings.only_rules {
        Some(only) => only.iter().any(|id| id == &r.meta.id),
        None => r.meta.enabled,
    };
    let plan = Plan::new(&catalog, enabled, run_data(settings, &resources));
    if !plan.is_empty() {
        let threads = parallel::threads_for(resources.len(), 32, settings.threads);
        let per_resource = parallel::map(
            &resources,
            threads,
            || Evaluator::new(&plan),
            |ev, r| {
                let raw = ev.evaluate(&r.id.kind, engine::convert::to_value(&r.root));
                raw.into_iter()
                    .map(|raw| locate_finding(&plan, &files, r, raw))
                    .collect::<Vec<_>>()
            },
        )?;
        findings.extend(per_resource.into_iter().flatten());
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Outcome {
        files,
        findings,
        problems,
        resources: resources.len(),
        elapsed: started.elapsed(),
        catalog,
    })
}

/// `data.kubeward`: the target version and a slim inventory of the run (only
/// what cross-resource rules read: identity and labels).
fn run_data(settings: &Settings, resources: &[Resource]) -> Value {
    let (major, minor) = settings.kube_version;
    let mut config = BTreeMap::new();
    config.insert(
        Value::from("kube_version"),
        Value::from(format!("{major}.{minor}")),
    );
    config.insert(Value::from("kube_minor"), Value::from(u64::from(minor)));
    let inventory: Vec<Value> = resources.iter().map(inventory_entry).collect();
    let mut kw = BTreeMap::new();
    kw.insert(Value::from("config"), Value::from(config));
    kw.insert(Value::from("inventory"), Value::from(inventory));
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
/// - every entry: `apiVersion`, `kind`, `metadata` {name, namespace, labels};
/// - partner kinds (above): the whole object;
/// - pod-bearing kinds: also `pod_labels` (pod template labels), `replicas`,
///   `selector`, `service_account` and `automount_token` when set.
fn inventory_entry(r: &Resource) -> Value {
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
    let mut obj = BTreeMap::new();
    obj.insert(
        Value::from("apiVersion"),
        Value::from(r.id.api_version.as_str()),
    );
    obj.insert(Value::from("kind"), Value::from(r.id.kind.as_str()));
    obj.insert(Value::from("metadata"), Value::from(meta));
    if let Some(template) = pod_template(r) {
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
fn pod_template(r: &Resource) -> Option<&yaml::Node> {
    let root = &r.root;
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
