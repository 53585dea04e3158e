//! Stage 4, evaluate: user policies join the catalogue, the plan of the run
//! is made, and the bundled rules and user policies run on every resource in
//! parallel; each result is located at its field.

use super::discovery::Discovery;
use super::load::LoadedFiles;
use super::select::Selection;
use super::RunError;
use crate::engine::{self, Catalog, Evaluator, Plan};
use crate::finding::{Finding, Severity};
use crate::locate::{self, finding_at};
use crate::resource::Resource;
use crate::settings::Settings;
use crate::source::SourceFile;
use crate::{config, parallel, policy, rules_builtin, yaml};

/// Runs the plans on every resource: the findings of each, in resource order,
/// those of the rules the resource's file enables (and every policy error the
/// file's config allows).
pub fn evaluate(
    plan: &Plan,
    user_plan: &policy::UserPlan,
    loaded: &LoadedFiles,
    select: &Selection,
    threads: usize,
) -> Result<Vec<Finding>, RunError> {
    if plan.is_empty() && user_plan.is_empty() {
        return Ok(Vec::new());
    }
    let (files, resources) = (&loaded.files, &loaded.resources);
    let user = user_plan.policies;
    let threads = parallel::threads_for(resources.len(), 32, threads);
    let indices: Vec<usize> = (0..resources.len()).collect();
    let per_resource = parallel::map(
        &indices,
        threads,
        || -> Result<_, RunError> {
            let user = match user_plan.is_empty() {
                true => None,
                false => Some(policy::UserEvaluator::new(user_plan)?),
            };
            Ok((Evaluator::new(plan)?, user))
        },
        |(ev, user_ev), &ri| {
            // Bundled results of an identical document (or a kind no rule
            // reads) need neither the whole tree nor its value, unless
            // user policies run or a finding must be located.
            let text_key = memo_key_of(&resources[ri], files);
            let cached = match user_ev {
                Some(_) => None,
                None => ev.cached(&resources[ri].id.kind, text_key),
            };
            if cached.as_ref().is_some_and(Vec::is_empty) {
                return Vec::new();
            }
            let r = &resources[ri];
            let full = r.tree();
            let bundled_of = |i: usize| plan.rules.get(i).map(|r| &r.meta);
            let user_of = |i: usize| user.rules.get(i).map(|r| &r.meta);
            let (raw, user_raw) = match cached {
                Some(raw) => (raw, Vec::new()),
                None => {
                    let input = engine::convert::to_value(&full);
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
            let mut locator = locate::Locator::new(&full);
            let bundled = raw
                .into_iter()
                .map(|raw| (raw.rule.and_then(bundled_of), raw));
            let users = user_raw
                .into_iter()
                .map(|raw| (raw.rule.and_then(user_of), raw));
            bundled
                .chain(users)
                .map(|(meta, raw)| locate_finding(meta, files, r, &mut locator, raw))
                .collect::<Vec<_>>()
                .into_iter()
                // A rule stopped by its budget (or failing) must not vanish
                // with `--only`: its findings would be silently missing.
                .filter(|f| match f.rule == rules_builtin::POLICY_ERROR {
                    true => select.config_allows(&f.rule, f.file),
                    false => select.enabled(&f.rule, true, f.file),
                })
                .map(|f| f.owned_by(ri))
                .collect::<Vec<_>>()
        },
    )?;
    Ok(per_resource.into_iter().flatten().collect())
}

/// The plan of the bundled rules: those some file enables, on the kinds the
/// run has.
pub fn bundled_plan(
    settings: &Settings,
    catalog: &Catalog,
    select: &Selection,
    d: &Discovery,
    loaded: &LoadedFiles,
    data: regorus::Value,
) -> Plan {
    let enabled = |r: &engine::Rule| select.enabled_anywhere(&r.meta.id, r.meta.enabled);
    let input_bytes = loaded.files.iter().map(|f| f.text.len()).sum();
    let mut plan = Plan::for_run(
        catalog,
        enabled,
        &crate::kinds::workload_kinds(&d.workloads),
        data,
        (loaded.resources.len(), input_bytes),
        (settings.cache_dir.as_deref(), &settings.engine),
    );
    plan.timeout = settings.policies.timeout;
    plan.restrict_to_kinds(loaded.resources.iter().map(|r| r.id.kind.as_str()));
    plan
}

/// The run's user policies: `--policy` paths and the primary config's
/// `policies:` (relative to that config), plus Gatekeeper documents among the
/// linted files with `--gatekeeper`.
pub fn load_user_policies(
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
            if policy::load::GatekeeperDoc::is_gatekeeper_kind(&r.id.api_version, &r.id.kind) {
                if let Some(file) = files.get(r.file) {
                    linted.push(policy::load::GatekeeperDoc {
                        file: file.clone(),
                        root: r.tree().into_owned(),
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
pub fn rejected_template(e: &policy::PolicyError, files: &[SourceFile]) -> Finding {
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
    crate::locate::located(
        file,
        src,
        yaml::Span::new(at, at),
        rules_builtin::POLICY_ERROR,
        Severity::Error,
        message,
    )
}

/// The memo key of a resource from its document's text: the text from the
/// start of its `---` chunk (directives and anchors count) to the end of the
/// resource determines its value, since YAML defines an anchor before any
/// alias to it; with the file's reading (YAML or a JSON stream), the kind and,
/// for a List item, its place in the List. Hashing the text is much cheaper
/// than serialising the value.
fn memo_key_of(r: &Resource, files: &[SourceFile]) -> Option<(u64, u64)> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let file = files.get(r.file)?;
    let text = file.text.get(r.doc_start..r.span().end)?;
    let json = yaml::is_json_stream(&file.text);
    let digest = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, json, r.id.kind.as_str(), &r.prefix, text).hash(&mut h);
        h.finish()
    };
    Some((digest(0), digest(1)))
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
