//! Command-line definitions (clap derive). Validation into `Settings` happens in
//! main; this file only says what the flags are.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the rule id, help and a summary (miette).
    Human,
    /// The stable JSON contract (version 1).
    Json,
    /// `path:line:col: severity: message [rule-id]`, one per line, for editors.
    Compact,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations) and a summary line.
    Github,
    /// JUnit XML: a testsuite per file, a failed testcase per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
}

/// One `--format` value: a format and, after `=`, the file it is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

fn parse_format_spec(s: &str) -> Result<FormatSpec, String> {
    let (name, file) = match s.split_once('=') {
        Some((name, "")) => return Err(format!("`{name}=` needs a file name after `=`")),
        Some((name, file)) => (name, Some(PathBuf::from(file))),
        None => (s, None),
    };
    let format = Format::from_str(name, false).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!(
            "unknown format {name:?} (expected one of {}, optionally followed by =FILE)",
            names.join(", ")
        )
    })?;
    Ok(FormatSpec { format, file })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

const EXAMPLES: &str = "\
Examples:
  kubeward                                 lint every manifest under the current directory
  kubeward deploy/ charts/rendered.yaml    lint some directories and files
  helm template ./chart | kubeward -       lint rendered output from stdin
  kubeward --stdin-filename k8s/api.yaml - lint an editor buffer as if it were that file
  kubeward --format json --fail-on error . machine-readable output; fail only on errors
  kubeward --exclude 'vendor/**' .         skip paths matching a glob

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 kubeward could not do its job (bad arguments, unreadable files).";

#[derive(Debug, Parser)]
#[command(
    name = "kubeward",
    version,
    about = "Offline Kubernetes manifest linter: finds misconfigurations at their exact line and column",
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One aligned line per rule.
    Human,
    /// An array of {id, severity, enabled, title, pss, kinds}.
    Json,
    /// The generated docs/rules.md.
    Markdown,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule: id, default severity, enabled by default, title.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Explain one rule: description, remediation, references, PSS level, peer checks.
    Explain {
        /// A rule id, e.g. pod-security/privileged.
        id: String,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Test user policies: Rego unit tests (`test_*` rules) and fixtures under
    /// each directory's testdata/ (or named here) with `# expect:` comments.
    Test {
        /// Policy directories (default `.`), and fixture files to lint with them.
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// Print what kubeward builds for a path: for a directory holding a
    /// kustomization, its native build as `kustomize build` prints it
    /// (a preview: lint runs do not use it yet). Problems go to stderr.
    Render {
        /// A directory holding kustomization.yaml, kustomization.yml or Kustomization.
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = RenderFormat::Yaml)]
        format: RenderFormat,
        /// Add each value's origin (file:line:column) as a comment.
        #[arg(long)]
        provenance: bool,
        /// Never read outside this directory (default: the project root).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// A YAML stream, keys sorted, like `kustomize build`.
    Yaml,
    /// One JSON array of the documents.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per test, failures with their location and details.
    Human,
    /// {version, tests: [...], summary}.
    Json,
    /// JUnit XML: a testsuite for Rego unit tests and one for fixtures.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegoVersionArg {
    V0,
    V1,
}

/// User policies (docs/user-policies.md).
#[derive(Debug, Clone, Default, Args)]
pub struct PolicyArgs {
    /// Load user policies (native rules, conftest policies, Gatekeeper
    /// templates and constraints) from this directory or file (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub policy: Vec<PathBuf>,

    /// JSON or YAML merged into `data` for user policies (repeatable).
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,

    /// conftest packages to evaluate (repeatable; default `main`). conftest
    /// calls this --namespace, which here is the Kubernetes namespace.
    #[arg(long, value_name = "PKG")]
    pub policy_namespace: Vec<String>,

    /// Evaluate conftest rules in every package.
    #[arg(long)]
    pub all_namespaces: bool,

    /// Read every policy as Rego v0 or v1 (default: decided per file).
    #[arg(long, value_enum, value_name = "v0|v1")]
    pub rego_version: Option<RegoVersionArg>,

    /// Stop one user rule's evaluation of one resource after this many
    /// seconds (decimals allowed; default 2); it becomes a
    /// kubeward/policy-error on that resource.
    #[arg(long, value_name = "SECONDS", value_parser = parse_policy_timeout)]
    pub policy_timeout: Option<std::time::Duration>,
}

/// The longest `--policy-timeout`: an hour is already no bound for a CI job,
/// and it keeps the value far from `Duration`'s range.
const MAX_POLICY_TIMEOUT_SECS: f64 = 3600.0;

fn parse_policy_timeout(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= MAX_POLICY_TIMEOUT_SECS) {
        return Err(format!(
            "must be more than 0 and at most {MAX_POLICY_TIMEOUT_SECS} seconds"
        ));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

/// Linting (the default command).
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to lint (`-` reads stdin). Directories are searched
    /// for *.yaml, *.yml and *.json; named files are linted whatever their name.
    /// (A directory literally named `rules` or `explain` is written `./rules`.)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Output format: human, json, compact, sarif, github, junit, gitlab or
    /// checkstyle [default: github when GITHUB_ACTIONS=true, else human].
    /// Repeat it to write several reports in one run: `FORMAT=FILE` writes to a
    /// file, and at most one format goes to stdout (or to --output), e.g.
    /// `--format human --format sarif=kubeward.sarif`.
    #[arg(long, value_name = "FORMAT[=FILE]", value_parser = parse_format_spec)]
    pub format: Vec<FormatSpec>,

    /// Write the report (the --format without `=FILE`) to this file instead of
    /// stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding of at least this severity is reported
    /// [default: the config's `fail-on`, else warning].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// The path stdin is reported under (and, later, matched against config).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Follow symlinks met while walking directories, to targets inside the
    /// directory walked (default: symlinks in a walk are skipped, as ripgrep
    /// does; paths named on the command line are always resolved).
    #[arg(long)]
    pub follow: bool,

    /// Cross-resource rules read only the linted files, not the whole project
    /// (the directory of the nearest .kubeward.yaml, else the repository)
    #[arg(long)]
    pub no_project_context: bool,

    /// Where the caches live: project inventories, compiled rule programs
    /// (default: $KUBEWARD_CACHE_DIR, else $XDG_CACHE_HOME/kubeward, else
    /// ~/.cache/kubeward)
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,

    /// Do not read or write the caches (project inventories, compiled rule
    /// programs)
    #[arg(long)]
    pub no_cache: bool,

    /// Skip paths matching this glob (repeatable), e.g. 'vendor/**'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Run only these rules (comma-separated ids); loader checks always run.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,

    /// Target Kubernetes version (MAJOR.MINOR) for version-dependent rules
    /// (default: the newest version the rules know).
    #[arg(long, value_name = "X.Y", value_parser = parse_kube_version)]
    pub kube_version: Option<(u32, u32)>,

    /// The namespace of resources that do not set metadata.namespace (Helm's
    /// release namespace, `kubectl apply -n`); unknown when not given.
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Option<String>,

    #[command(flatten)]
    pub policy: PolicyArgs,

    /// Also use Gatekeeper ConstraintTemplates and constraints found among the
    /// linted files.
    #[arg(long)]
    pub gatekeeper: bool,

    /// CRDs that validate custom resources (with the schema checks on): a CRD
    /// YAML file, a directory of them, or a directory of JSON schemas laid out
    /// as `<group>/<kind>_<version>.json` (a CRD catalog checkout). Repeatable;
    /// read offline.
    #[arg(long = "schema", value_name = "PATH")]
    pub schema: Vec<PathBuf>,

    /// Worker threads (default: one per CPU).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Use this config file for every linted file (instead of the nearest
    /// .kubeward.yaml above each file).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore .kubeward.yaml files.
    #[arg(long)]
    pub no_config: bool,

    /// Report only findings that are not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// List suppressed and baselined findings in human output too.
    #[arg(long)]
    pub show_suppressed: bool,

    /// Human output: only the findings, no summary line and no progress.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Human output: a count per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,

    /// The helm binary that renders chart directories (default: `helm` on PATH).
    #[arg(long, value_name = "PATH", help_heading = "Helm charts")]
    pub helm_bin: Option<PathBuf>,

    /// Do not render charts, even with helm present (each chart yields one
    /// helm/not-rendered finding); keeps pre-commit hooks instant. Wins over
    /// --helm-bin.
    #[arg(long, help_heading = "Helm charts")]
    pub no_helm: bool,

    /// A values file for every chart rendered (repeatable; later files win).
    /// Also used to point findings in piped `helm template` output at values.
    #[arg(
        long = "values",
        short = 'f',
        value_name = "FILE",
        help_heading = "Helm charts"
    )]
    pub values: Vec<PathBuf>,

    /// A value for every chart rendered, as `helm --set` takes it (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", help_heading = "Helm charts")]
    pub set: Vec<String>,

    /// The release name charts are rendered with (default: release-name).
    #[arg(long, value_name = "NAME", help_heading = "Helm charts")]
    pub release_name: Option<String>,

    /// Do not parse files larger than this: bytes, or K/M/G (powers of 1024)
    /// [default: the config's `limits:`, else 256M].
    #[arg(long, value_name = "SIZE", value_parser = kubeward::limits::parse_size)]
    pub max_file_size: Option<u64>,

    /// Deepest nesting of mappings and sequences in a document, 1 to 10000
    /// [default: the config's `limits:`, else 1000].
    #[arg(long, value_name = "N", value_parser = parse_depth)]
    pub max_depth: Option<usize>,

    /// Most nodes that aliases may expand to in one document
    /// [default: the config's `limits:`, else 10000000].
    #[arg(long, value_name = "N")]
    pub max_aliases: Option<u64>,

    /// Most bytes of text that aliases may copy in one document
    /// [default: the config's `limits:`, else 64M].
    #[arg(long, value_name = "SIZE", value_parser = kubeward::limits::parse_size)]
    pub max_alias_size: Option<u64>,
}

fn parse_depth(s: &str) -> Result<usize, String> {
    let n: u64 = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number, got {s:?}"))?;
    kubeward::limits::check_depth(n)
}

fn parse_kube_version(s: &str) -> Result<(u32, u32), String> {
    kubeward::parse_kube_version(s)
}
