//! The build itself, step for step in kustomize's order (its `KustTarget`):
//!
//! for each kustomization, recursively:
//! 1. `resources` (and legacy `bases`): files are read, directories are built
//!    on their own (a fresh accumulation) and their output appended;
//! 2. `configurations` extend what the transformers touch;
//! 3. generators (`configMapGenerator`, `secretGenerator`) add, merge or
//!    replace resources;
//! 4. `components` are applied to what has been accumulated so far;
//! 5. transformers: `patchesStrategicMerge`, `patches`, `namespace`,
//!    `namePrefix`, `nameSuffix`, `labels`/`commonLabels`,
//!    `commonAnnotations`, `patchesJson6902`, `replicas`, `images`,
//!    `replacements`;
//! 6. `vars` are recorded;
//!
//! then once, for the kustomization built: generated names get their hash
//! suffix, references to renamed resources are updated, vars are replaced,
//! local-config resources dropped and the rest sorted.

use std::path::{Path, PathBuf};

use super::acc::Acc;
use super::fs::{self, FsError, Sandbox};
use super::kust::{self, Kust};
use super::merge_keys::Schemas;
use super::resid::legacy_cmp;
use super::resource::{Res, ResMap};
use super::tree::{FileIdx, Node, Origin};
use super::{generators, ids, nameref, patches, replacements, transform, vars};
use super::{Build, Document, Options, Problem};
use crate::yaml::Span;

/// The state of one build.
pub(crate) struct Ctx<'o> {
    pub fs: Sandbox,
    pub problems: Vec<Problem>,
    pub opts: &'o Options,
    pub schemas: Schemas,
    /// Real directories of the kustomizations being built, outermost first.
    stack: Vec<PathBuf>,
    /// Resources loaded or generated so far.
    documents: usize,
    /// Set once the document limit is hit (reported once).
    full: bool,
}

impl Ctx<'_> {
    pub fn problem(&mut self, id: &'static str, message: String, at: Origin) {
        self.problem_opt(id, message, Some(at));
    }

    pub fn problem_opt(&mut self, id: &'static str, message: String, at: Option<Origin>) {
        let p = Problem { id, message, at };
        // The same base reached twice reports its problems once.
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn fs_problem(&mut self, e: &FsError, at: Option<Origin>) {
        let id = match e {
            FsError::Missing(_) | FsError::Unreadable(_) => ids::MISSING_FILE,
            FsError::Outside(_) => ids::OUTSIDE_ROOT,
            FsError::TooMuch(_) => ids::TOO_LARGE,
        };
        self.problem_opt(id, e.message().to_string(), at);
    }

    /// Reads a text file; a problem at `at` when it cannot be.
    pub fn read_file(&mut self, path: &Path, at: Option<Origin>) -> Option<FileIdx> {
        match self.fs.read(path) {
            Ok(i) => Some(i),
            Err(e) => {
                self.fs_problem(&e, at);
                None
            }
        }
    }

    /// A file a kustomization names, which kustomize only reads from inside
    /// that kustomization's directory.
    pub fn read_local(&mut self, k: &Kust, rel: &str, at: Origin) -> Option<(FileIdx, PathBuf)> {
        let path = fs::join(&k.dir, rel);
        if !fs::inside(&path, &k.dir) {
            self.problem(
                ids::LOAD_RESTRICTION,
                format!(
                    "{rel} is outside the kustomization's directory {}: kustomize refuses to read it",
                    k.dir.display()
                ),
                at,
            );
            return None;
        }
        self.read_file(&path, Some(at)).map(|f| (f, path))
    }

    /// The bytes of a file a kustomization names (generator sources).
    pub fn read_local_bytes(&mut self, k: &Kust, rel: &str, at: Origin) -> Option<Vec<u8>> {
        let path = fs::join(&k.dir, rel);
        if !fs::inside(&path, &k.dir) {
            self.problem(
                ids::LOAD_RESTRICTION,
                format!(
                    "{rel} is outside the kustomization's directory: kustomize refuses to read it"
                ),
                at,
            );
            return None;
        }
        match self.fs.read_bytes(&path) {
            Ok(b) => Some(b),
            Err(e) => {
                self.fs_problem(&e, Some(at));
                None
            }
        }
    }

    /// The YAML documents of a file read, each as an output tree.
    pub fn load_docs(&mut self, file: FileIdx) -> Vec<Node> {
        let text = self.fs.text(file).to_string();
        self.load_text(&text, file, &|s| s)
    }

    /// Documents of `text`, whose spans `map` turns into spans of `file`
    /// (identity for a file's own text; an inline patch's mapping otherwise).
    pub fn load_text(
        &mut self,
        text: &str,
        file: FileIdx,
        map: &dyn Fn(Span) -> Span,
    ) -> Vec<Node> {
        let loaded = crate::yaml::load_with(text, &self.opts.yaml);
        for issue in &loaded.issues {
            self.problem(
                ids::INVALID_YAML,
                format!("{} ({})", issue.message, issue.rule),
                Origin::new(file, map(issue.span)),
            );
        }
        loaded
            .documents
            .into_iter()
            .map(|mut d| {
                super::typing::retype(&mut d.root, text);
                Node::from_yaml_mapped(&d.root, file, map)
            })
            .collect()
    }

    /// Counts a resource against the limit; false once it is reached.
    pub fn admit(&mut self, at: Origin) -> bool {
        if self.documents >= self.opts.max_documents {
            if !self.full {
                self.full = true;
                self.problem(
                    ids::TOO_LARGE,
                    format!(
                        "the build holds more than {} resources; the rest is not built",
                        self.opts.max_documents
                    ),
                    at,
                );
            }
            return false;
        }
        self.documents += 1;
        true
    }
}

pub(crate) fn run(dir: &Path, opts: &Options) -> Build {
    let cwd = std::env::current_dir().unwrap_or_default();
    let boundary = opts
        .root
        .clone()
        .unwrap_or_else(|| crate::project::root_of(dir, &cwd));
    let mut ctx = Ctx {
        fs: Sandbox::new(&boundary, opts.max_file_bytes, opts.max_total_bytes),
        problems: Vec::new(),
        opts,
        schemas: Schemas::new(opts.kube_version),
        stack: Vec::new(),
        documents: 0,
        full: false,
    };
    let mut documents = Vec::new();
    if let Some((k, real)) = enter(&mut ctx, dir, None) {
        ctx.stack.push(real);
        let acc = accumulate_target(&mut ctx, &k, Acc::new());
        ctx.stack.pop();
        documents = finish(&mut ctx, &k, acc);
    }
    Build {
        files: ctx.fs.files,
        documents,
        problems: ctx.problems,
    }
}

/// Checks a kustomization directory (inside the tree, no cycle, not too
/// deep) and loads its kustomization file.
fn enter(ctx: &mut Ctx, dir: &Path, at: Option<Origin>) -> Option<(Kust, PathBuf)> {
    let real = match ctx.fs.resolve(dir) {
        Ok(r) => r,
        Err(e) => {
            ctx.fs_problem(&e, at);
            return None;
        }
    };
    if ctx.stack.contains(&real) {
        ctx.problem_opt(
            ids::CYCLE,
            format!(
                "{} includes itself (through its resources or components)",
                dir.display()
            ),
            at,
        );
        return None;
    }
    if ctx.stack.len() >= ctx.opts.max_depth {
        ctx.problem_opt(
            ids::TOO_DEEP,
            format!(
                "kustomizations are nested more than {} deep here",
                ctx.opts.max_depth
            ),
            at,
        );
        return None;
    }
    let k = Kust::load(ctx, dir, at)?;
    Some((k, real))
}

/// Builds directory `dir` named at `at` and adds its output to `acc` (a
/// resource directory), or applies it to `acc` (a component).
fn accumulate_dir(ctx: &mut Ctx, dir: &Path, at: Origin, component: bool, acc: Acc) -> Acc {
    let Some((k, real)) = enter(ctx, dir, Some(at)) else {
        return acc;
    };
    if k.component != component {
        let msg = if component {
            format!(
                "{} is listed in `components` but is not a Component",
                dir.display()
            )
        } else {
            format!(
                "{} is a Component: list it in `components`, not `resources`",
                dir.display()
            )
        };
        ctx.problem(ids::COMPONENT, msg, at);
        return acc;
    }
    ctx.stack.push(real);
    let out = if component {
        accumulate_target(ctx, &k, acc)
    } else {
        let sub = accumulate_target(ctx, &k, Acc::new());
        let mut acc = acc;
        acc.absorb(ctx, sub, at);
        acc
    };
    ctx.stack.pop();
    out
}

fn accumulate_target(ctx: &mut Ctx, k: &Kust, acc: Acc) -> Acc {
    let mut acc = acc;
    let before: usize = acc.map.list.len();
    let mut resources = k.strings(ctx, "resources");
    resources.extend(k.strings(ctx, "bases"));
    for (entry, at) in resources {
        accumulate_resource(ctx, k, &entry, at, &mut acc);
    }
    for (path, at) in k.strings(ctx, "configurations") {
        if let Some((file, _)) = ctx.read_local(k, &path, at) {
            for doc in ctx.load_docs(file) {
                let (config, unknown) = super::fieldspec::parse_config(&doc);
                for u in unknown {
                    ctx.problem(
                        ids::UNSUPPORTED,
                        format!("transformer configuration {u:?} is not known"),
                        doc.origin,
                    );
                }
                acc.config.merge(&config);
            }
        }
    }
    generators::run(ctx, k, &mut acc);
    for (entry, at) in k.strings(ctx, "components") {
        if kust::is_remote(&entry) {
            remote(ctx, &entry, at);
            continue;
        }
        let dir = fs::join(&k.dir, &entry);
        acc = accumulate_dir(ctx, &dir, at, true, acc);
    }
    patches::strategic_merge_legacy(ctx, k, &mut acc);
    patches::patches(ctx, k, &mut acc);
    transform::namespace(ctx, k, &mut acc);
    transform::prefix_suffix(ctx, k, &mut acc);
    transform::labels(ctx, k, &mut acc);
    transform::annotations(ctx, k, &mut acc);
    patches::json6902_legacy(ctx, k, &mut acc);
    transform::replicas(ctx, k, &mut acc);
    transform::images(ctx, k, &mut acc);
    replacements::run(ctx, k, &mut acc);
    vars::merge(ctx, k, &mut acc);
    if !k.component {
        for r in &mut acc.map.list {
            if r.chain.last() != Some(&k.file) {
                r.chain.push(k.file);
            }
        }
    } else {
        // A component's own resources passed through it.
        for r in acc.map.list.iter_mut().skip(before) {
            if r.chain.last() != Some(&k.file) {
                r.chain.push(k.file);
            }
        }
    }
    acc
}

fn remote(ctx: &mut Ctx, entry: &str, at: Origin) {
    ctx.problem(
        ids::REMOTE_RESOURCE,
        format!(
            "{entry} is remote: kubeward never fetches resources, so it is not part of this build"
        ),
        at,
    );
}

fn accumulate_resource(ctx: &mut Ctx, k: &Kust, entry: &str, at: Origin, acc: &mut Acc) {
    if kust::is_remote(entry) {
        return remote(ctx, entry, at);
    }
    let path = fs::join(&k.dir, entry);
    match ctx.fs.resolve(&path) {
        Ok(real) if real.is_dir() => {
            let taken = std::mem::replace(acc, Acc::new());
            *acc = accumulate_dir(ctx, &path, at, false, taken);
            return;
        }
        Ok(_) => {}
        Err(e) => return ctx.fs_problem(&e, Some(at)),
    }
    let Some((file, _)) = ctx.read_local(k, entry, at) else {
        return;
    };
    let mut local = ResMap::default();
    'docs: for doc in ctx.load_docs(file) {
        for node in expand_lists(doc) {
            let Some(res) = resource_of(ctx, node) else {
                continue;
            };
            if !ctx.admit(at) {
                break 'docs;
            }
            let origin = res.node.origin_at(&[]);
            if let Err((_, msg)) = local.append(res) {
                ctx.problem(ids::CONFLICTING_ID, msg, origin);
            }
        }
    }
    for r in local.list {
        acc.append(ctx, r, at);
    }
}

/// A document whose kind ends in `List` contributes its `items`.
fn expand_lists(doc: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut queue = vec![doc];
    while let Some(n) = queue.pop() {
        let is_list = n.str_at(&["kind"]).is_some_and(|k| k.ends_with("List"));
        match n.get("items").and_then(Node::items) {
            Some(items) if is_list => queue.extend(items.iter().rev().cloned()),
            _ if is_list && n.get("items").is_some_and(Node::is_null) => {}
            _ => out.push(n),
        }
    }
    out
}

/// A document as a resource: it needs a kind and a name.
pub(crate) fn resource_of(ctx: &mut Ctx, node: Node) -> Option<Res> {
    if !node.is_map() {
        ctx.problem(
            ids::INVALID_RESOURCE,
            "a resource is a mapping".into(),
            node.origin,
        );
        return None;
    }
    if node.str_at(&["kind"]).is_none_or(str::is_empty) {
        ctx.problem(
            ids::INVALID_RESOURCE,
            "the document has no kind".into(),
            node.origin,
        );
        return None;
    }
    if node.str_at(&["metadata", "name"]).is_none_or(str::is_empty) {
        let at = node.entry("kind").map_or(node.origin, |e| e.key_origin);
        ctx.problem(
            ids::INVALID_RESOURCE,
            "the resource has no metadata.name".into(),
            at,
        );
        return None;
    }
    Some(Res::new(node))
}

/// The once-per-build steps after the top kustomization.
fn finish(ctx: &mut Ctx, top: &Kust, mut acc: Acc) -> Vec<Document> {
    generators::add_hashes(&mut acc);
    nameref::fix(ctx, &mut acc);
    vars::resolve(ctx, &mut acc);
    acc.map
        .list
        .retain(|r| !r.is_local_config() && !r.is_empty());
    for r in &mut acc.map.list {
        // kustomize rewrites every resource's annotations at the end (to drop
        // its own): an empty or null `annotations` disappears on the way.
        if let Some(meta) = r.node.get_mut("metadata") {
            if meta
                .get("annotations")
                .is_some_and(|a| a.is_null() || a.entries().is_some_and(<[_]>::is_empty))
            {
                meta.remove("annotations");
            }
        }
    }
    sort(ctx, top, &mut acc.map.list);
    acc.map
        .list
        .into_iter()
        .map(|r| Document {
            root: r.node,
            chain: r.chain,
        })
        .collect()
}

/// `sortOptions` of the top kustomization, else kustomize's legacy order.
fn sort(ctx: &mut Ctx, top: &Kust, list: &mut [Res]) {
    let options = top.field("sortOptions");
    let order = options
        .and_then(|o| o.get("order"))
        .and_then(Node::scalar_text);
    match order.as_deref() {
        Some("fifo") => return,
        None | Some("legacy") => {}
        Some(other) => {
            let at = options
                .and_then(|o| o.get("order"))
                .map_or(top.root.origin, |n| n.origin);
            ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                format!("sortOptions.order must be fifo or legacy, not {other:?}"),
                at,
            );
            return;
        }
    }
    let legacy = options.and_then(|o| o.get("legacySortOptions"));
    let custom = |k: &str| -> Option<Vec<String>> {
        legacy
            .and_then(|l| l.get(k))
            .and_then(Node::items)
            .map(|i| i.iter().filter_map(Node::scalar_text).collect())
    };
    match (custom("orderFirst"), custom("orderLast")) {
        (None, None) => list.sort_by(|a, b| legacy_cmp(&a.cur_id(), &b.cur_id())),
        (first, last) => {
            let first = first.unwrap_or_default();
            let last = last.unwrap_or_default();
            let rank = |kind: &str| -> i64 {
                if let Some(i) = first.iter().position(|k| k == kind) {
                    return i as i64 - first.len() as i64;
                }
                last.iter()
                    .position(|k| k == kind)
                    .map_or(0, |i| i as i64 + 1)
            };
            list.sort_by(|a, b| {
                let (ia, ib) = (a.cur_id(), b.cur_id());
                rank(&ia.gvk.kind)
                    .cmp(&rank(&ib.gvk.kind))
                    .then_with(|| legacy_cmp(&ia, &ib))
            });
        }
    }
}
