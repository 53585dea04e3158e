//! Kubernetes resources out of loaded documents: documents without apiVersion and
//! kind are not resources (values files, kustomize inputs), and `kind: List` /
//! `*List` wrappers are unrolled so each item keeps its own locations. Rendered
//! resources remember what wrote them (`# Source:` from Helm, the
//! `config.kubernetes.io/origin` annotation from Kustomize).

use crate::evict::Tree;
use crate::finding::{PathSeg, ResourceRef};
use crate::rules_builtin::YAML_NOT_A_RESOURCE;
use crate::yaml::{Document, LoadIssue, Node, NodeKind, Span};
use std::borrow::Cow;
use std::sync::Arc;

pub use crate::finding::Generator;

/// Where a rendered resource came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub generator: Generator,
    /// As the generator wrote it: `mychart/templates/deployment.yaml` (Helm),
    /// `base/deployment.yaml` (Kustomize, relative to the kustomization root).
    pub template: Arc<str>,
}

/// One resource of the run. Its tree is the resource's own node (for a List
/// item, the item), so rule paths are relative to it and spans still index the
/// file. The tree is private: a large document's is evicted (`crate::evict`),
/// and the accessors say which part a reader gets, so no reader can take the
/// identity-only part for the whole resource.
#[derive(Debug, Clone)]
pub struct Resource {
    pub file: usize,
    /// The `---` chunk the resource came from.
    pub doc: usize,
    /// Byte offset where that chunk starts.
    pub doc_start: usize,
    /// For a List item, its path inside the List document (`items[3]`).
    pub prefix: Vec<PathSeg>,
    pub id: ResourceRef,
    pub origin: Option<Origin>,
    tree: Tree,
}

impl Resource {
    /// The whole tree, decoded when the document was evicted (a copy per
    /// call: a reader decodes once and keeps it). Borrowed otherwise.
    pub fn tree(&self) -> Cow<'_, Node> {
        self.tree.full()
    }

    /// The whole tree if it was kept as one, without decoding: `None` for an
    /// evicted document. Only for kinds that are never evicted (pod-bearing
    /// kinds, the inventory's whole kinds), where the caller must return
    /// references into the tree.
    pub fn as_whole(&self) -> Option<&Node> {
        self.tree.as_whole()
    }

    /// The resource's span in its file (the whole document's or List
    /// item's), whether or not its tree is evicted.
    pub fn span(&self) -> Span {
        self.tree.span()
    }

    /// `metadata`, which every resource keeps as a tree (labels, annotations).
    pub fn metadata(&self) -> Option<&Node> {
        self.tree.metadata()
    }

    pub fn is_evicted(&self) -> bool {
        self.tree.is_evicted()
    }
}

/// Extracts resources from a file's documents, in document order. `text` is the
/// file's text (for the `# Source:` comment before each document). Documents
/// that look meant as resources but are not ones Kubernetes would take (see
/// [`not_a_resource`]) yield a `yaml/not-a-resource` issue instead of being
/// skipped silently.
pub fn resources_of(
    file: usize,
    text: &str,
    documents: Vec<Document<Tree>>,
    issues: &mut Vec<LoadIssue>,
) -> Vec<Resource> {
    let mut out = Vec::new();
    for doc in documents {
        // Identity, origin and the `not a resource` checks read only what an
        // evicted document keeps.
        let kept = doc.root.kept_root();
        let Some(id) = identity(kept) else {
            issues.extend(not_a_resource(kept, false));
            continue;
        };
        let helm = helm_source(text, doc.start, kept.span);
        // Lists are never evicted (`crate::evict`).
        let list = doc
            .root
            .as_whole()
            .filter(|root| is_list(&id.kind) && list_items(root).is_some());
        if let Some(root) = list {
            // kubectl unpacks Lists, and Lists inside them (its
            // FlattenListVisitor), item by item; so does the loader. The stack
            // holds (List node, its path); depth is bounded by the loader's.
            let mut lists: Vec<(&Node, Vec<PathSeg>)> = vec![(root, Vec::new())];
            let mut found = Vec::new();
            while let Some((list, path)) = lists.pop() {
                for (i, item) in list_items(list).into_iter().flatten().enumerate() {
                    let mut prefix = path.clone();
                    prefix.extend([PathSeg::Key("items".into()), PathSeg::Index(i)]);
                    match identity(item) {
                        Some(item_id) if is_list(&item_id.kind) && list_items(item).is_some() => {
                            lists.push((item, prefix));
                        }
                        Some(item_id) => found.push((prefix, item_id, item)),
                        None => issues.extend(not_a_resource(item, true)),
                    }
                }
            }
            found.sort_by(|a, b| a.0.cmp(&b.0));
            for (prefix, item_id, item) in found {
                out.push(Resource {
                    file,
                    doc: doc.index,
                    doc_start: doc.start,
                    prefix,
                    id: item_id,
                    origin: kustomize_origin(item).or_else(|| helm.clone()),
                    tree: Tree::whole(item.clone()),
                });
            }
            continue;
        }
        let origin = kustomize_origin(kept).or(helm);
        out.push(Resource {
            file,
            doc: doc.index,
            doc_start: doc.start,
            prefix: Vec::new(),
            id,
            origin,
            tree: doc.root,
        });
    }
    out
}

/// Why a document (or a List item) that is not a resource still deserves a
/// word: it was plainly meant as one, and kubectl would refuse it, so linting
/// nothing there would pass a file the cluster never accepts. Documents that
/// are not Kubernetes objects at all (CI workflows, Ansible playbooks, values
/// files: no `apiVersion`/`kind`) are left alone.
fn not_a_resource(root: &Node, in_list: bool) -> Option<LoadIssue> {
    match &root.kind {
        // `[{"apiVersion": ..., "kind": ...}, ...]`: a JSON array of manifests.
        NodeKind::Seq(items) if items.iter().any(|i| identity(i).is_some()) => Some(LoadIssue {
            rule: YAML_NOT_A_RESOURCE,
            message: "a sequence of resources is not a resource: kubectl rejects it and \
                      none of its items is linted; wrap them in `kind: List` with `items:` \
                      or write one document per resource"
                .into(),
            span: root.span,
        }),
        NodeKind::Map(_) => {
            let api_version = root.get("apiVersion");
            let kind = root.get("kind");
            let bad = |n: Option<&Node>| n.is_some_and(|n| n.as_str().is_none_or(str::is_empty));
            let (field, node) = if bad(kind) {
                ("kind", kind)
            } else if bad(api_version) && kind.is_some() {
                ("apiVersion", api_version)
            } else if in_list {
                // An item of a List without identity: kubectl refuses the List.
                return Some(LoadIssue {
                    rule: YAML_NOT_A_RESOURCE,
                    message: "this List item has no apiVersion and kind: kubectl rejects the \
                              List, and the item is not linted"
                        .into(),
                    span: root.span,
                });
            } else {
                return None;
            };
            let node = node?;
            Some(LoadIssue {
                rule: YAML_NOT_A_RESOURCE,
                message: format!(
                    "`{field}` must be a non-empty string; Kubernetes rejects this object, \
                     and it is not linted"
                ),
                span: node.span,
            })
        }
        _ => None,
    }
}

/// Helm writes `# Source: <chart>/templates/<file>` as the first line of every
/// document it renders (after the `---`); only comments may precede it. The
/// document's chunk starts at `start` and its root spans `root`.
fn helm_source(text: &str, start: usize, root: Span) -> Option<Origin> {
    let head = text.get(start..root.start)?;
    head.lines()
        .map(str::trim)
        .take_while(|l| l.is_empty() || l.starts_with('#') || *l == "---")
        .find_map(|l| l.strip_prefix("# Source:"))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| Origin {
            generator: Generator::Helm,
            template: Arc::from(t),
        })
}

/// Kustomize's `buildMetadata: [originAnnotations]` adds
/// `config.kubernetes.io/origin`, itself a small YAML document:
/// `path: base/deployment.yaml` for a resource read from a file, or
/// `configuredIn: kustomization.yaml` for a generated one.
fn kustomize_origin(root: &Node) -> Option<Origin> {
    let text = root
        .get("metadata")?
        .get("annotations")?
        .get("config.kubernetes.io/origin")?
        .as_str()?;
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let v = l.trim().strip_prefix(name)?.strip_prefix(':')?.trim();
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            (!v.is_empty()).then(|| v.to_string())
        })
    };
    let path = field("path").or_else(|| field("configuredIn"))?;
    Some(Origin {
        generator: Generator::Kustomize,
        template: Arc::from(path.as_str()),
    })
}

/// Kinds that live outside namespaces, from the table the Rego rules read too
/// (`rules/data/cluster_scoped_kinds.json`, `data.kubeward.tables`), so Rust
/// and Rego agree on what "namespaced" means.
pub fn is_cluster_scoped(kind: &str) -> bool {
    static KINDS: std::sync::OnceLock<std::collections::BTreeMap<String, String>> =
        std::sync::OnceLock::new();
    KINDS
        .get_or_init(|| {
            serde_json::from_str(include_str!("../rules/data/cluster_scoped_kinds.json"))
                .unwrap_or_default()
        })
        .contains_key(kind)
}

/// kubectl treats any kind ending in `List` that carries `items` as a list
/// (`List`, `PodList`, `ConfigMapList`, ...).
fn is_list(kind: &str) -> bool {
    kind.ends_with("List")
}

/// The `items` of a List, when it has a sequence of them.
fn list_items(list: &Node) -> Option<&[Node]> {
    match &list.get("items")?.kind {
        NodeKind::Seq(items) => Some(items),
        _ => None,
    }
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

    /// A file's documents as the run holds them before eviction.
    fn trees(text: &str) -> Vec<Document<Tree>> {
        crate::evict::whole(load(text).documents)
    }

    /// An evicted document's resource keeps its identity, metadata, origin
    /// and span, and gives its whole tree only decoded.
    #[test]
    fn evicted_documents_become_resources_read_whole_through_tree() {
        let mut text = String::from(
            "# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  labels: {team: a}\ndata:\n",
        );
        for i in 0..1_000 {
            text.push_str(&format!("  key_{i}: value {i}\n"));
        }
        text.push_str("  deep: here\n");
        let text: Arc<str> = text.into();
        let whole = load(&text).documents[0].root.clone();
        let mut docs = trees(&text);
        crate::evict::evict(&mut docs, &text, |_| false);
        let res = resources_of(0, &text, docs, &mut Vec::new());
        let [r] = res.as_slice() else {
            panic!("one resource: {res:?}")
        };
        assert!(r.is_evicted());
        assert_eq!(r.id.name.as_deref(), Some("big"));
        assert_eq!(
            r.origin.as_ref().map(|o| o.template.as_ref()),
            Some("app/templates/cm.yaml")
        );
        assert_eq!(r.span(), whole.span);
        assert_eq!(r.metadata(), whole.get("metadata"));
        assert_eq!(r.as_whole(), None);
        let tree = r.tree();
        assert_eq!(tree.as_ref(), &whole);
        let deep = tree.get("data").and_then(|d| d.get("deep"));
        assert_eq!(deep.and_then(Node::as_str), Some("here"));
    }

    #[test]
    fn unrolls_lists_and_skips_non_resources() {
        let text = "replicas: 3\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b, namespace: x}\n";
        let res = resources_of(0, text, trees(text), &mut Vec::new());
        assert_eq!(res.len(), 2);
        assert_eq!(res[0].id.kind, "Pod");
        assert_eq!(res[0].id.name.as_deref(), Some("a"));
        assert_eq!(res[1].id.namespace.as_deref(), Some("x"));
        assert_eq!(
            res[1].prefix,
            vec![PathSeg::Key("items".into()), PathSeg::Index(1)]
        );
        assert!(text[res[1].span().start..].starts_with("apiVersion: v1\n  kind: Service"));
        assert!(res[0].origin.is_none());
    }

    #[test]
    fn the_cluster_scoped_table_loads() {
        assert!(is_cluster_scoped("ClusterRole"));
        assert!(is_cluster_scoped("Namespace"));
        assert!(!is_cluster_scoped("Deployment"));
    }

    #[test]
    fn attributes_helm_and_kustomize_sources() {
        let text = "---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n# Source: app/charts/db/templates/sts.yaml\n# more\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    config.kubernetes.io/origin: |\n      path: base/cm.yaml\n";
        let res = resources_of(0, text, trees(text), &mut Vec::new());
        let got: Vec<_> = res
            .iter()
            .map(|r| {
                r.origin
                    .as_ref()
                    .map(|o| (o.generator, o.template.to_string()))
            })
            .collect();
        assert_eq!(
            got,
            vec![
                Some((Generator::Helm, "app/templates/svc.yaml".into())),
                Some((Generator::Helm, "app/charts/db/templates/sts.yaml".into())),
                Some((Generator::Kustomize, "base/cm.yaml".into())),
            ]
        );
    }
}
