//! Large documents are not kept as trees until they are evaluated. A tree takes
//! about three times its text, and a few install bundles hold most of a big
//! repository's bytes (on the bulk corpus, 71 files of 64 KiB or more carry
//! 51.6 MB of its 61 MB, mostly CustomResourceDefinition schemas), while every
//! file must be loaded before the first resource is evaluated (cross-resource
//! rules read the whole run). Such a document keeps as a tree only what is read
//! before evaluation (apiVersion, kind, metadata: identity, inventory entry,
//! labels, annotations) and the rest in the compact encoding of
//! [`crate::yaml::compact`] (strings point into the file's text, which is kept
//! anyway), decoded when a worker evaluates it or a finding must be located in
//! it.
//!
//! Documents whose kind is read whole before evaluation (pod-bearing kinds and
//! the kinds the inventory keeps whole) and `List`s are never evicted.
//!
//! A [`Tree`] holds a document's tree, whole or evicted, and never hands out
//! the partial one as if it were whole: the whole tree comes only from
//! [`Tree::full`], which decodes an evicted tree, and what every tree keeps
//! from [`Tree::span`] and [`Tree::metadata`]. A read of `spec` therefore cannot
//! forget the decode and silently find nothing in a large document.

use crate::yaml::{compact, Document, Node, NodeKind, Scalar, Span};
use std::borrow::Cow;
use std::sync::Arc;

/// Documents whose text is at least this long are evicted. On bulk, 16 KiB
/// gives 191 MB peak RSS and 64 KiB 195 MB, at the same time (decoding is
/// cheap); smaller documents are mostly kinds that are never evicted.
pub const MIN_BYTES: usize = 16 * 1024;

/// The top-level fields an evicted document keeps.
const KEPT: &[&str] = &["apiVersion", "kind", "metadata"];

/// A document's (or List item's) tree, as the run keeps it from loading to
/// evaluation: whole, or evicted.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree(Repr);

#[derive(Debug, Clone, PartialEq)]
enum Repr {
    Whole(Node),
    Evicted {
        /// The root with only [`KEPT`] fields, and the whole root's span.
        kept: Node,
        /// The whole tree in the compact encoding.
        encoded: Arc<[u8]>,
        /// The file's text, which the encoding's strings and spans point into:
        /// holding it makes the decode need nothing from the caller.
        text: Arc<str>,
    },
}

impl Tree {
    pub fn whole(root: Node) -> Tree {
        Tree(Repr::Whole(root))
    }

    pub fn is_evicted(&self) -> bool {
        matches!(self.0, Repr::Evicted { .. })
    }

    /// The whole tree: borrowed, or for an evicted document decoded (a copy
    /// per call, so callers decode once and keep it). Decoding cannot fail for
    /// bytes encoded from the same text; should it, the kept part is what
    /// there is.
    pub fn full(&self) -> Cow<'_, Node> {
        match &self.0 {
            Repr::Whole(root) => Cow::Borrowed(root),
            Repr::Evicted {
                kept,
                encoded,
                text,
            } => match compact::decode(encoded, text) {
                Some(root) => Cow::Owned(root),
                None => Cow::Borrowed(kept),
            },
        }
    }

    /// The whole tree without decoding: `None` when evicted. For kinds that
    /// are never evicted (pod-bearing ones, the inventory's whole kinds,
    /// Lists), read where the caller holds a tree but cannot keep a decoded
    /// copy; the `None` makes it say what an evicted document gives.
    pub fn as_whole(&self) -> Option<&Node> {
        match &self.0 {
            Repr::Whole(root) => Some(root),
            Repr::Evicted { .. } => None,
        }
    }

    /// [`Tree::as_whole`], to rewrite a tree before it may be evicted.
    pub fn as_whole_mut(&mut self) -> Option<&mut Node> {
        match &mut self.0 {
            Repr::Whole(root) => Some(root),
            Repr::Evicted { .. } => None,
        }
    }

    /// The root's span: the whole document's (or List item's), evicted or not.
    pub fn span(&self) -> Span {
        self.kept_root().span
    }

    /// The root's `metadata`, which every tree keeps.
    pub fn metadata(&self) -> Option<&Node> {
        self.kept_root().get("metadata")
    }

    /// The root as far as every tree keeps it: apiVersion, kind and metadata
    /// (a whole tree has more, but nothing else may be read through this).
    /// For turning documents into resources, which reads only those.
    pub(crate) fn kept_root(&self) -> &Node {
        match &self.0 {
            Repr::Whole(root) | Repr::Evicted { kept: root, .. } => root,
        }
    }
}

/// A file's documents as the loader gives them, every tree whole (before
/// [`evict`] decides which to keep compact).
pub fn whole(documents: Vec<Document>) -> Vec<Document<Tree>> {
    documents.into_iter().map(|d| d.map(Tree::whole)).collect()
}

/// Evicts the large documents of one file (whose text is `text`) that
/// `keep_kind` does not claim.
pub fn evict(documents: &mut [Document<Tree>], text: &Arc<str>, keep_kind: impl Fn(&str) -> bool) {
    for doc in documents {
        let Repr::Whole(root) = &mut doc.root.0 else {
            continue;
        };
        let span = root.span;
        if span.end.saturating_sub(span.start) < MIN_BYTES {
            continue;
        }
        let Some(kind) = root.get("kind").and_then(|k| k.as_str()) else {
            continue;
        };
        if kind.ends_with("List") || keep_kind(kind) {
            continue;
        }
        let encoded = compact::encode(root, text);
        let NodeKind::Map(entries) = &mut root.kind else {
            continue;
        };
        entries.retain(|e| KEPT.contains(&e.key.as_str()));
        entries.shrink_to_fit();
        // The root is moved out, not copied: a null stands in until the
        // assignment below replaces the whole `Repr`.
        let kept = std::mem::replace(
            root,
            Node {
                kind: NodeKind::Scalar(Scalar::Null),
                span,
            },
        );
        doc.root.0 = Repr::Evicted {
            kept,
            encoded: encoded.into(),
            text: Arc::clone(text),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    fn big_crd() -> String {
        let mut text = String::from(
            "# leading comment\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n  labels: {app: x}\nspec:\n  group: example.com\n  versions:\n",
        );
        while text.len() < MIN_BYTES {
            text.push_str("    - name: v1\n      served: true\n      schema: {openAPIV3Schema: {type: object, description: \"padding padding padding\"}}\n");
        }
        text
    }

    fn trees(text: &str) -> Vec<Document<Tree>> {
        whole(load(text).documents)
    }

    #[test]
    fn large_documents_keep_their_identity_and_decode_whole() {
        let text: Arc<str> = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: small}}\n---\n{}",
            big_crd()
        )
        .into();
        let whole = load(&text).documents[1].root.clone();
        let mut docs = trees(&text);
        evict(&mut docs, &text, |_| false);
        assert!(!docs[0].root.is_evicted(), "small documents stay");
        let tree = &docs[1].root;
        assert!(tree.is_evicted());
        assert_eq!(tree.as_whole(), None, "no whole tree without the decode");
        let keys: Vec<&str> = match &tree.kept_root().kind {
            NodeKind::Map(e) => e.iter().map(|e| e.key.as_str()).collect(),
            _ => Vec::new(),
        };
        assert_eq!(keys, ["apiVersion", "kind", "metadata"]);
        assert_eq!(
            tree.span(),
            whole.span,
            "the span still covers the document"
        );
        assert_eq!(tree.metadata(), whole.get("metadata"));
        let Repr::Evicted { encoded, .. } = &tree.0 else {
            panic!("evicted")
        };
        assert!(encoded.len() < text.len(), "{} bytes", encoded.len());
        assert!(matches!(tree.full(), Cow::Owned(_)));
        assert_eq!(tree.full().as_ref(), &whole);
    }

    #[test]
    fn claimed_kinds_and_lists_stay() {
        let text: Arc<str> = big_crd().into();
        let mut docs = trees(&text);
        evict(&mut docs, &text, |k| k == "CustomResourceDefinition");
        assert!(!docs[0].root.is_evicted());
        assert!(matches!(docs[0].root.full(), Cow::Borrowed(_)));
        let list: Arc<str> = text
            .replace("kind: CustomResourceDefinition", "kind: ConfigMapList")
            .into();
        let mut docs = trees(&list);
        evict(&mut docs, &list, |_| false);
        assert!(!docs[0].root.is_evicted());
    }
}
