//! Kubernetes resources out of loaded documents: documents without apiVersion and
//! kind are not resources (values files, kustomize inputs), and `kind: List` /
//! `*List` wrappers are unrolled so each item keeps its own locations.

use crate::finding::{PathSeg, ResourceRef};
use crate::yaml::{Document, Node, NodeKind};

/// One resource of the run. `root` is the resource's own node (for a List item,
/// the item), so rule paths are relative to it and spans still index the file.
#[derive(Debug, Clone)]
pub struct Resource {
    pub file: usize,
    /// The `---` chunk the resource came from.
    pub doc: usize,
    /// For a List item, its path inside the List document (`items[3]`).
    pub prefix: Vec<PathSeg>,
    pub id: ResourceRef,
    pub root: Node,
}

/// Extracts resources from a file's documents, in document order.
pub fn resources_of(file: usize, documents: Vec<Document>) -> Vec<Resource> {
    let mut out = Vec::new();
    for doc in documents {
        let Some(id) = identity(&doc.root) else {
            continue;
        };
        if is_list(&id.kind) {
            if let Some(Node {
                kind: NodeKind::Seq(items),
                ..
            }) = doc.root.get("items")
            {
                for (i, item) in items.iter().enumerate() {
                    if let Some(item_id) = identity(item) {
                        out.push(Resource {
                            file,
                            doc: doc.index,
                            prefix: vec![PathSeg::Key("items".into()), PathSeg::Index(i)],
                            id: item_id,
                            root: item.clone(),
                        });
                    }
                }
                continue;
            }
        }
        out.push(Resource {
            file,
            doc: doc.index,
            prefix: Vec::new(),
            id,
            root: doc.root,
        });
    }
    out
}

/// kubectl treats any kind ending in `List` that carries `items` as a list
/// (`List`, `PodList`, `ConfigMapList`, ...).
fn is_list(kind: &str) -> bool {
    kind.ends_with("List")
}

fn identity(root: &Node) -> Option<ResourceRef> {
    let api_version = root.get("apiVersion")?.as_str()?.to_string();
    let kind = root.get("kind")?.as_str()?.to_string();
    if api_version.is_empty() || kind.is_empty() {
        return None;
    }
    let meta = root.get("metadata");
    let text = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(|n| n.as_str())
            .map(str::to_string)
    };
    Some(ResourceRef {
        api_version,
        kind,
        name: text("name").or_else(|| text("generateName")),
        namespace: text("namespace"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    #[test]
    fn unrolls_lists_and_skips_non_resources() {
        let text = "replicas: 3\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b, namespace: x}\n";
        let res = resources_of(0, load(text).documents);
        assert_eq!(res.len(), 2);
        assert_eq!(res[0].id.kind, "Pod");
        assert_eq!(res[0].id.name.as_deref(), Some("a"));
        assert_eq!(res[1].id.namespace.as_deref(), Some("x"));
        assert_eq!(
            res[1].prefix,
            vec![PathSeg::Key("items".into()), PathSeg::Index(1)]
        );
        assert!(text[res[1].root.span.start..].starts_with("apiVersion: v1\n  kind: Service"));
    }
}
