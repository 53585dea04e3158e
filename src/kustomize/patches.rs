//! The patch fields: `patches` (a strategic merge patch or a JSON 6902
//! patch, inline or from a file, with or without `target`) and the legacy
//! `patchesStrategicMerge` and `patchesJson6902`.
//!
//! Without a `target`, a strategic merge patch applies to the one resource
//! that has (or had, before a prefix or namespace changed it) the patch's
//! kind, name and namespace. A patch that matches nothing is a problem: for
//! an id kustomize fails the build, for a `target` it silently does nothing,
//! which is worth knowing too.

use super::acc::Acc;
use super::inline::SpanMap;
use super::json6902;
use super::kust::Kust;
use super::resid::{Gvk, ResId};
use super::resource::Res;
use super::selector::{Matcher, Selector};
use super::smp::Merger;
use super::tree::{Node, Origin, Value};
use super::{ids, Ctx};
use crate::yaml::Scalar;

/// The documents of a patch given inline (`at` is the string in the
/// kustomization: the patch's spans are mapped into it).
fn inline_docs(ctx: &mut Ctx, text: &str, at: Origin) -> Vec<Node> {
    let file_text = ctx.fs.text(at.file).to_string();
    let map = SpanMap::new(&file_text, at.span, text);
    ctx.load_text(text, at.file, &|s| map.span(s))
}

/// The documents of a patch: the file at `path` or the inline `text`.
fn patch_docs(ctx: &mut Ctx, k: &Kust, entry: &Node) -> Option<Vec<Node>> {
    let path = entry.get("path").filter(|n| !n.is_null());
    let patch = entry.get("patch").filter(|n| !n.is_null());
    match (path, patch) {
        (Some(p), None) => {
            let rel = p.scalar_text().unwrap_or_default();
            let (file, _) = ctx.read_local(k, &rel, p.origin)?;
            Some(ctx.load_docs(file))
        }
        (None, Some(p)) => {
            let text = p.scalar_text().unwrap_or_default();
            Some(inline_docs(ctx, &text, p.origin))
        }
        (Some(_), Some(_)) => {
            ctx.problem(
                ids::INVALID_PATCH,
                "a patch has both `path` and `patch`".into(),
                entry.origin,
            );
            None
        }
        (None, None) => {
            ctx.problem(
                ids::INVALID_PATCH,
                "a patch needs `path` or `patch`".into(),
                entry.origin,
            );
            None
        }
    }
}

fn flag(n: Option<&Node>, key: &str) -> bool {
    matches!(
        n.and_then(|o| o.get(key)).map(|v| &v.value),
        Some(Value::Scalar(Scalar::Bool(true)))
    )
}

/// `patches:` entries, in order.
pub(crate) fn patches(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.maps(ctx, "patches") {
        let Some(docs) = patch_docs(ctx, k, &entry) else {
            continue;
        };
        let options = entry.get("options");
        let allow = Allow {
            name: flag(options, "allowNameChange"),
            kind: flag(options, "allowKindChange"),
        };
        let target = entry.get("target").filter(|t| !t.is_null());
        let Some(first) = docs.first() else {
            ctx.problem(
                ids::INVALID_PATCH,
                "the patch is empty".into(),
                entry.origin,
            );
            continue;
        };
        if first.is_seq() {
            let Some(target) = target else {
                ctx.problem(
                    ids::INVALID_PATCH,
                    "a JSON patch needs a `target`".into(),
                    entry.origin,
                );
                continue;
            };
            json_patch(ctx, acc, first, target, true);
            continue;
        }
        match target {
            Some(t) => {
                if docs.len() > 1 {
                    ctx.problem(
                        ids::INVALID_PATCH,
                        "a patch with a `target` may hold only one strategic merge patch".into(),
                        entry.origin,
                    );
                    continue;
                }
                smp_on_target(ctx, acc, first, t, allow);
            }
            None => {
                for d in &docs {
                    smp_by_id(ctx, acc, d, allow);
                }
            }
        }
    }
}

/// `patchesStrategicMerge:` (file paths, or inline patches).
pub(crate) fn strategic_merge_legacy(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for (entry, at) in k.strings(ctx, "patchesStrategicMerge") {
        let path = super::fs::join(&k.dir, &entry);
        let docs = if !entry.contains('\n') && ctx.fs.is_file(&path) {
            match ctx.read_local(k, &entry, at) {
                Some((file, _)) => ctx.load_docs(file),
                None => continue,
            }
        } else {
            let docs = inline_docs(ctx, &entry, at);
            if !docs.iter().any(Node::is_map) {
                ctx.read_local(k, &entry, at);
                continue;
            }
            docs
        };
        for d in &docs {
            smp_by_id(ctx, acc, d, Allow::default());
        }
    }
}

/// `patchesJson6902:` (a target and a file or inline operations).
pub(crate) fn json6902_legacy(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.maps(ctx, "patchesJson6902") {
        let Some(target) = entry.get("target").filter(|t| t.is_map()) else {
            ctx.problem(
                ids::INVALID_PATCH,
                "a JSON patch needs a `target`".into(),
                entry.origin,
            );
            continue;
        };
        if target
            .get("name")
            .and_then(Node::scalar_text)
            .is_none_or(|n| n.is_empty())
        {
            ctx.problem(
                ids::INVALID_PATCH,
                "the target of a JSON patch needs a name".into(),
                target.origin,
            );
            continue;
        }
        let Some(docs) = patch_docs(ctx, k, &entry) else {
            continue;
        };
        match docs.first() {
            Some(d) => json_patch(ctx, acc, d, target, false),
            None => ctx.problem(
                ids::INVALID_PATCH,
                "the patch is empty".into(),
                entry.origin,
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Allow {
    name: bool,
    kind: bool,
}

fn select(ctx: &mut Ctx, acc: &Acc, target: &Node) -> Option<Vec<usize>> {
    let sel = Selector::from_node(target);
    match Matcher::new(&sel) {
        Ok(m) => Some(
            (0..acc.map.list.len())
                .filter(|&i| !acc.map.list[i].is_empty() && m.matches(&acc.map.list[i]))
                .collect(),
        ),
        Err(e) => {
            ctx.problem(ids::INVALID_PATCH, e, target.origin);
            None
        }
    }
}

fn no_target(ctx: &mut Ctx, target: &Node) {
    ctx.problem(
        ids::PATCH_NO_TARGET,
        "the patch's target matches no resource: the patch changes nothing".into(),
        target.origin,
    );
}

fn json_patch(ctx: &mut Ctx, acc: &mut Acc, doc: &Node, target: &Node, store_id: bool) {
    let ops = match json6902::parse_ops(doc) {
        Ok(o) => o,
        Err(e) => return ctx.problem(ids::INVALID_PATCH, e, doc.origin),
    };
    let Some(selected) = select(ctx, acc, target) else {
        return;
    };
    if selected.is_empty() {
        return no_target(ctx, target);
    }
    for i in selected {
        let r = &mut acc.map.list[i];
        if store_id {
            r.store_previous_id();
        }
        let mut patched = r.node.clone();
        match json6902::apply(&mut patched, &ops, ctx.opts.max_nodes) {
            Ok(()) => r.node = patched,
            Err(json6902::Failure::TooLarge(n)) => {
                let at = ops.get(n).map_or(doc.origin, |o| o.origin);
                ctx.problem(
                    ids::TOO_LARGE,
                    format!(
                        "the patch makes a resource of more than {} nodes; not applied",
                        ctx.opts.max_nodes
                    ),
                    at,
                );
            }
            Err(json6902::Failure::Op(n, msg)) => {
                let at = ops.get(n).map_or(doc.origin, |o| o.origin);
                ctx.problem(
                    ids::INVALID_PATCH,
                    format!("{msg} (in {})", r.cur_id().display()),
                    at,
                );
            }
        }
    }
}

fn patch_id(patch: &Node) -> ResId {
    ResId {
        gvk: Gvk::new(
            patch.str_at(&["apiVersion"]).unwrap_or_default(),
            patch.str_at(&["kind"]).unwrap_or_default(),
        ),
        name: patch
            .str_at(&["metadata", "name"])
            .unwrap_or_default()
            .to_string(),
        namespace: patch
            .str_at(&["metadata", "namespace"])
            .unwrap_or_default()
            .to_string(),
    }
}

fn smp_by_id(ctx: &mut Ctx, acc: &mut Acc, patch: &Node, allow: Allow) {
    if !patch.is_map() {
        return ctx.problem(
            ids::INVALID_PATCH,
            "a strategic merge patch is a mapping".into(),
            patch.origin,
        );
    }
    let id = patch_id(patch);
    let at = patch.entry("kind").map_or(patch.origin, |e| e.key_origin);
    let found = acc.map.matching_any_id(&|x| x.same(&id));
    match found.as_slice() {
        [] => ctx.problem(
            ids::PATCH_NO_TARGET,
            format!(
                "no resource matches the strategic merge patch {}",
                id.display()
            ),
            at,
        ),
        [i] => {
            let i = *i;
            apply_smp(ctx, acc, i, patch, allow);
        }
        _ => ctx.problem(
            ids::PATCH_NO_TARGET,
            format!(
                "several resources match the strategic merge patch {}",
                id.display()
            ),
            at,
        ),
    }
    acc.map.list.retain(|r| !r.is_empty());
}

fn smp_on_target(ctx: &mut Ctx, acc: &mut Acc, patch: &Node, target: &Node, allow: Allow) {
    if !patch.is_map() {
        return ctx.problem(
            ids::INVALID_PATCH,
            "a strategic merge patch is a mapping".into(),
            patch.origin,
        );
    }
    let Some(selected) = select(ctx, acc, target) else {
        return;
    };
    if selected.is_empty() {
        return no_target(ctx, target);
    }
    for i in selected {
        apply_smp(ctx, acc, i, patch, allow);
    }
    acc.map.list.retain(|r| !r.is_empty());
}

/// Merges `patch` into resource `i`: its kind and name stay unless the
/// patch's options allow a change, its namespace always stays (kustomize's
/// `ApplySmPatch`). A deleted resource becomes empty (the caller drops it).
fn apply_smp(ctx: &mut Ctx, acc: &mut Acc, i: usize, patch: &Node, allow: Allow) {
    let schemas = ctx.schemas;
    let r: &mut Res = &mut acc.map.list[i];
    if allow.name || allow.kind {
        r.store_previous_id();
    }
    let keep = |r: &Res, path: &[&str]| r.node.get_path(path).cloned();
    let (api, kind, name, ns) = (
        keep(r, &["apiVersion"]),
        keep(r, &["kind"]),
        keep(r, &["metadata", "name"]),
        keep(r, &["metadata", "namespace"]),
    );
    let schema = schemas.for_kind(r.api_version(), r.kind());
    let mut patch = patch.clone();
    // The target's apiVersion: a patch selected by `target` may be written
    // for another version.
    if let Some(a) = &api {
        patch.set("apiVersion", a.clone(), a.origin);
    }
    let merger = Merger { schemas: &schemas };
    let merged = match merger.merge(Some(r.node.clone()), Some(&patch), schema) {
        Ok(m) => m,
        Err(e) => {
            let at = patch.origin;
            let id = r.cur_id().display();
            return ctx.problem(ids::INVALID_PATCH, format!("{e} (patching {id})"), at);
        }
    };
    let Some(mut merged) = merged.filter(|m| !matches!(&m.value, Value::Map(e) if e.is_empty()))
    else {
        r.node = Node::map(r.node.origin);
        return;
    };
    let mut restore = |path: &[&str], node: Option<Node>| {
        let (last, parent) = match path.split_last() {
            Some(x) => x,
            None => return,
        };
        match node {
            Some(n) => {
                let key_origin = n.origin;
                let mut at = &mut merged;
                for p in parent {
                    let Some(next) = at.ensure_map(p, key_origin) else {
                        return;
                    };
                    at = next;
                }
                at.set(last, n, key_origin);
            }
            None => {
                if let Some(p) = merged.get_path_mut(parent) {
                    p.remove(last);
                }
            }
        }
    };
    restore(&["apiVersion"], api);
    if !allow.kind {
        restore(&["kind"], kind);
    }
    if !allow.name {
        restore(&["metadata", "name"], name);
    }
    restore(&["metadata", "namespace"], ns);
    r.node = merged;
}
