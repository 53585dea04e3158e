//! `configMapGenerator` and `secretGenerator`: ConfigMaps and Secrets made
//! from literals, env files and files, with `generatorOptions`, the
//! `behavior` (create, merge into or replace a base's), and the content hash
//! kustomize appends to their names once the whole build is done.
//!
//! Origins: the generated resource is attributed to its generator entry in
//! the kustomization; a data key to the literal, the env file's line, or the
//! `files` entry it came from.

use base64::Engine;

use super::acc::Acc;
use super::kust::{string_map_of, strings_of, Kust};
use super::resource::{Behavior, Res};
use super::tree::{Node, Origin, Value};
use super::{ids, Ctx};
use crate::yaml::{Scalar, Span};

/// Options from `generatorOptions` and an entry's `options`.
#[derive(Debug, Clone, Default)]
struct GenOptions {
    labels: Vec<(String, String, Origin)>,
    annotations: Vec<(String, String, Origin)>,
    disable_hash: bool,
    immutable: bool,
}

fn flag(n: &Node, key: &str) -> bool {
    matches!(
        n.get(key).map(|v| &v.value),
        Some(Value::Scalar(Scalar::Bool(true)))
    )
}

fn read_options(ctx: &mut Ctx, n: Option<&Node>) -> GenOptions {
    let Some(n) = n.filter(|n| n.is_map()) else {
        return GenOptions::default();
    };
    let pairs = |ctx: &mut Ctx, key: &str| -> Vec<(String, String, Origin)> {
        n.get(key)
            .filter(|v| !v.is_null())
            .map(|v| string_map_of(ctx, v, key))
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v, _, at)| (k, v, at))
            .collect()
    };
    GenOptions {
        labels: pairs(ctx, "labels"),
        annotations: pairs(ctx, "annotations"),
        disable_hash: flag(n, "disableNameSuffixHash"),
        immutable: flag(n, "immutable"),
    }
}

/// The entry's own options win; the global ones fill in.
fn merged(local: GenOptions, global: &GenOptions) -> GenOptions {
    let mut out = local;
    for (k, v, at) in &global.labels {
        if !out.labels.iter().any(|(lk, _, _)| lk == k) {
            out.labels.push((k.clone(), v.clone(), *at));
        }
    }
    for (k, v, at) in &global.annotations {
        if !out.annotations.iter().any(|(lk, _, _)| lk == k) {
            out.annotations.push((k.clone(), v.clone(), *at));
        }
    }
    out.disable_hash |= global.disable_hash;
    out.immutable |= global.immutable;
    out
}

/// One key of the generated data: its value, where it came from, and whether
/// it is text (binary file contents go to `binaryData`).
struct Pair {
    key: String,
    value: Vec<u8>,
    at: Origin,
}

pub(crate) fn run(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let global = read_options(ctx, k.field("generatorOptions"));
    for (field, kind) in [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ] {
        for entry in k.maps(ctx, field) {
            let at = entry.origin;
            if let Some(res) = generate(ctx, k, &entry, kind, &global) {
                if ctx.admit(at) {
                    absorb(ctx, acc, res, at);
                }
            }
        }
    }
    for field in ["helmCharts", "helmChartInflationGenerator", "helmGlobals"] {
        if k.field(field).is_some() {
            ctx.problem(
                ids::HELM_CHART,
                format!("`{field}`: Helm charts in a kustomization are not rendered by kubeward's build yet; their resources are missing"),
                k.key_origin(field),
            );
        }
    }
}

fn generate(ctx: &mut Ctx, k: &Kust, entry: &Node, kind: &str, global: &GenOptions) -> Option<Res> {
    let at = entry.origin;
    let s = |key: &str| entry.text_at(key);
    let name = s("name");
    if name.is_empty() {
        ctx.problem(
            ids::GENERATOR,
            format!("a {kind} generator needs a name"),
            at,
        );
        return None;
    }
    let behavior = match s("behavior").as_str() {
        "" | "create" => Behavior::Create,
        "merge" => Behavior::Merge,
        "replace" => Behavior::Replace,
        other => {
            ctx.problem(ids::GENERATOR, format!("unknown behavior {other:?}"), at);
            return None;
        }
    };
    let opts = merged(read_options(ctx, entry.get("options")), global);
    let pairs = data_pairs(ctx, k, entry)?;
    let mut seen: Vec<&str> = Vec::new();
    for p in &pairs {
        if seen.contains(&p.key.as_str()) {
            ctx.problem(
                ids::GENERATOR,
                format!("{kind} {name} repeats the key {:?}", p.key),
                p.at,
            );
            return None;
        }
        if !valid_key(&p.key) {
            ctx.problem(
                ids::GENERATOR,
                format!("{:?} is not a valid {kind} key", p.key),
                p.at,
            );
            return None;
        }
        seen.push(&p.key);
    }
    let mut root = Node::map(at);
    root.set("apiVersion", Node::string("v1", at), at);
    root.set("kind", Node::string(kind, at), at);
    let mut meta = Node::map(at);
    let name_at = entry.get("name").map_or(at, |n| n.origin);
    meta.set("name", Node::string(name, name_at), name_at);
    let ns = s("namespace");
    if !ns.is_empty() {
        let ns_at = entry.get("namespace").map_or(at, |n| n.origin);
        meta.set("namespace", Node::string(ns, ns_at), ns_at);
    }
    for (field, list) in [("labels", &opts.labels), ("annotations", &opts.annotations)] {
        if list.is_empty() {
            continue;
        }
        let mut m = Node::map(at);
        let mut sorted = list.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, v, vat) in sorted {
            m.set(&k, Node::string(v, vat), vat);
        }
        meta.set(field, m, at);
    }
    root.set("metadata", meta, at);
    let mut sorted = pairs;
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    if kind == "Secret" {
        let t = s("type");
        let t_at = entry.get("type").map_or(at, |n| n.origin);
        root.set(
            "type",
            Node::string(if t.is_empty() { "Opaque".into() } else { t }, t_at),
            t_at,
        );
        let mut data = Node::map(at);
        for p in sorted {
            data.set(&p.key, Node::string(encode_base64(&p.value), p.at), p.at);
        }
        // A Secret always has `data`, empty or not (a ConfigMap only when
        // it has keys): kustomize's way.
        root.set("data", data, at);
    } else {
        let mut data = Node::map(at);
        let mut binary = Node::map(at);
        for p in sorted {
            match String::from_utf8(p.value) {
                Ok(text) => data.set(&p.key, Node::string(text, p.at), p.at),
                Err(e) => binary.set(
                    &p.key,
                    Node::string(encode_base64(e.as_bytes()), p.at),
                    p.at,
                ),
            }
        }
        if data.entries().is_some_and(|e| !e.is_empty()) {
            root.set("data", data, at);
        }
        if binary.entries().is_some_and(|e| !e.is_empty()) {
            root.set("binaryData", binary, at);
        }
    }
    if opts.immutable {
        root.set("immutable", Node::scalar(Scalar::Bool(true), at), at);
    }
    let mut res = Res::new(root);
    res.behavior = behavior;
    res.needs_hash = !opts.disable_hash;
    Some(res)
}

/// Env files, then literals, then files (kustomize's order).
fn data_pairs(ctx: &mut Ctx, k: &Kust, entry: &Node) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    let mut envs = entry
        .get("envs")
        .filter(|n| !n.is_null())
        .map(|n| strings_of(ctx, n, "envs"))
        .unwrap_or_default();
    if let Some(e) = entry.get("env").filter(|n| !n.is_null()) {
        envs.push((e.scalar_text().unwrap_or_default(), e.origin));
    }
    for (path, at) in envs {
        let (file, _) = ctx.read_local(k, &path, at)?;
        let text = ctx.fs.text(file).to_string();
        out.extend(env_pairs(ctx, &text, file)?);
    }
    let literals = entry
        .get("literals")
        .filter(|n| !n.is_null())
        .map(|n| strings_of(ctx, n, "literals"))
        .unwrap_or_default();
    for (lit, at) in literals {
        let Some((key, value)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            ctx.problem(
                ids::GENERATOR,
                format!("invalid literal {lit:?}, expected key=value"),
                at,
            );
            return None;
        };
        out.push(Pair {
            key: key.to_string(),
            value: unquote(value).as_bytes().to_vec(),
            at,
        });
    }
    let files = entry
        .get("files")
        .filter(|n| !n.is_null())
        .map(|n| strings_of(ctx, n, "files"))
        .unwrap_or_default();
    for (source, at) in files {
        let (key, path) = match source.matches('=').count() {
            0 => (
                source.rsplit('/').next().unwrap_or(&source).to_string(),
                source.clone(),
            ),
            1 => match source.split_once('=') {
                Some((k, p)) if !k.is_empty() && !p.is_empty() => (k.to_string(), p.to_string()),
                _ => {
                    ctx.problem(
                        ids::GENERATOR,
                        format!("invalid file source {source:?}"),
                        at,
                    );
                    return None;
                }
            },
            _ => {
                ctx.problem(
                    ids::GENERATOR,
                    format!("the key or path of {source:?} contains '='"),
                    at,
                );
                return None;
            }
        };
        let bytes = ctx.read_local_bytes(k, &path, at)?;
        out.push(Pair {
            key,
            value: bytes,
            at,
        });
    }
    Some(out)
}

/// `KEY=value` lines; blank lines and `#` comments skipped, leading blanks
/// trimmed; each pair at its line.
fn env_pairs(ctx: &mut Ctx, text: &str, file: u32) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let mut line = raw.strip_suffix('\n').unwrap_or(raw);
        line = line.strip_suffix('\r').unwrap_or(line);
        if n == 0 {
            line = line.strip_prefix('\u{FEFF}').unwrap_or(line);
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let lead = raw.len() - raw.trim_start().len();
        let at = Origin::new(file, Span::new(start + lead, start + lead + trimmed.len()));
        let (key, value) = trimmed.split_once('=').unwrap_or((trimmed, ""));
        if !valid_env_name(key) {
            ctx.problem(
                ids::GENERATOR,
                format!("{key:?} is not a valid environment variable name"),
                at,
            );
            return None;
        }
        out.push(Pair {
            key: key.to_string(),
            value: value.as_bytes().to_vec(),
            at,
        });
    }
    Some(out)
}

fn valid_env_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A ConfigMap/Secret key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k != "."
        && k != ".."
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && b[0] == b[b.len() - 1] && (b[0] == b'"' || b[0] == b'\'') {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Base64 as kustomize writes Secret data: past 70 characters, split into
/// lines of 70, each ending in a newline.
fn encode_base64(data: &[u8]) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(data);
    if enc.len() < 70 {
        return enc;
    }
    let mut out = String::with_capacity(enc.len() + enc.len() / 70 + 1);
    for chunk in enc.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// Adds a generated resource, or merges it into / replaces the resource it
/// names (`behavior`), as kustomize's `AbsorbAll` does.
fn absorb(ctx: &mut Ctx, acc: &mut Acc, mut res: Res, at: Origin) {
    let id = res.cur_id();
    let found = acc.map.matching_any_id(&|x| x.same(&id));
    match (found.as_slice(), res.behavior) {
        ([], Behavior::Create) => acc.append(ctx, res, at),
        ([], _) => ctx.problem(
            ids::GENERATOR,
            format!(
                "{} does not exist: nothing to merge or replace",
                id.display()
            ),
            at,
        ),
        ([_], Behavior::Create) => ctx.problem(
            ids::CONFLICTING_ID,
            format!(
                "{} exists already: use `behavior: merge` or `replace`",
                id.display()
            ),
            at,
        ),
        ([i], behavior) => {
            let old = acc.map.list[*i].clone();
            // Labels and annotations: the old ones, overridden by the new.
            for field in ["labels", "annotations"] {
                let olds = old
                    .node
                    .get_path(&["metadata", field])
                    .and_then(Node::entries)
                    .unwrap_or_default()
                    .to_vec();
                if olds.is_empty() {
                    continue;
                }
                let Some(meta) = res.node.ensure_map("metadata", at) else {
                    continue;
                };
                let Some(m) = meta.ensure_map(field, at) else {
                    continue;
                };
                for e in olds {
                    if m.get(&e.key).is_none() {
                        m.set(&e.key, e.value, e.key_origin);
                    }
                }
            }
            if let Some(n) = old.node.get_path(&["metadata", "name"]).cloned() {
                if let Some(meta) = res.node.get_mut("metadata") {
                    meta.set("name", n.clone(), n.origin);
                }
            }
            match old.node.get_path(&["metadata", "namespace"]).cloned() {
                Some(n) => {
                    if let Some(meta) = res.node.get_mut("metadata") {
                        meta.set("namespace", n.clone(), n.origin);
                    }
                }
                None => {
                    if let Some(meta) = res.node.get_mut("metadata") {
                        meta.remove("namespace");
                    }
                }
            }
            if behavior == Behavior::Merge {
                for field in ["data", "binaryData"] {
                    let olds = old
                        .node
                        .get(field)
                        .and_then(Node::entries)
                        .unwrap_or_default()
                        .to_vec();
                    if olds.is_empty() {
                        continue;
                    }
                    let mut m = Node::map(old.node.get(field).map_or(at, |n| n.origin));
                    for e in olds {
                        m.set(&e.key, e.value, e.key_origin);
                    }
                    for e in res
                        .node
                        .get(field)
                        .and_then(Node::entries)
                        .unwrap_or_default()
                        .to_vec()
                    {
                        m.set(&e.key, e.value, e.key_origin);
                    }
                    res.node.set(field, m, at);
                }
            }
            res.prev = old.prev;
            res.prefixes = old.prefixes;
            res.suffixes = old.suffixes;
            res.behavior = old.behavior;
            res.needs_hash = old.needs_hash && res.needs_hash;
            res.chain = old.chain;
            acc.map.list[*i] = res;
        }
        (_, _) => ctx.problem(
            ids::GENERATOR,
            format!("several resources could take the merge of {}", id.display()),
            at,
        ),
    }
}

/// Appends the content hash to the name of every generated resource that
/// wants one (after all transformations, so the hash covers the final name
/// and data, as kustomize's does).
pub(crate) fn add_hashes(acc: &mut Acc) {
    for r in &mut acc.map.list {
        if !r.needs_hash {
            continue;
        }
        let h = hash(&r.node);
        r.store_previous_id();
        let name = format!("{}-{h}", r.name());
        let at = r
            .node
            .get_path(&["metadata", "name"])
            .map_or(r.node.origin, |n| n.origin);
        r.set_name(name, at);
    }
}

/// kustomize's hash: SHA-256 of a JSON encoding of the kind, name and data,
/// its first ten hex digits with some letters swapped for readability. The
/// name is always empty: kustomize looks it up as one field named
/// `metadata/name`, which no resource has (so a prefix never changes it).
pub(crate) fn hash(n: &Node) -> String {
    let kind = n.str_at(&["kind"]).unwrap_or_default();
    let name = "";
    let field = |f: &str| -> Option<String> {
        let v = n.get(f)?;
        match &v.value {
            Value::Scalar(s) => Some(go_json_string(&super::tree::scalar_text(s))),
            _ => Some(go_json(&v.to_json())),
        }
    };
    let empty = go_json_string("");
    let mut parts: Vec<(String, String)> = Vec::new();
    if kind == "Secret" {
        parts.push((
            "data".into(),
            field("data").unwrap_or_else(|| empty.clone()),
        ));
        parts.push(("kind".into(), go_json_string("Secret")));
        parts.push(("name".into(), go_json_string(name)));
        if let Some(sd) = n.get("stringData").filter(|v| v.is_map()) {
            parts.push(("stringData".into(), go_json(&sd.to_json())));
        }
        parts.push((
            "type".into(),
            n.get("type")
                .and_then(Node::scalar_text)
                .map_or(empty, |t| go_json_string(&t)),
        ));
    } else if kind == "ConfigMap" {
        if let Some(b) = n.get("binaryData").filter(|v| v.is_map()) {
            parts.push(("binaryData".into(), go_json(&b.to_json())));
        }
        parts.push(("data".into(), field("data").unwrap_or(empty)));
        parts.push(("kind".into(), go_json_string("ConfigMap")));
        parts.push(("name".into(), go_json_string(name)));
    } else {
        return encode(&super::sha256::hex(go_json(&n.to_json()).as_bytes()));
    }
    let body: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("{}:{v}", go_json_string(&k)))
        .collect();
    encode(&super::sha256::hex(
        format!("{{{}}}", body.join(",")).as_bytes(),
    ))
}

fn encode(hex: &str) -> String {
    hex.chars()
        .take(10)
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// JSON as Go's `encoding/json` writes it: keys sorted, `<`, `>`, `&`,
/// U+2028 and U+2029 escaped.
fn go_json(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => go_json_string(s),
        J::Array(items) => format!(
            "[{}]",
            items.iter().map(go_json).collect::<Vec<_>>().join(",")
        ),
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let body: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        go_json_string(k),
                        m.get(k).map_or_else(|| "null".into(), go_json)
                    )
                })
                .collect();
            format!("{{{}}}", body.join(","))
        }
    }
}

fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cm(yaml: &str) -> Node {
        let l = crate::yaml::load(yaml);
        Node::from_yaml(&l.documents[0].root, 0)
    }

    #[test]
    fn hashes_match_kustomize() {
        // The suffix `kubectl kustomize` (kustomize v5.8) gives this data.
        let n = cm("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b, c: d}\n");
        assert_eq!(hash(&n), "fh478f99mk");
        let same =
            cm("kind: ConfigMap\napiVersion: v1\ndata: {c: d, a: b}\nmetadata: {name: other}\n");
        assert_eq!(hash(&n), hash(&same));
        let other = cm("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: c}\n");
        assert_ne!(hash(&n), hash(&other));
    }

    #[test]
    fn go_json_escapes_like_go() {
        assert_eq!(
            go_json_string("a<b>&\u{1}"),
            "\"a\\u003cb\\u003e\\u0026\\u0001\""
        );
    }

    #[test]
    fn long_base64_is_split_in_lines_of_70() {
        let s = encode_base64(&[b'x'; 60]);
        assert!(s.ends_with('\n'));
        assert!(s.lines().all(|l| l.len() <= 70));
        assert_eq!(encode_base64(b"abc"), "YWJj");
    }
}
