//! JSON patches (RFC 6902) applied to the output tree directly, so that the
//! nodes an operation does not touch keep their origins and a `value` keeps
//! the patch's. The operations behave as in the library kustomize uses
//! (evanphx/json-patch): `add` into a list inserts, `-` appends, `replace` and
//! `remove` need the target to exist, `test` compares the JSON values.

use super::tree::{Node, Origin, Value};

#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub op: String,
    pub path: String,
    pub from: Option<String>,
    pub value: Option<Node>,
    /// The operation in its file (for problems).
    pub origin: Origin,
}

/// The operations of a parsed patch document (a list of maps); the message
/// says what is wrong with it.
pub(crate) fn parse_ops(doc: &Node) -> Result<Vec<Op>, String> {
    let items = doc.items().ok_or("a JSON patch is a list of operations")?;
    let mut ops = Vec::new();
    for item in items {
        if !item.is_map() {
            return Err("a JSON patch operation is a mapping".into());
        }
        let s = |k: &str| item.get(k).and_then(Node::scalar_text);
        let op = s("op").ok_or("a JSON patch operation has no `op`")?;
        let path = s("path").ok_or("a JSON patch operation has no `path`")?;
        ops.push(Op {
            op,
            path,
            from: s("from"),
            value: item.get("value").cloned(),
            origin: item.origin,
        });
    }
    Ok(ops)
}

fn pointer(p: &str) -> Result<Vec<String>, String> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let rest = p
        .strip_prefix('/')
        .ok_or_else(|| format!("JSON pointer {p:?} does not start with /"))?;
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn index(seg: &str, len: usize, allow_end: bool) -> Result<usize, String> {
    if allow_end && seg == "-" {
        return Ok(len);
    }
    let i: usize = seg
        .parse()
        .map_err(|_| format!("{seg:?} is not a list index"))?;
    if i > len || (!allow_end && i == len) {
        return Err(format!(
            "index {i} is out of range (the list has {len} items)"
        ));
    }
    Ok(i)
}

fn get<'a>(root: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut n = root;
    for seg in path {
        n = match &n.value {
            Value::Map(_) => n.get(seg)?,
            Value::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
            Value::Scalar(_) => return None,
        };
    }
    Some(n)
}

fn get_mut<'a>(root: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    let mut n = root;
    for seg in path {
        n = match &mut n.value {
            Value::Map(entries) => &mut entries.iter_mut().find(|e| &e.key == seg)?.value,
            Value::Seq(items) => items.get_mut(seg.parse::<usize>().ok()?)?,
            Value::Scalar(_) => return None,
        };
    }
    Some(n)
}

fn add(root: &mut Node, path: &[String], value: Node, key_origin: Origin) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *root = value;
        return Ok(());
    };
    let p = get_mut(root, parent).ok_or("the parent of the path does not exist")?;
    match &mut p.value {
        Value::Map(_) => {
            p.set(last, value, key_origin);
            Ok(())
        }
        Value::Seq(items) => {
            let i = index(last, items.len(), true)?;
            items.insert(i, value);
            Ok(())
        }
        Value::Scalar(_) => Err("the parent of the path is not a list or a mapping".into()),
    }
}

fn remove(root: &mut Node, path: &[String]) -> Result<Node, String> {
    let (last, parent) = path
        .split_last()
        .ok_or("cannot remove the whole document")?;
    let p = get_mut(root, parent).ok_or("the path does not exist")?;
    match &mut p.value {
        Value::Map(_) => p
            .remove(last)
            .ok_or_else(|| "the path does not exist".into()),
        Value::Seq(items) => {
            let i = index(last, items.len(), false)?;
            Ok(items.remove(i))
        }
        Value::Scalar(_) => Err("the path does not exist".into()),
    }
}

/// Nodes in a tree, counted up to `max + 1` (enough to know it is too many).
pub(crate) fn count(n: &Node, max: usize) -> usize {
    let mut total = 0usize;
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        total += 1;
        if total > max {
            break;
        }
        match &x.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            Value::Scalar(_) => {}
        }
    }
    total
}

/// Why [`apply`] stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Operation `.0` failed.
    Op(usize, String),
    /// The tree would grow past the node limit (`copy` doubles a tree).
    TooLarge(usize),
}

/// Applies `ops` to `root` in order; stops at the first failing one or when
/// the tree would hold more than `max_nodes` nodes (the tree then holds the
/// operations before it, which the caller discards).
pub(crate) fn apply(root: &mut Node, ops: &[Op], max_nodes: usize) -> Result<(), Failure> {
    // An upper bound of the tree's size: what adds count, what removes not.
    let mut size = count(root, max_nodes);
    for (i, op) in ops.iter().enumerate() {
        let added = match op.op.as_str() {
            "add" | "replace" => op.value.as_ref().map_or(0, |v| count(v, max_nodes)),
            "copy" => op
                .from
                .as_deref()
                .and_then(|f| pointer(f).ok())
                .and_then(|f| get(root, &f).map(|n| count(n, max_nodes)))
                .unwrap_or(0),
            _ => 0,
        };
        size = size.saturating_add(added);
        if size > max_nodes {
            return Err(Failure::TooLarge(i));
        }
        apply_one(root, op).map_err(|e| Failure::Op(i, format!("{} {}: {e}", op.op, op.path)))?;
    }
    Ok(())
}

fn apply_one(root: &mut Node, op: &Op) -> Result<(), String> {
    let path = pointer(&op.path)?;
    let value = || {
        op.value
            .clone()
            .ok_or_else(|| "the operation has no `value`".to_string())
    };
    match op.op.as_str() {
        "add" => add(root, &path, value()?, op.origin),
        "remove" => remove(root, &path).map(|_| ()),
        "replace" => {
            let v = value()?;
            let target = get_mut(root, &path).ok_or("the path does not exist")?;
            *target = v;
            Ok(())
        }
        "move" => {
            let from = pointer(op.from.as_deref().ok_or("the operation has no `from`")?)?;
            let v = remove(root, &from)?;
            add(root, &path, v, op.origin)
        }
        "copy" => {
            let from = pointer(op.from.as_deref().ok_or("the operation has no `from`")?)?;
            let v = get(root, &from).ok_or("`from` does not exist")?.clone();
            add(root, &path, v, op.origin)
        }
        "test" => {
            let v = value()?;
            let at = get(root, &path).ok_or("the path does not exist")?;
            if at.to_json() == v.to_json() {
                Ok(())
            } else {
                Err("the test failed: the value differs".into())
            }
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(text: &str, file: u32) -> Node {
        let loaded = crate::yaml::load(text);
        Node::from_yaml(&loaded.documents[0].root, file)
    }

    #[test]
    fn operations_apply_in_order_and_values_keep_the_patch_origin() {
        let mut doc = node("spec:\n  replicas: 1\n  list: [a, b]\n", 0);
        let ops = parse_ops(&node(
            "- op: replace\n  path: /spec/replicas\n  value: 3\n- op: add\n  path: /spec/list/1\n  value: x\n- op: add\n  path: /spec/list/-\n  value: z\n- op: remove\n  path: /spec/list/0\n- op: add\n  path: /metadata\n  value: {name: nn}\n",
            1,
        ))
        .expect("ops");
        apply(&mut doc, &ops, 1000).expect("applies");
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"spec": {"replicas": 3, "list": ["x", "b", "z"]}, "metadata": {"name": "nn"}})
        );
        assert_eq!(
            doc.get_path(&["spec", "replicas"]).map(|n| n.origin.file),
            Some(1)
        );
        assert_eq!(
            doc.get_path(&["spec", "list"]).map(|n| n.origin.file),
            Some(0)
        );
    }

    #[test]
    fn failures_name_the_operation() {
        let mut doc = node("a: 1\n", 0);
        let ops = parse_ops(&node("- {op: replace, path: /b, value: 2}\n", 1)).expect("ops");
        let Err(Failure::Op(i, msg)) = apply(&mut doc, &ops, 1000) else {
            panic!("fails");
        };
        assert_eq!(i, 0);
        assert!(msg.contains("/b"), "{msg}");
        let ops = parse_ops(&node("- {op: test, path: /a, value: 2}\n", 1)).expect("ops");
        assert!(apply(&mut doc, &ops, 1000).is_err());
        // Copies that double the tree stop at the limit, before it is built.
        let ops: String = (0..64)
            .map(|i| format!("- {{op: copy, from: '', path: /k{i}}}\n"))
            .collect();
        let ops = parse_ops(&node(&ops, 1)).expect("ops");
        assert!(matches!(
            apply(&mut doc, &ops, 1000),
            Err(Failure::TooLarge(_))
        ));
    }
}
