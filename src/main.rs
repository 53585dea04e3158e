//! The thin binary: parse arguments, run the library, print, map to an exit code
//! (DESIGN.md §5: 0 clean, 1 findings at or above --fail-on, 2 kubeward failed).

mod cli;

use clap::Parser;
use cli::{Cli, Color, Command, FailOn, Format, LintArgs, ListFormat};
use kubeward::finding::Severity;
use kubeward::report;
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_parser_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Explain { id }) => explain(&id),
        None => run(cli.lint),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(io::stderr(), "kubeward: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn list_rules(format: ListFormat) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let catalog = kubeward::engine::Catalog::bundled()?;
    let text = match format {
        ListFormat::Human => kubeward::catalog_doc::rules_table(&catalog),
        ListFormat::Json => {
            let mut s = serde_json::to_string_pretty(&kubeward::catalog_doc::rule_infos(&catalog))?;
            s.push('\n');
            s
        }
        ListFormat::Markdown => kubeward::catalog_doc::markdown(&catalog),
    };
    print_or_pipe(&text)
}

fn explain(id: &str) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let catalog = kubeward::engine::Catalog::bundled()?;
    match kubeward::catalog_doc::explain(&catalog, id) {
        Some(text) => print_or_pipe(&text),
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
        let in_parser = info
            .location()
            .is_some_and(|l| l.file().contains("libyaml-safer"));
        if !in_parser {
            default(info);
        }
    }));
}

fn run(cli: LintArgs) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let reads_stdin = cli.paths.iter().any(|p| p.as_os_str() == "-");
    let stdin = if reads_stdin {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf)?;
        Some(buf)
    } else {
        None
    };
    let settings = kubeward::Settings {
        paths: cli.paths.clone(),
        excludes: cli.exclude.clone(),
        stdin_filename: cli.stdin_filename.clone(),
        stdin,
        only_rules: (!cli.only.is_empty()).then(|| cli.only.clone()),
        threads: cli.threads,
        kube_version: cli.kube_version.unwrap_or(kubeward::DEFAULT_KUBE_VERSION),
    };
    let outcome = kubeward::lint(&settings)?;

    let stdout = io::stdout();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let written = match cli.format {
        Format::Human => report::human::write(
            &outcome,
            report::human::HumanOptions {
                color,
                show_elapsed: true,
                width: 100,
            },
            &mut out,
        ),
        Format::Json => report::json::write(&outcome, &mut out),
        Format::Compact => report::compact::write(&outcome, &mut out),
    };
    let flushed = written.and_then(|()| out.flush());
    if let Err(e) = flushed {
        // A closed pipe (`kubeward | head`) is not a failure.
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(ExitCode::SUCCESS);
        }
        return Err(e.into());
    }

    let mut stderr = io::stderr();
    for p in &outcome.problems {
        let level = if p.is_error { "error" } else { "warning" };
        let _ = writeln!(stderr, "kubeward: {level}: {}: {}", p.path, p.message);
    }
    if outcome.problems.iter().any(|p| p.is_error) {
        return Ok(ExitCode::from(2));
    }
    let threshold = match cli.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| outcome.active().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
