//! Reading YAML and JSON exactly as Kubernetes does (see shared K8S-YAML.md):
//! kubectl's `---` splitting, libyaml events, go-yaml v2 scalar typing, merge keys,
//! bounded aliases, and a span on every node.
//!
//! `load` (load.rs) drives the pipeline: `split` cuts the text like kubectl, `libyaml`
//! (with `standin` bridging libyaml-safer to go-yaml) or `json` produce `events`, and
//! `tree` builds the span tree, typing scalars with `scalar` (+ `gonum`, `timestamp`),
//! stringifying keys with `keys` and resolving duplicates and merges in `mapping`.
//! `to_json` (json_view.rs) gives the JSON Kubernetes would store.

pub mod compact;
mod events;
mod gonum;
mod json;
mod json_view;
mod keys;
mod libyaml;
mod limits;
mod load;
mod mapping;
pub mod node;
mod scalar;
mod split;
mod standin;
#[cfg(test)]
mod tests;
mod timestamp;
mod tree;

pub(crate) use json::is_json_stream;
pub use json_view::to_json;
pub use libyaml::is_parser_panic;
pub use limits::Limits;
pub use load::{load, load_with};
pub use node::{Entry, Node, NodeKind, Scalar, Span};

/// A problem the loader found, reported with the same ids as rule findings.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadIssue {
    /// `yaml/syntax`, `yaml/duplicate-key`, `yaml/key-collision` or `yaml/ignored-content`.
    pub rule: &'static str,
    pub message: String,
    /// Where the problem is (for a duplicate key: the later key).
    pub span: Span,
}

/// One document of a stream that Kubernetes accepts. Documents that are empty,
/// comment-only or `null` are not returned; documents Kubernetes rejects are not
/// returned either (they yield a `yaml/syntax` issue instead).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 0-based position of the `---` chunk in the stream.
    pub index: usize,
    /// Byte offset where the chunk starts.
    pub start: usize,
    pub root: Node,
    /// Set when the document was too large to keep as a tree (`crate::evict`):
    /// `root` holds only its identity, and this [`compact`] encoding the rest.
    pub evicted: Option<std::sync::Arc<[u8]>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub issues: Vec<LoadIssue>,
}
