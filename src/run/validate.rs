//! Stage 3b, validate (issue 16): every resource of a
//! built-in kind is checked against Kubernetes' schema of the run's version
//! (`crate::schema`), and each violation is a `schema/*` finding located at
//! its field like a rule's. On by default (`schema/unknown-kind` is opt-in): the
//! security rules judge only values the API accepts, so each rejected value is
//! one finding, reported here.

use super::discovery::Discovery;
use super::load::LoadedFiles;
use super::select::Selection;
use crate::finding::PathSeg;
use crate::finding::{Finding, Severity};
use crate::kinds::{self, Workload};
use crate::locate::{finding_at, Locator};
use crate::rules_builtin::{
    SCHEMA_INVALID_TYPE, SCHEMA_INVALID_VALUE, SCHEMA_MISSING_REQUIRED, SCHEMA_UNKNOWN_FIELD,
    SCHEMA_UNKNOWN_KIND,
};
use crate::schema;
use crate::yaml::Node;

/// What a pod template is, in every Kubernetes version.
const POD_TEMPLATE: &str = "io.k8s.api.core.v1.PodTemplateSpec";

const RULES: [&str; 5] = [
    SCHEMA_UNKNOWN_FIELD,
    SCHEMA_INVALID_TYPE,
    SCHEMA_INVALID_VALUE,
    SCHEMA_MISSING_REQUIRED,
    SCHEMA_UNKNOWN_KIND,
];

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
            matches!(v.path.last(), Some(crate::finding::PathSeg::Key(k)) if k.starts_with('$'))
        }
        _ => false,
    }
}

/// The `schema/*` findings of the run's resources, for the files that enable
/// a schema rule (nothing is inflated or validated when none does). Resources are
/// validated on `threads` workers sharing the compiled schemas; findings keep
/// resource order.
pub fn validate(
    d: &Discovery,
    loaded: &LoadedFiles,
    select: &Selection,
    threads: usize,
) -> Vec<Finding> {
    let on = |file: usize| {
        RULES
            .iter()
            .any(|id| select.enabled(id, on_by_default(id), file))
    };
    if !(0..loaded.files.len()).any(on) {
        return Vec::new();
    }
    let _span = crate::engine::profile::Span::new("schema validation");
    let Some(version) = schema::pick_version(d.kube_version) else {
        return Vec::new();
    };
    // Kustomize patches are partial: no required fields, `$patch` directives allowed.
    let partial = super::patches::patch_files(&loaded.files);
    let indices: Vec<usize> = (0..loaded.resources.len())
        .filter(|&ri| on(loaded.resources[ri].file))
        .collect();
    let threads = crate::parallel::threads_for(indices.len(), 64, threads);
    let per_resource = crate::parallel::map(
        &indices,
        threads,
        || Ok::<(), std::convert::Infallible>(()),
        |_, &ri| {
            let is_patch = partial
                .get(loaded.resources[ri].file)
                .copied()
                .unwrap_or(false);
            validate_one(loaded, select, version, &d.workloads, ri, is_patch)
        },
    );
    match per_resource {
        Ok(lists) => lists.into_iter().flatten().collect(),
        Err(never) => match never {},
    }
}

/// The findings of resource `ri`.
fn validate_one(
    loaded: &LoadedFiles,
    select: &Selection,
    version: schema::VersionChoice,
    workloads: &[Workload],
    ri: usize,
    is_patch: bool,
) -> Vec<Finding> {
    let r = &loaded.resources[ri];
    let mut out = Vec::new();
    // Custom resources without a schema are not validated, but for the pod
    // template of a custom workload (an Argo Rollout, a config's `workloads:`):
    // the security rules judge it, and leave the values the API would reject to
    // this stage. Who opts in is told the rest is not (`schema/unknown-kind`).
    let Some(kind) = schema::lookup(version.used, &r.id.api_version, &r.id.kind) else {
        out.extend(pod_template_findings(
            loaded, select, version, workloads, ri, is_patch,
        ));
        if select.enabled(
            SCHEMA_UNKNOWN_KIND,
            on_by_default(SCHEMA_UNKNOWN_KIND),
            r.file,
        ) {
            let (major, minor) = version.used;
            let message = format!(
                "no Kubernetes {major}.{minor} schema covers {} {}: it is not validated \
                 (a custom resource, or an apiVersion misspelt or removed)",
                r.id.api_version, r.id.kind
            );
            let tree = r.tree();
            let mut locator = Locator::new(&tree);
            let what = (SCHEMA_UNKNOWN_KIND.to_string(), Severity::Info, message);
            out.push(finding_at(&loaded.files, r, &mut locator, what, Vec::new()).owned_by(ri));
        }
        return out;
    };
    let tree = r.tree();
    let violations = schema::validate(&kind, &tree);
    out.extend(findings_of(loaded, select, ri, &tree, violations, is_patch));
    out
}

/// A custom workload's pod template checked against the built-in PodTemplateSpec.
fn pod_template_findings(
    loaded: &LoadedFiles,
    select: &Selection,
    version: schema::VersionChoice,
    workloads: &[Workload],
    ri: usize,
    is_patch: bool,
) -> Vec<Finding> {
    let r = &loaded.resources[ri];
    let Some(path) = kinds::pod_template_path(r, workloads) else {
        return Vec::new();
    };
    let tree = r.tree();
    let Some(template) = path.iter().try_fold(&*tree, |n, k| n.get(k)) else {
        return Vec::new();
    };
    let Some(schema) = schema::lookup_definition(version.used, POD_TEMPLATE) else {
        return Vec::new();
    };
    let prefix: Vec<PathSeg> = path.into_iter().map(PathSeg::Key).collect();
    let violations = schema::validate_at(&schema, template, &prefix);
    findings_of(loaded, select, ri, &tree, violations, is_patch)
}

/// Violations of resource `ri` as the findings its file's rules let through.
fn findings_of(
    loaded: &LoadedFiles,
    select: &Selection,
    ri: usize,
    tree: &Node,
    violations: Vec<schema::Violation>,
    is_patch: bool,
) -> Vec<Finding> {
    let r = &loaded.resources[ri];
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
        if !select.enabled(rule, on_by_default(rule), r.file) {
            continue;
        }
        let what = (rule.to_string(), Severity::Error, v.message);
        out.push(finding_at(&loaded.files, r, &mut locator, what, v.path).owned_by(ri));
    }
    out
}
