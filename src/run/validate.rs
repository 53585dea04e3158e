//! Stage 3b, validate (issue 16, opt-in for now): every resource of a
//! built-in kind is checked against Kubernetes' schema of the run's version
//! (`crate::schema`), every custom resource against its CRD's schema (the
//! run's CRDs: `super::crds`), and each violation is a `schema/*` finding
//! located at its field like a rule's. Opt-in until the security rules stop
//! reporting the values the API rejects themselves (one finding per problem).

use super::crds::{Inputs, Lookup, Registry};
use super::discovery::Discovery;
use super::load::LoadedFiles;
use super::select::Selection;
use crate::finding::{Finding, Severity};
use crate::input::Target;
use crate::locate::{finding_at, Locator};
use crate::problem::Problem;
use crate::rules_builtin::{
    SCHEMA_INVALID_TYPE, SCHEMA_INVALID_VALUE, SCHEMA_MISSING_REQUIRED, SCHEMA_UNKNOWN_FIELD,
    SCHEMA_UNKNOWN_KIND,
};
use crate::schema;
use crate::settings::Settings;
use std::path::PathBuf;

const RULES: [&str; 5] = [
    SCHEMA_UNKNOWN_FIELD,
    SCHEMA_INVALID_TYPE,
    SCHEMA_INVALID_VALUE,
    SCHEMA_MISSING_REQUIRED,
    SCHEMA_UNKNOWN_KIND,
];

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

/// What validation needs besides the loaded files.
pub struct Context<'a> {
    pub settings: &'a Settings,
    pub discovery: &'a Discovery,
    pub select: &'a Selection<'a>,
    /// Project files holding CRDs (`crate::project::Context::crd_files`).
    pub project_crds: &'a [(PathBuf, String)],
}

/// The `schema/*` findings of the run's resources, for the files that enable
/// a schema rule (none by default: nothing is inflated or validated then), and
/// the notices of CRDs that cannot be used.
pub fn validate(c: &Context<'_>, loaded: &LoadedFiles) -> (Vec<Finding>, Vec<Problem>) {
    let (d, select) = (c.discovery, c.select);
    let on = |file: usize| RULES.iter().any(|id| select.enabled(id, false, file));
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
    let mut out = Vec::new();
    for (ri, r) in loaded.resources.iter().enumerate() {
        if !on(r.file) {
            continue;
        }
        let (api, kind) = (&r.id.api_version, &r.id.kind);
        let schema = match schema::lookup(version.used, api, kind) {
            Some(s) => s,
            None => match crds.lookup(api, kind) {
                Lookup::Schema(s) => s,
                // Its notice says why; the kind itself is known.
                Lookup::Unusable => continue,
                // Custom resources without a schema are not validated; who
                // opts in is told so (`schema/unknown-kind`).
                Lookup::NoVersion(why) => {
                    let message = format!("no schema covers {api} {kind}: {why}");
                    out.extend(unknown_kind(loaded, select, ri, message));
                    continue;
                }
                Lookup::Unknown => {
                    let (major, minor) = version.used;
                    let message = format!(
                        "no Kubernetes {major}.{minor} schema or CRD covers {api} {kind}: it is \
                         not validated (a custom resource whose CRD kubeward was not given, or \
                         an apiVersion misspelt or removed)"
                    );
                    out.extend(unknown_kind(loaded, select, ri, message));
                    continue;
                }
            },
        };
        let tree = r.tree();
        let violations = schema::validate(&schema, &tree);
        if violations.is_empty() {
            continue;
        }
        let mut locator = Locator::new(&tree);
        let is_patch = partial.get(r.file).copied().unwrap_or(false);
        for v in violations {
            if is_patch && patch_may(&v) {
                continue;
            }
            let rule = rule_of(v.problem);
            if !select.enabled(rule, false, r.file) {
                continue;
            }
            let what = (rule.to_string(), Severity::Error, v.message);
            out.push(finding_at(&loaded.files, r, &mut locator, what, v.path).owned_by(ri));
        }
    }
    (out, crds.notices())
}

/// A `schema/unknown-kind` finding on resource `ri`, when its file enables the rule.
fn unknown_kind(
    loaded: &LoadedFiles,
    select: &Selection,
    ri: usize,
    message: String,
) -> Option<Finding> {
    let r = loaded.resources.get(ri)?;
    if !select.enabled(SCHEMA_UNKNOWN_KIND, false, r.file) {
        return None;
    }
    let tree = r.tree();
    let mut locator = Locator::new(&tree);
    let what = (SCHEMA_UNKNOWN_KIND.to_string(), Severity::Info, message);
    Some(finding_at(&loaded.files, r, &mut locator, what, Vec::new()).owned_by(ri))
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
