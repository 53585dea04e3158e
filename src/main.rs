//! The thin binary: parse arguments, run the library, print, map to an exit code
//! (DESIGN.md §5: 0 clean, 1 findings at or above --fail-on, 2 kubeward failed).

mod allocator;
mod cli;
mod render;

use clap::Parser;
use cli::{Cli, Color, Command, FailOn, Format, LintArgs, ListFormat};
use kubeward::finding::Severity;
use kubeward::report;
use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // regorus reports errors through `anyhow`, many of them on normal paths
    // (its parser backtracking, a builtin's bad argument that OPA semantics
    // make undefined); with RUST_BACKTRACE=1, common in CI, each would capture
    // a backtrace (~50 µs). Library backtraces stay off unless asked for by
    // name; panics still honour RUST_BACKTRACE. Set before any thread starts.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    quiet_parser_panics();
    // Environment variables are read here, at the edge, and passed in.
    kubeward::engine::profile::set(kubeward::engine::profile::mode_of(
        std::env::var_os("KUBEWARD_PROFILE").as_deref(),
    ));
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules { format, policy }) => list_rules(format, &policy),
        Some(Command::Explain { id, policy }) => explain(&id, &policy),
        Some(Command::Test {
            paths,
            format,
            policy,
        }) => test_policies(paths, format, &policy),
        Some(Command::Render {
            path,
            format,
            provenance,
            root,
        }) => render::run(&path, format, provenance, root.as_deref()),
        None => run(cli.lint),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is::<kubeward::policy::PolicyError>() => {
            if let Some(pe) = e.downcast_ref::<kubeward::policy::PolicyError>() {
                let _ = writeln!(io::stderr(), "{}", report::human::policy_error(pe));
            }
            ExitCode::from(2)
        }
        Err(e) => {
            // Errors quote paths and text from the linted tree.
            let e = report::escape::block(&e.to_string()).into_owned();
            let _ = writeln!(io::stderr(), "kubeward: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// `KUBEWARD_RULES_DIR`: rules read from a working tree instead of the
/// binary (rule authors; CONTRIBUTING.md).
fn rules_dir() -> Option<PathBuf> {
    std::env::var_os("KUBEWARD_RULES_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// The library's settings from the command line and the environment
/// (`KUBEWARD_RULES_DIR`, `KUBEWARD_ENGINE`, `KUBEWARD_PROGRAMS`).
fn settings_of(cli: &LintArgs, stdin: Option<Vec<u8>>) -> kubeward::Settings {
    kubeward::Settings {
        paths: cli.paths.clone(),
        excludes: cli.exclude.clone(),
        stdin_filename: cli.stdin_filename.clone(),
        stdin,
        only_rules: (!cli.only.is_empty()).then(|| cli.only.clone()),
        threads: cli.threads,
        kube_version: cli.kube_version,
        config: match (&cli.config, cli.no_config) {
            (Some(p), _) => kubeward::ConfigChoice::File(p.clone()),
            (None, true) => kubeward::ConfigChoice::Disabled,
            (None, false) => kubeward::ConfigChoice::Discover,
        },
        baseline: cli.baseline.clone(),
        namespace: cli.namespace.clone(),
        helm: kubeward::helm::HelmSettings {
            bin: cli.helm_bin.clone(),
            no_render: cli.no_helm,
            values: cli.values.clone(),
            set: cli.set.clone(),
            release_name: cli.release_name.clone(),
            render_timeout: None,
            search_path: std::env::var_os("PATH"),
        },
        policies: policy_options(&cli.policy, cli.gatekeeper),
        schemas: cli.schema.clone(),
        project_context: !cli.no_project_context,
        cache_dir: match cli.no_cache {
            true => None,
            false => cli
                .cache_dir
                .clone()
                .or_else(kubeward::project::cache::default_dir),
        },
        limits: kubeward::limits::Limits {
            max_file_bytes: cli.max_file_size,
            max_depth: cli.max_depth,
            max_alias_nodes: cli.max_aliases,
            max_alias_bytes: cli.max_alias_size,
        },
        follow_symlinks: cli.follow,
        rules_dir: rules_dir(),
        engine: kubeward::engine::EngineOptions::from_env_values(
            std::env::var("KUBEWARD_ENGINE").ok().as_deref(),
            std::env::var("KUBEWARD_PROGRAMS").ok().as_deref(),
        ),
    }
}

/// `--policy` and friends as library options.
fn policy_options(p: &cli::PolicyArgs, gatekeeper: bool) -> kubeward::policy::PolicyOptions {
    kubeward::policy::PolicyOptions {
        paths: p.policy.clone(),
        data: p.data.clone(),
        namespaces: p.policy_namespace.clone(),
        all_namespaces: p.all_namespaces,
        gatekeeper,
        rego_version: p.rego_version.map(|v| match v {
            cli::RegoVersionArg::V0 => kubeward::policy::RegoVersion::V0,
            cli::RegoVersionArg::V1 => kubeward::policy::RegoVersion::V1,
        }),
        timeout: p
            .policy_timeout
            .unwrap_or(kubeward::policy::DEFAULT_TIMEOUT),
        // `lint` replaces it with the run's limit.
        max_file_bytes: kubeward::limits::DEFAULT_MAX_FILE_BYTES,
    }
}

/// The bundled catalogue plus the rules of `--policy` directories.
fn catalog_with(
    p: &cli::PolicyArgs,
) -> Result<kubeward::engine::Catalog, Box<dyn std::error::Error>> {
    let mut catalog = kubeward::engine::Catalog::load(rules_dir().as_deref())?;
    if !p.policy.is_empty() {
        let opts = policy_options(p, false);
        let bundled =
            |id: &str| catalog.rule(id).is_some() || kubeward::rules_builtin::is_builtin(id);
        let user = kubeward::policy::UserPolicies::load(&opts, &opts.paths, Vec::new(), &bundled)?;
        catalog.rules.extend(user.catalog_rules());
        catalog.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    }
    Ok(catalog)
}

fn test_policies(
    paths: Vec<PathBuf>,
    format: cli::TestFormat,
    p: &cli::PolicyArgs,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let shared = policy_options(p, false);
    let paths = if paths.is_empty() && shared.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    };
    let (fixtures, dirs): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|path| {
        path.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
    });
    // Each policy directory is tested on its own (with the `--policy` ones,
    // shared libraries): its fixtures must pass with its policies alone, as
    // they will be used. Fixture files named here use every directory given.
    let mut runs: Vec<(Vec<PathBuf>, Vec<PathBuf>)> =
        dirs.iter().map(|d| (vec![d.clone()], Vec::new())).collect();
    if !fixtures.is_empty() || runs.is_empty() {
        runs.push((dirs.clone(), fixtures));
    }
    let mut report = kubeward::policy_test::TestReport::default();
    for (dirs, fixtures) in runs {
        let mut opts = shared.clone();
        opts.paths.extend(dirs);
        match kubeward::policy_test::run(&opts, &fixtures, rules_dir().as_deref()) {
            Ok(r) => report.tests.extend(r.tests),
            Err(kubeward::RunError::Policy(e)) => return Err(Box::new(e)),
            Err(e) => return Err(e.into()),
        }
    }
    let text = match format {
        // Test names and messages come from the policies under test.
        cli::TestFormat::Human => {
            report::escape::block(&kubeward::policy_test::human(&report)).into_owned()
        }
        cli::TestFormat::Json => kubeward::policy_test::json(&report),
        cli::TestFormat::Junit => kubeward::policy_test::junit(&report),
    };
    print_or_pipe(&text)?;
    Ok(if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn list_rules(
    format: ListFormat,
    policy: &cli::PolicyArgs,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let catalog = catalog_with(policy)?;
    // With `--policy`, titles and descriptions come from the repository.
    let text = match format {
        ListFormat::Human => {
            report::escape::block(&kubeward::catalog_doc::rules_table(&catalog)).into_owned()
        }
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&kubeward::catalog_doc::rule_infos(&catalog))?;
            s.push('\n');
            s
        }
        ListFormat::Markdown => {
            report::escape::block(&kubeward::catalog_doc::markdown(&catalog)).into_owned()
        }
    };
    print_or_pipe(&text)
}

fn explain(id: &str, policy: &cli::PolicyArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let catalog = catalog_with(policy)?;
    match kubeward::catalog_doc::explain(&catalog, id) {
        Some(text) => print_or_pipe(&report::escape::block(&text)),
        None => {
            let hint = kubeward::catalog_doc::suggest(&catalog, id)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            Err(format!("unknown rule id {id:?}{hint}; `kubeward rules` lists them").into())
        }
    }
}

fn print_or_pipe(text: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// libyaml-safer panics on a few malformed inputs; the loader catches those and
/// reports a `yaml/syntax` finding, so the default hook's message would only be
/// noise. Every other panic still prints.
fn quiet_parser_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !kubeward::yaml::is_parser_panic(info) {
            default(info);
        }
    }));
}

fn run(cli: LintArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let reports = plan_reports(&cli)?;
    let reads_stdin = cli.paths.iter().any(|p| p.as_os_str() == "-");
    if let (Some(name), false) = (&cli.stdin_filename, reads_stdin) {
        // Without `-` the flag would silently do nothing.
        return Err(format!(
            "--stdin-filename {name} names what stdin is reported as, but `-` (stdin) is not among \
             the paths; add `-` to lint stdin"
        )
        .into());
    }
    let stdin = if reads_stdin {
        // Bounded like a file: one byte past the limit is enough to report the
        // input as too big (--max-file-size, else the larger of the default and
        // any config's, which is not known yet: the default ceiling applies).
        let max = cli
            .max_file_size
            .unwrap_or(kubeward::limits::DEFAULT_MAX_FILE_BYTES);
        let mut buf = Vec::new();
        io::stdin()
            .take(max.saturating_add(1))
            .read_to_end(&mut buf)?;
        Some(buf)
    } else {
        None
    };
    let settings = settings_of(&cli, stdin);
    let progress = Progress::start(!cli.quiet && io::stderr().is_terminal());
    let linted = kubeward::lint(&settings);
    progress.stop();
    let outcome = match linted {
        Ok(o) => o,
        Err(kubeward::RunError::Config(errors)) => {
            // Each config error is shown with its source line, like a finding.
            for e in &errors.0 {
                let _ = writeln!(io::stderr(), "{}", report::human::config_error(e));
            }
            return Ok(ExitCode::from(2));
        }
        Err(kubeward::RunError::Policy(e)) => return Err(Box::new(e)),
        Err(e) => return Err(e.into()),
    };
    let mut outputs: Vec<&std::path::Path> = reports
        .iter()
        .filter_map(|(_, t)| match t {
            Target::File(p) => Some(p.as_path()),
            Target::Stdout => None,
        })
        .collect();
    outputs.extend(cli.write_baseline.as_deref());
    if let Err(e) = check_not_linted(&outputs, &outcome) {
        let _ = writeln!(io::stderr(), "kubeward: error: {e}");
        return Ok(ExitCode::from(2));
    }

    let mut stderr = io::stderr();
    for p in &outcome.problems {
        let level = if p.is_error { "error" } else { "warning" };
        let _ = writeln!(
            stderr,
            "kubeward: {level}: {}: {}",
            report::escape::line(&p.path),
            report::escape::block(&p.message)
        );
    }
    let incomplete = outcome.problems.iter().any(|p| p.is_error);

    if let Some(path) = &cli.write_baseline {
        // A baseline of a run that could not read every input would silently
        // drop the unread files' findings from it: record nothing instead.
        if incomplete {
            let _ = writeln!(
                stderr,
                "kubeward: error: baseline not written: some inputs could not be linted"
            );
            return Ok(ExitCode::from(2));
        }
        let n = kubeward::baseline::write(&outcome, path)?;
        let _ = writeln!(
            stderr,
            "kubeward: recorded {n} finding(s) in {}",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }

    if !write_reports(&reports, &outcome, &cli)? {
        // A closed pipe (`kubeward | head`) is not a failure.
        return Ok(ExitCode::SUCCESS);
    }
    if incomplete {
        return Ok(ExitCode::from(2));
    }
    let threshold = match cli.fail_on {
        Some(FailOn::Error) => Some(Severity::Error),
        Some(FailOn::Warning) => Some(Severity::Warning),
        Some(FailOn::Info) => Some(Severity::Info),
        Some(FailOn::Never) => None,
        None => match outcome.fail_on {
            Some(kubeward::config::FailOn::Severity(s)) => Some(s),
            Some(kubeward::config::FailOn::Never) => None,
            None => Some(Severity::Warning),
        },
    };
    let failed = threshold.is_some_and(|t| outcome.active().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where one report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Stdout,
    File(PathBuf),
}

/// The reports a run writes, from `--format` and `--output`, checked before any
/// linting: at most one report without `=FILE` (it goes to `--output` or
/// stdout), no file named twice. No `--format` means `github` under GitHub
/// Actions (`GITHUB_ACTIONS=true`) and `human` everywhere else.
fn plan_reports(cli: &LintArgs) -> Result<Vec<(Format, Target)>, String> {
    let main_target = match &cli.output {
        Some(p) => target_of(p),
        None => Target::Stdout,
    };
    if cli.format.is_empty() {
        let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        let format = if in_actions {
            Format::Github
        } else {
            Format::Human
        };
        return Ok(vec![(format, main_target)]);
    }
    let unnamed = cli.format.iter().filter(|s| s.file.is_none()).count();
    if unnamed > 1 {
        return Err(format!(
            "{unnamed} --format values have no `=FILE`, but only one report can go to {}; \
             write the others to files, e.g. --format sarif=kubeward.sarif",
            if cli.output.is_some() {
                "--output"
            } else {
                "stdout"
            }
        ));
    }
    if unnamed == 0 && cli.output.is_some() {
        return Err(
            "--output names the file for the --format without `=FILE`, but every --format \
             has its own file"
                .to_string(),
        );
    }
    let mut reports: Vec<(Format, Target)> = Vec::new();
    for spec in &cli.format {
        let target = match &spec.file {
            Some(p) => target_of(p),
            None => main_target.clone(),
        };
        if reports.iter().any(|(_, t)| t == &target) {
            return Err(match &target {
                Target::File(p) => format!("{} is named as the output of two reports", p.display()),
                Target::Stdout => {
                    "two reports would go to stdout (`=-` and a --format without `=FILE`); \
                     write one of them to a file"
                        .to_string()
                }
            });
        }
        reports.push((spec.format, target));
    }
    Ok(reports)
}

/// `-` as a report file means stdout, as it does for input paths.
fn target_of(path: &std::path::Path) -> Target {
    if path.as_os_str() == "-" {
        Target::Stdout
    } else {
        Target::File(path.to_path_buf())
    }
}

/// Refuses (before anything is written) a report or baseline path that is one
/// of the linted files: replacing it would destroy the input the report is
/// about (`kubeward deploy.yaml -o deploy.yaml`).
fn check_not_linted(
    outputs: &[&std::path::Path],
    outcome: &kubeward::Outcome,
) -> Result<(), String> {
    let linted: Vec<FileId> = outcome
        .files
        .iter()
        .filter(|f| !f.generated)
        .filter_map(|f| file_id(std::path::Path::new(&f.path)))
        .collect();
    for out in outputs {
        if file_id(out).is_some_and(|id| linted.contains(&id)) {
            return Err(format!(
                "refusing to write {}: it is one of the linted files",
                out.display()
            ));
        }
    }
    Ok(())
}

/// What identifies a file whatever path names it (device and inode on Unix).
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = std::path::PathBuf;

#[cfg(unix)]
fn file_id(p: &std::path::Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(p: &std::path::Path) -> Option<FileId> {
    std::fs::canonicalize(p).ok()
}

/// Writes every planned report: files first, so a reader that closes stdout
/// early cannot cost them, then stdout. Returns false when stdout was closed.
fn write_reports(
    reports: &[(Format, Target)],
    outcome: &kubeward::Outcome,
    cli: &LintArgs,
) -> Result<bool, Box<dyn std::error::Error>> {
    // A report that cannot be written does not cost the others: every file is
    // attempted, and the failures are reported together (exit 2).
    let mut failures = Vec::new();
    for (format, target) in reports {
        let Target::File(path) = target else {
            continue;
        };
        let color = cli.color == Color::Always;
        let written = kubeward::atomic_file::write_atomically(path, |out| {
            write_report(*format, outcome, cli, color, out)
        });
        if let Err(e) = written {
            failures.push(format!("cannot write {}: {e}", path.display()));
        }
    }
    let mut stdout_open = true;
    for (format, target) in reports {
        if *target != Target::Stdout {
            continue;
        }
        let stdout = io::stdout();
        let color = match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        let mut out = io::BufWriter::new(stdout.lock());
        let written =
            write_report(*format, outcome, cli, color, &mut out).and_then(|()| out.flush());
        match written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                stdout_open = false;
                break;
            }
            Err(e) => return Err(e.into()),
            Ok(()) => {}
        }
    }
    if !failures.is_empty() {
        return Err(failures.join("\n").into());
    }
    Ok(stdout_open)
}

/// One report in one format.
fn write_report(
    format: Format,
    outcome: &kubeward::Outcome,
    cli: &LintArgs,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => report::human::write(
            outcome,
            report::human::HumanOptions {
                color,
                show_elapsed: true,
                show_suppressed: cli.show_suppressed,
                quiet: cli.quiet,
                statistics: cli.statistics,
                width: 100,
            },
            out,
        ),
        Format::Json => report::json::write(outcome, out),
        Format::Compact => report::compact::write(outcome, out),
        Format::Sarif => report::sarif::write(outcome, out),
        Format::Github => report::github::write(
            outcome,
            report::github::GithubOptions { show_elapsed: true },
            out,
        ),
        Format::Junit => report::junit::write(outcome, out),
        Format::Gitlab => report::gitlab::write(outcome, out),
        Format::Checkstyle => report::checkstyle::write(outcome, out),
    }
}

/// A progress line on stderr for runs that take a while on a terminal: nothing
/// for the first second (editors and pre-commit stay silent), then elapsed
/// time, erased when the run ends.
struct Progress {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool) -> Progress {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let handle = enabled.then(|| {
            let done = done.clone();
            std::thread::spawn(move || {
                use std::sync::atomic::Ordering;
                let started = std::time::Instant::now();
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    let secs = started.elapsed().as_secs_f64();
                    if secs >= 1.0 && !done.load(Ordering::Relaxed) {
                        let _ = write!(io::stderr(), "\rkubeward: linting… {secs:.0}s ");
                        shown = true;
                    }
                }
                if shown {
                    let _ = write!(io::stderr(), "\r\x1b[2K");
                }
            })
        });
        Progress { done, handle }
    }

    fn stop(self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.handle {
            let _ = h.join();
        }
    }
}
