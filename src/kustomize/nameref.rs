//! Name references: after a prefix, suffix or hash renamed a resource, the
//! fields that name it (`configMapRef.name`, `roleRef.name`, a RoleBinding's
//! `subjects`, ...) are rewritten to the new name, once, at the end of the
//! build. A reference matches a resource that had the referenced name before
//! (any of its earlier names), of the referenced kind, reachable from the
//! referrer's namespace; among several, the one with the same prefixes and
//! suffixes as the referrer (kustomize's `nameref` filter, step for step).
//!
//! The rewritten value keeps the origin of the reference: the author wrote
//! the reference there; the new name is the build's.

use super::acc::Acc;
use super::fieldspec::{visit, Create};
use super::resid::{Gvk, ResId};
use super::resource::Res;
use super::tree::{Node, Origin, Value};
use super::{ids, Ctx};
use crate::yaml::Scalar;

struct Candidate {
    name: String,
    namespace: String,
    prev: Vec<ResId>,
    cur: ResId,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    is_sa: bool,
}

fn candidate(r: &Res) -> Candidate {
    Candidate {
        name: r.name().to_string(),
        namespace: r.namespace().to_string(),
        prev: r.prev_ids(),
        cur: r.cur_id(),
        prefixes: r.prefixes.clone(),
        suffixes: r.suffixes.clone(),
        is_sa: r.kind() == "ServiceAccount",
    }
}

/// Whether the shorter list ends the longer one (`[]` only matches `[]`).
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long[long.len() - short.len()..] == *short
}

fn affixes_match(
    c: &Candidate,
    prefixes: &[String],
    suffixes: &[String],
    allow_empty: bool,
) -> bool {
    let p = (allow_empty && (c.prefixes.is_empty() || prefixes.is_empty()))
        || same_ending(&c.prefixes, prefixes);
    let s = (allow_empty && (c.suffixes.is_empty() || suffixes.is_empty()))
        || same_ending(&c.suffixes, suffixes);
    p && s
}

struct Referrer {
    cur: ResId,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// For `roleRef/name`: the kind and group the roleRef names.
    role_ref: Option<Gvk>,
}

pub(crate) fn fix(ctx: &mut Ctx, acc: &mut Acc) {
    let backrefs = acc.config.name_reference.clone();
    let all: Vec<Candidate> = acc.map.list.iter().map(candidate).collect();
    for i in 0..acc.map.list.len() {
        let org = acc.map.list[i].org_id();
        let referrer = {
            let r = &acc.map.list[i];
            Referrer {
                cur: r.cur_id(),
                prefixes: r.prefixes.clone(),
                suffixes: r.suffixes.clone(),
                role_ref: r.node.get("roleRef").map(|rr| Gvk {
                    group: rr.str_at(&["apiGroup"]).unwrap_or_default().to_string(),
                    version: String::new(),
                    kind: rr.str_at(&["kind"]).unwrap_or_default().to_string(),
                }),
            }
        };
        // What the referrer can see: everything if it is cluster-scoped, else
        // cluster-scoped resources, its namespace, and the namespaces of the
        // ServiceAccounts a RoleBinding names.
        let sa_namespaces: Vec<String> = if referrer.cur.gvk.kind == "RoleBinding" {
            acc.map.list[i]
                .node
                .get("subjects")
                .and_then(Node::items)
                .unwrap_or_default()
                .iter()
                .filter(|s| s.str_at(&["kind"]) == Some("ServiceAccount"))
                .filter_map(|s| s.str_at(&["namespace"]).map(String::from))
                .collect()
        } else {
            Vec::new()
        };
        let visible: Vec<&Candidate> = all
            .iter()
            .filter(|c| {
                referrer.cur.gvk.is_cluster_scoped()
                    || c.cur.gvk.is_cluster_scoped()
                    || c.cur.effective_namespace() == referrer.cur.effective_namespace()
                    || sa_namespaces.contains(&c.namespace)
            })
            .collect();
        for br in &backrefs {
            let target = Gvk {
                group: br.group.clone(),
                version: br.version.clone(),
                kind: br.kind.clone(),
            };
            for fs in &br.referrers {
                if !org.gvk.selected_by(&fs.group, &fs.version, &fs.kind) {
                    continue;
                }
                let r = &mut acc.map.list[i];
                let api = r.api_version().to_string();
                let kind = r.kind().to_string();
                if !fs.applies_to(&api, &kind) {
                    continue;
                }
                let mut problems = Vec::new();
                let is_role_ref = fs.path.last().is_some_and(|l| l == "name")
                    && fs.path.len() >= 2
                    && fs.path[fs.path.len() - 2] == "roleRef";
                visit(&mut r.node, fs, Create::No, Origin::default(), &mut |n| {
                    let sel = Select {
                        target: &target,
                        referrer: &referrer,
                        role_ref: is_role_ref,
                    };
                    if let Err(e) = set(n, &visible, &sel) {
                        problems.push((e, n.origin));
                    }
                });
                for (e, at) in problems {
                    ctx.problem(ids::NAME_REFERENCE, e, at);
                }
            }
        }
    }
}

struct Select<'a> {
    target: &'a Gvk,
    referrer: &'a Referrer,
    role_ref: bool,
}

fn set(n: &mut Node, candidates: &[&Candidate], sel: &Select) -> Result<(), String> {
    match &mut n.value {
        Value::Scalar(Scalar::Null) => Ok(()),
        Value::Scalar(_) => set_scalar(n, candidates, sel),
        Value::Map(_) => set_mapping(n, candidates, sel),
        Value::Seq(items) => {
            for item in items {
                match &item.value {
                    Value::Map(_) => set_mapping(item, candidates, sel)?,
                    Value::Scalar(Scalar::Null) => {}
                    Value::Scalar(_) => set_scalar(item, candidates, sel)?,
                    Value::Seq(_) => {}
                }
            }
            Ok(())
        }
    }
}

fn set_scalar(n: &mut Node, candidates: &[&Candidate], sel: &Select) -> Result<(), String> {
    let old = n.scalar_text().unwrap_or_default();
    let Some(c) = select(&old, candidates, sel, false)? else {
        return Ok(());
    };
    if c.name != old {
        n.value = Value::Scalar(Scalar::Str(c.name.clone()));
    }
    Ok(())
}

fn set_mapping(n: &mut Node, candidates: &[&Candidate], sel: &Select) -> Result<(), String> {
    let Some(old) = n.get("name").and_then(Node::scalar_text) else {
        return Ok(());
    };
    // A namespace in the reference narrows the candidates: to those that had
    // it, else to those that have it.
    let narrowed: Vec<&Candidate>;
    let candidates = match n.get("namespace").and_then(Node::scalar_text) {
        None => candidates,
        Some(ns) => {
            let org_ns = |c: &Candidate| {
                c.prev
                    .first()
                    .unwrap_or(&c.cur)
                    .effective_namespace()
                    .to_string()
            };
            let by_org: Vec<&Candidate> = candidates
                .iter()
                .copied()
                .filter(|c| org_ns(c) == ns && ns != super::resid::NOT_NAMESPACED)
                .collect();
            narrowed = if by_org.is_empty() {
                candidates
                    .iter()
                    .copied()
                    .filter(|c| {
                        c.cur.effective_namespace() == ns && ns != super::resid::NOT_NAMESPACED
                    })
                    .collect()
            } else {
                by_org
            };
            &narrowed
        }
    };
    let Some(c) = select(&old, candidates, sel, true)? else {
        return Ok(());
    };
    if c.name == old && c.namespace.is_empty() {
        return Ok(());
    }
    let origin = n.get("name").map_or(n.origin, |x| x.origin);
    if let Some(name) = n.get_mut("name") {
        name.value = Value::Scalar(Scalar::Str(c.name.clone()));
    }
    if !c.namespace.is_empty() {
        let ns_origin = n.get("namespace").map_or(origin, |x| x.origin);
        match n.get_mut("namespace") {
            Some(x) => x.value = Value::Scalar(Scalar::Str(c.namespace.clone())),
            None => n.set(
                "namespace",
                Node::string(c.namespace.clone(), ns_origin),
                ns_origin,
            ),
        }
    }
    Ok(())
}

fn select<'a>(
    old: &str,
    candidates: &[&'a Candidate],
    sel: &Select,
    with_ns: bool,
) -> Result<Option<&'a Candidate>, String> {
    let mut c: Vec<&Candidate> = candidates
        .iter()
        .copied()
        .filter(|c| c.prev.iter().any(|p| p.name == old))
        .filter(|c| {
            c.prev.iter().any(|p| {
                p.gvk
                    .selected_by(&sel.target.group, &sel.target.version, &sel.target.kind)
            })
        })
        .collect();
    if sel.role_ref {
        if let Some(g) = &sel.referrer.role_ref {
            c.retain(|c| {
                c.prev
                    .iter()
                    .any(|p| p.gvk.selected_by(&g.group, &g.version, &g.kind))
            });
        }
    }
    if !sel.referrer.cur.gvk.is_cluster_scoped() {
        let ns = sel.referrer.cur.effective_namespace().to_string();
        c.retain(|c| c.cur.gvk.is_cluster_scoped() || c.is_sa || c.cur.effective_namespace() == ns);
    }
    if c.len() == 1 {
        return Ok(c.first().copied());
    }
    let (p, s) = (&sel.referrer.prefixes, &sel.referrer.suffixes);
    c.retain(|c| affixes_match(c, p, s, true));
    if c.len() > 1 {
        c.retain(|c| affixes_match(c, p, s, false));
    }
    match c.len() {
        0 => Ok(None),
        1 => Ok(c.first().copied()),
        _ => {
            let first = c[0];
            let same = c
                .iter()
                .all(|x| x.name == first.name && (!with_ns || x.namespace == first.namespace));
            if same {
                Ok(Some(first))
            } else {
                let ids: Vec<String> = c.iter().map(|x| x.cur.display()).collect();
                Err(format!(
                    "the reference {old:?} could mean any of {}",
                    ids.join(", ")
                ))
            }
        }
    }
}
