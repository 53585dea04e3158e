//! `vars` (deprecated in kustomize, still common): `$(NAME)` in the fields
//! of the `varReference` specs (container args, command, env values, ...)
//! becomes a field of another resource (`objref`, `fieldref.fieldPath`,
//! `metadata.name` by default). Each var is tied to its resource when its
//! kustomization is built; its value is read and substituted once, at the end
//! of the build, so it sees the final names and namespaces.
//!
//! A substituted value keeps the origin of the text that held `$(NAME)`.

use super::acc::{Acc, Var};
use super::fieldspec::{visit, Create};
use super::kust::Kust;
use super::resid::{Gvk, ResId};
use super::tree::{scalar_text, Node, Origin, Value};
use super::{ids, Ctx};
use crate::yaml::Scalar;

pub(crate) fn merge(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for v in k.maps(ctx, "vars") {
        let s = |n: &Node, key: &str| n.text_at(key);
        let name = s(&v, "name");
        if name.is_empty() {
            ctx.problem(ids::VAR, "a var needs a name".into(), v.origin);
            continue;
        }
        let Some(objref) = v.get("objref").filter(|o| o.is_map()) else {
            ctx.problem(ids::VAR, format!("var {name:?} needs an objref"), v.origin);
            continue;
        };
        let mut api = s(objref, "apiVersion");
        if api.is_empty() {
            let (g, ver) = (s(objref, "group"), s(objref, "version"));
            api = if g.is_empty() {
                ver
            } else {
                format!("{g}/{ver}")
            };
        }
        let target = ResId {
            gvk: Gvk::new(&api, &s(objref, "kind")),
            name: s(objref, "name"),
            namespace: s(objref, "namespace"),
        };
        let exact = !target.namespace.is_empty() || target.gvk.is_cluster_scoped();
        let gvk_matches = |id: &ResId| {
            id.name == target.name
                && id.gvk.kind == target.gvk.kind
                && (target.gvk.version.is_empty() || id.gvk.version == target.gvk.version)
                && id.gvk.group == target.gvk.group
        };
        let found = acc.map.matching_any_id(&|id| {
            if exact {
                id.same(&target)
            } else {
                gvk_matches(id)
            }
        });
        match found.as_slice() {
            [i] => acc.map.list[*i].ref_vars.push(name.clone()),
            [] => {}
            _ => {
                ctx.problem(
                    ids::VAR,
                    format!("var {name:?} matches several resources"),
                    objref.origin,
                );
                continue;
            }
        }
        if acc.vars.iter().any(|x| x.name == name) {
            ctx.problem(ids::VAR, format!("var {name:?} is defined twice"), v.origin);
            continue;
        }
        let field_path = v
            .get("fieldref")
            .map(|f| s(f, "fieldPath"))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "metadata.name".into());
        acc.vars.push(Var {
            name,
            field_path,
            origin: v.origin,
        });
    }
}

/// A field path split on dots outside brackets (empty parts dropped), for vars and
/// replacements.
pub(crate) fn split(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in p.chars() {
        match c {
            '[' => {
                depth += 1;
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// `a.b[0].c`, `spec.ports[name=http].port` -> steps.
enum Step {
    Key(String),
    Index(usize),
    Match(String, String),
}

fn parse_path(p: &str) -> Vec<Step> {
    let mut out = Vec::new();
    for part in split(p) {
        let mut rest = part.as_str();
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Step::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(inner) = rest.strip_prefix('[').and_then(|r| r.split_once(']')) {
                let (b, after) = inner;
                match b.split_once('=') {
                    Some((k, v)) => out.push(Step::Match(k.to_string(), v.to_string())),
                    None => match b.parse() {
                        Ok(i) => out.push(Step::Index(i)),
                        Err(_) => out.push(Step::Key(b.to_string())),
                    },
                }
                rest = after;
            }
        } else if !rest.is_empty() {
            out.push(Step::Key(rest.to_string()));
        }
    }
    out
}

/// The node at a kustomize field path (`fieldPath` of vars and replacements).
pub(crate) fn lookup<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut n = root;
    for step in parse_path(path) {
        n = match step {
            Step::Key(k) => n.get(&k)?,
            Step::Index(i) => n.items()?.get(i)?,
            Step::Match(k, v) => n.items()?.iter().find(|item| {
                item.get(&k).and_then(Node::scalar_text).as_deref() == Some(v.as_str())
            })?,
        };
    }
    Some(n)
}

pub(crate) fn resolve(ctx: &mut Ctx, acc: &mut Acc) {
    let mut values: Vec<(String, Scalar)> = Vec::new();
    for v in &acc.vars {
        let holder = acc.map.list.iter().find(|r| r.ref_vars.contains(&v.name));
        let Some(r) = holder else {
            ctx.problem(
                ids::VAR,
                format!("var {:?} names no resource of the build", v.name),
                v.origin,
            );
            continue;
        };
        match lookup(&r.node, &v.field_path).map(|n| &n.value) {
            Some(Value::Scalar(s)) => values.push((v.name.clone(), s.clone())),
            _ => ctx.problem(
                ids::VAR,
                format!(
                    "var {:?}: {} has no scalar at {}",
                    v.name,
                    r.cur_id().display(),
                    v.field_path
                ),
                v.origin,
            ),
        }
    }
    if values.is_empty() {
        return;
    }
    let specs = acc.config.var_reference.clone();
    for r in &mut acc.map.list {
        let api = r.api_version().to_string();
        let kind = r.kind().to_string();
        for fs in &specs {
            if !fs.applies_to(&api, &kind) {
                continue;
            }
            visit(&mut r.node, fs, Create::No, Origin::default(), &mut |n| {
                substitute_in(n, &values)
            });
        }
    }
}

fn substitute_in(n: &mut Node, values: &[(String, Scalar)]) {
    match &mut n.value {
        Value::Scalar(Scalar::Str(_)) => substitute(n, values),
        Value::Map(entries) => entries.iter_mut().for_each(|e| {
            if matches!(e.value.value, Value::Scalar(Scalar::Str(_))) {
                substitute(&mut e.value, values);
            }
        }),
        Value::Seq(items) => items.iter_mut().for_each(|i| {
            if matches!(i.value, Value::Scalar(Scalar::Str(_))) {
                substitute(i, values);
            }
        }),
        Value::Scalar(_) => {}
    }
}

/// Replaces `$(NAME)` references; `$$` is a literal `$`. A string that is
/// exactly one reference takes the value's type.
fn substitute(n: &mut Node, values: &[(String, Scalar)]) {
    let Some(input) = n.as_str().map(String::from) else {
        return;
    };
    let get = |name: &str| values.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if let Some(name) = input.strip_prefix("$(").and_then(|r| r.strip_suffix(')')) {
        if !name.contains(')') {
            if let Some(v) = get(name) {
                n.value = Value::Scalar(v.clone());
            }
            return;
        }
    }
    let b = input.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut checkpoint = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            out.push_str(&input[checkpoint..i]);
            match b[i + 1] {
                b'$' => {
                    out.push('$');
                    i += 2;
                }
                b'(' => match input[i + 2..].find(')') {
                    Some(end) => {
                        let name = &input[i + 2..i + 2 + end];
                        match get(name) {
                            Some(v) => out.push_str(&scalar_text(v)),
                            None => out.push_str(&input[i..i + 3 + end]),
                        }
                        i += 3 + end;
                    }
                    None => {
                        out.push_str("$(");
                        i += 2;
                    }
                },
                _ => {
                    out.push('$');
                    i += 1;
                }
            }
            checkpoint = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&input[checkpoint.min(input.len())..]);
    n.value = Value::Scalar(Scalar::Str(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_replaced_and_escapes_kept() {
        let values = vec![
            ("SVC".to_string(), Scalar::Str("web".into())),
            ("PORT".to_string(), Scalar::Int(80)),
        ];
        let mut n = Node::string("http://$(SVC):$(PORT)/$(NOPE) $$(SVC)", Origin::default());
        substitute(&mut n, &values);
        assert_eq!(n.as_str(), Some("http://web:80/$(NOPE) $(SVC)"));
        let mut n = Node::string("$(PORT)", Origin::default());
        substitute(&mut n, &values);
        assert_eq!(n.value, Value::Scalar(Scalar::Int(80)));
    }

    #[test]
    fn field_paths_index_and_match() {
        let l =
            crate::yaml::load("spec:\n  ports:\n  - {name: a, port: 1}\n  - {name: b, port: 2}\n");
        let n = Node::from_yaml(&l.documents[0].root, 0);
        assert_eq!(
            lookup(&n, "spec.ports[1].port")
                .and_then(Node::scalar_text)
                .as_deref(),
            Some("2")
        );
        assert_eq!(
            lookup(&n, "spec.ports.[name=a].port")
                .and_then(Node::scalar_text)
                .as_deref(),
            Some("1")
        );
    }
}
