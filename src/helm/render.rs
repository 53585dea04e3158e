//! Running `helm template`: bounded in time, never touching the network, and
//! turning its errors into findings located in the template that caused them.

use super::process::{self, Bounds, Stopped};
use super::DEFAULT_RELEASE_NAME;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A chart that renders longer than this is stopped (a template loop, a helm
/// plugin waiting on something): CI must never hang on one chart. The default
/// of `HelmSettings::render_timeout`.
pub const RENDER_TIMEOUT: Duration = Duration::from_secs(120);

/// One `helm template` invocation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderSpec {
    /// Shown after the chart path when a chart is rendered several ways (`prod`).
    pub label: Option<String>,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    /// Values files, lowest priority first; paths usable from the current directory.
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
    pub kube_version: Option<(u32, u32)>,
}

/// The helm binary to use: `--helm-bin`, else `helm` in `search_path` (PATH).
pub fn find_helm(
    explicit: Option<&Path>,
    search_path: Option<&std::ffi::OsStr>,
) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    std::env::split_paths(search_path?)
        .map(|d| d.join("helm"))
        .find(|p| is_executable(p))
}

/// Checks a `--helm-bin` before any chart is rendered: it must be an
/// executable file (a bare name, `helm`, is looked up on PATH as a command
/// would be). A helm that cannot run is a usage error, not a finding.
pub fn check_bin(bin: &Path, search_path: Option<&std::ffi::OsStr>) -> Result<(), String> {
    let shown = bin.display();
    if bin.components().count() == 1 && !bin.is_absolute() && !bin.exists() {
        let on_path = search_path
            .map(|p| std::env::split_paths(p).any(|d| is_executable(&d.join(bin))))
            .unwrap_or(false);
        return if on_path {
            Ok(())
        } else {
            Err(format!("--helm-bin {shown}: no such command on PATH"))
        };
    }
    let meta = std::fs::metadata(bin)
        .map_err(|e| format!("--helm-bin {shown}: {}", crate::paths::io_message(&e)))?;
    if !meta.is_file() {
        return Err(format!("--helm-bin {shown}: not a file"));
    }
    if !is_executable(bin) {
        return Err(format!("--helm-bin {shown}: not executable"));
    }
    Ok(())
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Why a render produced nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum RenderError {
    /// helm ran and refused: its message (without the `Error: ` prefix).
    Helm(String),
    /// helm could not be started at all: the binary cannot run (a usage
    /// problem of the run, not of the chart).
    Spawn(String),
    /// helm started but did not finish.
    Run(String),
}

/// Renders `chart` and returns the manifest stream. `bounds` limits the time
/// (the whole of helm's process group, reading its output included) and the
/// size of what it prints.
pub fn render(
    helm: &Path,
    chart: &Path,
    spec: &RenderSpec,
    bounds: Bounds,
) -> Result<String, RenderError> {
    let mut cmd = Command::new(helm);
    cmd.arg("template")
        .arg(spec.release_name.as_deref().unwrap_or(DEFAULT_RELEASE_NAME))
        .arg(chart);
    if let Some(ns) = &spec.namespace {
        cmd.arg("--namespace").arg(ns);
    }
    for v in &spec.values {
        cmd.arg("--values").arg(v);
    }
    for s in &spec.set {
        cmd.arg("--set").arg(s);
    }
    if let Some((major, minor)) = spec.kube_version {
        cmd.arg("--kube-version").arg(format!("{major}.{minor}.0"));
    }
    // helm reads repositories and plugins from the user's config; none is needed
    // to render a local chart, and offline runs must not depend on them.
    cmd.env("HELM_NO_PLUGINS", "1");
    let done = process::run(&mut cmd, bounds).map_err(|stopped| {
        RenderError::Run(match stopped {
            Stopped::Spawn(e) => {
                return RenderError::Spawn(format!("cannot run {}: {e}", helm.display()))
            }
            Stopped::Timeout => format!(
                "helm did not finish within {}; stopped",
                seconds(bounds.timeout)
            ),
            Stopped::StdoutTooBig => format!(
                "helm output exceeds {} bytes (the max-file-size limit); stopped",
                bounds.max_stdout
            ),
            Stopped::PipesHeld => {
                "helm exited but a process it started kept its output open; stopped".into()
            }
            Stopped::Wait(e) => format!("waiting for helm: {e}"),
        })
    })?;
    if done.status.success() {
        return String::from_utf8(done.stdout)
            .map_err(|_| RenderError::Run("helm printed output that is not UTF-8".into()));
    }
    let text = String::from_utf8_lossy(&done.stderr);
    let message = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_start_matches("Error: ").to_string())
        .collect::<Vec<_>>()
        .join("\n");
    Err(RenderError::Helm(if message.is_empty() {
        format!("helm template failed ({})", done.status)
    } else {
        truncated(&message, process::STDERR_KEPT, done.stderr_dropped)
    }))
}

/// `120s`, or `0.5s` for a timeout under a second.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// `text` cut to at most `max` bytes (at a character boundary) with a marker
/// saying how much is missing, `more` counting bytes already dropped before
/// `text` was made. Unchanged when nothing is missing.
pub fn truncated(text: &str, max: usize, more: u64) -> String {
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let missing = (text.len() - cut) as u64 + more;
    match text.get(..cut) {
        Some(kept) if missing > 0 => format!("{kept}… ({missing} more bytes)"),
        _ => text.to_string(),
    }
}

/// Where a helm error points: the template (as helm names it, `chart/templates/x.yaml`)
/// and, when given, its line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorSite {
    pub template: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// Finds the template a helm error names. Helm writes them as
/// `template: app/templates/x.yaml:12:20: executing ...`,
/// `parse error at (app/templates/x.yaml:5): ...`,
/// `execution error at (app/templates/x.yaml:3:4): ...`, or
/// `YAML parse error on app/templates/x.yaml: ...` (a line in the *rendered*
/// text, so no line is taken from that form).
pub fn error_site(message: &str) -> Option<ErrorSite> {
    let yaml_form = message.contains("YAML parse error on ");
    for (i, _) in message.match_indices("/templates/") {
        let start = message[..i]
            .rfind(|c: char| c.is_whitespace() || c == '(' || c == '"')
            .map_or(0, |p| p + 1);
        let rest = &message[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == ':' || c == ')' || c == '"')
            .unwrap_or(rest.len());
        let template = &rest[..end];
        if template.is_empty() || template.starts_with('/') {
            continue;
        }
        let mut nums = rest[end..]
            .strip_prefix(':')
            .map(|r| {
                r.split(':')
                    .take(2)
                    .map_while(|n| n.trim_end_matches(')').parse::<usize>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
            .into_iter();
        let (line, column) = if yaml_form {
            (None, None)
        } else {
            (nums.next(), nums.next())
        };
        return Some(ErrorSite {
            template: template.to_string(),
            line,
            column,
        });
    }
    None
}

/// The file on disk of a template helm names: `app/charts/db/templates/x.yaml`
/// is `<chart dir>/charts/db/templates/x.yaml` (the first component is the
/// chart's name, not a directory).
pub fn template_file(chart_dir: &Path, template: &str) -> Option<PathBuf> {
    let (_, rest) = template.split_once('/')?;
    let p = super::chart::tidy(&chart_dir.join(rest));
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_template_in_helm_errors() {
        let site = |m: &str| error_site(m);
        assert_eq!(
            site("template: app/templates/deployment.yaml:12:20: executing \"app/templates/deployment.yaml\" at <.Values.x.y>: nil pointer evaluating interface {}.y"),
            Some(ErrorSite { template: "app/templates/deployment.yaml".into(), line: Some(12), column: Some(20) })
        );
        assert_eq!(
            site("parse error at (app/templates/svc.yaml:5): unexpected \"}\" in operand"),
            Some(ErrorSite {
                template: "app/templates/svc.yaml".into(),
                line: Some(5),
                column: None
            })
        );
        assert_eq!(
            site("execution error at (app/charts/db/templates/sts.yaml:3:4): set a password"),
            Some(ErrorSite {
                template: "app/charts/db/templates/sts.yaml".into(),
                line: Some(3),
                column: Some(4)
            })
        );
        assert_eq!(
            site("YAML parse error on app/templates/cm.yaml: error converting YAML to JSON: yaml: line 5: mapping values are not allowed"),
            Some(ErrorSite { template: "app/templates/cm.yaml".into(), line: None, column: None })
        );
        assert_eq!(site("chart requires kubeVersion: >=1.40"), None);
    }

    #[test]
    fn long_messages_are_cut_with_a_marker() {
        assert_eq!(truncated("short", 10, 0), "short");
        assert_eq!(truncated("abcdef", 4, 0), "abcd… (2 more bytes)");
        // Bytes dropped before the text was made count too, even when the
        // text itself fits.
        assert_eq!(truncated("abc", 10, 5), "abc… (5 more bytes)");
        // Never inside a character: `é` is two bytes.
        assert_eq!(truncated("aé", 2, 0), "a… (2 more bytes)");
        assert_eq!(truncated("", 0, 0), "");
    }

    #[test]
    fn timeouts_are_shown_in_seconds() {
        assert_eq!(seconds(RENDER_TIMEOUT), "120s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5s");
    }
}
