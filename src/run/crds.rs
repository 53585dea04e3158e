//! The CRDs of a run (issue 16 point 4): where a custom resource's schema comes from, found
//! and compiled only when a resource without a built-in schema asks.
//!
//! Sources, the first that defines a (group, kind) winning:
//! 1. CustomResourceDefinitions among the linted resources;
//! 2. the `crds/` directories of the linted charts (and of their unpacked subcharts), which
//!    `helm template` does not render;
//! 3. CRDs elsewhere in the project (the project context names their files; their trees are
//!    not kept, so a file is read again when one of its CRDs is needed);
//! 4. `--schema` and config `schemas:` paths: CRD files, directories of CRD files, and
//!    directories of JSON schemas laid out as CRD catalogs publish them
//!    (`<group>/<kind>_<version>.json`, or kubeconform's `<kind>-<group>-<version>.json`
//!    and `<kind>_<version>.json`, kind in lower case), probed by name on demand.
//!
//! A linted or project CRD is named `<plural>.<group>`, so only the CRDs of the group a
//! resource asks for are read. Each (CRD, version) is compiled once and shared (`Arc`). A
//! CRD whose schema cannot be used gets one notice and its resources are not validated.
//! Everything is read from disk: nothing is fetched.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::load::LoadedFiles;
use crate::input::{self, Target};
use crate::limits::Limits;
use crate::problem::Problem;
use crate::resource;
use crate::schema::crd::{self, Crd};
use crate::schema::KindSchema;
use crate::yaml::Node;

/// Subchart nesting followed to find `crds/` directories, and the depth of a walk of a
/// `crds/` or `--schema` directory.
const MAX_WALK_DEPTH: usize = 16;

/// What the registry knows of a custom resource's (apiVersion, kind).
#[derive(Debug, Clone)]
pub enum Lookup {
    Schema(Arc<KindSchema>),
    /// A CRD defines the kind, but its schema cannot be used (a notice says why).
    Unusable,
    /// A CRD defines the kind, not in this version: why, for `schema/unknown-kind`.
    NoVersion(String),
    /// Nothing defines it.
    Unknown,
}

/// Where a CRD document is.
#[derive(Debug, Clone)]
enum Source {
    /// A linted resource (its index).
    Linted(usize),
    /// The `nth` CRD of a file read from disk.
    File { path: PathBuf, nth: usize },
}

#[derive(Debug, Clone)]
struct Def {
    crd: Crd,
    source: Source,
    /// Where it is, for notices: `path` or `path:line:column`.
    shown: String,
}

/// The run's CRDs; see the module comment.
pub struct Registry<'a> {
    loaded: &'a LoadedFiles,
    /// The bundled Kubernetes version whose ObjectMeta checks `metadata`.
    kube: (u32, u32),
    limits: Limits,
    /// Linted CRDs by group (from their names), in run order.
    linted: HashMap<String, Vec<usize>>,
    /// Project files holding CRDs, by group.
    project: HashMap<String, Vec<PathBuf>>,
    charts: Vec<PathBuf>,
    /// `--schema` and `schemas:` paths; the directories among them are `catalogs`.
    schema_paths: Vec<PathBuf>,
    catalogs: Vec<PathBuf>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The CRDs of charts and `--schema` files, read on the first lookup (tiers 2 and 4).
    eager: Option<(Vec<Def>, Vec<Def>)>,
    /// Groups whose CRDs are in `defs`.
    groups: HashSet<String>,
    defs: HashMap<(String, String), Def>,
    compiled: HashMap<(String, String), Option<Arc<KindSchema>>>,
    notices: Vec<Problem>,
}

/// What the run gives the registry.
pub struct Inputs<'a> {
    pub loaded: &'a LoadedFiles,
    pub kube: (u32, u32),
    pub limits: Limits,
    /// Chart directories linted.
    pub charts: Vec<PathBuf>,
    /// Project files holding CRDs, with each CRD's name.
    pub project: &'a [(PathBuf, String)],
    /// `--schema` and config `schemas:` paths (files or directories).
    pub schemas: Vec<PathBuf>,
}

impl<'a> Registry<'a> {
    pub fn new(i: Inputs<'a>) -> Registry<'a> {
        let mut linted: HashMap<String, Vec<usize>> = HashMap::new();
        for (ri, r) in i.loaded.resources.iter().enumerate() {
            if crd::is_crd(&r.id.api_version, &r.id.kind) {
                let name = r.id.name.as_deref().unwrap_or("");
                linted.entry(group_of(name)).or_default().push(ri);
            }
        }
        let mut project: HashMap<String, Vec<PathBuf>> = HashMap::new();
        for (path, name) in i.project {
            let files = project.entry(group_of(name)).or_default();
            if !files.contains(path) {
                files.push(path.clone());
            }
        }
        let catalogs = i.schemas.iter().filter(|p| p.is_dir()).cloned().collect();
        Registry {
            loaded: i.loaded,
            kube: i.kube,
            limits: i.limits,
            linted,
            project,
            charts: i.charts,
            schema_paths: i.schemas,
            catalogs,
            state: Mutex::new(State::default()),
        }
    }

    /// The schema of custom resource (`api_version`, `kind`), compiled on first use.
    pub fn lookup(&self, api_version: &str, kind: &str) -> Lookup {
        let Some((group, version)) = api_version.split_once('/') else {
            return Lookup::Unknown;
        };
        if group.is_empty() || version.is_empty() || version.contains('/') {
            return Lookup::Unknown;
        }
        let key = (api_version.to_string(), kind.to_string());
        let mut state = self.lock();
        if let Some(hit) = state.compiled.get(&key) {
            return hit.clone().map_or(Lookup::Unusable, Lookup::Schema);
        }
        self.resolve_group(&mut state, group);
        let def = state
            .defs
            .get(&(group.to_string(), kind.to_string()))
            .cloned();
        let compiled = match def {
            Some(def) if !def.crd.versions.iter().any(|v| v == version) => {
                return Lookup::NoVersion(format!(
                    "CRD {} ({}) serves {kind} in {}, not {version}",
                    def.crd.name,
                    def.shown,
                    def.crd.versions.join(", ")
                ));
            }
            Some(def) => self.compile_def(&def, version).map_err(|why| {
                Problem::note(
                    &def.shown,
                    format!(
                        "the schema of {kind} {api_version} in CRD {} cannot be used ({why}); \
                         its resources are not validated",
                        def.crd.name
                    ),
                )
            }),
            None => match self.catalog(group, version, kind) {
                Some(result) => result,
                None => return Lookup::Unknown,
            },
        };
        let slot = match compiled {
            Ok(schema) => Some(Arc::new(schema)),
            Err(notice) => {
                state.notices.push(notice);
                None
            }
        };
        state.compiled.insert(key, slot.clone());
        slot.map_or(Lookup::Unusable, Lookup::Schema)
    }

    /// The notices of the lookups so far (unusable CRDs), in the order they were met.
    pub fn notices(&self) -> Vec<Problem> {
        self.lock().notices.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned state still holds only complete entries.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads the CRDs of `group` from every source, in precedence order.
    fn resolve_group(&self, state: &mut State, group: &str) {
        if !state.groups.insert(group.to_string()) {
            return;
        }
        let (charts, schemas) = state.eager.get_or_insert_with(|| {
            let chart_files: Vec<PathBuf> = self
                .charts
                .iter()
                .flat_map(|c| chart_crd_files(c))
                .collect();
            let schema_files: Vec<PathBuf> = self
                .schema_paths
                .iter()
                .flat_map(|p| match p.is_dir() {
                    true => yaml_files(p),
                    false => vec![p.clone()],
                })
                .collect();
            (
                self.read_files(&chart_files),
                self.read_files(&schema_files),
            )
        });
        let mut found: Vec<Def> = Vec::new();
        // A CRD without a name (invalid) could be of any group.
        for g in [group, ""] {
            for &ri in self.linted.get(g).into_iter().flatten() {
                found.extend(self.linted_def(ri));
            }
        }
        found.extend(charts.iter().filter(|d| d.crd.group == group).cloned());
        let mut project_files: Vec<&PathBuf> = Vec::new();
        for g in [group, ""] {
            project_files.extend(self.project.get(g).into_iter().flatten());
        }
        let project: Vec<PathBuf> = project_files.into_iter().cloned().collect();
        found.extend(
            self.read_files(&project)
                .into_iter()
                .filter(|d| d.crd.group == group),
        );
        found.extend(schemas.iter().filter(|d| d.crd.group == group).cloned());
        for def in found {
            if def.crd.group != group {
                continue;
            }
            let key = (def.crd.group.clone(), def.crd.kind.clone());
            state.defs.entry(key).or_insert(def);
        }
    }

    fn linted_def(&self, ri: usize) -> Option<Def> {
        let r = self.loaded.resources.get(ri)?;
        let crd = crd::read_crd(&r.tree()).ok()?;
        let file = self.loaded.files.get(r.file)?;
        let p = file.position(r.span().start);
        Some(Def {
            crd,
            source: Source::Linted(ri),
            shown: format!("{}:{}:{}", file.path, p.line, p.column),
        })
    }

    /// The CRDs of files read from disk (unreadable files and other documents are skipped:
    /// the run reports only on what it lints).
    fn read_files(&self, files: &[PathBuf]) -> Vec<Def> {
        let mut out = Vec::new();
        for path in files {
            let docs = self.crd_documents(path);
            for (nth, root) in docs.iter().enumerate() {
                if let Ok(crd) = crd::read_crd(root) {
                    out.push(Def {
                        crd,
                        source: Source::File {
                            path: path.clone(),
                            nth,
                        },
                        shown: path.display().to_string(),
                    });
                }
            }
        }
        out
    }

    /// The CRD documents of a file, in order (List items included).
    fn crd_documents(&self, path: &Path) -> Vec<Node> {
        let target = Target::File(path.to_path_buf());
        match input::read_and_load(&target, input::Stdin::default(), &self.limits) {
            input::Loaded::File {
                source, documents, ..
            } => {
                let mut issues = Vec::new();
                resource::resources_of(0, &source.text, documents, &mut issues)
                    .into_iter()
                    .filter(|r| crd::is_crd(&r.id.api_version, &r.id.kind))
                    .map(|r| r.tree().into_owned())
                    .collect()
            }
            input::Loaded::Failed(_) => Vec::new(),
        }
    }

    fn compile_def(&self, def: &Def, version: &str) -> Result<KindSchema, String> {
        let root = match &def.source {
            Source::Linted(ri) => match self.loaded.resources.get(*ri) {
                Some(r) => r.tree().into_owned(),
                None => return Err("the CRD is gone".into()),
            },
            Source::File { path, nth } => self
                .crd_documents(path)
                .into_iter()
                .nth(*nth)
                .ok_or_else(|| "the CRD file changed while it was read".to_string())?,
        };
        crd::compile_crd_version(&root, version, self.kube).map_err(|e| e.0)
    }

    /// The schema of (group, version, kind) in a catalog directory; `None` when no catalog
    /// has a file for it.
    fn catalog(
        &self,
        group: &str,
        version: &str,
        kind: &str,
    ) -> Option<Result<KindSchema, Problem>> {
        // The names come from a resource being linted: only a plain name may become a path.
        let plain = |s: &str, extra: &[char]| {
            !s.is_empty()
                && !s.starts_with('.')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
        };
        if !plain(group, &['.', '-']) || !plain(version, &[]) || !plain(kind, &[]) {
            return None;
        }
        let lower = kind.to_ascii_lowercase();
        let short = group.split('.').next().unwrap_or(group);
        let names = [
            PathBuf::from(group).join(format!("{lower}_{version}.json")),
            PathBuf::from(format!("{lower}-{group}-{version}.json")),
            PathBuf::from(format!("{lower}-{short}-{version}.json")),
            PathBuf::from(format!("{lower}_{version}.json")),
        ];
        let path = self
            .catalogs
            .iter()
            .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
            .find(|p| p.is_file())?;
        let shown = path.display().to_string();
        let notice = |why: String| {
            Problem::note(
                &shown,
                format!(
                    "the schema of {kind} {group}/{version} cannot be used ({why}); its \
                     resources are not validated"
                ),
            )
        };
        let target = Target::File(path.clone());
        let root = match input::read_and_load(&target, input::Stdin::default(), &self.limits) {
            input::Loaded::File { documents, .. } => match documents.into_iter().next() {
                Some(d) => d.root.full().into_owned(),
                None => return Some(Err(notice("the file holds no schema".into()))),
            },
            input::Loaded::Failed(p) => return Some(Err(notice(p.message))),
        };
        let options = crd::Options {
            api_version: format!("{group}/{version}"),
            kind: kind.to_string(),
            definition: shown.clone(),
            kube: self.kube,
            status_subresource: false,
            preserve_all: false,
        };
        Some(crd::compile_schema(Some(&root), options).map_err(|e| notice(e.0)))
    }
}

/// The group of CRD name `<plural>.<group>` (empty when the name has no dot).
fn group_of(name: &str) -> String {
    name.split_once('.').map_or("", |(_, g)| g).to_string()
}

fn is_manifest(p: &Path, json: bool) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
        || (json && p.extension().is_some_and(|e| e == "json"))
}

/// The YAML files under a `--schema` directory, sorted (its JSON files are catalog
/// schemas, found by name).
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, false)
}

fn files_under(dir: &Path, json: bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .max_depth(MAX_WALK_DEPTH)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_manifest(e.path(), json))
        .map(walkdir::DirEntry::into_path)
        .collect()
}

/// The files of a chart's `crds/` directory and of its unpacked subcharts' (Helm installs
/// them before the templates, and `helm template` does not print them).
fn chart_crd_files(chart: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut charts = vec![(chart.to_path_buf(), 0)];
    while let Some((dir, depth)) = charts.pop() {
        let crds = dir.join("crds");
        if crds.is_dir() {
            out.extend(files_under(&crds, true));
        }
        if depth >= MAX_WALK_DEPTH {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir.join("charts")) else {
            continue;
        };
        let mut subs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| crate::helm::chart::is_chart_dir(p))
            .collect();
        subs.sort();
        // Popped last first: reversed so the walk goes in name order.
        charts.extend(subs.into_iter().rev().map(|p| (p, depth + 1)));
    }
    out
}
