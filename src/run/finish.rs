//! Stages 5 and 6, suppress and report: the checks of rendered resources,
//! config switches and severities, Helm attribution, suppressions and the
//! baseline, secret masking; then the findings in report order.

use super::configs::rule_exists;
use super::load::LoadedFiles;
use super::select::Selection;
use super::RunError;
use crate::engine::{self, Catalog, Plan};
use crate::finding::Finding;
use crate::problem::Problem;
use crate::settings::Settings;
use crate::{baseline, catalog_doc, helm, rules_builtin, suppress};

/// Adds the Helm checks of rendered resources, then keeps the findings the
/// files' configs let through, at the severity they give; loader findings
/// inside a resource are given to it (for config ignores).
pub fn checked(
    mut findings: Vec<Finding>,
    settings: &Settings,
    loaded: &LoadedFiles,
    workloads: &[crate::kinds::Workload],
    select: &Selection,
) -> Vec<Finding> {
    let (files, resources, renderings) = (&loaded.files, &loaded.resources, &loaded.renderings);
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
    let helm_findings =
        helm::checks::check(files, resources, workloads, &namespace_known, &unset_tag);
    findings.extend(
        helm_findings
            .into_iter()
            .filter(|f| select.enabled(&f.rule, true, f.file)),
    );
    // Loader findings may be disabled or re-graded by config like any rule.
    findings.retain(|f| {
        // Loader checks always run, but config may turn them off.
        if f.resource.is_none() && !select.config_allows(&f.rule, f.file) {
            return false;
        }
        // Chart advice is a rule like any other (`--only` selects it); a chart
        // that cannot render (`render-error`, `missing-dependency`) is reported
        // always, as a file that does not parse is.
        !rules_builtin::is_selectable(&f.rule)
            || select.enabled(&f.rule, rules_builtin::on_by_default(&f.rule), f.file)
    });
    for f in &mut findings {
        f.severity = select.severity(&f.rule, f.severity, f.file);
        // Loader findings inside a resource belong to it (for config ignores).
        // Resources come in file and text order and do not overlap, so the
        // one holding a position is the last that starts at or before it (a
        // scan per finding was quadratic: thousands of duplicate keys in a
        // stream of thousands of documents).
        if f.owner.is_none() {
            let after =
                resources.partition_point(|r| (r.file, r.span().start) <= (f.file, f.start));
            f.owner = after.checked_sub(1).filter(|&i| {
                resources
                    .get(i)
                    .is_some_and(|r| r.file == f.file && f.start <= r.span().end)
            });
        }
    }
    findings
}

/// What the suppress stage needs to know of the rules of the run.
pub struct RulesOfRun<'a> {
    pub catalog: &'a Catalog,
    pub plan: &'a Plan,
    pub user: &'a crate::policy::UserPolicies,
}

/// Leads rendered findings back to their templates, applies suppressions
/// (comments, annotations, config ignores; then the baseline) and masks
/// secret values. Returns the redactions and how many findings the baseline
/// silenced.
pub fn suppressed(
    findings: &mut Vec<Finding>,
    settings: &Settings,
    loaded: &LoadedFiles,
    rules: &RulesOfRun,
    select: &Selection,
) -> Result<(crate::redact::Redactions, usize), RunError> {
    let (files, resources, renderings) = (&loaded.files, &loaded.resources, &loaded.renderings);
    // Rendered input: lead each finding back to its template and values.
    let mut attributor = helm::attribution::Attributor::new(files, renderings, &settings.helm);
    for f in findings.iter_mut() {
        if let Some(r) = f.owner.and_then(|ri| resources.get(ri)) {
            f.source = attributor.source_for(f, r);
        }
    }
    // A chart rendered without a release namespace was rendered in a sentinel
    // one, which is never shown (helm::namespace).
    if renderings.iter().flatten().any(|r| r.namespace.is_none()) {
        findings.iter_mut().for_each(helm::namespace::mask_finding);
    }

    // Suppressions: comments, annotations, config ignores; then the baseline.
    let (catalog, plan) = (rules.catalog, rules.plan);
    let ran = |id: &str| {
        let hit = |rid: &str| rid == id || (id.ends_with('/') && rid.starts_with(id));
        (plan.rules.iter().enumerate()).any(|(i, r)| plan.reports(i) && hit(&r.meta.id))
            || rules.user.rules.iter().any(|r| hit(&r.meta.id))
            || (rules_builtin::is_builtin(id)
                && (rules_builtin::on_by_default(id) || select.enabled_anywhere(id, false)))
    };
    let known = |id: &str| rule_exists(catalog, id);
    let suggest = |id: &str| catalog_doc::suggest(catalog, id);
    let report = |id: &str| select.selected(id);
    let ignores = |file: usize| select.ignores(file);
    let ids = suppress::RuleIds {
        known: &known,
        suggest: &suggest,
        ran: &ran,
        report: &report,
    };
    // One finding per problem: findings another rule's finding implies
    // (`implied-by`) still meet their suppressions, then leave the report.
    let implied = engine::implied::Implications::new(catalog).implied(findings);
    let hygiene = suppress::apply(findings, files, resources, &ignores, &ids);
    engine::implied::remove_implied(findings, &implied);
    findings.extend(hygiene);
    // No secret value in any report: scrubbed from messages, masked in snippets.
    let redactions = crate::redact::redact(files, resources, findings);
    let mut baselined = 0;
    if let Some(path) = &settings.baseline {
        let b = baseline::read(path, settings.limits.file_bytes())?;
        let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
        baselined = baseline::apply(findings, &paths, &b);
    }
    Ok((redactions, baselined))
}

/// Findings and problems in report order: by file, line, column, rule.
pub fn sorted(findings: &mut Vec<Finding>, problems: &mut [Problem]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup();
    problems.sort_by(|a, b| a.path.cmp(&b.path));
}
