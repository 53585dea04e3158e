//! A finding in rendered YAML, traced back to what a person edits: the template
//! (`# Source:` / Kustomize origin), its file on disk when the chart is there,
//! the template line holding the finding's key when exactly one line can, and
//! the values-file entry that set the offending value.

use super::values::{self, Scoped, ValuesFile};
use super::{chart, render, HelmSettings, Rendering};
use crate::finding::{Finding, FindingSource, PathSeg};
use crate::resource::{Generator, Resource};
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Attributor<'a> {
    files: &'a [SourceFile],
    /// Per file: how it was rendered, when kubeward rendered it.
    renderings: &'a [Option<Arc<Rendering>>],
    helm: &'a HelmSettings,
    found: HashMap<(PathBuf, String), Option<Arc<Rendering>>>,
    values: HashMap<PathBuf, Option<Arc<ValuesFile>>>,
    templates: HashMap<PathBuf, Option<Arc<str>>>,
}

impl<'a> Attributor<'a> {
    pub fn new(
        files: &'a [SourceFile],
        renderings: &'a [Option<Arc<Rendering>>],
        helm: &'a HelmSettings,
    ) -> Self {
        Attributor {
            files,
            renderings,
            helm,
            found: HashMap::new(),
            values: HashMap::new(),
            templates: HashMap::new(),
        }
    }

    pub fn source_for(&mut self, f: &Finding, r: &Resource) -> Option<Box<FindingSource>> {
        let origin = r.origin.as_ref()?;
        let template = origin.template.to_string();
        let mut src = FindingSource {
            generator: origin.generator,
            template: template.clone(),
            file: None,
            line: None,
            values: None,
        };
        match origin.generator {
            Generator::Kustomize => {
                // Origin paths are relative to the kustomization root; when
                // kubeward runs there, they name real files.
                if Path::new(&template).is_file() {
                    src.file = Some(template);
                }
            }
            Generator::Helm => {
                // Without the chart on disk, the template name is all there is.
                if let Some(rendering) = self.rendering(r.file, &template) {
                    // An empty chart_dir: only `-f` values are known, no chart.
                    let on_disk = (!rendering.chart_dir.as_os_str().is_empty())
                        .then(|| render::template_file(&rendering.chart_dir, &template))
                        .flatten();
                    if let Some(path) = &on_disk {
                        src.line = self.template_line(path, f);
                        src.file = Some(path.display().to_string());
                    }
                    src.values = self.values_for(&rendering, &template, f, r);
                }
            }
        }
        Some(Box::new(src))
    }

    /// The rendering of a file: kubeward's own, or for a saved or piped stream,
    /// the chart found on disk next to it (a directory whose Chart.yaml has the
    /// name `# Source:` starts with).
    fn rendering(&mut self, file: usize, template: &str) -> Option<Arc<Rendering>> {
        if let Some(Some(r)) = self.renderings.get(file) {
            return Some(Arc::clone(r));
        }
        let name = template.split('/').next()?.to_string();
        let start = self
            .files
            .get(file)
            .map(|s| Path::new(&s.path))
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        // Searched once per directory and chart name: a directory of saved
        // streams shares one answer.
        let key = (start.clone(), name.clone());
        if let Some(hit) = self.found.get(&key) {
            return hit.clone();
        }
        // Values given with `-f` still attribute when the chart is elsewhere.
        let found = match find_chart(&start, &name) {
            Some(dir) => {
                let mut values = vec![dir.join("values.yaml")];
                values.extend(self.helm.values.iter().cloned());
                Some(Arc::new(Rendering {
                    chart_dir: dir,
                    chart_name: name,
                    values,
                    namespace: None,
                }))
            }
            None if !self.helm.values.is_empty() => Some(Arc::new(Rendering {
                chart_dir: PathBuf::new(),
                chart_name: name,
                values: self.helm.values.clone(),
                namespace: None,
            })),
            None => None,
        };
        self.found.insert(key, found.clone());
        found
    }

    fn values_file(&mut self, path: &Path) -> Option<Arc<ValuesFile>> {
        self.values
            .entry(path.to_path_buf())
            .or_insert_with(|| ValuesFile::read(path).map(Arc::new))
            .clone()
    }

    fn values_for(
        &mut self,
        rendering: &Rendering,
        template: &str,
        f: &Finding,
        r: &Resource,
    ) -> Option<crate::finding::ValuesLocation> {
        // A saved rendered stream may be evicted: its tree is decoded only
        // when the finding's field is outside metadata, which every resource
        // keeps as a tree. The root itself is a mapping, never a value.
        let tree;
        let node = match f.path.split_first() {
            None => return None,
            Some((PathSeg::Key(k), rest)) if k == "metadata" => node_at(r.metadata()?, rest)?,
            Some(_) => {
                tree = r.tree();
                node_at(&tree, &f.path)?
            }
        };
        let NodeKind::Scalar(value) = &node.kind else {
            return None;
        };
        let scope = values::subchart_scope(template);
        // Lowest priority first: the innermost subchart's own values.yaml, then
        // each enclosing chart's, then the render's values files.
        let mut files: Vec<(Arc<ValuesFile>, Vec<String>)> = Vec::new();
        for depth in (1..=scope.len()).rev() {
            let mut dir = rendering.chart_dir.clone();
            for sub in scope.iter().take(depth) {
                dir = dir.join("charts").join(sub);
            }
            if let Some(v) = self.values_file(&dir.join("values.yaml")) {
                files.push((v, scope.iter().skip(depth).cloned().collect()));
            }
        }
        for p in &rendering.values {
            if let Some(v) = self.values_file(p) {
                files.push((v, scope.clone()));
            }
        }
        let scoped: Vec<Scoped<'_>> = files
            .iter()
            .map(|(file, prefix)| Scoped {
                file,
                prefix: prefix.clone(),
            })
            .collect();
        values::attribute(&scoped, &f.path, value)
    }

    /// The one line of the template that holds the finding's key, if exactly one
    /// does; a key written through `toYaml` or a helper is not in the template.
    fn template_line(&mut self, path: &Path, f: &Finding) -> Option<usize> {
        let key = self
            .files
            .get(f.file)?
            .text
            .get(f.start..f.end)?
            .trim_end_matches(':')
            .to_string();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        {
            return None;
        }
        let text = self
            .templates
            .entry(path.to_path_buf())
            .or_insert_with(|| std::fs::read_to_string(path).ok().map(Arc::from))
            .clone()?;
        let mut hits = text.lines().enumerate().filter(|(_, l)| {
            let l = l.trim_start();
            let l = l.strip_prefix("- ").unwrap_or(l).trim_start();
            l.strip_prefix(key.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        match (hits.next(), hits.next()) {
            (Some((i, _)), None) => Some(i + 1),
            _ => None,
        }
    }
}

/// A chart named `name` at or above `start`: `<dir>` itself, `<dir>/<name>` or
/// `<dir>/charts/<name>`, whose Chart.yaml says `name: <name>`.
fn find_chart(start: &Path, name: &str) -> Option<PathBuf> {
    let levels = crate::paths::absolute_normal(start)
        .ok()?
        .ancestors()
        .count();
    let mut dir = chart::tidy(start);
    for _ in 0..levels {
        for candidate in [dir.clone(), dir.join(name), dir.join("charts").join(name)] {
            if chart::read(&candidate).is_ok_and(|c| c.name.as_deref() == Some(name)) {
                return Some(chart::tidy(&candidate));
            }
        }
        // Climb lexically so reported paths stay relative (`charts/app/...`).
        let upward = dir == Path::new(".")
            || dir.components().next_back() == Some(std::path::Component::ParentDir);
        dir = if upward {
            dir.join("..")
        } else {
            match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
    }
    None
}

/// The node at exactly `path`, if the whole path exists.
fn node_at<'n>(root: &'n Node, path: &[PathSeg]) -> Option<&'n Node> {
    path.iter().try_fold(root, |n, seg| match (seg, &n.kind) {
        (PathSeg::Key(k), NodeKind::Map(_)) => n.get(k),
        (PathSeg::Index(i), NodeKind::Seq(items)) => items.get(*i),
        _ => None,
    })
}
