//! The run, as stages that take and give plain data (docs/architecture.md):
//!
//! ```text
//! discover -> load (render) -> (validate) -> context -> evaluate -> suppress -> report
//! discovery    load            validate      context    evaluate    finish      finish::sorted
//! ```
//!
//! [`Linter`] holds what every run shares (the rule catalogue, parsed and
//! checked once) and lints paths or an in-memory buffer as often as needed.
//! No clap, no printing, no process exit, no environment variable here: the
//! CLI reads those and passes them in as [`Settings`].

mod configs;
mod context;
mod crds;
mod discovery;
mod evaluate;
mod finish;
mod load;
mod patches;
mod select;
mod validate;

pub use configs::rule_exists;

use crate::engine::{self, Catalog, EngineError};
use crate::outcome::Outcome;
use crate::settings::Settings;
use crate::{baseline, catalog_doc, config, discover, inventory, kinds, policy};
use engine::profile::Span;
use std::path::PathBuf;
use std::time::Instant;

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
    /// A `--schema` path that cannot be read.
    #[error("--schema {0}")]
    Schema(String),
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

/// A linter with its rules loaded: build it once, then lint paths or text
/// buffers as many times as needed (an editor server lints on every change).
/// The rule programs its first runs compile are kept for all its runs.
///
/// ```
/// use kubeward::{Linter, Settings};
///
/// let linter = Linter::new(Settings::default()).expect("bundled rules load");
/// let manifest = "\
/// apiVersion: v1
/// kind: Pod
/// metadata:
///   name: web
/// spec:
///   containers:
///     - name: web
///       image: nginx:1.27
///       securityContext:
///         privileged: true
/// ";
/// let outcome = linter.lint_text("pod.yaml", manifest).expect("a run");
/// let privileged = outcome
///     .active()
///     .find(|f| f.rule == "pod-security/privileged")
///     .expect("the privileged container is reported");
/// assert_eq!((privileged.line, privileged.column), (10, 9));
/// // The same linter again, on another buffer: no rule is loaded twice.
/// let clean = linter.lint_text("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
/// assert!(clean.expect("a run").active().all(|f| f.rule != "pod-security/privileged"));
/// ```
#[derive(Debug, Clone)]
pub struct Linter {
    settings: Settings,
    catalog: Catalog,
}

impl Linter {
    /// A linter with the bundled rules (or those of `settings.rules_dir`)
    /// and the options of `settings`; its `paths` are what [`Linter::lint`]
    /// lints.
    pub fn new(mut settings: Settings) -> Result<Linter, RunError> {
        let catalog = Catalog::load(settings.rules_dir.as_deref())?;
        // Every run of this linter reuses the programs the first ones compile
        // (or read from the cache directory).
        if settings.engine.memory.is_none() {
            settings.engine.memory = Some(engine::programs::Memory::default());
        }
        Ok(Linter { settings, catalog })
    }

    /// The options every run of this linter uses.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Lints the settings' paths.
    pub fn lint(&self) -> Result<Outcome, RunError> {
        run(self.catalog.clone(), &self.settings)
    }

    /// Lints these paths (files or directories) instead of the settings' own.
    pub fn lint_paths(&self, paths: &[PathBuf]) -> Result<Outcome, RunError> {
        let settings = Settings {
            paths: paths.to_vec(),
            stdin: None,
            stdin_filename: None,
            ..self.settings.clone()
        };
        run(self.catalog.clone(), &settings)
    }

    /// Lints a text buffer as if it were the file `name` (an editor's unsaved
    /// buffer): its config, excludes and project are those of `name`, and the
    /// copy of `name` on disk, if any, is ignored.
    pub fn lint_text(&self, name: &str, text: &str) -> Result<Outcome, RunError> {
        let settings = Settings {
            paths: vec![PathBuf::from("-")],
            stdin: Some(text.as_bytes().to_vec()),
            stdin_filename: Some(name.to_string()),
            ..self.settings.clone()
        };
        run(self.catalog.clone(), &settings)
    }
}

/// Lints the settings' paths with the bundled rules (a [`Linter`] used once).
pub fn lint(settings: &Settings) -> Result<Outcome, RunError> {
    run(Catalog::load(settings.rules_dir.as_deref())?, settings)
}

/// One run, top-down through the stages.
fn run(mut catalog: Catalog, settings: &Settings) -> Result<Outcome, RunError> {
    let started = Instant::now();
    let _whole = Span::new("lint (all)");

    check_schema_paths(settings)?;
    let span = Span::new("configs and discovery");
    let discovery = discovery::discover(settings, &catalog)?;
    drop(span);

    let span = Span::new("read and load files");
    let mut loaded = load::load(settings, &discovery)?;
    drop(span);

    let span = Span::new("user policies, run data, plan");
    let primary = discovery.primary();
    // User policies join the catalogue, so config, suppressions and reports
    // know their ids; a config may name rules they define.
    let user = evaluate::load_user_policies(
        settings,
        primary,
        &loaded.files,
        &loaded.resources,
        &catalog,
    )?;
    catalog.rules.extend(user.catalog_rules());
    catalog.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    for e in &user.rejected {
        let f = evaluate::rejected_template(e, &loaded.files);
        loaded.findings.push(f);
    }
    loaded.problems.extend(user.notes.iter().cloned());
    check_only(settings, &catalog)?;
    loaded
        .problems
        .extend(discovery.configs.unknown_ids(&catalog));
    let select = select::Selection::new(
        settings.only_rules.as_deref(),
        &discovery.configs,
        &loaded.file_cfg,
    );

    // Stage 3: the project's inventory, and `data.kubeward` from it.
    let project = context::project_context(settings, &discovery);

    // Schema validation: findings of their own, before the rules; custom
    // resources are checked against the project's CRDs too.
    let validation = validate::Context {
        settings,
        discovery: &discovery,
        select: &select,
        project_crds: &project.crd_files,
    };
    let (schema_findings, schema_notices) = validate::validate(&validation, &loaded);
    loaded.problems.extend(schema_notices);
    let data = inventory::run_data(
        discovery.kube_version,
        settings.namespace.as_deref(),
        primary,
        &discovery.workloads,
        &loaded.resources,
        &project.entries,
    );
    let user_plan = policy::UserPlan::new(
        &user,
        &catalog,
        data.clone(),
        &loaded.resources,
        kinds::workload_kinds(&discovery.workloads),
        settings.namespace.as_deref(),
        |id| select.enabled_anywhere(id, true),
    );
    let plan = evaluate::bundled_plan(settings, &catalog, &select, &discovery, &loaded, data);
    // User policies are compiled (and rejected, exit 2) before anything is
    // evaluated, even when there is nothing to lint.
    if !user.is_empty() {
        policy::UserEvaluator::new(&user_plan)?;
    }
    drop(span);

    let span = Span::new("evaluation (engines included)");
    let evaluated = evaluate::evaluate(&plan, &user_plan, &loaded, &select, settings.threads)?;
    drop(span);

    let _tail = Span::new("checks, suppressions, attribution, sorting");
    let mut findings = std::mem::take(&mut loaded.findings);
    findings.extend(schema_findings);
    findings.extend(evaluated);
    let mut findings = finish::checked(findings, settings, &loaded, &discovery.workloads, &select);
    let rules = finish::RulesOfRun {
        catalog: &catalog,
        plan: &plan,
        user: &user,
    };
    let (redactions, baselined) =
        finish::suppressed(&mut findings, settings, &loaded, &rules, &select)?;
    let mut problems = std::mem::take(&mut loaded.problems);
    finish::sorted(&mut findings, &mut problems);
    let fail_on = primary.and_then(|c| c.fail_on);
    let resources = loaded.resources.len();
    Ok(Outcome {
        files: loaded.files,
        findings,
        problems,
        resources,
        elapsed: started.elapsed(),
        catalog,
        fail_on,
        baselined,
        redactions,
    })
}

/// Every `--schema` path exists (config `schemas:` are checked when the
/// config is loaded), whether or not a schema rule is on: a typo is told at
/// once, not when a custom resource first needs it.
fn check_schema_paths(settings: &Settings) -> Result<(), RunError> {
    for p in &settings.schemas {
        if let Err(e) = std::fs::metadata(p) {
            let why = crate::paths::io_message(&e);
            return Err(RunError::Schema(format!("{}: {why}", p.display())));
        }
    }
    Ok(())
}

/// `--only` names rules, loader checks or category prefixes that exist.
fn check_only(settings: &Settings, catalog: &Catalog) -> Result<(), RunError> {
    for id in settings.only_rules.iter().flatten() {
        if !rule_exists(catalog, id) {
            let near = catalog_doc::suggest(catalog, id);
            return Err(RunError::UnknownRule(id.clone(), near));
        }
    }
    Ok(())
}
