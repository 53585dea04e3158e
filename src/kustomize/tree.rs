//! The output tree of a build: the YAML value of a resource where every key and
//! every value carries its authored [`Origin`] (a file of the build and a byte
//! span in it).
//!
//! Why a tree of its own and not `yaml::Node`: a built resource mixes text from
//! several files (the base, a patch, the kustomization), and a `yaml::Node`'s
//! spans index one file. Here each node names its file. The rules that keep the
//! origins right are simple and local:
//! - a node copied from an input keeps the input's origin (file, span);
//! - a node a transformer creates or replaces takes the origin of what caused it
//!   (the patch's node, the kustomization field such as `namespace:` or the
//!   `images[]` entry);
//! - a map entry has a key origin as well: an entry a patch adds points at the
//!   patch's key, an entry merged from a patch into the base keeps the base key
//!   (the value says who set it).

use crate::yaml::{self, Scalar, Span};

/// Index of a file in [`super::Build::files`].
pub type FileIdx = u32;

/// Where a node of the output was written: a file of the build and a byte range
/// in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Origin {
    pub file: FileIdx,
    pub span: Span,
}

impl Origin {
    pub fn new(file: FileIdx, span: Span) -> Origin {
        Origin { file, span }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    /// Unique keys, in the order they were first set.
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_origin: Origin,
    pub value: Node,
}

impl Node {
    pub fn scalar(s: Scalar, origin: Origin) -> Node {
        Node {
            value: Value::Scalar(s),
            origin,
        }
    }

    pub fn string(s: impl Into<String>, origin: Origin) -> Node {
        Node::scalar(Scalar::Str(s.into()), origin)
    }

    pub fn map(origin: Origin) -> Node {
        Node {
            value: Value::Map(Vec::new()),
            origin,
        }
    }

    pub fn seq(items: Vec<Node>, origin: Origin) -> Node {
        Node {
            value: Value::Seq(items),
            origin,
        }
    }

    /// A loaded YAML node of file `file`, every span kept.
    pub fn from_yaml(node: &yaml::Node, file: FileIdx) -> Node {
        Node::from_yaml_mapped(node, file, &|s| s)
    }

    /// A loaded YAML node whose spans index text embedded in `file` (an inline
    /// patch): `map` turns them into spans of `file`.
    pub fn from_yaml_mapped(node: &yaml::Node, file: FileIdx, map: &dyn Fn(Span) -> Span) -> Node {
        let origin = Origin::new(file, map(node.span));
        let value = match &node.kind {
            yaml::NodeKind::Scalar(s) => Value::Scalar(s.clone()),
            yaml::NodeKind::Seq(items) => Value::Seq(
                items
                    .iter()
                    .map(|i| Node::from_yaml_mapped(i, file, map))
                    .collect(),
            ),
            yaml::NodeKind::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|e| Entry {
                        key: e.key.clone(),
                        key_origin: Origin::new(file, map(e.key_span)),
                        value: Node::from_yaml_mapped(&e.value, file, map),
                    })
                    .collect(),
            ),
        };
        Node { value, origin }
    }

    /// The same tree with every origin replaced (a generated resource that is
    /// wholly attributed to one kustomization field).
    pub fn with_origin_everywhere(mut self, origin: Origin) -> Node {
        self.set_origin_everywhere(origin);
        self
    }

    fn set_origin_everywhere(&mut self, origin: Origin) {
        self.origin = origin;
        match &mut self.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items
                .iter_mut()
                .for_each(|i| i.set_origin_everywhere(origin)),
            Value::Map(entries) => {
                for e in entries {
                    e.key_origin = origin;
                    e.value.set_origin_everywhere(origin);
                }
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Scalar(Scalar::Null))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The text of scalar field `key` ([`Node::scalar_text`]), empty when it is absent or
    /// not a scalar: how kustomize reads the string fields of its own entries.
    pub fn text_at(&self, key: &str) -> String {
        self.get(key)
            .and_then(Node::scalar_text)
            .unwrap_or_default()
    }

    /// A scalar as kustomize's kyaml reads it: the text, whatever its type.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Scalar(s) => Some(scalar_text(s)),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(i) => Some(i),
            _ => None,
        }
    }

    pub fn items_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.value {
            Value::Seq(i) => Some(i),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, Value::Seq(_))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|e| e.key == key)
                .map(|e| &mut e.value),
            _ => None,
        }
    }

    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |n, k| n.get(k))
    }

    pub fn get_path_mut(&mut self, path: &[&str]) -> Option<&mut Node> {
        let mut n = self;
        for k in path {
            n = n.get_mut(k)?;
        }
        Some(n)
    }

    /// A string field (`metadata.name`, `kind`): only a string scalar counts.
    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.get_path(path).and_then(Node::as_str)
    }

    /// Sets `key` to `value`: an existing entry keeps its place and its key
    /// origin, a new one is appended with `key_origin`. No-op on a non-map.
    pub fn set(&mut self, key: &str, value: Node, key_origin: Origin) {
        if let Value::Map(entries) = &mut self.value {
            match entries.iter_mut().find(|e| e.key == key) {
                Some(e) => e.value = value,
                None => entries.push(Entry {
                    key: key.to_string(),
                    key_origin,
                    value,
                }),
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        match &mut self.value {
            Value::Map(entries) => {
                let i = entries.iter().position(|e| e.key == key)?;
                Some(entries.remove(i).value)
            }
            _ => None,
        }
    }

    /// The map at `key`, created (with `origin`) when missing or null; `None`
    /// when `self` is not a map or the value is not a map.
    pub fn ensure_map(&mut self, key: &str, origin: Origin) -> Option<&mut Node> {
        let Value::Map(entries) = &mut self.value else {
            return None;
        };
        let i = match entries.iter().position(|e| e.key == key) {
            Some(i) => {
                if entries[i].value.is_null() {
                    entries[i].value = Node::map(origin);
                }
                i
            }
            None => {
                entries.push(Entry {
                    key: key.to_string(),
                    key_origin: origin,
                    value: Node::map(origin),
                });
                entries.len() - 1
            }
        };
        let v = &mut entries[i].value;
        v.is_map().then_some(v)
    }

    /// Depth of the deepest node (1 for a scalar), counted without recursion.
    pub fn depth(&self) -> usize {
        let mut max = 0;
        let mut stack = vec![(self, 1usize)];
        while let Some((n, d)) = stack.pop() {
            max = max.max(d);
            match &n.value {
                Value::Scalar(_) => {}
                Value::Seq(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Value::Map(entries) => stack.extend(entries.iter().map(|e| (&e.value, d + 1))),
            }
        }
        max
    }

    /// The origin a finding at `path` is reported at, by the rules of the
    /// linter's locations (DESIGN.md §4): the deepest node that exists along the
    /// path; a map entry points at its key, a sequence item at the item, the
    /// empty path at the resource's `kind:` key.
    pub fn origin_at(&self, path: &[PathSeg]) -> Origin {
        if path.is_empty() {
            return self.entry("kind").map_or(self.origin, |e| e.key_origin);
        }
        let mut node = self;
        let mut at = self.origin;
        for seg in path {
            match (seg, &node.value) {
                (PathSeg::Key(k), Value::Map(entries)) => {
                    match entries.iter().find(|e| &e.key == k) {
                        Some(e) => {
                            at = e.key_origin;
                            node = &e.value;
                        }
                        None => break,
                    }
                }
                (PathSeg::Index(i), Value::Seq(items)) => match items.get(*i) {
                    Some(item) => {
                        at = item.origin;
                        node = item;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        at
    }

    /// The JSON value of the tree (what `kustomize build` output decodes to).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Scalar(s) => scalar_json(s),
            Value::Seq(items) => {
                serde_json::Value::Array(items.iter().map(Node::to_json).collect())
            }
            Value::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Every origin in the tree, keys included (tests and the provenance view).
    pub fn visit(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match &self.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => items.iter().for_each(|i| i.visit(f)),
            Value::Map(entries) => entries.iter().for_each(|e| e.value.visit(f)),
        }
    }
}

/// One step of a path into a resource: a map key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// The text of a scalar the way kustomize compares and rewrites values: it
/// works on the YAML text, so `replicas: 3` is "3" and `true` is "true".
pub fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Null => String::new(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::UInt(u) => u.to_string(),
        Scalar::Float(f) => {
            serde_json::Number::from_f64(*f).map_or_else(|| f.to_string(), |n| n.to_string())
        }
        Scalar::Str(s) => s.clone(),
    }
}

fn scalar_json(s: &Scalar) -> serde_json::Value {
    use serde_json::Value as J;
    match s {
        Scalar::Null => J::Null,
        Scalar::Bool(b) => J::Bool(*b),
        Scalar::Int(i) => J::Number((*i).into()),
        Scalar::UInt(u) => J::Number((*u).into()),
        Scalar::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                // Kubernetes reads an integral float back as an integer.
                #[allow(clippy::cast_possible_truncation)]
                J::Number((*f as i64).into())
            } else {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
        }
        Scalar::Str(s) => J::String(s.clone()),
    }
}
