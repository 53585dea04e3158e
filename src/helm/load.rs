//! A chart target: Chart.yaml checked, then one `helm template` per render, each
//! rendered stream loaded like a file. Problems become findings located in the
//! chart (Chart.yaml, or the template helm names), never a crash.

use super::chart::{self, ChartFile};
use super::process::Bounds;
use super::render::{self, RenderError, RenderSpec};
use super::{namespace, Rendering};
use crate::input::{self, Loaded};
use crate::problem::Problem;
use crate::rules_builtin::{HELM_NOT_RENDERED, HELM_RENDER_ERROR};
use crate::source::SourceFile;
use crate::yaml::{LoadIssue, Span};
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// One loaded file of a chart and, for a rendered stream, how it was rendered.
pub type ChartPart = (Loaded, Option<Arc<Rendering>>);

pub fn load_chart(
    dir: &Path,
    renders: &[RenderSpec],
    settings: &super::HelmSettings,
    limits: &crate::limits::Limits,
) -> Vec<ChartPart> {
    let chart = match chart::read(dir) {
        Ok(c) => c,
        Err(e) => {
            return vec![(
                Loaded::Failed(Problem::error(
                    dir.join(chart::CHART_FILE).display().to_string(),
                    crate::paths::io_message(&e),
                )),
                None,
            )]
        }
    };
    let ChartFile {
        source,
        name,
        mut issues,
        missing_dependencies,
    } = chart;
    let mut parts: Vec<ChartPart> = Vec::new();
    // Errors in templates: one file entry per template, however many renders hit it.
    let mut template_errors: Vec<(SourceFile, Vec<LoadIssue>)> = Vec::new();
    let anchor = chart_anchor(&source);
    let helm = if settings.no_render {
        None
    } else {
        render::find_helm(settings.bin.as_deref(), settings.search_path.as_deref())
    };
    match (&helm, missing_dependencies) {
        (_, n) if n > 0 => {} // reported per dependency; rendering would only fail
        (None, _) => issues.push(LoadIssue {
            rule: HELM_NOT_RENDERED,
            message: if settings.no_render {
                "chart not rendered (--no-helm): its templates are Go templates, not manifests, so they were not linted".into()
            } else {
                "chart not rendered: no `helm` on PATH. Its templates are Go templates, not manifests, so kubeward lints what they render: install helm or pass --helm-bin PATH".into()
            },
            span: anchor,
        }),
        (Some(helm), _) => {
            // The rendered stream is linted like a file, so it has a file's size limit.
            let bounds = Bounds {
                timeout: settings.render_timeout.unwrap_or(render::RENDER_TIMEOUT),
                max_stdout: limits.file_bytes(),
            };
            for spec in renders {
                let shown = chart::tidy(dir).display().to_string();
                let shown = match &spec.label {
                    Some(l) => format!("{shown}@{l}"),
                    None => shown,
                };
                let what = spec
                    .label
                    .as_ref()
                    .map(|l| format!(" (render {l:?})"))
                    .unwrap_or_default();
                // Without a release namespace, render in a sentinel one that
                // is then treated as unknown (`namespace`), not in `default`.
                let run = RenderSpec {
                    namespace: Some(
                        spec.namespace
                            .clone()
                            .unwrap_or_else(|| namespace::UNKNOWN.to_string()),
                    ),
                    ..spec.clone()
                };
                match render::render(helm, dir, &run, bounds) {
                    Ok(text) => {
                        let chart = (dir, name.as_deref());
                        parts.push(rendered(chart, spec, shown, text, limits));
                    }
                    Err(RenderError::Helm(message)) => {
                        let message = format!(
                            "helm template failed{what}: {}",
                            namespace::mask(&message)
                        );
                        if let Some(message) = template_error(dir, message, &mut template_errors) {
                            issues.push(LoadIssue {
                                rule: HELM_RENDER_ERROR,
                                message,
                                span: anchor,
                            });
                        }
                    }
                    // The binary cannot run at all: a problem of the run
                    // (exit 2), not a finding about the chart.
                    Err(RenderError::Spawn(message)) => parts.push((
                        Loaded::Failed(Problem::error(dir.display().to_string(), message)),
                        None,
                    )),
                    Err(RenderError::Run(message)) => issues.push(LoadIssue {
                        rule: HELM_RENDER_ERROR,
                        message: format!("{message}{what}"),
                        span: anchor,
                    }),
                }
            }
        }
    }
    let mut out: Vec<ChartPart> = vec![(
        Loaded::File {
            source,
            issues,
            documents: Vec::new(),
        },
        None,
    )];
    for (source, issues) in template_errors {
        out.push((
            Loaded::File {
                source,
                issues,
                documents: Vec::new(),
            },
            None,
        ));
    }
    out.extend(parts);
    out
}

/// One successful render of `chart` (its directory and name), loaded like a
/// file named `shown`; a render without a release namespace forgets the
/// sentinel namespace it was rendered in.
fn rendered(
    (dir, name): (&Path, Option<&str>),
    spec: &RenderSpec,
    shown: String,
    text: String,
    limits: &crate::limits::Limits,
) -> ChartPart {
    let mut values = vec![dir.join("values.yaml")];
    values.extend(spec.values.iter().cloned());
    let rendering = Arc::new(Rendering {
        chart_dir: chart::tidy(dir),
        chart_name: name.unwrap_or_default().to_string(),
        values,
        namespace: spec.namespace.clone(),
    });
    let mut loaded = input::load_bytes_with(shown, text.into_bytes(), limits);
    if let Loaded::File {
        source, documents, ..
    } = &mut loaded
    {
        source.generated = true;
        if spec.namespace.is_none() {
            namespace::forget(documents);
            if let Cow::Owned(shown) = namespace::mask(&source.text) {
                source.text = shown.into();
            }
        }
    }
    (loaded, Some(rendering))
}

/// A `helm template` error that names a template line becomes an issue in
/// that template (one file entry per template, however many renders hit it);
/// otherwise the message is given back, for the chart itself.
fn template_error(
    dir: &Path,
    message: String,
    template_errors: &mut Vec<(SourceFile, Vec<LoadIssue>)>,
) -> Option<String> {
    let site = render::error_site(&message).and_then(|site| {
        let file = render::template_file(dir, &site.template)?;
        let text = std::fs::read_to_string(&file).ok()?;
        Some((SourceFile::new(file.display().to_string(), text), site))
    });
    let Some((src, site)) = site else {
        return Some(message);
    };
    let at = site
        .line
        .map_or(0, |l| src.offset(l, site.column.unwrap_or(1)));
    let issue = LoadIssue {
        rule: HELM_RENDER_ERROR,
        message,
        span: Span::new(at, at),
    };
    match template_errors.iter_mut().find(|(s, _)| s.path == src.path) {
        Some((_, list)) => list.push(issue),
        None => template_errors.push((src, vec![issue])),
    }
    None
}

/// Chart-level findings point at Chart.yaml's `name:` key (or its start).
fn chart_anchor(source: &SourceFile) -> Span {
    let text = &source.text;
    let at = text
        .match_indices("name:")
        .find(|(i, _)| *i == 0 || text.as_bytes().get(i - 1) == Some(&b'\n'))
        .map_or(0, |(i, _)| i);
    Span::new(
        at,
        at + if text.get(at..).is_some_and(|t| t.starts_with("name:")) {
            4
        } else {
            0
        },
    )
}
