//! The release namespace of a chart rendered without `--namespace`.
//!
//! `helm template` without `--namespace` renders `.Release.Namespace` as
//! `default`, and a template that writes `namespace: {{ .Release.Namespace }}`
//! would then put every resource in the default namespace, for namespace rules
//! to report (`metadata/default-namespace`), although the chart will be installed
//! wherever `helm install -n` says. So kubeward renders such charts with a
//! sentinel namespace, [`UNKNOWN`], and afterwards treats it as unknown: a
//! resource whose `metadata.namespace` is the sentinel is linted exactly like a
//! manifest that sets no namespace (the key is dropped from its tree), and the
//! sentinel is never shown: the rendered text and every message and resource
//! name show [`SHOWN`] instead (same length, so offsets stay valid).
//!
//! The sentinel is a valid DNS label, so charts that check
//! `.Release.Namespace` (length, pattern) still render.

use crate::evict::Tree;
use crate::yaml::{Document, Node, NodeKind};
use std::borrow::Cow;

/// The namespace charts are rendered in when the release namespace is unknown.
pub const UNKNOWN: &str = "kubeward-unknown-ns";

/// How [`UNKNOWN`] is shown: in rendered text, messages and resource names.
/// Exactly as long as [`UNKNOWN`], so spans into rendered text stay valid.
pub const SHOWN: &str = "<release-namespace>";

const _: () = assert!(UNKNOWN.len() == SHOWN.len());

/// `text` with the sentinel shown as [`SHOWN`] (borrowed when it has none).
pub fn mask(text: &str) -> Cow<'_, str> {
    if text.contains(UNKNOWN) {
        Cow::Owned(text.replace(UNKNOWN, SHOWN))
    } else {
        Cow::Borrowed(text)
    }
}

/// A finding about a chart rendered in the [`UNKNOWN`] namespace, with the
/// sentinel shown as [`SHOWN`] in its message and resource.
pub fn mask_finding(f: &mut crate::finding::Finding) {
    if let Cow::Owned(m) = mask(&f.message) {
        f.message = m;
    }
    if let Some(r) = &mut f.resource {
        for field in [&mut r.name, &mut r.namespace].into_iter().flatten() {
            if let Cow::Owned(m) = mask(field) {
                *field = m;
            }
        }
    }
}

/// Rewrites documents rendered in the [`UNKNOWN`] namespace so their namespace
/// is unknown: `metadata.namespace` set to the sentinel is removed, in every
/// resource and every item of a `*List`. Rendered documents are never
/// evicted, so every tree here is whole (an evicted one would be left as is).
pub fn forget(documents: &mut [Document<Tree>]) {
    for root in documents.iter_mut().filter_map(|d| d.root.as_whole_mut()) {
        forget_in(root, 0);
    }
}

/// Lists inside Lists are unpacked by kubectl; the loader bounds their depth.
fn forget_in(root: &mut Node, depth: usize) {
    if depth > 64 {
        return;
    }
    let NodeKind::Map(entries) = &mut root.kind else {
        return;
    };
    let is_list = entries
        .iter()
        .any(|e| e.key == "kind" && e.value.as_str().is_some_and(|k| k.ends_with("List")));
    for e in entries.iter_mut() {
        match e.key.as_str() {
            "metadata" => {
                if let NodeKind::Map(meta) = &mut e.value.kind {
                    meta.retain(|m| !(m.key == "namespace" && m.value.as_str() == Some(UNKNOWN)));
                }
            }
            "items" if is_list => {
                if let NodeKind::Seq(items) = &mut e.value.kind {
                    for item in items {
                        forget_in(item, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentinel_namespace_is_dropped_and_never_shown() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: {UNKNOWN}\ndata:\n  url: http://db.{UNKNOWN}.svc\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {{name: b, namespace: \"{UNKNOWN}\"}}\n- apiVersion: v1\n  kind: Service\n  metadata: {{name: c, namespace: other}}\n"
        );
        let mut docs: Vec<Document<Tree>> = crate::evict::whole(crate::yaml::load(&text).documents);
        forget(&mut docs);
        let docs: Vec<Node> = docs
            .iter()
            .filter_map(|d| d.root.as_whole().cloned())
            .collect();
        let meta = |n: &Node| n.get("metadata").and_then(|m| m.get("namespace")).cloned();
        assert_eq!(meta(&docs[0]), None);
        // Only metadata.namespace is the namespace; other text keeps the value.
        assert_eq!(
            docs[0]
                .get("data")
                .and_then(|d| d.get("url"))
                .and_then(Node::as_str),
            Some(format!("http://db.{UNKNOWN}.svc").as_str())
        );
        let NodeKind::Seq(items) = &docs[1].get("items").expect("items").kind else {
            panic!("items is a sequence")
        };
        assert_eq!(meta(&items[0]), None);
        assert_eq!(
            meta(&items[1]).as_ref().and_then(Node::as_str),
            Some("other")
        );
        let shown = mask(&text);
        assert!(!shown.contains(UNKNOWN));
        assert_eq!(shown.len(), text.len());
        assert!(matches!(mask("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_sentinel_is_a_dns_label() {
        assert!(UNKNOWN.len() <= 63);
        assert!(UNKNOWN
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert!(!UNKNOWN.starts_with('-') && !UNKNOWN.ends_with('-'));
    }
}
