//! User policies: Rego that teams bring to kubeward, in three modes.
//!
//! - **native** rules follow the bundled-rule contract (`# METADATA` with
//!   `custom.id`, `deny` yielding `{msg, path}`) and may import
//!   `data.kubeward.lib.*`;
//! - **conftest** policies: `deny`/`violation`/`warn` (and `deny_<name>` ...)
//!   rules in `package main` or the packages named by `--policy-namespace`,
//!   with `exception` rules, `input` = one document;
//! - **Gatekeeper** ConstraintTemplates and constraints, evaluated like
//!   `gator test` (`input.review.object`, `input.parameters`, `match`).
//!
//! Every user rule gets an id and metadata in the run's catalogue, so its
//! findings flow through the same locate / config / suppress / report path as
//! bundled ones. Evaluation runs in engines of its own (`eval.rs`): a runtime
//! error in one regorus call aborts the whole call, so user rules never share
//! a call with bundled ones, and each user rule is its own call.

pub mod budget;
pub mod calls;
pub mod conftest;
pub mod eval;
pub mod gatekeeper;
pub mod load;
pub mod rego;

use crate::engine::{PolicySource, Rule, RuleMeta};
use crate::finding::Severity;
use crate::source::SourceFile;
use regorus::Value;
use std::path::PathBuf;
use std::time::Duration;

pub use eval::{UserEvaluator, UserPlan};
pub use rego::{Module, RegoVersion};

/// How long one rule may evaluate on one resource (see
/// [`crate::engine::DEFAULT_TIMEOUT`]): user policies have the bundled rules' budget.
pub use crate::engine::DEFAULT_TIMEOUT;

/// The user-policy part of a run's settings.
#[derive(Debug, Clone)]
pub struct PolicyOptions {
    /// `--policy DIR|FILE` (config `policies:` adds to these).
    pub paths: Vec<PathBuf>,
    /// `--data FILE`: JSON or YAML merged into `data` for every user policy.
    pub data: Vec<PathBuf>,
    /// `--policy-namespace PKG`: conftest packages (default `main`).
    pub namespaces: Vec<String>,
    /// `--all-namespaces`: every package is a conftest namespace.
    pub all_namespaces: bool,
    /// `--gatekeeper`: ConstraintTemplates and constraints among linted files.
    pub gatekeeper: bool,
    /// `--rego-version`: force one version for every file.
    pub rego_version: Option<RegoVersion>,
    /// Bound on one rule's evaluation of one resource.
    pub timeout: Duration,
    /// The size cap policy and `--data` files are read under (`lint` sets it
    /// from `--max-file-size`).
    pub max_file_bytes: u64,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            paths: Vec::new(),
            data: Vec::new(),
            namespaces: Vec::new(),
            all_namespaces: false,
            gatekeeper: false,
            rego_version: None,
            timeout: DEFAULT_TIMEOUT,
            max_file_bytes: crate::limits::DEFAULT_MAX_FILE_BYTES,
        }
    }
}

impl PolicyOptions {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.gatekeeper
    }

    fn selects_package(&self, package: &str) -> bool {
        if self.all_namespaces {
            return true;
        }
        if self.namespaces.is_empty() {
            return package == "main";
        }
        self.namespaces.iter().any(|n| n == package)
    }
}

/// A user policy that cannot be used: the run stops (exit 2) before linting,
/// with the file, line and column and the engine's message.
#[derive(Debug, Clone)]
pub struct PolicyError(Box<PolicyErrorDetail>);

/// What a `PolicyError` says (boxed: errors travel through many `Result`s).
#[derive(Debug, Clone)]
pub struct PolicyErrorDetail {
    pub source: SourceFile,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// Extra context (which Rego version applied).
    pub note: Option<String>,
}

impl PolicyError {
    pub fn at(
        source: SourceFile,
        line: usize,
        column: usize,
        message: String,
        note: Option<String>,
    ) -> PolicyError {
        PolicyError(Box::new(PolicyErrorDetail {
            source,
            line: line.max(1),
            column: column.max(1),
            message,
            note,
        }))
    }

    /// An error about a whole file (unreadable, no location).
    pub fn file(path: &str, message: String) -> PolicyError {
        PolicyError::at(SourceFile::new(path, ""), 1, 1, message, None)
    }

    /// The byte offset of `line:column` in the source (columns count characters).
    pub fn offset(&self) -> usize {
        let text = &self.source.text;
        let mut start = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == self.line {
                let col = l
                    .char_indices()
                    .nth(self.column - 1)
                    .map(|(o, _)| o)
                    .unwrap_or(l.trim_end_matches(['\n', '\r']).len());
                return start + col;
            }
            start += l.len();
        }
        text.len()
    }
}

impl std::ops::Deref for PolicyError {
    type Target = PolicyErrorDetail;
    fn deref(&self) -> &PolicyErrorDetail {
        &self.0
    }
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.source.path, self.line, self.column, self.message
        )?;
        if let Some(n) = &self.note {
            write!(f, " ({n})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

/// How a user rule is evaluated.
#[derive(Debug, Clone)]
pub enum How {
    /// `data.<package>.deny` yielding `{msg, path}`.
    Native { package: String },
    /// `data.<package>.<rule>` yielding strings or `{msg, ...}` objects.
    Conftest { package: String, rule: String },
    /// A constraint of a template (index into `UserPolicies::templates`).
    Gatekeeper {
        template: usize,
        constraint: Box<gatekeeper::Constraint>,
    },
}

#[derive(Debug, Clone)]
pub struct UserRule {
    pub meta: RuleMeta,
    pub how: How,
}

/// Every user policy of a run, parsed and classified; compiled per engine by
/// `eval.rs`.
#[derive(Debug, Clone, Default)]
pub struct UserPolicies {
    pub rules: Vec<UserRule>,
    /// Native rules, conftest policies and their libraries: one engine.
    pub modules: Vec<Module>,
    /// Rego unit test modules (`*_test.rego`), for `kubeward test`.
    pub tests: Vec<Module>,
    pub templates: Vec<gatekeeper::Template>,
    /// `--data` documents, merged into `data` in order.
    pub data: Vec<Value>,
    /// Remarks that do not stop the run (a CEL-only template, a constraint
    /// without a template).
    pub notes: Vec<crate::problem::Problem>,
    /// Templates among the linted files that cannot be used (they do not
    /// parse or compile, or recurse): reported as policy errors on their
    /// files, and skipped.
    pub rejected: Vec<PolicyError>,
    /// `testdata/` fixtures found under policy directories.
    pub fixtures: Vec<PathBuf>,
    pub timeout: Duration,
}

impl UserPolicies {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.modules.is_empty() && self.templates.is_empty()
    }

    /// Loads `paths` (and config-named ones) plus Gatekeeper documents found
    /// among linted files. `bundled` tells whether an id is a bundled rule:
    /// a user rule may not take it.
    pub fn load(
        opts: &PolicyOptions,
        paths: &[PathBuf],
        linted_gatekeeper: Vec<load::GatekeeperDoc>,
        bundled: &dyn Fn(&str) -> bool,
    ) -> Result<UserPolicies, PolicyError> {
        let mut found = load::load_paths(paths, opts.rego_version, opts.max_file_bytes)?;
        found.gatekeeper.extend(linted_gatekeeper);
        let mut out = UserPolicies {
            data: load::data_files(&opts.data, opts.max_file_bytes)?,
            tests: found.tests,
            fixtures: found.fixtures,
            timeout: opts.timeout,
            ..Default::default()
        };
        let mut native_packages: Vec<String> = Vec::new();
        for m in found.modules {
            if let Some(meta) = native_meta(&m)? {
                if bundled(&meta.id) {
                    return Err(PolicyError::file(
                        &m.path,
                        format!(
                            "rule id {} is already a bundled rule; choose another id",
                            meta.id
                        ),
                    ));
                }
                if let Some(prefix) = ["conftest/", "gatekeeper/", "kubeward/", "yaml/"]
                    .iter()
                    .find(|p| meta.id.starts_with(**p))
                {
                    return Err(PolicyError::file(
                        &m.path,
                        format!("rule id {}: the prefix {prefix} is reserved", meta.id),
                    ));
                }
                if let Some(other) = out.rules.iter().find(|r| r.meta.id == meta.id) {
                    return Err(PolicyError::file(
                        &m.path,
                        format!(
                            "rule id {} is also declared in {}",
                            meta.id, other.meta.file
                        ),
                    ));
                }
                if native_packages.contains(&meta.package) {
                    return Err(PolicyError::file(
                        &m.path,
                        format!(
                            "package {} is declared by another native rule; each rule needs its own package",
                            meta.package
                        ),
                    ));
                }
                if !m.has_rule("deny") {
                    return Err(PolicyError::file(
                        &m.path,
                        format!("rule {} defines no `deny` rule", meta.id),
                    ));
                }
                native_packages.push(meta.package.clone());
                out.rules.push(UserRule {
                    how: How::Native {
                        package: meta.package.clone(),
                    },
                    meta,
                });
            }
            out.modules.push(m);
        }
        out.rules.extend(conftest::rules(
            &out.modules,
            &native_packages,
            &|p: &str| opts.selects_package(p),
        ));
        let (templates, rules, notes, rejected) =
            gatekeeper::build(found.gatekeeper, &eval::check_template)?;
        out.templates = templates;
        out.rejected = rejected;
        out.rules.extend(rules);
        out.notes = notes;
        out.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(out)
    }

    /// The user rules as catalogue entries (for config, suppression, reports).
    pub fn catalog_rules(&self) -> Vec<Rule> {
        self.rules
            .iter()
            .map(|r| Rule {
                meta: r.meta.clone(),
                source: PolicySource {
                    path: r.meta.file.clone(),
                    text: String::new(),
                },
                user: true,
            })
            .collect()
    }
}

/// The metadata of a native rule, or None for a module that is not one (no
/// `# METADATA` block declaring `custom.id`).
fn native_meta(m: &Module) -> Result<Option<RuleMeta>, PolicyError> {
    if !crate::engine::metadata::declares_id(&m.text) {
        return Ok(None);
    }
    let mut meta = crate::engine::metadata::parse(&m.path, &m.text).map_err(|e| {
        let line = m
            .text
            .lines()
            .position(|l| l.trim() == "# METADATA")
            .map_or(1, |i| i + 1);
        PolicyError::at(
            SourceFile::new(m.path.clone(), m.text.clone()),
            line,
            1,
            e.message,
            Some("a native rule follows the bundled-rule contract (docs/user-policies.md)".into()),
        )
    })?;
    meta.package = m.package.clone();
    Ok(Some(meta))
}

/// Metadata for a rule that has no `# METADATA` of its own.
pub(crate) fn synthetic_meta(
    id: String,
    title: String,
    severity: Severity,
    file: &str,
    package: &str,
) -> RuleMeta {
    RuleMeta {
        id,
        description: title.clone(),
        title,
        severity,
        enabled: true,
        kinds: vec!["*".into()],
        remediation: String::new(),
        references: Vec::new(),
        pss: None,
        peers: Default::default(),
        implied_by: Vec::new(),
        package: package.to_string(),
        file: file.to_string(),
    }
}
