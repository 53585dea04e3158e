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
//! it ([`crate::resource::Resource::full`]).
//!
//! Documents whose kind is read whole before evaluation (pod-bearing kinds and
//! the kinds the inventory keeps whole) and `List`s are never evicted.

use crate::yaml::{compact, Document, NodeKind};

/// Documents whose text is at least this long are evicted. On bulk, 16 KiB
/// gives 191 MB peak RSS and 64 KiB 195 MB, at the same time (decoding is
/// cheap); smaller documents are mostly kinds that are never evicted.
pub const MIN_BYTES: usize = 16 * 1024;

/// The top-level fields an evicted document keeps.
const KEPT: &[&str] = &["apiVersion", "kind", "metadata"];

/// Evicts the large documents of one file (whose text is `text`) that
/// `keep_kind` does not claim.
pub fn evict(documents: &mut [Document], text: &str, keep_kind: impl Fn(&str) -> bool) {
    for doc in documents {
        let span = doc.root.span;
        if span.end.saturating_sub(span.start) < MIN_BYTES {
            continue;
        }
        let Some(kind) = doc.root.get("kind").and_then(|k| k.as_str()) else {
            continue;
        };
        if kind.ends_with("List") || keep_kind(kind) {
            continue;
        }
        let tree = compact::encode(&doc.root, text);
        let NodeKind::Map(entries) = &mut doc.root.kind else {
            continue;
        };
        entries.retain(|e| KEPT.contains(&e.key.as_str()));
        entries.shrink_to_fit();
        doc.evicted = Some(tree.into());
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

    #[test]
    fn large_documents_keep_their_identity_and_decode_whole() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: small}}\n---\n{}",
            big_crd()
        );
        let mut docs = load(&text).documents;
        let whole = docs[1].clone();
        evict(&mut docs, &text, |_| false);
        assert_eq!(docs[0].evicted, None, "small documents stay");
        let keys: Vec<&str> = match &docs[1].root.kind {
            NodeKind::Map(e) => e.iter().map(|e| e.key.as_str()).collect(),
            _ => Vec::new(),
        };
        assert_eq!(keys, ["apiVersion", "kind", "metadata"]);
        assert_eq!(
            docs[1].root.span, whole.root.span,
            "the span still covers the document"
        );
        let tree = docs[1].evicted.clone().expect("evicted");
        assert!(tree.len() < text.len(), "{} bytes", tree.len());
        assert_eq!(compact::decode(&tree, &text), Some(whole.root));
    }

    #[test]
    fn claimed_kinds_and_lists_stay() {
        let text = big_crd();
        let mut docs = load(&text).documents;
        evict(&mut docs, &text, |k| k == "CustomResourceDefinition");
        assert_eq!(docs[0].evicted, None);
        let list = text.replace("kind: CustomResourceDefinition", "kind: ConfigMapList");
        let mut docs = load(&list).documents;
        evict(&mut docs, &list, |_| false);
        assert_eq!(docs[0].evicted, None);
    }
}
