//! A native Kustomize build with provenance (issue 17): the documents
//! `kustomize build DIR` prints, where every key and value knows the file and
//! byte span it was written at — the base file, the patch that set it, or the
//! kustomization field (`namespace:`, `images[].newTag`, a label) that
//! changed it. Findings on built output can then point at what the author
//! wrote ([`Document::origin_at`]).
//!
//! ```no_run
//! let b = kubeward::kustomize::build(std::path::Path::new("k8s/overlays/prod"), &Default::default());
//! for d in &b.documents {
//!     let at = d.origin_at(&[kubeward::kustomize::PathSeg::Key("spec".into())]);
//!     println!("{} spec at {}", d.root.str_at(&["metadata", "name"]).unwrap_or(""), b.describe(at));
//! }
//! ```
//!
//! Layout, in the order of a build (kustomize's own, `build.rs`):
//! - `fs`: every read, bounded and confined to the tree being built;
//! - `kust`: the kustomization file and its fields;
//! - `build`: resources, components, generators, transformers, recursion;
//! - `generators`, `patches` (`smp`, `json6902`, `merge_keys`, `selector`),
//!   `transform` (namespace, prefix/suffix, labels, annotations, replicas,
//!   images), `replacements`, `vars`, `nameref` (references to renamed
//!   resources), `resid` (identity and output order);
//! - `tree`: the output tree and its origins; `emit`: YAML/JSON printing;
//!   `inline`: spans of inline patches mapped back into their kustomization.
//!
//! Nothing is fetched: remote resources are a `kustomize/remote-resource`
//! problem. Every error is a located [`Problem`]; the rest is still built.

mod acc;
mod build;
pub mod emit;
mod fieldspec;
mod fs;
mod generators;
mod inline;
mod json6902;
mod kust;
mod merge_keys;
mod nameref;
mod patches;
mod replacements;
mod resid;
mod resource;
mod selector;
mod sha256;
mod smp;
mod transform;
mod tree;
mod typing;
mod vars;

use std::path::{Path, PathBuf};

use crate::source::SourceFile;

pub use tree::{Entry, FileIdx, Node, Origin, PathSeg, Value};

/// The problem ids a build reports.
pub mod ids {
    /// A directory named as a kustomization holds no kustomization file (or several).
    pub const NO_KUSTOMIZATION: &str = "kustomize/no-kustomization";
    /// A file or directory a kustomization names does not exist or cannot be read.
    pub const MISSING_FILE: &str = "kustomize/missing-file";
    /// A path that leaves the tree being built (by `..` or through a symlink).
    pub const OUTSIDE_ROOT: &str = "kustomize/outside-root";
    /// A file outside its kustomization's directory (kustomize's load restriction).
    pub const LOAD_RESTRICTION: &str = "kustomize/load-restriction";
    /// A URL or git reference: never fetched.
    pub const REMOTE_RESOURCE: &str = "kustomize/remote-resource";
    /// Kustomizations that include each other.
    pub const CYCLE: &str = "kustomize/cycle";
    /// Kustomizations nested deeper than the limit.
    pub const TOO_DEEP: &str = "kustomize/too-deep";
    /// More to read or build than a build may (bytes, documents, nodes).
    pub const TOO_LARGE: &str = "kustomize/too-large";
    /// A file that is not YAML Kubernetes would read.
    pub const INVALID_YAML: &str = "kustomize/invalid-yaml";
    /// A kustomization field of the wrong shape, or a wrong kind/apiVersion.
    pub const INVALID_KUSTOMIZATION: &str = "kustomize/invalid-kustomization";
    /// A field kustomize does not know (it refuses the file).
    pub const UNKNOWN_FIELD: &str = "kustomize/unknown-field";
    /// A field kustomize knows and this build does not carry out.
    pub const UNSUPPORTED: &str = "kustomize/unsupported";
    /// `helmCharts`: not rendered by the native build yet.
    pub const HELM_CHART: &str = "kustomize/helm-chart";
    /// A resource document without kind or name.
    pub const INVALID_RESOURCE: &str = "kustomize/invalid-resource";
    /// Two resources with the same id.
    pub const CONFLICTING_ID: &str = "kustomize/conflicting-id";
    /// A patch whose target matches nothing.
    pub const PATCH_NO_TARGET: &str = "kustomize/patch-no-target";
    /// A patch that cannot be read or applied.
    pub const INVALID_PATCH: &str = "kustomize/invalid-patch";
    /// A ConfigMap or Secret generator that cannot generate.
    pub const GENERATOR: &str = "kustomize/generator";
    /// A component included as a resource, or a resource directory as a component.
    pub const COMPONENT: &str = "kustomize/component";
    /// A replacement whose source or target is missing or unusable.
    pub const REPLACEMENT: &str = "kustomize/replacement";
    /// A var that cannot be resolved.
    pub const VAR: &str = "kustomize/var";
    /// A name reference with several possible targets.
    pub const NAME_REFERENCE: &str = "kustomize/name-reference";
    /// A `replicas` or `images` entry that matches nothing kustomize would fail on.
    pub const TRANSFORMER: &str = "kustomize/transformer";

    /// Every id, for docs and tests.
    pub const ALL: &[&str] = &[
        NO_KUSTOMIZATION,
        MISSING_FILE,
        OUTSIDE_ROOT,
        LOAD_RESTRICTION,
        REMOTE_RESOURCE,
        CYCLE,
        TOO_DEEP,
        TOO_LARGE,
        INVALID_YAML,
        INVALID_KUSTOMIZATION,
        UNKNOWN_FIELD,
        UNSUPPORTED,
        HELM_CHART,
        INVALID_RESOURCE,
        CONFLICTING_ID,
        PATCH_NO_TARGET,
        INVALID_PATCH,
        GENERATOR,
        COMPONENT,
        REPLACEMENT,
        VAR,
        NAME_REFERENCE,
        TRANSFORMER,
    ];
}

/// What a build may do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Nothing outside this directory is read (by name or through symlinks).
    /// `None`: the project root of the built directory (nearest
    /// `.kubeward.yaml`, else repository root; see `project::root_of`).
    pub root: Option<PathBuf>,
    /// Deepest nesting of kustomizations (overlay -> base -> ...).
    pub max_depth: usize,
    /// Most resources one build may hold.
    pub max_documents: usize,
    /// Most nodes one built resource may have (a JSON patch `copy` doubles one).
    pub max_nodes: usize,
    /// Largest file read, and total bytes read by one build.
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    /// Per-document YAML limits (nesting, aliases).
    pub yaml: crate::yaml::Limits,
    /// Whose schemas give the merge keys of strategic merge patches.
    pub kube_version: (u32, u32),
}

impl Default for Options {
    fn default() -> Options {
        Options {
            root: None,
            max_depth: 64,
            max_documents: 50_000,
            max_nodes: 2_000_000,
            max_file_bytes: crate::limits::DEFAULT_MAX_FILE_BYTES,
            max_total_bytes: 1 << 30,
            // Shallower than the linter's 1,000: the build recurses over trees.
            yaml: crate::yaml::Limits {
                max_depth: 256,
                ..crate::yaml::Limits::default()
            },
            kube_version: crate::DEFAULT_KUBE_VERSION,
        }
    }
}

/// Something that kept (part of) a build from being what kustomize makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// One of [`ids`].
    pub id: &'static str,
    pub message: String,
    /// Where; `None` only when there is no file to point at (the directory
    /// built has no kustomization file).
    pub at: Option<Origin>,
}

/// One built resource.
#[derive(Debug, Clone)]
pub struct Document {
    pub root: Node,
    /// The kustomization files it passed through, innermost (its base) first,
    /// the built one last.
    pub chain: Vec<FileIdx>,
}

impl Document {
    /// Where a finding at `path` belongs (see [`Node::origin_at`]).
    pub fn origin_at(&self, path: &[PathSeg]) -> Origin {
        self.root.origin_at(path)
    }
}

/// The result of a build.
#[derive(Debug, Clone, Default)]
pub struct Build {
    /// Every file the build read; [`Origin::file`] indexes this.
    pub files: Vec<SourceFile>,
    /// In `kustomize build`'s order.
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
}

impl Build {
    pub fn file(&self, origin: Origin) -> Option<&SourceFile> {
        self.files.get(origin.file as usize)
    }

    /// `path:line:column` of an origin.
    pub fn describe(&self, origin: Origin) -> String {
        match self.file(origin) {
            Some(f) => {
                let p = f.position(origin.span.start);
                format!("{}:{}:{}", f.path, p.line, p.column)
            }
            None => "?".into(),
        }
    }
}

/// Builds the kustomization in `dir` (see the module docs).
pub fn build(dir: &Path, opts: &Options) -> Build {
    build::run(dir, opts)
}

pub(crate) use build::Ctx;
