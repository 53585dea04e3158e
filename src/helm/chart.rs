//! Finding charts on disk and checking their Chart.yaml.

use crate::rules_builtin::{HELM_CHART_API_V1, HELM_CHART_METADATA, HELM_MISSING_DEPENDENCY};
use crate::source::SourceFile;
use crate::yaml::{self, LoadIssue, Node, NodeKind, Scalar, Span};
use std::path::{Component, Path, PathBuf};

pub const CHART_FILE: &str = "Chart.yaml";

pub fn is_chart_dir(dir: &Path) -> bool {
    dir.join(CHART_FILE).is_file()
}

/// `a/./b/` → `a/b`, so a chart named twice (or a file inside it) is one chart.
pub fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

/// The chart a file belongs to, for files named on the command line (pre-commit
/// names `chart/templates/x.yaml`): its nearest ancestor holding Chart.yaml, and
/// from a subchart (`parent/charts/sub/...`) the outermost parent chart, which
/// is what gets rendered.
pub fn chart_of(file: &Path) -> Option<PathBuf> {
    let chart = enclosing_chart(file)?;
    // Only the files that make up a chart stand for it; anything else kept in
    // the directory (saved `helm template` output, docs) is linted as itself.
    let inner: PathBuf = match tidy(file).strip_prefix(&chart) {
        Ok(p) => p.to_path_buf(),
        Err(_) => {
            let abs_chart = crate::paths::absolute_normal(&chart).ok()?;
            crate::paths::absolute_normal(file)
                .ok()?
                .strip_prefix(abs_chart)
                .ok()?
                .to_path_buf()
        }
    };
    let first = inner.iter().next()?.to_string_lossy();
    let part_of_chart = matches!(first.as_ref(), "templates" | "charts" | "crds")
        || (inner.iter().count() == 1
            && (first == CHART_FILE
                || first == "requirements.yaml"
                || first == "values.schema.json"
                || is_values_file(&first)));
    part_of_chart.then_some(chart)
}

/// `values.yaml`, `values-prod.yaml`, `values.staging.yml`: a chart's values.
pub fn is_values_file(name: &str) -> bool {
    name.starts_with("values") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

fn enclosing_chart(file: &Path) -> Option<PathBuf> {
    let mut found: Option<PathBuf> = None;
    let mut dir = file.parent();
    while let Some(d) = dir {
        let probe = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if is_chart_dir(probe) {
            match &found {
                None => found = Some(probe.to_path_buf()),
                // Only climb to a parent chart through its `charts/` directory.
                Some(f) if f.parent().and_then(Path::file_name) == Some("charts".as_ref()) => {
                    if f.parent().and_then(Path::parent) == Some(d) {
                        found = Some(probe.to_path_buf());
                    }
                }
                Some(_) => break,
            }
        }
        if d.as_os_str().is_empty() {
            break;
        }
        dir = d.parent();
    }
    found.map(|f| tidy(&f))
}

/// What Chart.yaml says, read with the span-aware loader.
pub struct ChartFile {
    pub source: SourceFile,
    pub name: Option<String>,
    pub issues: Vec<LoadIssue>,
    /// Dependencies declared but absent from `charts/`.
    pub missing_dependencies: usize,
}

/// Reads and checks `<dir>/Chart.yaml`: required fields, the Helm 2 format, and
/// dependencies that are not vendored in `charts/` (rendering would fail, and
/// kubeward never fetches them).
pub fn read(dir: &Path) -> Result<ChartFile, std::io::Error> {
    let path = dir.join(CHART_FILE);
    let text = std::fs::read_to_string(&path)?;
    let source = SourceFile::new(tidy(&path).display().to_string(), text);
    let loaded = yaml::load(&source.text);
    let mut issues = loaded.issues;
    let mut out = ChartFile {
        source: source.clone(),
        name: None,
        issues: Vec::new(),
        missing_dependencies: 0,
    };
    let Some(root) = loaded.documents.first().map(|d| &d.root) else {
        issues.push(LoadIssue {
            rule: HELM_CHART_METADATA,
            message: "Chart.yaml is empty: Helm refuses to load a chart without name and version"
                .into(),
            span: Span::new(0, 0),
        });
        out.issues = issues;
        return Ok(out);
    };
    // What Helm's loader refuses (helm.sh/helm pkg/chart/v2 Metadata.Validate,
    // and Helm 4's loader dispatch on apiVersion) is an error; what it loads
    // but `helm lint` objects to is the Helm 2 format warning.
    let text_of = |key: &str| root.get(key).and_then(scalar_text);
    let refused = |what: String, span: Span| LoadIssue {
        rule: HELM_CHART_METADATA,
        message: format!("{what}; Helm refuses to load the chart"),
        span,
    };
    out.name = text_of("name");
    let missing: Vec<&str> = ["name", "version"]
        .into_iter()
        .filter(|k| text_of(k).is_none_or(|v| v.is_empty()))
        .collect();
    if !missing.is_empty() {
        issues.push(refused(
            format!(
                "Chart.yaml lacks required field{} {}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(" and ")
            ),
            Span::new(root.span.start, root.span.start),
        ));
    }
    if let Some(name) = out.name.as_deref().filter(|n| n.contains('/')) {
        issues.push(refused(
            format!("Chart.yaml name {name:?} is not a plain name (it contains `/`)"),
            value_span(root, "name"),
        ));
    }
    if let Some(version) = text_of("version").filter(|v| !v.is_empty() && !is_semver(v)) {
        issues.push(refused(
            format!("Chart.yaml version {version:?} is not a semantic version (like 1.2.3)"),
            value_span(root, "version"),
        ));
    }
    if let Some(kind) =
        text_of("type").filter(|t| !matches!(t.as_str(), "" | "application" | "library"))
    {
        issues.push(refused(
            format!("Chart.yaml type {kind:?} is neither application nor library"),
            value_span(root, "type"),
        ));
    }
    match text_of("apiVersion").as_deref() {
        Some("v1") => issues.push(LoadIssue {
            rule: HELM_CHART_API_V1,
            message: "Chart.yaml uses apiVersion v1, the Helm 2 chart format; Helm 3 charts use v2 (dependencies move from requirements.yaml into Chart.yaml)".into(),
            span: value_span(root, "apiVersion"),
        }),
        // Helm's loader reads a chart without apiVersion as v1; only `helm
        // lint` refuses it.
        None | Some("") => issues.push(LoadIssue {
            rule: HELM_CHART_API_V1,
            message: "Chart.yaml has no apiVersion: Helm loads it as apiVersion v1, the Helm 2 chart format, and `helm lint` rejects it; set apiVersion: v2".into(),
            span: root
                .entry("apiVersion")
                .map_or(Span::new(root.span.start, root.span.start), |e| e.key_span),
        }),
        // v3: the chart format Helm 4 adds.
        Some("v2" | "v3") => {}
        Some(other) => issues.push(LoadIssue {
            rule: HELM_CHART_METADATA,
            message: format!("Chart.yaml apiVersion {other:?} is not a chart API version (v2, or v1 for Helm 2 charts): Helm 4 refuses to load the chart (\"unsupported chart version\"), and Helm 3 loads it but `helm lint` rejects it"),
            span: value_span(root, "apiVersion"),
        }),
    }
    if let Some(NodeKind::Seq(deps)) = root.get("dependencies").map(|d| &d.kind) {
        for dep in deps {
            let Some(name) = dep.get("name").and_then(scalar_text) else {
                continue;
            };
            if !vendored(dir, &name) {
                out.missing_dependencies += 1;
                let span = dep.entry("name").map_or(dep.span, |e| e.key_span);
                issues.push(LoadIssue {
                    rule: HELM_MISSING_DEPENDENCY,
                    message: format!(
                        "dependency {name:?} is not in charts/: run `helm dependency build` first (kubeward never downloads charts), so the chart was not rendered"
                    ),
                    span: Span::new(span.start, span.start),
                });
            }
        }
    }
    out.issues = issues;
    Ok(out)
}

/// Whether Helm takes a chart version: a SemVer 2 version as the semver
/// library Helm uses parses it loosely (`v` prefix, minor and patch optional:
/// `1`, `v1.2`, `1.2.3-rc.1+build`).
fn is_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (v, build) = match v.split_once('+') {
        Some((v, b)) => (v, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match v.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (v, None),
    };
    let idents = |s: &str| {
        s.split('.')
            .all(|i| !i.is_empty() && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && pre.is_none_or(idents)
        && build.is_none_or(idents)
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Scalar(Scalar::Str(s)) => Some(s.clone()),
        NodeKind::Scalar(Scalar::Int(i)) => Some(i.to_string()),
        NodeKind::Scalar(Scalar::UInt(u)) => Some(u.to_string()),
        NodeKind::Scalar(Scalar::Float(f)) => Some(f.to_string()),
        NodeKind::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

fn value_span(root: &Node, key: &str) -> Span {
    root.get(key).map_or(Span::new(0, 0), |n| n.span)
}

/// Whether `charts/` holds a dependency: an unpacked chart whose Chart.yaml
/// names it, or an archive `<name>-<version>.tgz` as `helm dependency build`
/// leaves it.
fn vendored(dir: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("charts")) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        let file = e.file_name().to_string_lossy().into_owned();
        if p.is_dir() {
            file == name
                || std::fs::read_to_string(p.join(CHART_FILE)).is_ok_and(|t| {
                    yaml::load(&t)
                        .documents
                        .first()
                        .and_then(|d| d.root.get("name").and_then(scalar_text))
                        .as_deref()
                        == Some(name)
                })
        } else {
            file.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|rest| rest.ends_with(".tgz"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_inside_a_chart_belong_to_the_outermost_chart() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/helm");
        let app = base.join("app");
        assert_eq!(
            chart_of(&app.join("templates/deployment.yaml")),
            Some(tidy(&app))
        );
        assert_eq!(
            chart_of(&app.join("charts/cache/templates/deployment.yaml")),
            Some(tidy(&app))
        );
        assert_eq!(chart_of(&app.join("values.yaml")), Some(tidy(&app)));
        assert_eq!(chart_of(&base.join("app-rendered.yaml")), None);
        // Saved output kept inside the chart is a manifest file of its own.
        assert_eq!(chart_of(&app.join("rendered/default.yaml")), None);
    }

    #[test]
    fn chart_versions_are_judged_as_helm_does() {
        for ok in ["1", "1.0", "v1.2", "0.1.0", "01.2.3", "1.2.3-rc.1+build.5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["one", "1.2.3.4", "1..2", "", "1.2.3-", "1.2.3+", "1.x"] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn tidy_drops_dot_components() {
        assert_eq!(tidy(Path::new("./a/./b/")), PathBuf::from("a/b"));
        assert_eq!(tidy(Path::new("./")), PathBuf::from("."));
    }
}
