//! Strategic merge patches, as kustomize applies them (kyaml's `merge2`
//! walker, which differs from the API server's strategic merge in places
//! that show in the output):
//! - maps merge key by key; a patch value `null` deletes the key;
//! - a list merges by its merge keys when the kind's schema says so
//!   ([`super::merge_keys`]), the patch's items first, then the target's
//!   other items in their order; any other list is replaced whole (custom
//!   resources have no schema: all their lists are replaced);
//! - `$patch: delete` deletes the map or item it is in, `$patch: replace`
//!   replaces the map instead of merging it, a `- $patch: replace` (or
//!   `delete`) item does the same to its list; other `$` directives are not
//!   understood by kustomize and are copied like any field.
//!
//! Provenance follows the data: what the target had keeps its origin, what
//! the patch brings keeps the patch's.

use super::merge_keys::{list_merge, ListMerge, Schema, Schemas};
use super::tree::{scalar_text, Node, Value};
use crate::yaml::Scalar;

const DIRECTIVE: &str = "$patch";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    Merge,
    Replace,
    Delete,
}

fn map_directive(n: &Node) -> Result<Directive, String> {
    match n.get(DIRECTIVE) {
        None => Ok(Directive::Merge),
        Some(v) => parse_directive(&v.scalar_text().unwrap_or_default()),
    }
}

fn parse_directive(v: &str) -> Result<Directive, String> {
    match v {
        "merge" => Ok(Directive::Merge),
        "replace" => Ok(Directive::Replace),
        "delete" => Ok(Directive::Delete),
        other => Err(format!("unknown patch strategy '{other}'")),
    }
}

/// A list's `- $patch: x` item: its directive and position.
fn seq_directive(items: &[Node]) -> Result<Option<(usize, Directive)>, String> {
    for (i, item) in items.iter().enumerate() {
        if let Some(entries) = item.entries() {
            if entries.len() == 1 && entries[0].key == DIRECTIVE {
                let v = entries[0].value.scalar_text().unwrap_or_default();
                return parse_directive(&v).map(|d| Some((i, d)));
            }
        }
    }
    Ok(None)
}

fn without_directive_key(n: &Node) -> Node {
    let mut n = n.clone();
    n.remove(DIRECTIVE);
    n
}

fn kind_name(n: &Node) -> &'static str {
    match n.value {
        Value::Scalar(_) => "scalar",
        Value::Seq(_) => "sequence",
        Value::Map(_) => "mapping",
    }
}

pub(crate) struct Merger<'a> {
    pub schemas: &'a Schemas,
}

impl Merger<'_> {
    /// `patch` merged into `dest` (`schema` describes both); `None` when the
    /// result is deleted.
    pub fn merge(
        &self,
        dest: Option<Node>,
        patch: Option<&Node>,
        schema: Option<Schema>,
    ) -> Result<Option<Node>, String> {
        if patch.is_none() {
            return Ok(dest.and_then(|d| self.untouched(d, schema)));
        }
        let dest = dest.filter(|d| !d.is_null());
        let patch_null = patch.is_some_and(Node::is_null);
        let patch = patch.filter(|p| !p.is_null());
        let Some(dest) = dest else {
            // Nothing to merge into: the patch's value, its directives applied.
            return match patch {
                Some(p) => self.clean(p, schema),
                None => Ok(None),
            };
        };
        if patch_null {
            return Ok(None);
        }
        let Some(patch) = patch else {
            return Ok(Some(dest));
        };
        if std::mem::discriminant(&dest.value) != std::mem::discriminant(&patch.value) {
            return Err(format!(
                "the patch has a {} where the target has a {}",
                kind_name(patch),
                kind_name(&dest)
            ));
        }
        match dest.value {
            // A value the patch repeats unchanged (a merge key, the name
            // that identifies the target) stays attributed to the target.
            Value::Scalar(_) if dest.value == patch.value => Ok(Some(dest)),
            Value::Scalar(_) => Ok(Some(patch.clone())),
            Value::Map(_) => self.merge_map(dest, patch, schema),
            Value::Seq(_) => self.merge_seq(dest, patch, schema),
        }
    }

    fn merge_map(
        &self,
        mut dest: Node,
        patch: &Node,
        schema: Option<Schema>,
    ) -> Result<Option<Node>, String> {
        match map_directive(patch)? {
            Directive::Delete => return Ok(None),
            Directive::Replace => return self.clean(&without_directive_key(patch), schema),
            Directive::Merge => {}
        }
        let Value::Map(entries) = &mut dest.value else {
            return Ok(Some(dest));
        };
        let field_schema = |k: &str| schema.and_then(|s| self.schemas.field(s, k));
        let mut remove = Vec::new();
        for (i, e) in entries.iter_mut().enumerate() {
            let p = patch.get(&e.key);
            let placeholder = Node::scalar(Scalar::Null, e.value.origin);
            let old = std::mem::replace(&mut e.value, placeholder);
            match self.merge(Some(old), p, field_schema(&e.key))? {
                Some(v) => e.value = v,
                None => remove.push(i),
            }
        }
        for i in remove.into_iter().rev() {
            entries.remove(i);
        }
        for pe in patch.entries().unwrap_or_default() {
            if pe.key == DIRECTIVE || dest.get(&pe.key).is_some() {
                continue;
            }
            if let Some(v) = self.clean(&pe.value, field_schema(&pe.key))? {
                if !v.is_null() {
                    dest.set(&pe.key, v, pe.key_origin);
                }
            }
        }
        Ok(Some(dest))
    }

    fn merge_seq(
        &self,
        mut dest: Node,
        patch: &Node,
        schema: Option<Schema>,
    ) -> Result<Option<Node>, String> {
        let how = list_merge(schema);
        if how == ListMerge::Replace {
            return Ok(Some(patch.clone()));
        }
        let mut patch_items: Vec<Node> = patch.items().unwrap_or_default().to_vec();
        if let Some((i, d)) = seq_directive(&patch_items)? {
            patch_items.remove(i);
            match d {
                Directive::Delete => return Ok(None),
                Directive::Replace => {
                    let p = Node::seq(patch_items, patch.origin);
                    return self.clean(&p, schema);
                }
                Directive::Merge => {}
            }
        }
        let items_schema = schema.and_then(|s| self.schemas.items(s));
        let dest_items = std::mem::take(dest.items_mut().unwrap_or(&mut Vec::new()));
        let merged = match how {
            ListMerge::Keys(keys) => {
                self.merge_keyed(dest_items, patch_items, &keys, items_schema)?
            }
            _ => merge_primitive(dest_items, patch_items),
        };
        if let Some(items) = dest.items_mut() {
            *items = merged;
        }
        Ok(Some(dest))
    }

    /// Items grouped by their merge keys (an empty key matches any value, as
    /// kustomize's multi-key lists do: a port with and one without
    /// `protocol` are one port); the patch's groups first.
    fn merge_keyed(
        &self,
        dest: Vec<Node>,
        patch: Vec<Node>,
        keys: &[String],
        schema: Option<Schema>,
    ) -> Result<Vec<Node>, String> {
        struct Group {
            values: Vec<String>,
            dest: Option<Node>,
            patch: Option<Node>,
        }
        let values_of = |n: &Node| -> Vec<String> { keys.iter().map(|k| n.text_at(k)).collect() };
        let matches = |a: &[String], b: &[String]| {
            let mut common = false;
            for (x, y) in a.iter().zip(b) {
                if x == y {
                    common |= !x.is_empty();
                } else if !x.is_empty() && !y.is_empty() {
                    return false;
                }
            }
            common
        };
        let mut groups: Vec<Group> = Vec::new();
        let mut keyless_dest = Vec::new();
        for (from_patch, item) in patch
            .into_iter()
            .map(|i| (true, i))
            .chain(dest.into_iter().map(|i| (false, i)))
        {
            let v = values_of(&item);
            if v.iter().all(String::is_empty) {
                if from_patch {
                    if let Some(c) = self.clean(&item, schema)? {
                        groups.push(Group {
                            values: v,
                            dest: None,
                            patch: Some(c),
                        });
                    }
                } else {
                    keyless_dest.push(item);
                }
                continue;
            }
            let slot = groups.iter_mut().find(|g| {
                matches(&g.values, &v)
                    && if from_patch {
                        g.patch.is_none()
                    } else {
                        g.dest.is_none()
                    }
            });
            match slot {
                Some(g) => {
                    for (gv, nv) in g.values.iter_mut().zip(v) {
                        if gv.is_empty() {
                            *gv = nv;
                        }
                    }
                    if from_patch {
                        g.patch = Some(item);
                    } else {
                        g.dest = Some(item);
                    }
                }
                None => groups.push(if from_patch {
                    Group {
                        values: v,
                        dest: None,
                        patch: Some(item),
                    }
                } else {
                    Group {
                        values: v,
                        dest: Some(item),
                        patch: None,
                    }
                }),
            }
        }
        let mut out = Vec::new();
        for g in groups {
            let merged = match (g.dest, g.patch) {
                (d, Some(p)) => self.merge(d, Some(&p), schema)?,
                (d, None) => d,
            };
            if let Some(m) = merged {
                if !matches!(&m.value, Value::Map(e) if e.is_empty()) {
                    out.push(m);
                }
            }
        }
        out.extend(keyless_dest);
        Ok(out)
    }

    /// A part of the target the patch does not touch. kustomize walks it
    /// all the same, and drops on the way every key written with no value at
    /// all (`key:`), though it keeps a `null` or `~` written out.
    fn untouched(&self, dest: Node, schema: Option<Schema>) -> Option<Node> {
        match dest.value {
            Value::Scalar(Scalar::Null) if dest.origin.span.start == dest.origin.span.end => None,
            Value::Scalar(_) => Some(dest),
            Value::Map(entries) => {
                let mut kept = Vec::with_capacity(entries.len());
                for mut e in entries {
                    let s = schema.and_then(|s| self.schemas.field(s, &e.key));
                    if let Some(v) = self.untouched(e.value, s) {
                        e.value = v;
                        kept.push(e);
                    }
                }
                Some(Node {
                    value: Value::Map(kept),
                    origin: dest.origin,
                })
            }
            Value::Seq(items) => {
                if list_merge(schema) == ListMerge::Replace {
                    return Some(Node {
                        value: Value::Seq(items),
                        origin: dest.origin,
                    });
                }
                let s = schema.and_then(|s| self.schemas.items(s));
                let items = items
                    .into_iter()
                    .filter_map(|i| self.untouched(i, s))
                    .collect();
                Some(Node {
                    value: Value::Seq(items),
                    origin: dest.origin,
                })
            }
        }
    }

    /// A patch value where the target has none: itself with its directives
    /// applied (kustomize merges it with itself), `None` when deleted.
    pub fn clean(&self, patch: &Node, schema: Option<Schema>) -> Result<Option<Node>, String> {
        match &patch.value {
            Value::Scalar(_) => Ok(Some(patch.clone())),
            Value::Map(entries) => {
                if map_directive(patch)? == Directive::Delete {
                    return Ok(None);
                }
                let mut out = Node::map(patch.origin);
                for e in entries {
                    if e.key == DIRECTIVE {
                        continue;
                    }
                    let s = schema.and_then(|s| self.schemas.field(s, &e.key));
                    if let Some(v) = self.clean(&e.value, s)? {
                        if !v.is_null() {
                            out.set(&e.key, v, e.key_origin);
                        }
                    }
                }
                Ok(Some(out))
            }
            Value::Seq(items) => {
                let how = list_merge(schema);
                if how == ListMerge::Replace {
                    return Ok(Some(patch.clone()));
                }
                let mut items = items.clone();
                if let Some((i, d)) = seq_directive(&items)? {
                    items.remove(i);
                    if d == Directive::Delete {
                        return Ok(None);
                    }
                }
                let merged = match how {
                    ListMerge::Keys(keys) => {
                        let s = schema.and_then(|s| self.schemas.items(s));
                        self.merge_keyed(Vec::new(), items, &keys, s)?
                    }
                    _ => merge_primitive(Vec::new(), items),
                };
                Ok(Some(Node::seq(merged, patch.origin)))
            }
        }
    }
}

/// The union of two scalar lists, the patch's values first, each value once.
fn merge_primitive(dest: Vec<Node>, patch: Vec<Node>) -> Vec<Node> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for item in patch.into_iter().chain(dest) {
        let text = match &item.value {
            Value::Scalar(s) => scalar_text(s),
            _ => String::new(),
        };
        if seen.contains(&text) {
            continue;
        }
        seen.push(text);
        out.push(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::tree::Origin;

    fn node(text: &str, file: u32) -> Node {
        let loaded = crate::yaml::load(text);
        let doc = loaded.documents.into_iter().next().expect("one document");
        Node::from_yaml(&doc.root, file)
    }

    fn merged(dest: &str, patch: &str) -> (serde_json::Value, Node) {
        let schemas = Schemas::new(crate::DEFAULT_KUBE_VERSION);
        let m = Merger { schemas: &schemas };
        let d = node(dest, 0);
        let schema = schemas.for_kind(
            d.str_at(&["apiVersion"]).unwrap_or_default(),
            d.str_at(&["kind"]).unwrap_or_default(),
        );
        let out = m
            .merge(Some(d), Some(&node(patch, 1)), schema)
            .expect("merges")
            .expect("kept");
        (out.to_json(), out)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a:1\n        args: [x, y]\n      - name: b\n        image: b:1\n";

    #[test]
    fn containers_merge_by_name_patch_items_first() {
        let patch = "spec:\n  template:\n    spec:\n      containers:\n      - name: b\n        image: b:2\n      - name: c\n        image: c:1\n";
        let (json, out) = merged(DEPLOYMENT, patch);
        let names: Vec<_> = json["spec"]["template"]["spec"]["containers"]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| format!("{}={}", c["name"], c["image"]))
            .collect();
        assert_eq!(names, ["\"b\"=\"b:2\"", "\"c\"=\"c:1\"", "\"a\"=\"a:1\""]);
        // b's image came from the patch (file 1), a's stayed in the base (file 0).
        let containers = out
            .get_path(&["spec", "template", "spec", "containers"])
            .expect("list");
        let items = containers.items().expect("items");
        assert_eq!(items[0].get("image").map(|n| n.origin.file), Some(1));
        assert_eq!(items[0].get("name").map(|n| n.origin.file), Some(0));
        assert_eq!(items[2].get("image").map(|n| n.origin.file), Some(0));
        assert_ne!(
            items[0].get("image").map(|n| n.origin),
            Some(Origin::default())
        );
    }

    #[test]
    fn non_merging_lists_are_replaced_and_null_deletes() {
        let patch = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        args: [z]\n        image: null\n";
        let (json, _) = merged(DEPLOYMENT, patch);
        let a = &json["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(a["args"], serde_json::json!(["z"]));
        assert!(a.get("image").is_none());
    }

    #[test]
    fn directives_delete_items_and_replace_maps() {
        let patch = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        $patch: delete\n";
        let (json, _) = merged(DEPLOYMENT, patch);
        let c = json["spec"]["template"]["spec"]["containers"]
            .as_array()
            .expect("list")
            .clone();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0]["name"], "b");
        let patch = "spec:\n  template:\n    $patch: replace\n    metadata: {labels: {a: b}}\n";
        let (json, _) = merged(DEPLOYMENT, patch);
        assert_eq!(
            json["spec"]["template"],
            serde_json::json!({"metadata": {"labels": {"a": "b"}}})
        );
    }

    #[test]
    fn custom_resources_replace_lists() {
        let dest = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  containers: [{name: a, image: x}]\n";
        let patch = "spec:\n  containers: [{name: b}]\n";
        let (json, _) = merged(dest, patch);
        assert_eq!(
            json["spec"]["containers"],
            serde_json::json!([{"name": "b"}])
        );
    }

    #[test]
    fn a_kind_mismatch_is_an_error() {
        let schemas = Schemas::new(crate::DEFAULT_KUBE_VERSION);
        let m = Merger { schemas: &schemas };
        let r = m.merge(Some(node("a: {b: 1}", 0)), Some(&node("a: [1]", 1)), None);
        assert!(r.is_err());
    }
}
