//! `.kubeward.yaml`: rule selection, severities, per-path overrides, per-resource
//! ignores, rule parameters and run settings. Parsed with kubeward's own span-aware
//! loader so that every error points at the file, line and column that caused it;
//! an unknown key or a bad value is an error, never a silent default.

use crate::finding::Severity;
use crate::kinds::Workload;
use crate::source::SourceFile;
use crate::yaml::{self, Node, NodeKind, Scalar, Span};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAMES: &[&str] = &[".kubeward.yaml", ".kubeward.yml"];

/// `--fail-on` as the config spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

/// Turns rules on or off by id or category prefix (`pod-security/`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSwitches {
    pub enable: Vec<String>,
    pub disable: Vec<String>,
}

/// One way to render a chart (`charts:`): CI can lint each chart under each
/// environment's values. Paths are as written (`path` relative to the config
/// file, `values` relative to the chart directory).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartRender {
    pub path: PathBuf,
    /// A label for this render (`prod`), shown after the chart path.
    pub name: Option<String>,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
}

/// Settings that apply to files matching `files` globs.
#[derive(Debug, Clone)]
pub struct Override {
    pub files: globset::GlobSet,
    pub file_globs: Vec<String>,
    pub rules: RuleSwitches,
    pub severity: BTreeMap<String, Severity>,
}

/// Silences rules on resources that match every given selector.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    pub rules: Vec<String>,
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from (None for the empty default config).
    pub path: Option<PathBuf>,
    pub kube_version: Option<(u32, u32)>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    pub rules: RuleSwitches,
    pub severity: BTreeMap<String, Severity>,
    pub params: BTreeMap<String, regorus::Value>,
    pub workloads: Vec<Workload>,
    /// `policies:` user policy directories or files, as written (relative to
    /// the config file's directory); `load` has checked that they stay inside
    /// the config's project.
    pub policies: Vec<PolicyPath>,
    /// `schemas:` CRD files and schema directories, as written (relative to the
    /// config file's directory); checked like `policies:`.
    pub schemas: Vec<PolicyPath>,
    pub overrides: Vec<Override>,
    pub ignore: Vec<Ignore>,
    pub charts: Vec<ChartRender>,
    /// `limits:` (command-line flags override them).
    pub limits: crate::limits::Limits,
    /// Rule ids the config names that no rule has, with where and a suggestion.
    pub unknown_ids: Vec<ConfigWarning>,
    /// `project-context: false`: cross-resource rules read only the linted
    /// files (None: the default, on).
    pub project_context: Option<bool>,
}

/// One `policies:` (or `schemas:`) entry as written, and where (for located
/// errors).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyPath {
    pub path: PathBuf,
    pub span: Span,
}

impl PartialEq for Override {
    fn eq(&self, other: &Self) -> bool {
        self.file_globs == other.file_globs
            && self.rules == other.rules
            && self.severity == other.severity
    }
}

/// A located, non-fatal remark about the config (an unknown rule id).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigWarning {
    /// The rule id it is about (user policies may define it later in the run).
    pub id: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A config that cannot be used: the run stops with exit 2.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub source: SourceFile,
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.source.position(self.span.start);
        write!(
            f,
            "{}:{}:{}: {}",
            self.source.path, p.line, p.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// Every error found in a config file, in file order (never empty): a config
/// with several mistakes reports them all at once, not one per run.
#[derive(Debug, Clone)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl std::fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors(vec![e])
    }
}

/// The config file in `dir` itself, if any. Anything but a directory by that
/// name counts, so a FIFO or device planted as `.kubeward.yaml` is refused
/// with a message (`load`) rather than silently ignored.
pub fn in_dir(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| std::fs::metadata(candidate).is_ok_and(|m| !m.is_dir()))
}

/// The nearest config file at or above `start` (a file's directory or a directory).
pub fn find_upwards(start: &Path) -> Option<PathBuf> {
    let abs = crate::paths::absolute_normal(start).ok()?;
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        if let Some(found) = in_dir(d) {
            return Some(found);
        }
        dir = d.parent();
    }
    None
}

/// Reads and validates a config file of at most `max` bytes (the run's
/// `--max-file-size`: a config cannot raise the limit it is read under).
/// `known` tells whether a rule id exists and `suggest` proposes a near miss
/// for "did you mean".
pub fn load(
    path: &Path,
    max: u64,
    known: &dyn Fn(&str) -> bool,
    suggest: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigErrors> {
    let display = path.display().to_string();
    let text = crate::input::read_option_file(path, max).map_err(|e| ConfigError {
        source: SourceFile::new(display.clone(), ""),
        span: Span::default(),
        message: format!("cannot read the config: {e}"),
    })?;
    let mut config = parse(&display, &text, known, suggest)?;
    check_policies(&config, path, &SourceFile::new(display, text))?;
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// `policies:` entries must stay inside the config's project: the nearest
/// directory at or above the config's that holds `.git` (a repository, a
/// worktree or a submodule), else the config's own directory. A hostile
/// repository's config must not make kubeward read `/`, the runner's home
/// directory or /proc as policies (`policies: [../../../../]`); `--policy`
/// on the command line is the way to use policies kept elsewhere.
fn check_policies(
    config: &Config,
    config_path: &Path,
    source: &SourceFile,
) -> Result<(), ConfigError> {
    if config.policies.is_empty() && config.schemas.is_empty() {
        return Ok(());
    }
    let err = |span: Span, message: String| ConfigError {
        source: source.clone(),
        span,
        message,
    };
    let dir = match config_path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let real_dir = std::fs::canonicalize(dir).map_err(|e| {
        let why = crate::paths::io_message(&e);
        err(
            Span::default(),
            format!("cannot resolve the config's directory: {why}"),
        )
    })?;
    let root = project_root(&real_dir);
    let policies = config.policies.iter().map(|p| (p, "policy", "policies"));
    let schemas = config.schemas.iter().map(|p| (p, "schema", "schemas"));
    for (p, what, key) in policies.chain(schemas) {
        let shown = p.path.display();
        let real = crate::paths::real_path(&dir.join(&p.path))
            .map_err(|why| err(p.span, format!("{what} path {shown}: {why}")))?;
        if real.parent().is_none() {
            return Err(err(
                p.span,
                format!("{what} path {shown} resolves to the filesystem root; refused"),
            ));
        }
        if !real.starts_with(&root) {
            return Err(err(
                p.span,
                format!(
                    "{what} path {shown} resolves to {}, outside this config's project {}; \
                     `{key}:` must stay inside it (use --{what} for {key} kept elsewhere)",
                    real.display(),
                    root.display()
                ),
            ));
        }
    }
    Ok(())
}

/// The project a config belongs to: the nearest directory at or above `dir`
/// (absolute, symlinks resolved) holding `.git`, else `dir` itself.
fn project_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| crate::paths::is_repository_root(d))
        .unwrap_or(dir)
        .to_path_buf()
}

/// Parses config text (`name` is how errors refer to it). Every error is
/// reported, each located: a bad value does not hide the next one.
pub fn parse(
    name: &str,
    text: &str,
    known: &dyn Fn(&str) -> bool,
    suggest: &dyn Fn(&str) -> Option<String>,
) -> Result<Config, ConfigErrors> {
    let source = SourceFile::new(name, text);
    let p = Parser {
        source: &source,
        known,
        suggest,
        warnings: std::cell::RefCell::new(Vec::new()),
        errors: std::cell::RefCell::new(Vec::new()),
    };
    let loaded = yaml::load(text);
    let mut syntax = false;
    for issue in loaded
        .issues
        .iter()
        .filter(|i| i.rule == crate::rules_builtin::YAML_SYNTAX || i.rule == "yaml/duplicate-key")
    {
        syntax |= issue.rule == crate::rules_builtin::YAML_SYNTAX;
        p.keep::<()>(Err(p.err(issue.span, issue.message.clone())));
    }
    let mut config = Config::default();
    match loaded.documents.first() {
        // What does not parse is not read further: its errors would be noise.
        _ if syntax => {}
        None => {} // an empty config is a valid one
        Some(doc) => {
            if let Some(entries) = p.keep(p.map(&doc.root, "the config")) {
                for e in entries {
                    p.top_level(e, &mut config);
                }
            }
        }
    }
    config.unknown_ids = p.warnings.into_inner();
    let mut errors = p.errors.into_inner();
    if errors.is_empty() {
        return Ok(config);
    }
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    Err(ConfigErrors(errors))
}

struct Parser<'a> {
    source: &'a SourceFile,
    known: &'a dyn Fn(&str) -> bool,
    suggest: &'a dyn Fn(&str) -> Option<String>,
    warnings: std::cell::RefCell<Vec<ConfigWarning>>,
    /// Every error found so far; parsing goes on past each.
    errors: std::cell::RefCell<Vec<ConfigError>>,
}

impl Parser<'_> {
    /// The value, or None with the error recorded.
    fn keep<T>(&self, r: Result<T, ConfigError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.borrow_mut().push(e);
                None
            }
        }
    }

    /// One top-level key of the config.
    fn top_level(&self, e: &yaml::Entry, config: &mut Config) {
        let v = &e.value;
        match e.key.as_str() {
            "kube-version" => config.kube_version = self.keep(self.kube_version(v)),
            "fail-on" => config.fail_on = self.keep(self.fail_on(v)),
            "exclude" => {
                if let Some((_, globs)) = self.keep(self.globs(v, "exclude")) {
                    config.exclude = globs;
                }
            }
            "rules" => config.rules = self.switches(v),
            "severity" => config.severity = self.severities(v),
            "params" => {
                for pe in self.keep(self.map(v, "params")).unwrap_or_default() {
                    self.rule_id(&pe.key, pe.key_span);
                    config
                        .params
                        .insert(pe.key.clone(), crate::engine::convert::to_value(&pe.value));
                }
            }
            "workloads" => {
                for item in self.keep(self.seq(v, "workloads")).unwrap_or_default() {
                    config.workloads.extend(self.workload(item));
                }
            }
            "policies" => config.policies = self.paths(v, "policies"),
            "schemas" => config.schemas = self.paths(v, "schemas"),
            "overrides" => {
                for item in self.keep(self.seq(v, "overrides")).unwrap_or_default() {
                    config.overrides.extend(self.override_entry(item));
                }
            }
            "ignore" => {
                for item in self.keep(self.seq(v, "ignore")).unwrap_or_default() {
                    config.ignore.extend(self.ignore_entry(item));
                }
            }
            "charts" => {
                for item in self.keep(self.seq(v, "charts")).unwrap_or_default() {
                    config.charts.extend(self.chart_entry(item));
                }
            }
            "limits" => config.limits = self.limits(v),
            "project-context" => match &v.kind {
                NodeKind::Scalar(Scalar::Bool(b)) => config.project_context = Some(*b),
                _ => {
                    self.keep::<()>(Err(
                        self.err(v.span, "project-context must be true or false".into())
                    ));
                }
            },
            other => {
                self.keep::<()>(Err(self.unknown_key(
                    e.key_span,
                    other,
                    &[
                        "kube-version",
                        "fail-on",
                        "exclude",
                        "rules",
                        "severity",
                        "params",
                        "workloads",
                        "policies",
                        "schemas",
                        "overrides",
                        "ignore",
                        "charts",
                        "limits",
                        "project-context",
                    ],
                )));
            }
        }
    }

    fn fail_on(&self, v: &Node) -> Result<FailOn, ConfigError> {
        let s = self.string(v, "fail-on")?;
        Ok(match s.as_str() {
            "never" => FailOn::Never,
            other => FailOn::Severity(Severity::parse(other).ok_or_else(|| {
                self.err(
                    v.span,
                    "fail-on must be error, warning, info or never".into(),
                )
            })?),
        })
    }
    fn err(&self, span: Span, message: String) -> ConfigError {
        ConfigError {
            source: self.source.clone(),
            span,
            message,
        }
    }

    fn unknown_key(&self, span: Span, key: &str, expected: &[&str]) -> ConfigError {
        let near = expected
            .iter()
            .min_by_key(|k| crate::suggest::edit_distance(k, key))
            .filter(|k| crate::suggest::edit_distance(k, key) <= 3);
        let hint = near
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        self.err(
            span,
            format!(
                "unknown key `{key}`{hint}; expected one of: {}",
                expected.join(", ")
            ),
        )
    }

    fn map<'n>(&self, n: &'n Node, what: &str) -> Result<&'n [yaml::Entry], ConfigError> {
        match &n.kind {
            NodeKind::Map(entries) => Ok(entries),
            NodeKind::Scalar(Scalar::Null) => Ok(&[]),
            _ => Err(self.err(n.span, format!("{what} must be a mapping"))),
        }
    }

    fn seq<'n>(&self, n: &'n Node, what: &str) -> Result<&'n [Node], ConfigError> {
        match &n.kind {
            NodeKind::Seq(items) => Ok(items),
            NodeKind::Scalar(Scalar::Null) => Ok(&[]),
            _ => Err(self.err(n.span, format!("{what} must be a list"))),
        }
    }

    fn string(&self, n: &Node, what: &str) -> Result<String, ConfigError> {
        match &n.kind {
            NodeKind::Scalar(Scalar::Str(s)) => Ok(s.clone()),
            _ => Err(self.err(n.span, format!("{what} must be a string"))),
        }
    }

    /// A string or a list of strings.
    /// A path or list of paths (`policies:`, `schemas:`), each with where it is written;
    /// bad items are errors of their own.
    fn paths(&self, n: &Node, what: &str) -> Vec<PolicyPath> {
        self.keep(self.strings(n, what))
            .unwrap_or_default()
            .into_iter()
            .map(|(span, s)| PolicyPath {
                path: PathBuf::from(s),
                span,
            })
            .collect()
    }

    fn strings(&self, n: &Node, what: &str) -> Result<Vec<(Span, String)>, ConfigError> {
        match &n.kind {
            NodeKind::Scalar(Scalar::Str(s)) => Ok(vec![(n.span, s.clone())]),
            // Each bad item is an error of its own; the good ones are kept.
            NodeKind::Seq(items) => Ok(items
                .iter()
                .filter_map(|i| self.keep(self.string(i, what).map(|s| (i.span, s))))
                .collect()),
            _ => Err(self.err(
                n.span,
                format!("{what} must be a string or a list of strings"),
            )),
        }
    }

    fn globs(&self, n: &Node, what: &str) -> Result<(globset::GlobSet, Vec<String>), ConfigError> {
        let items = self.strings(n, what)?;
        let mut b = globset::GlobSetBuilder::new();
        // Every bad glob is reported: the first as this call's error, the
        // others recorded.
        let mut first = None;
        for (span, g) in &items {
            match globset::Glob::new(g) {
                Ok(glob) => {
                    b.add(glob);
                }
                Err(e) => {
                    let e = self.err(*span, format!("invalid glob {g:?}: {}", e.kind()));
                    match first {
                        None => first = Some(e),
                        Some(_) => self.errors.borrow_mut().push(e),
                    }
                }
            }
        }
        if let Some(e) = first {
            return Err(e);
        }
        let set = b
            .build()
            .map_err(|e| self.err(n.span, format!("invalid globs: {e}")))?;
        Ok((set, items.into_iter().map(|(_, g)| g).collect()))
    }

    /// Notes an id (or `category/` prefix) no rule has; config stays usable.
    fn rule_id(&self, id: &str, span: Span) {
        if !(self.known)(id) {
            let hint = (self.suggest)(id)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            let p = self.source.position(span.start);
            self.warnings.borrow_mut().push(ConfigWarning {
                id: id.to_string(),
                line: p.line,
                column: p.column,
                message: format!("unknown rule id {id:?}{hint}"),
            });
        }
    }

    /// Rule ids (errors recorded; the valid ids are kept).
    fn ids(&self, n: &Node, what: &str) -> Vec<String> {
        let items = self.keep(self.strings(n, what)).unwrap_or_default();
        for (span, id) in &items {
            self.rule_id(id, *span);
        }
        items.into_iter().map(|(_, s)| s).collect()
    }

    /// `rules:` (errors recorded; what is valid is kept).
    fn switches(&self, n: &Node) -> RuleSwitches {
        let mut out = RuleSwitches::default();
        for e in self.keep(self.map(n, "rules")).unwrap_or_default() {
            match e.key.as_str() {
                "enable" => out.enable = self.ids(&e.value, "rules.enable"),
                "disable" => out.disable = self.ids(&e.value, "rules.disable"),
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &["enable", "disable"],
                    )));
                }
            }
        }
        out
    }

    /// `severity:` (errors recorded; the valid entries are kept).
    fn severities(&self, n: &Node) -> BTreeMap<String, Severity> {
        let mut out = BTreeMap::new();
        for e in self.keep(self.map(n, "severity")).unwrap_or_default() {
            self.rule_id(&e.key, e.key_span);
            let sev = self.string(&e.value, "a severity").and_then(|s| {
                Severity::parse(&s).ok_or_else(|| {
                    self.err(
                        e.value.span,
                        format!("severity must be error, warning or info, not {s:?}"),
                    )
                })
            });
            if let Some(sev) = self.keep(sev) {
                out.insert(e.key.clone(), sev);
            }
        }
        out
    }

    /// `limits:` (errors recorded; the valid limits are kept).
    fn limits(&self, n: &Node) -> crate::limits::Limits {
        use crate::limits::check_depth;
        let mut out = crate::limits::Limits::default();
        for e in self.keep(self.map(n, "limits")).unwrap_or_default() {
            let v = &e.value;
            match e.key.as_str() {
                "max-file-size" => out.max_file_bytes = self.keep(self.size(v, "max-file-size")),
                "max-alias-size" => out.max_alias_bytes = self.keep(self.size(v, "max-alias-size")),
                "max-aliases" => out.max_alias_nodes = self.keep(self.count(v, "max-aliases")),
                "max-depth" => {
                    let d = self
                        .count(v, "max-depth")
                        .and_then(|d| check_depth(d).map_err(|m| self.err(v.span, m)));
                    out.max_depth = self.keep(d);
                }
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &[
                            "max-file-size",
                            "max-depth",
                            "max-aliases",
                            "max-alias-size",
                        ],
                    )));
                }
            }
        }
        out
    }

    /// A size: a byte count or a string with a K/M/G suffix (`100MiB`).
    fn size(&self, n: &Node, what: &str) -> Result<u64, ConfigError> {
        match &n.kind {
            NodeKind::Scalar(Scalar::Str(s)) => {
                crate::limits::parse_size(s).map_err(|m| self.err(n.span, format!("{what}: {m}")))
            }
            NodeKind::Scalar(_) => self.count(n, what),
            _ => Err(self.err(n.span, format!("{what} must be a size like 100MiB"))),
        }
    }

    /// A non-negative whole number.
    fn count(&self, n: &Node, what: &str) -> Result<u64, ConfigError> {
        match &n.kind {
            NodeKind::Scalar(Scalar::Int(i)) => u64::try_from(*i)
                .map_err(|_| self.err(n.span, format!("{what} must not be negative"))),
            NodeKind::Scalar(Scalar::UInt(u)) => Ok(*u),
            _ => Err(self.err(n.span, format!("{what} must be a whole number"))),
        }
    }

    fn kube_version(&self, n: &Node) -> Result<(u32, u32), ConfigError> {
        match &n.kind {
            NodeKind::Scalar(Scalar::Str(s)) => {
                crate::kube_version::parse_kube_version(s).map_err(|e| self.err(n.span, e))
            }
            // YAML reads `1.30` as the number 1.3: refuse to guess.
            NodeKind::Scalar(Scalar::Float(_) | Scalar::Int(_)) => Err(self.err(
                n.span,
                "kube-version must be a quoted string like \"1.30\" (unquoted, YAML reads 1.30 as the number 1.3)".into(),
            )),
            _ => Err(self.err(n.span, "kube-version must be a string like \"1.30\"".into())),
        }
    }

    /// One `workloads:` entry; None when it has errors (recorded).
    fn workload(&self, n: &Node) -> Option<Workload> {
        let (mut kind, mut api_version, mut template) = (None, None, None);
        let errors_before = self.errors.borrow().len();
        // A key present with a bad value is reported as such, not as missing.
        let (mut has_kind, mut has_template) = (false, false);
        for e in self.keep(self.map(n, "a workload"))? {
            match e.key.as_str() {
                "kind" => {
                    has_kind = true;
                    kind = self.keep(self.string(&e.value, "kind"));
                }
                "api-version" => api_version = self.keep(self.string(&e.value, "api-version")),
                "template" => {
                    has_template = true;
                    let parts = self.string(&e.value, "template").and_then(|t| {
                        let parts: Vec<String> = t.split('.').map(str::to_string).collect();
                        if parts.iter().any(String::is_empty) {
                            return Err(self.err(
                                e.value.span,
                                "template is a dotted path like spec.template".into(),
                            ));
                        }
                        Ok(parts)
                    });
                    template = self.keep(parts);
                }
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &["kind", "api-version", "template"],
                    )));
                }
            }
        }
        if !(has_kind && has_template) {
            self.keep::<()>(Err(self.err(
                n.span,
                "a workload needs `kind` and `template` (the path to its pod template, e.g. spec.template)".into(),
            )));
        }
        if self.errors.borrow().len() > errors_before {
            return None;
        }
        Some(Workload {
            kind: kind?,
            api_version,
            template: template?,
        })
    }

    /// One `charts:` entry; None when it has errors (recorded).
    fn chart_entry(&self, n: &Node) -> Option<ChartRender> {
        let mut c = ChartRender::default();
        let errors_before = self.errors.borrow().len();
        let mut path = None;
        let mut has_path = false;
        let text = |v: &Node, what: &str| self.keep(self.string(v, what));
        for e in self.keep(self.map(n, "a chart"))? {
            let v = &e.value;
            match e.key.as_str() {
                "path" => {
                    has_path = true;
                    path = text(v, "path").map(PathBuf::from);
                }
                "name" => c.name = text(v, "name"),
                "release-name" => c.release_name = text(v, "release-name"),
                "namespace" => c.namespace = text(v, "namespace"),
                "values" => {
                    c.values = self
                        .keep(self.strings(v, "values"))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(_, s)| PathBuf::from(s))
                        .collect()
                }
                "set" => {
                    c.set = self
                        .keep(self.strings(v, "set"))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(_, s)| s)
                        .collect()
                }
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &["path", "name", "release-name", "namespace", "values", "set"],
                    )));
                }
            }
        }
        if !has_path {
            self.keep::<()>(Err(self.err(
                n.span,
                "a chart needs `path` (the chart directory, relative to this file)".into(),
            )));
        }
        if self.errors.borrow().len() > errors_before {
            return None;
        }
        c.path = path?;
        Some(c)
    }

    /// One `overrides:` entry; None when it has errors (recorded).
    fn override_entry(&self, n: &Node) -> Option<Override> {
        let errors_before = self.errors.borrow().len();
        let mut files = None;
        let mut has_files = false;
        let mut rules = RuleSwitches::default();
        let mut severity = BTreeMap::new();
        for e in self.keep(self.map(n, "an override"))? {
            match e.key.as_str() {
                "files" => {
                    has_files = true;
                    files = self.keep(self.globs(&e.value, "files"));
                }
                "rules" => rules = self.switches(&e.value),
                "severity" => severity = self.severities(&e.value),
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &["files", "rules", "severity"],
                    )));
                }
            }
        }
        if !has_files {
            self.keep::<()>(Err(
                self.err(n.span, "an override needs `files` (globs)".into())
            ));
        }
        if self.errors.borrow().len() > errors_before {
            return None;
        }
        let (files, file_globs) = files?;
        Some(Override {
            files,
            file_globs,
            rules,
            severity,
        })
    }

    /// One `ignore:` entry; None when it has errors (recorded).
    fn ignore_entry(&self, n: &Node) -> Option<Ignore> {
        let errors_before = self.errors.borrow().len();
        let mut out = Ignore {
            rules: Vec::new(),
            kind: None,
            namespace: None,
            name: None,
            labels: BTreeMap::new(),
            reason: String::new(),
        };
        let mut has_rules = false;
        let mut has_reason = false;
        let text = |v: &Node, what: &str| self.keep(self.string(v, what));
        for e in self.keep(self.map(n, "an ignore entry"))? {
            match e.key.as_str() {
                "rules" => {
                    out.rules = self.ids(&e.value, "rules");
                    has_rules = true;
                }
                "kind" => out.kind = text(&e.value, "kind"),
                "namespace" => out.namespace = text(&e.value, "namespace"),
                "name" => out.name = text(&e.value, "name"),
                "labels" => {
                    for le in self.keep(self.map(&e.value, "labels")).unwrap_or_default() {
                        if let Some(v) = text(&le.value, "a label value") {
                            out.labels.insert(le.key.clone(), v);
                        }
                    }
                }
                "reason" => {
                    has_reason = true;
                    out.reason = text(&e.value, "reason").unwrap_or_default();
                }
                other => {
                    self.keep::<()>(Err(self.unknown_key(
                        e.key_span,
                        other,
                        &["rules", "kind", "namespace", "name", "labels", "reason"],
                    )));
                }
            }
        }
        if !has_rules || (out.rules.is_empty() && self.errors.borrow().len() == errors_before) {
            self.keep::<()>(Err(self.err(n.span, "an ignore entry needs `rules`".into())));
        }
        if !has_reason
            || (out.reason.trim().is_empty() && self.errors.borrow().len() == errors_before)
        {
            self.keep::<()>(Err(self.err(
                n.span,
                "an ignore entry needs a `reason` (why is this acceptable?)".into(),
            )));
        }
        (self.errors.borrow().len() == errors_before).then_some(out)
    }
}

/// Whether `pattern` (an exact id or a `category/` prefix) selects rule `id`;
/// `--only` takes the same patterns as config.
pub fn selects_id(pattern: &str, id: &str) -> bool {
    selects(pattern, id).is_some()
}

/// Whether `id` is selected by `pattern` (an exact id or a `category/` prefix),
/// and how specifically (exact beats prefix).
fn selects(pattern: &str, id: &str) -> Option<u8> {
    if pattern == id {
        Some(2)
    } else if pattern.ends_with('/') && id.starts_with(pattern) {
        Some(1)
    } else {
        None
    }
}

impl RuleSwitches {
    /// Applies this layer to a rule's current state: the most specific match
    /// wins, and disable wins a tie.
    pub fn apply(&self, id: &str, current: bool) -> bool {
        let best = |list: &[String]| list.iter().filter_map(|p| selects(p, id)).max();
        match (best(&self.enable), best(&self.disable)) {
            (None, None) => current,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(e), Some(d)) => e > d,
        }
    }
}

pub fn severity_for(map: &BTreeMap<String, Severity>, id: &str) -> Option<Severity> {
    map.iter()
        .filter_map(|(p, s)| selects(p, id).map(|rank| (rank, *s)))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, s)| s)
}

impl Config {
    /// Whether a rule runs on a file (path relative to the config's directory).
    pub fn enabled(&self, id: &str, default: bool, rel_path: Option<&Path>) -> bool {
        let mut on = self.rules.apply(id, default);
        for o in self.matching_overrides(rel_path) {
            on = o.rules.apply(id, on);
        }
        on
    }

    /// The severity a rule's findings get in a file.
    pub fn severity(&self, id: &str, default: Severity, rel_path: Option<&Path>) -> Severity {
        let mut sev = severity_for(&self.severity, id).unwrap_or(default);
        for o in self.matching_overrides(rel_path) {
            if let Some(s) = severity_for(&o.severity, id) {
                sev = s;
            }
        }
        sev
    }

    fn matching_overrides<'a>(
        &'a self,
        rel_path: Option<&'a Path>,
    ) -> impl Iterator<Item = &'a Override> {
        self.overrides
            .iter()
            .filter(move |o| rel_path.is_some_and(|p| o.files.is_match(p)))
    }

    /// `path` relative to the config's directory, for override globs.
    /// The renders configured for a chart directory (matched by absolute path).
    pub fn renders_for(&self, chart_dir: &Path) -> Vec<ChartRender> {
        let Some(base) = self.path.as_ref().and_then(|p| p.parent()) else {
            return Vec::new();
        };
        let want = crate::paths::absolute_normal(chart_dir).ok();
        self.charts
            .iter()
            .filter(|c| crate::paths::absolute_normal(&base.join(&c.path)).ok() == want)
            .cloned()
            .collect()
    }

    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let base = self.path.as_ref()?.parent()?;
        let abs = crate::paths::absolute_normal(path).ok()?;
        let base = crate::paths::absolute_normal(base).ok()?;
        abs.strip_prefix(&base).ok().map(Path::to_path_buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: &str) -> bool {
        [
            "pod-security/privileged",
            "pod-security/host-pid",
            "pod-security/",
        ]
        .contains(&id)
            || id.starts_with("image/")
    }

    fn suggest(id: &str) -> Option<String> {
        (id == "pod-security/priviliged").then(|| "pod-security/privileged".to_string())
    }

    fn parse_ok(text: &str) -> Config {
        parse(".kubeward.yaml", text, &known, &suggest).expect("valid config")
    }

    fn parse_err(text: &str) -> String {
        parse(".kubeward.yaml", text, &known, &suggest)
            .expect_err("invalid config")
            .to_string()
    }

    #[test]
    fn every_key_parses() {
        let c = parse_ok(
            r#"
kube-version: "1.30"
fail-on: error
exclude: ["vendor/**", "charts/*/templates/**"]
rules:
  enable: [image/digest-not-pinned]
  disable: [pod-security/]
severity:
  pod-security/host-pid: warning
params:
  image/untrusted-registry: {allowed: [registry.example.com]}
workloads:
  - kind: Rollout
    api-version: argoproj.io/v1alpha1
    template: spec.template
overrides:
  - files: ["legacy/**"]
    rules: {enable: [pod-security/privileged]}
    severity: {pod-security/privileged: info}
ignore:
  - rules: [pod-security/host-pid]
    kind: DaemonSet
    namespace: monitoring
    name: node-exporter
    labels: {app: node-exporter}
    reason: reads host process metrics
"#,
        );
        assert_eq!(c.kube_version, Some((1, 30)));
        assert_eq!(c.fail_on, Some(FailOn::Severity(Severity::Error)));
        assert_eq!(c.exclude.len(), 2);
        assert_eq!(c.workloads[0].template, vec!["spec", "template"]);
        assert_eq!(c.ignore[0].labels["app"], "node-exporter");
        assert!(c.params.contains_key("image/untrusted-registry"));
        assert!(c.unknown_ids.is_empty(), "{:?}", c.unknown_ids);

        // Category disable, exact enable in an override, exact severity.
        assert!(!c.enabled("pod-security/privileged", true, None));
        assert!(c.enabled(
            "pod-security/privileged",
            true,
            Some(Path::new("legacy/a.yaml"))
        ));
        assert!(!c.enabled(
            "pod-security/privileged",
            true,
            Some(Path::new("apps/a.yaml"))
        ));
        assert!(c.enabled("image/digest-not-pinned", false, None));
        assert_eq!(
            c.severity("pod-security/host-pid", Severity::Error, None),
            Severity::Warning
        );
        assert_eq!(
            c.severity(
                "pod-security/privileged",
                Severity::Error,
                Some(Path::new("legacy/x.yaml"))
            ),
            Severity::Info
        );
    }

    #[test]
    fn errors_are_located_and_clear() {
        let e = parse_err("rules:\n  enabled: [a]\n");
        assert!(
            e.starts_with(".kubeward.yaml:2:3: unknown key `enabled` (did you mean `enable`?)"),
            "{e}"
        );
        let e = parse_err("fail-on: sometimes\n");
        assert!(e.contains("1:10: fail-on must be"), "{e}");
        let e = parse_err("kube-version: 1.30\n");
        assert!(e.contains("quoted string"), "{e}");
        let e = parse_err("severity:\n  pod-security/host-pid: loud\n");
        assert!(e.contains("2:26: severity must be"), "{e}");
        let e = parse_err("ignore:\n  - rules: [pod-security/host-pid]\n    kind: Pod\n");
        assert!(e.contains("needs a `reason`"), "{e}");
        let e = parse_err("overrides:\n  - rules: {disable: [pod-security/]}\n");
        assert!(e.contains("needs `files`"), "{e}");
        let e = parse_err("workloads:\n  - kind: Rollout\n");
        assert!(e.contains("needs `kind` and `template`"), "{e}");
        let e = parse_err("exclude: [\"a[\"]\n");
        assert!(e.contains("invalid glob"), "{e}");
        let e = parse_err("rules: [a]\n");
        assert!(e.contains("rules must be a mapping"), "{e}");
        let e = parse_err("a: [1\n");
        assert!(e.contains("1:"), "{e}");
        let e = parse_err("fail-on: error\nfail-on: info\n");
        assert!(e.contains("duplicate key"), "{e}");
    }

    #[test]
    fn every_mistake_of_a_config_is_reported() {
        let errors = parse(
            ".kubeward.yaml",
            "fail-on: sometimes\nkube-version: 1.30\nrules:\n  enabled: [a]\nseverity:\n  pod-security/host-pid: loud\n  pod-security/privileged: error\nexclude: [\"a[\", ok, \"b[\"]\nignore:\n  - rules: [pod-security/host-pid]\n  - rules: [pod-security/privileged]\n    reason: fine\n    colour: red\nlimits:\n  max-depth: 0\n  max-aliases: -1\nworkloads:\n  - kind: Rollout\n    template: spec..template\nbogus: 1\n",
            &known,
            &suggest,
        )
        .expect_err("invalid config");
        let shown: Vec<String> = errors.0.iter().map(|e| e.to_string()).collect();
        let expected = [
            ".kubeward.yaml:1:10: fail-on must be",
            ".kubeward.yaml:2:15: kube-version must be a quoted string",
            ".kubeward.yaml:4:3: unknown key `enabled`",
            ".kubeward.yaml:6:26: severity must be error, warning or info",
            ".kubeward.yaml:8:11: invalid glob \"a[\"",
            ".kubeward.yaml:8:21: invalid glob \"b[\"",
            ".kubeward.yaml:10:5: an ignore entry needs a `reason`",
            ".kubeward.yaml:13:5: unknown key `colour`",
            ".kubeward.yaml:15:14: max-depth must be between 1 and 10000",
            ".kubeward.yaml:16:16: max-aliases must not be negative",
            ".kubeward.yaml:19:15: template is a dotted path",
            ".kubeward.yaml:20:1: unknown key `bogus`",
        ];
        assert_eq!(shown.len(), expected.len(), "{shown:#?}");
        for (got, want) in shown.iter().zip(expected) {
            assert!(
                got.starts_with(want),
                "{got:?} does not start with {want:?}"
            );
        }
        // Display lists them all, one per line.
        assert_eq!(errors.to_string().lines().count(), expected.len());
    }

    #[test]
    fn unknown_rule_ids_warn_with_a_suggestion() {
        let c = parse_ok("rules:\n  disable: [pod-security/priviliged]\n");
        assert_eq!(c.unknown_ids.len(), 1);
        assert_eq!(c.unknown_ids[0].line, 2);
        assert!(c.unknown_ids[0]
            .message
            .contains("did you mean pod-security/privileged?"));
    }

    #[test]
    fn limits_parse_with_units_and_errors_are_located() {
        let c = parse_ok(
            "limits:\n  max-file-size: 100MiB\n  max-depth: 200\n  max-aliases: 5000\n  max-alias-size: 4096\n",
        );
        assert_eq!(
            c.limits,
            crate::limits::Limits {
                max_file_bytes: Some(100 << 20),
                max_depth: Some(200),
                max_alias_nodes: Some(5000),
                max_alias_bytes: Some(4096),
            }
        );
        let e = parse_err("limits:\n  max-file-size: 10 parsecs\n");
        assert!(
            e.starts_with(".kubeward.yaml:2:18: max-file-size: expected a size"),
            "{e}"
        );
        let e = parse_err("limits:\n  max-depth: 0\n");
        assert!(
            e.starts_with(".kubeward.yaml:2:14: max-depth must be between 1 and 10000"),
            "{e}"
        );
        let e = parse_err("limits:\n  max-aliases: -1\n");
        assert!(e.contains("2:16: max-aliases must not be negative"), "{e}");
        let e = parse_err("limits:\n  max-dept: 1\n");
        assert!(
            e.contains("2:3: unknown key `max-dept` (did you mean `max-depth`?)"),
            "{e}"
        );
    }

    #[test]
    fn empty_config_is_valid() {
        let c = parse_ok("# nothing yet\n");
        assert!(c.rules.enable.is_empty());
        assert!(c.enabled("pod-security/privileged", true, None));
    }
}
