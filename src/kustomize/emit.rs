//! Printing a build: YAML the way `kustomize build` prints it (keys sorted,
//! lists not indented under their key, multi-line strings as literal blocks,
//! documents separated by `---`), optionally with each value's origin as a
//! comment, and JSON (one array of documents) for tools.
//!
//! A string is written plain only when Kubernetes would read it back as the
//! same string (checked by loading it with kubeward's own loader): `"yes"`,
//! `"0644"` or `"1e3"` are quoted.

use super::tree::{Node, Origin, Value};
use super::{Build, Document};
use crate::yaml::Scalar;

/// What to write after a value (a provenance comment), if anything.
pub type Commenter<'a> = &'a dyn Fn(Origin) -> Option<String>;

/// The documents as a YAML stream.
pub fn yaml(docs: &[Document], comment: Option<Commenter>) -> String {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        if d.root.entries().is_some_and(|e| !e.is_empty()) {
            map(&d.root, 0, &mut out, comment);
        } else {
            out.push_str("{}\n");
        }
    }
    out
}

/// The documents as a YAML stream with `# path:line:col` after each value.
pub fn yaml_with_provenance(build: &Build) -> String {
    let describe = |o: Origin| Some(build.describe(o));
    yaml(&build.documents, Some(&describe))
}

/// The documents as a JSON array.
pub fn json(docs: &[Document]) -> String {
    let arr: Vec<serde_json::Value> = docs.iter().map(|d| d.root.to_json()).collect();
    serde_json::to_string(&arr).unwrap_or_else(|_| "[]".into())
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn end_line(out: &mut String, comment: Option<Commenter>, at: Origin) {
    if let Some(c) = comment.and_then(|f| f(at)) {
        out.push_str("  # ");
        out.push_str(&c);
    }
    out.push('\n');
}

fn is_empty_collection(n: &Node) -> Option<&'static str> {
    match &n.value {
        Value::Map(e) if e.is_empty() => Some("{}"),
        Value::Seq(i) if i.is_empty() => Some("[]"),
        _ => None,
    }
}

fn map(n: &Node, indent: usize, out: &mut String, comment: Option<Commenter>) {
    let Some(entries) = n.entries() else {
        return;
    };
    let mut sorted: Vec<_> = entries.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, e) in sorted.into_iter().enumerate() {
        // The first entry of a map in a list item follows its `- `.
        if i > 0 || indent == 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str(&key(&e.key));
        out.push(':');
        value_after_key(&e.value, indent, out, comment);
    }
}

/// The value of a map entry, after `key:`.
fn value_after_key(v: &Node, indent: usize, out: &mut String, comment: Option<Commenter>) {
    if let Some(empty) = is_empty_collection(v) {
        out.push(' ');
        out.push_str(empty);
        return end_line(out, comment, v.origin);
    }
    match &v.value {
        Value::Scalar(s) => {
            out.push(' ');
            scalar(s, indent + 2, out, comment, v.origin);
        }
        Value::Map(_) => {
            end_line(out, comment, v.origin);
            map(v, indent + 2, out, comment);
        }
        Value::Seq(_) => {
            end_line(out, comment, v.origin);
            seq(v, indent, out, comment);
        }
    }
}

fn seq(n: &Node, indent: usize, out: &mut String, comment: Option<Commenter>) {
    for item in n.items().unwrap_or_default() {
        pad(out, indent);
        out.push('-');
        if let Some(empty) = is_empty_collection(item) {
            out.push(' ');
            out.push_str(empty);
            end_line(out, comment, item.origin);
            continue;
        }
        match &item.value {
            Value::Scalar(s) => {
                out.push(' ');
                scalar(s, indent + 2, out, comment, item.origin);
            }
            Value::Map(_) => {
                out.push(' ');
                map(item, indent + 2, out, comment);
            }
            Value::Seq(_) => {
                end_line(out, comment, item.origin);
                seq(item, indent + 2, out, comment);
            }
        }
    }
}

fn scalar(
    s: &Scalar,
    block_indent: usize,
    out: &mut String,
    comment: Option<Commenter>,
    at: Origin,
) {
    match s {
        Scalar::Null => out.push_str("null"),
        Scalar::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Scalar::Int(i) => out.push_str(&i.to_string()),
        Scalar::UInt(u) => out.push_str(&u.to_string()),
        Scalar::Float(f) => out.push_str(&float(*f)),
        Scalar::Str(text) => {
            if literal_ok(text) {
                return literal(text, block_indent, out, comment, at);
            }
            out.push_str(&string(text));
        }
    }
    end_line(out, comment, at);
}

fn float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        let s = format!("{f:?}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// A multi-line string that a literal block can hold exactly.
fn literal_ok(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\t'])
        && !s.starts_with('\n')
        && s.chars().all(|c| c == '\n' || c == '\t' || !c.is_control())
        && !s.contains('\u{FEFF}')
        && s.split('\n').all(|l| l.is_empty() || !l.trim().is_empty())
}

fn literal(s: &str, indent: usize, out: &mut String, comment: Option<Commenter>, at: Origin) {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    end_line(out, comment, at);
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn key(k: &str) -> String {
    if plain_ok(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// Whether `s` can be written without quotes and read back (by Kubernetes'
/// YAML rules) as the same string.
fn plain_ok(s: &str) -> bool {
    if s.is_empty() || s.trim() != s || s.len() > 4096 {
        return false;
    }
    // An indicator character starts no plain scalar, except a `-` followed by more than a
    // space or a document marker (`-x`, `-1`).
    let dash_plain =
        s.starts_with('-') && s.len() > 1 && !s.starts_with("- ") && !s.starts_with("---");
    if !dash_plain && s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c)) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    if s.chars().any(|c| {
        c.is_control() || c == '\u{FEFF}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}'
    }) {
        return false;
    }
    if s.contains(['[', ']', '{', '}', ',']) {
        // Fine in block context, but quoted like kustomize for readability
        // where a flow collection could be read.
        if s.starts_with(['[', '{']) {
            return false;
        }
    }
    // Read it back the way Kubernetes would.
    let doc = format!("k: {s}\n");
    let loaded = crate::yaml::load(&doc);
    loaded.issues.is_empty()
        && loaded
            .documents
            .first()
            .and_then(|d| d.root.get("k"))
            .is_some_and(|v| v.as_str() == Some(s))
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{85}') => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else {
                    out.push_str(&format!("\\u{n:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(yaml_text: &str) {
        let l = crate::yaml::load(yaml_text);
        let docs: Vec<Document> = l
            .documents
            .iter()
            .map(|d| Document {
                root: Node::from_yaml(&d.root, 0),
                chain: Vec::new(),
            })
            .collect();
        let printed = yaml(&docs, None);
        let back = crate::yaml::load(&printed);
        assert!(back.issues.is_empty(), "{printed}");
        let a: Vec<_> = l
            .documents
            .iter()
            .map(|d| crate::yaml::to_json(&d.root))
            .collect();
        let b: Vec<_> = back
            .documents
            .iter()
            .map(|d| crate::yaml::to_json(&d.root))
            .collect();
        assert_eq!(a, b, "{printed}");
    }

    #[test]
    fn printed_yaml_reads_back_the_same() {
        roundtrip("a: 'yes'\nb: '0644'\nc: \"1e3\"\nd: 'x: y'\ne: \"line1\\nline2\\n\"\nf: \"tab\\there\"\ng: [1, '2', {h: ''}]\ni: {}\nj: []\nk: ~\nl: '- x'\nm: -x\nn: \"\\u00e9t\\u00e9\"\n");
        roundtrip("list:\n- - a\n  - b\n- {x: 1, y: [z]}\n- \"multi\\nline\"\n---\nkind: X\n");
        roundtrip(
            "s: \"  leading\\nspaces\"\nt: \"a\\n\\n\\n\"\nu: \"x\\n \\ny\"\nv: '#c'\nw: 'a #b'\n",
        );
    }

    #[test]
    fn keys_are_sorted_and_lists_sit_under_their_key() {
        let l = crate::yaml::load("b: 1\na:\n- x: 1\n  w: 2\n");
        let docs = vec![Document {
            root: Node::from_yaml(&l.documents[0].root, 0),
            chain: Vec::new(),
        }];
        assert_eq!(yaml(&docs, None), "a:\n- w: 2\n  x: 1\nb: 1\n");
    }
}
