//! Stage 2, load (and render): every file read and parsed once, in parallel;
//! charts rendered; documents split into resources; load issues become
//! findings of their own.

use super::discovery::Discovery;
use super::RunError;
use crate::finding::Finding;
use crate::input::Target;
use crate::problem::Problem;
use crate::resource::{self, Resource};
use crate::settings::Settings;
use crate::source::SourceFile;
use crate::{evict, helm, input, kinds, parallel};
use std::path::PathBuf;
use std::sync::Arc;

/// The run's input, loaded.
pub struct LoadedFiles {
    pub files: Vec<SourceFile>,
    /// Per file: how kubeward rendered it (chart targets only).
    pub renderings: Vec<Option<Arc<helm::Rendering>>>,
    /// Per file: its config and its path relative to that config (for overrides).
    pub file_cfg: Vec<(Option<usize>, Option<PathBuf>)>,
    pub resources: Vec<Resource>,
    /// Loader findings (YAML errors, not-a-resource, chart render errors).
    pub findings: Vec<Finding>,
    pub problems: Vec<Problem>,
}

/// Reads, renders and loads every target of the discovery.
pub fn load(settings: &Settings, d: &Discovery) -> Result<LoadedFiles, RunError> {
    let targets = &d.targets;
    let threads = parallel::threads_for(targets.len(), 4, settings.threads);
    // Largest files first, so that no big file is left for one worker at the
    // end while the other idles (results are put back in target order below).
    let mut indices: Vec<usize> = (0..targets.len()).collect();
    let size = |i: &usize| match &targets[*i] {
        Target::File(p) => std::fs::metadata(p).map_or(0, |m| m.len()),
        _ => 0,
    };
    let sizes: Vec<u64> = indices.iter().map(size).collect();
    indices.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let pod_kinds = kinds::workload_kinds(&d.workloads);
    // Kinds read whole before evaluation are never evicted (`evict`).
    let read_whole = |kind: &str| {
        kinds::is_pod_bearing(kind)
            || kinds::is_inventory_partner(kind)
            || pod_kinds.iter().any(|k| k == kind)
    };
    let loaded = parallel::map(
        &indices,
        threads,
        || Ok::<_, RunError>(()),
        |_, &i| {
            let limits = d.target_limits.get(i).copied().unwrap_or_default();
            match &targets[i] {
                Target::Chart(dir) => helm::load::load_chart(
                    dir,
                    d.renders.get(i).map(Vec::as_slice).unwrap_or_default(),
                    &settings.helm,
                    &limits,
                ),
                t => {
                    let mut loaded = input::read_and_load(t, settings.stdin_input(), &limits);
                    if let input::Loaded::File {
                        documents, source, ..
                    } = &mut loaded
                    {
                        evict::evict(documents, &source.text, read_whole);
                    }
                    vec![(loaded, None)]
                }
            }
        },
    )?;
    let mut in_order: Vec<Vec<_>> = (0..targets.len()).map(|_| Vec::new()).collect();
    for (&i, parts) in indices.iter().zip(loaded) {
        in_order[i] = parts;
    }

    let mut out = LoadedFiles {
        files: Vec::new(),
        renderings: Vec::new(),
        file_cfg: Vec::new(),
        resources: Vec::new(),
        findings: Vec::new(),
        problems: d.problems.clone(),
    };
    let parts = in_order
        .into_iter()
        .zip(targets.iter().zip(&d.target_cfg))
        .flat_map(|(parts, tc)| parts.into_iter().map(move |p| (p, tc)));
    for ((item, rendering), (target, cfg)) in parts {
        match item {
            input::Loaded::Failed(p) => out.problems.push(p),
            input::Loaded::File {
                source,
                mut issues,
                documents,
            } => {
                let idx = out.files.len();
                let rel = d
                    .configs
                    .get(*cfg)
                    .and_then(|c| c.relative(d.path_of(target)));
                out.file_cfg.push((*cfg, rel));
                out.resources.extend(resource::resources_of(
                    idx,
                    &source.text,
                    documents,
                    &mut issues,
                ));
                for issue in issues {
                    out.findings
                        .push(input::issue_finding(idx, &source, &issue));
                }
                out.files.push(source);
                out.renderings.push(rendering);
            }
        }
    }
    Ok(out)
}
