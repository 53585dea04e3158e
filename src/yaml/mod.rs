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
///
/// The loader's documents hold their whole tree (`T` = [`Node`]); a linted
/// file's are turned into `Document<crate::evict::Tree>`, which may evict the
/// tree of a large one and then gives it whole only through a decode.
#[derive(Debug, Clone, PartialEq)]
pub struct Document<T = Node> {
    /// 0-based position of the `---` chunk in the stream.
    pub index: usize,
    /// Byte offset where the chunk starts.
    pub start: usize,
    pub root: T,
}

impl<T> Document<T> {
    /// The same document with its root turned into another form.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Document<U> {
        Document {
            index: self.index,
            start: self.start,
            root: f(self.root),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub issues: Vec<LoadIssue>,
}
