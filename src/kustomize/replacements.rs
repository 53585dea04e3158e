//! `replacements`: copy a field of one resource (or a literal
//! `sourceValue`) into fields of others. Supported: a source chosen by id
//! (any of its current or earlier ids), `fieldPath` with `[key=value]` and
//! index steps, `options.delimiter`/`index`, targets chosen by selector and
//! `reject`, `options.create`, and entries kept in files (`path:`).
//! Not supported: paths into structured data held in a string (JSON or YAML
//! text in a ConfigMap value), which are reported.
//!
//! A copied value keeps the origin of the source field it was copied from.

use super::acc::Acc;
use super::kust::Kust;
use super::resid::{Gvk, ResId};
use super::resource::Res;
use super::selector::{Matcher, Selector};
use super::tree::{Node, Origin, Value};
use super::vars::{lookup, split};
use super::{ids, Ctx};
use crate::yaml::Scalar;

pub(crate) fn run(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let mut entries = Vec::new();
    for e in k.maps(ctx, "replacements") {
        match e.get("path").and_then(Node::scalar_text) {
            Some(path) => {
                let at = e.get("path").map_or(e.origin, |n| n.origin);
                if let Some((file, _)) = ctx.read_local(k, &path, at) {
                    for doc in ctx.load_docs(file) {
                        match &doc.value {
                            Value::Seq(items) => entries.extend(items.iter().cloned()),
                            Value::Map(_) => entries.push(doc),
                            Value::Scalar(_) => ctx.problem(
                                ids::REPLACEMENT,
                                "a replacement is a mapping".into(),
                                doc.origin,
                            ),
                        }
                    }
                }
            }
            None => entries.push(e),
        }
    }
    for e in entries {
        replace(ctx, acc, &e);
    }
}

fn ids_of(r: &Res) -> Vec<ResId> {
    let mut v = vec![r.cur_id()];
    v.extend(r.prev_ids());
    v
}

/// kustomize's `IsSelectedBy`: empty fields select anything.
fn selected_by(id: &ResId, sel: &Node) -> bool {
    let s = |k: &str| sel.text_at(k);
    let (group, version) = match s("apiVersion") {
        a if !a.is_empty() => {
            let g = Gvk::new(&a, "");
            (g.group, g.version)
        }
        _ => (s("group"), s("version")),
    };
    let name = s("name");
    let ns = s("namespace");
    (name.is_empty() || name == id.name)
        && (ns.is_empty()
            || super::resid::effective_namespace(&id.gvk, &ns) == id.effective_namespace())
        && id.gvk.selected_by(&group, &version, &s("kind"))
}

fn value_of(ctx: &mut Ctx, acc: &Acc, e: &Node) -> Option<Node> {
    if let Some(v) = e.get("sourceValue").filter(|v| !v.is_null()) {
        if e.get("source").is_some() {
            ctx.problem(
                ids::REPLACEMENT,
                "`source` and `sourceValue` exclude each other".into(),
                e.origin,
            );
            return None;
        }
        return Some(Node::string(v.scalar_text().unwrap_or_default(), v.origin));
    }
    let Some(source) = e.get("source").filter(|s| s.is_map()) else {
        ctx.problem(
            ids::REPLACEMENT,
            "a replacement needs a `source` and `targets`".into(),
            e.origin,
        );
        return None;
    };
    let matches: Vec<&Res> = acc
        .map
        .list
        .iter()
        .filter(|r| ids_of(r).iter().any(|id| selected_by(id, source)))
        .collect();
    let r = match matches.as_slice() {
        [r] => *r,
        [] => {
            ctx.problem(
                ids::REPLACEMENT,
                "the replacement's source selects no resource".into(),
                source.origin,
            );
            return None;
        }
        _ => {
            ctx.problem(
                ids::REPLACEMENT,
                "the replacement's source selects several resources".into(),
                source.origin,
            );
            return None;
        }
    };
    let path = source
        .get("fieldPath")
        .and_then(Node::scalar_text)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "metadata.name".into());
    let Some(v) = lookup(&r.node, &path).filter(|v| !v.is_null()) else {
        ctx.problem(
            ids::REPLACEMENT,
            format!("{} has no {path} for the replacement", r.cur_id().display()),
            source.origin,
        );
        return None;
    };
    let mut v = v.clone();
    if let Some(opts) = source.get("options") {
        let delim = opts
            .get("delimiter")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        if !delim.is_empty() {
            let text = v.scalar_text().unwrap_or_default();
            let parts: Vec<&str> = text.split(delim.as_str()).collect();
            let index = match opts.get("index").map(|n| &n.value) {
                Some(Value::Scalar(Scalar::Int(i))) => *i,
                _ => 0,
            };
            match usize::try_from(index).ok().and_then(|i| parts.get(i)) {
                Some(p) => v = Node::string(*p, v.origin),
                None => {
                    ctx.problem(
                        ids::REPLACEMENT,
                        format!("options.index {index} is out of range"),
                        opts.origin,
                    );
                    return None;
                }
            }
        }
    }
    Some(v)
}

fn replace(ctx: &mut Ctx, acc: &mut Acc, e: &Node) {
    let Some(value) = value_of(ctx, acc, e) else {
        return;
    };
    let Some(targets) = e.get("targets").and_then(Node::items) else {
        ctx.problem(
            ids::REPLACEMENT,
            "a replacement needs `targets`".into(),
            e.origin,
        );
        return;
    };
    for t in targets {
        let Some(select) = t.get("select").filter(|s| s.is_map()) else {
            ctx.problem(
                ids::REPLACEMENT,
                "a replacement target needs `select`".into(),
                t.origin,
            );
            continue;
        };
        let Ok(sel) = Matcher::new(&Selector::from_node(select)) else {
            ctx.problem(ids::REPLACEMENT, "bad selector".into(), select.origin);
            continue;
        };
        let rejects: Vec<Matcher> = t
            .get("reject")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| Matcher::new(&Selector::from_node(r)).ok())
            .collect();
        let mut paths: Vec<String> = t
            .get("fieldPaths")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::scalar_text)
            .collect();
        if paths.is_empty() {
            paths.push("metadata.name".into());
        }
        let opts = t.get("options");
        let create = matches!(
            opts.and_then(|o| o.get("create")).map(|n| &n.value),
            Some(Value::Scalar(Scalar::Bool(true)))
        );
        let delim = opts
            .and_then(|o| o.get("delimiter"))
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let index = match opts.and_then(|o| o.get("index")).map(|n| &n.value) {
            Some(Value::Scalar(Scalar::Int(i))) => *i,
            _ => 0,
        };
        for r in &mut acc.map.list {
            if !sel.matches(r) || rejects.iter().any(|x| x.matches(r)) {
                continue;
            }
            for p in &paths {
                let steps = split(p);
                let mut hit = false;
                set_at(&mut r.node, &steps, create, value.origin, &mut |n| {
                    hit = true;
                    if delim.is_empty() {
                        *n = value.clone();
                    } else {
                        let cur = n.scalar_text().unwrap_or_default();
                        let mut parts: Vec<String> =
                            cur.split(delim.as_str()).map(String::from).collect();
                        let v = value.scalar_text().unwrap_or_default();
                        match usize::try_from(index) {
                            Err(_) => parts.insert(0, v),
                            Ok(i) if i >= parts.len() => parts.push(v),
                            Ok(i) => parts[i] = v,
                        }
                        n.value = Value::Scalar(Scalar::Str(parts.join(&delim)));
                    }
                });
                if !hit {
                    ctx.problem(
                        ids::REPLACEMENT,
                        format!("{} has no field {p} to replace", r.cur_id().display()),
                        t.origin,
                    );
                }
            }
        }
    }
}

/// Calls `f` on every node at `steps` (`[k=v]` selects list items, `*` all
/// items, a number one item), creating maps and `[k=v]` items on the way
/// when `create`.
fn set_at(
    node: &mut Node,
    steps: &[String],
    create: bool,
    origin: Origin,
    f: &mut dyn FnMut(&mut Node),
) {
    let Some((first, rest)) = steps.split_first() else {
        return f(node);
    };
    if let Some(inner) = first.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        // `[a.b/c]` without `=` is a map key holding dots.
        let Some((k, v)) = inner.split_once('=') else {
            let key = [inner.to_string()];
            let steps: Vec<String> = key.iter().chain(rest).cloned().collect();
            return set_at_key(node, &steps, create, origin, f);
        };
        if node.is_null() && create {
            *node = Node::seq(Vec::new(), origin);
        }
        let Some(items) = node.items_mut() else {
            return;
        };
        let mut any = false;
        for item in items.iter_mut() {
            if item.get(k).and_then(Node::scalar_text).as_deref() == Some(v) {
                any = true;
                set_at(item, rest, create, origin, f);
            }
        }
        if !any && create {
            let mut item = Node::map(origin);
            item.set(k, Node::string(v, origin), origin);
            set_at(&mut item, rest, create, origin, f);
            items.push(item);
        }
        return;
    }
    set_at_key(node, steps, create, origin, f);
}

/// [`set_at`] for a first step that is a key, `*` or an index.
fn set_at_key(
    node: &mut Node,
    steps: &[String],
    create: bool,
    origin: Origin,
    f: &mut dyn FnMut(&mut Node),
) {
    let Some((first, rest)) = steps.split_first() else {
        return f(node);
    };
    match &mut node.value {
        Value::Seq(items) => {
            if first == "*" {
                for item in items.iter_mut() {
                    set_at(item, rest, create, origin, f);
                }
            } else if let Ok(i) = first.parse::<usize>() {
                if let Some(item) = items.get_mut(i) {
                    set_at(item, rest, create, origin, f);
                }
            }
        }
        Value::Map(_) => {
            if node.get(first).is_none() {
                if !create {
                    return;
                }
                let next_is_list = rest.first().is_some_and(|s| s.starts_with('['));
                let fresh = if rest.is_empty() {
                    Node::scalar(Scalar::Null, origin)
                } else if next_is_list {
                    Node::seq(Vec::new(), origin)
                } else {
                    Node::map(origin)
                };
                node.set(first, fresh, origin);
            }
            if let Some(child) = node.get_mut(first) {
                if child.is_null() && create && !rest.is_empty() {
                    *child = Node::map(origin);
                }
                set_at(child, rest, create, origin, f);
            }
        }
        // A path into text held in a string (structured data) is not
        // followed; the caller reports that nothing was replaced.
        Value::Scalar(_) => {}
    }
}
