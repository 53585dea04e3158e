//! A resource during a build and the ordered set of them (kustomize's
//! `Resource` and `ResMap`). Besides the tree, a resource keeps what kustomize
//! records in its internal build annotations: the ids it had before a prefix,
//! suffix, namespace or hash renamed it (name references are fixed against
//! them at the end), the prefixes and suffixes it received (to pick among
//! several referral candidates), and a generator's behavior and hash request.

use super::resid::{effective_namespace, Gvk, ResId};
use super::tree::{FileIdx, Node, Origin};
use crate::yaml::Scalar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Behavior {
    #[default]
    Create,
    Merge,
    Replace,
}

/// An earlier identity: kind, name and the *effective* namespace it had
/// (kustomize stores `default` for none); group and version are the current ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrevId {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Res {
    pub node: Node,
    pub prev: Vec<PrevId>,
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    pub behavior: Behavior,
    pub needs_hash: bool,
    /// The kustomization files the resource passed through, innermost first.
    pub chain: Vec<FileIdx>,
    /// The vars whose value this resource holds.
    pub ref_vars: Vec<String>,
}

impl Res {
    pub fn new(node: Node) -> Res {
        Res {
            node,
            prev: Vec::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            behavior: Behavior::Create,
            needs_hash: false,
            chain: Vec::new(),
            ref_vars: Vec::new(),
        }
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::new(self.api_version(), self.kind())
    }

    pub fn api_version(&self) -> &str {
        self.node.str_at(&["apiVersion"]).unwrap_or_default()
    }

    pub fn kind(&self) -> &str {
        self.node.str_at(&["kind"]).unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.node.str_at(&["metadata", "name"]).unwrap_or_default()
    }

    pub fn namespace(&self) -> &str {
        self.node
            .str_at(&["metadata", "namespace"])
            .unwrap_or_default()
    }

    pub fn cur_id(&self) -> ResId {
        ResId {
            gvk: self.gvk(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// Every earlier id, oldest first (not the current one).
    pub fn prev_ids(&self) -> Vec<ResId> {
        let gvk = self.gvk();
        self.prev
            .iter()
            .map(|p| ResId {
                gvk: Gvk {
                    kind: p.kind.clone(),
                    ..gvk.clone()
                },
                name: p.name.clone(),
                namespace: p.namespace.clone(),
            })
            .collect()
    }

    /// The id the resource was written with.
    pub fn org_id(&self) -> ResId {
        self.prev_ids()
            .into_iter()
            .next()
            .unwrap_or_else(|| self.cur_id())
    }

    /// Whether any id it ever had (current included) satisfies `f`.
    pub fn any_id(&self, f: &dyn Fn(&ResId) -> bool) -> bool {
        f(&self.cur_id()) || self.prev_ids().iter().any(f)
    }

    pub fn store_previous_id(&mut self) {
        let gvk = self.gvk();
        self.prev.push(PrevId {
            kind: gvk.kind.clone(),
            name: self.name().to_string(),
            namespace: effective_namespace(&gvk, self.namespace()).to_string(),
        });
    }

    fn metadata(&mut self, origin: Origin) -> Option<&mut Node> {
        self.node.ensure_map("metadata", origin)
    }

    /// Sets `metadata.name`, keeping the key where it was written.
    pub fn set_name(&mut self, name: String, origin: Origin) {
        if let Some(m) = self.metadata(origin) {
            m.set("name", Node::string(name, origin), origin);
        }
    }

    pub fn set_namespace(&mut self, ns: String, origin: Origin) {
        if let Some(m) = self.metadata(origin) {
            m.set("namespace", Node::string(ns, origin), origin);
        }
    }

    /// The `metadata.labels` or `metadata.annotations` map as pairs.
    pub fn string_map(&self, field: &str) -> Vec<(String, String)> {
        self.node
            .get_path(&["metadata", field])
            .and_then(Node::entries)
            .map(|es| {
                es.iter()
                    .map(|e| (e.key.clone(), e.value.scalar_text().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `config.kubernetes.io/local-config: "true"`: kustomize drops it from
    /// the output.
    pub fn is_local_config(&self) -> bool {
        self.node
            .get_path(&[
                "metadata",
                "annotations",
                "config.kubernetes.io/local-config",
            ])
            .and_then(Node::scalar_text)
            .is_some_and(|v| v != "false")
    }

    pub fn is_empty(&self) -> bool {
        match self.node.entries() {
            Some(e) => e.is_empty(),
            None => matches!(self.node.value, super::tree::Value::Scalar(Scalar::Null)),
        }
    }
}

/// Resources in the order they were added; ids are unique.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResMap {
    pub list: Vec<Res>,
}

impl ResMap {
    /// Appends `res`; refused (with kustomize's message) when a resource with
    /// the same current id is already there. The refused resource comes back so
    /// the caller can locate the problem at it; a conflict is rare, so the large
    /// error is not boxed.
    #[allow(clippy::result_large_err)]
    pub fn append(&mut self, res: Res) -> Result<(), (Res, String)> {
        let id = res.cur_id();
        if self.list.iter().any(|r| r.cur_id().same(&id)) {
            let msg = format!(
                "may not add resource with an already registered id: {}",
                id.display()
            );
            return Err((res, msg));
        }
        self.list.push(res);
        Ok(())
    }

    /// Indexes of the resources any of whose ids (earlier ones included)
    /// satisfies `f`.
    pub fn matching_any_id(&self, f: &dyn Fn(&ResId) -> bool) -> Vec<usize> {
        (0..self.list.len())
            .filter(|&i| !self.list[i].is_empty() && self.list[i].any_id(f))
            .collect()
    }
}
