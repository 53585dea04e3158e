//! Stage 3b, validate (issue 16): every resource of a built-in kind is checked
//! against Kubernetes' schema of the run's version (`crate::schema`), every
//! custom resource against its CRD's schema (the run's CRDs: `super::crds`),
//! the pod template of a custom workload without one against the built-in
//! PodTemplateSpec, and each violation is a `schema/*` finding located at its
//! field like a rule's. On by default (`schema/unknown-kind` is opt-in): the
//! security rules judge only values the API accepts, so each rejected value is
//! one finding, reported here.

use super::crds::{Inputs, Lookup, Registry};
use super::discovery::Discovery;
use super::load::LoadedFiles;
use super::select::Selection;
use crate::finding::{Finding, PathSeg, Severity};
use crate::input::Target;
use crate::kinds::{self, Workload};
use crate::locate::{finding_at, Locator};
use crate::problem::Problem;
use crate::rules_builtin::{
    SCHEMA_INVALID_TYPE, SCHEMA_INVALID_VALUE, SCHEMA_MISSING_REQUIRED, SCHEMA_UNKNOWN_FIELD,
    SCHEMA_UNKNOWN_KIND,
};
use crate::schema;
use crate::settings::Settings;
use crate::yaml::Node;
use std::path::PathBuf;

const RULES: [&str; 5] = [
    SCHEMA_UNKNOWN_FIELD,
    SCHEMA_INVALID_TYPE,
    SCHEMA_INVALID_VALUE,
    SCHEMA_MISSING_REQUIRED,
    SCHEMA_UNKNOWN_KIND,
];

/// What a pod template is, in every Kubernetes version.
const POD_TEMPLATE: &str = "io.k8s.api.core.v1.PodTemplateSpec";

/// Whether `id` runs unless a config or `--only` says otherwise (`schema/unknown-kind`
/// is opt-in, the others are on).
fn on_by_default(id: &str) -> bool {
    crate::rules_builtin::builtin(id).is_some_and(|r| !r.opt_in)
}

fn rule_of(problem: schema::Problem) -> &'static str {
    match problem {
        schema::Problem::UnknownField => SCHEMA_UNKNOWN_FIELD,
        schema::Problem::InvalidType => SCHEMA_INVALID_TYPE,
        schema::Problem::InvalidValue => SCHEMA_INVALID_VALUE,
        schema::Problem::MissingRequired => SCHEMA_MISSING_REQUIRED,
    }
}

/// What a strategic-merge patch may do that a whole resource may not: leave
/// required fields out, and carry directives (`$patch: delete`,
/// `$setElementOrder/containers`, `$retainKeys`, ...).
fn patch_may(v: &schema::Violation) -> bool {
    match v.problem {
        schema::Problem::MissingRequired => true,
        schema::Problem::UnknownField => {
            matches!(v.path.last(), Some(PathSeg::Key(k)) if k.starts_with('$'))
        }
        _ => false,
    }
}

/// What validation needs besides the loaded files.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub discovery: &'a Discovery,
    pub select: &'a Selection<'a>,
    /// Project files holding CRDs (`crate::project::Context::crd_files`).
    pub project_crds: &'a [(PathBuf, String)],
}

/// What one resource's validation reads; shared by the workers.
struct Shared<'a> {
    loaded: &'a LoadedFiles,
    select: &'a Selection<'a>,
    version: schema::VersionChoice,
    workloads: &'a [Workload],
    crds: &'a Registry<'a>,
}

/// The `schema/*` findings of the run's resources, for the files that enable
/// a schema rule (nothing is inflated or validated when none does), and the
/// notices of CRDs that cannot be used. Resources are validated on the run's
/// workers sharing the compiled schemas; findings keep resource order.
pub fn validate(c: &Context<'_>, loaded: &LoadedFiles) -> (Vec<Finding>, Vec<Problem>) {
    let (d, select) = (c.discovery, c.select);
    let on = |file: usize| {
        RULES
            .iter()
            .any(|id| select.enabled(id, on_by_default(id), file))
    };
    if !(0..loaded.files.len()).any(on) {
        return (Vec::new(), Vec::new());
    }
    let _span = crate::engine::profile::Span::new("schema validation");
    let Some(version) = schema::pick_version(d.kube_version) else {
        return (Vec::new(), Vec::new());
    };
    let crds = Registry::new(Inputs {
        loaded,
        kube: version.used,
        limits: d.target_limits.first().copied().unwrap_or_default(),
        charts: d
            .targets
            .iter()
            .filter_map(|t| match t {
                Target::Chart(dir) => Some(dir.clone()),
                _ => None,
            })
            .collect(),
        project: c.project_crds,
        schemas: schema_paths(c.settings, d.primary()),
    });
    // Kustomize patches are partial: no required fields, `$patch` directives allowed.
    let partial = super::patches::patch_files(&loaded.files);
    let shared = Shared {
        loaded,
        select,
        version,
        workloads: &d.workloads,
        crds: &crds,
    };
    let indices: Vec<usize> = (0..loaded.resources.len())
        .filter(|&ri| on(loaded.resources[ri].file))
        .collect();
    let threads = crate::parallel::threads_for(indices.len(), 64, c.settings.threads);
    let per_resource = crate::parallel::map(
        &indices,
        threads,
        || Ok::<(), std::convert::Infallible>(()),
        |_, &ri| {
            let is_patch = partial
                .get(loaded.resources[ri].file)
                .copied()
                .unwrap_or(false);
            validate_one(&shared, ri, is_patch)
        },
    );
    let findings = match per_resource {
        Ok(lists) => lists.into_iter().flatten().collect(),
        Err(never) => match never {},
    };
    (findings, crds.notices())
}

/// The findings of resource `ri`: its built-in schema, else its CRD's.
fn validate_one(s: &Shared<'_>, ri: usize, is_patch: bool) -> Vec<Finding> {
    let r = &s.loaded.resources[ri];
    let (api, kind) = (&r.id.api_version, &r.id.kind);
    let schema = match schema::lookup(s.version.used, api, kind) {
        Some(schema) => schema,
        None => match s.crds.lookup(api, kind) {
            Lookup::Schema(schema) => schema,
            // Its notice says why; the kind itself is known.
            Lookup::Unusable => return Vec::new(),
            Lookup::NoVersion(why) => {
                let message = format!("no schema covers {api} {kind}: {why}");
                return without_schema(s, ri, is_patch, message);
            }
            Lookup::Unknown => {
                let (major, minor) = s.version.used;
                let message = format!(
                    "no Kubernetes {major}.{minor} schema or CRD covers {api} {kind}: it is \
                     not validated (a custom resource whose CRD kubeward was not given, or \
                     an apiVersion misspelt or removed)"
                );
                return without_schema(s, ri, is_patch, message);
            }
        },
    };
    let tree = r.tree();
    let violations = schema::validate(&schema, &tree);
    findings_of(s, ri, &tree, violations, is_patch)
}

/// A resource no schema covers: not validated, but for the pod template of a
/// custom workload (an Argo Rollout, a config's `workloads:`): the security
/// rules judge it and leave the values the API would reject to this stage.
/// Who opts in is told the rest is not (`schema/unknown-kind`).
fn without_schema(s: &Shared<'_>, ri: usize, is_patch: bool, message: String) -> Vec<Finding> {
    let r = &s.loaded.resources[ri];
    let template = kinds::pod_template_path(r, s.workloads);
    let tell = s.select.enabled(
        SCHEMA_UNKNOWN_KIND,
        on_by_default(SCHEMA_UNKNOWN_KIND),
        r.file,
    );
    // Most custom resources need neither: their tree is not even decoded.
    if template.is_none() && !tell {
        return Vec::new();
    }
    let tree = r.tree();
    let mut out = match template {
        Some(path) => pod_template_findings(s, ri, &tree, path, is_patch),
        None => Vec::new(),
    };
    if tell {
        let mut locator = Locator::new(&tree);
        let what = (SCHEMA_UNKNOWN_KIND.to_string(), Severity::Info, message);
        out.push(finding_at(&s.loaded.files, r, &mut locator, what, Vec::new()).owned_by(ri));
    }
    out
}

/// A custom workload's pod template (at `path`) checked against the built-in
/// PodTemplateSpec.
fn pod_template_findings(
    s: &Shared<'_>,
    ri: usize,
    tree: &Node,
    path: Vec<String>,
    is_patch: bool,
) -> Vec<Finding> {
    let Some(template) = path.iter().try_fold(tree, |n, k| n.get(k)) else {
        return Vec::new();
    };
    let Some(schema) = schema::lookup_definition(s.version.used, POD_TEMPLATE) else {
        return Vec::new();
    };
    let prefix: Vec<PathSeg> = path.into_iter().map(PathSeg::Key).collect();
    let violations = schema::validate_at(&schema, template, &prefix);
    findings_of(s, ri, tree, violations, is_patch)
}

/// Violations of resource `ri` as the findings its file's rules let through.
fn findings_of(
    s: &Shared<'_>,
    ri: usize,
    tree: &Node,
    violations: Vec<schema::Violation>,
    is_patch: bool,
) -> Vec<Finding> {
    let r = &s.loaded.resources[ri];
    let mut out = Vec::new();
    if violations.is_empty() {
        return out;
    }
    let mut locator = Locator::new(tree);
    for v in violations {
        if is_patch && patch_may(&v) {
            continue;
        }
        let rule = rule_of(v.problem);
        if !s.select.enabled(rule, on_by_default(rule), r.file) {
            continue;
        }
        let what = (rule.to_string(), Severity::Error, v.message);
        out.push(finding_at(&s.loaded.files, r, &mut locator, what, v.path).owned_by(ri));
    }
    out
}

/// `--schema` paths, then the primary config's `schemas:` (relative to that
/// config).
pub fn schema_paths(settings: &Settings, primary: Option<&crate::config::Config>) -> Vec<PathBuf> {
    let mut paths = settings.schemas.clone();
    if let Some(c) = primary {
        let base = c.path.as_ref().and_then(|p| p.parent());
        for p in &c.schemas {
            paths.push(match base {
                Some(b) if p.path.is_relative() => b.join(&p.path),
                _ => p.path.clone(),
            });
        }
    }
    paths
}
