//! kustomize reads YAML with go-yaml v3 (YAML 1.2 booleans), not with the
//! go-yaml v2 rules Kubernetes applies to a file it is given directly. So in
//! a built resource `yes`, `on`, `y` (and `no`, `off`, `n`) are strings, not
//! booleans, and an unquoted date becomes an RFC 3339 time string. kubeward's
//! loader types scalars the Kubernetes way; this re-types what kustomize reads
//! differently, from the text each value was written as.

use crate::yaml::{Node, NodeKind, Scalar};

/// The YAML 1.2 spellings of a boolean: every other one go-yaml v2 accepts is
/// a string to kustomize.
fn is_core_bool(text: &str) -> bool {
    matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

/// Re-types `node` (whose spans index `text`) as kustomize reads it.
pub(crate) fn retype(node: &mut Node, text: &str) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let raw = text.get(n.span.start..n.span.end).unwrap_or_default();
        match &mut n.kind {
            NodeKind::Scalar(s @ Scalar::Bool(_)) => {
                // Only a plain scalar can be a 1.1-only boolean: a tagged or
                // quoted one keeps its type.
                if !is_core_bool(raw) && raw.chars().all(|c| c.is_ascii_alphabetic()) {
                    *s = Scalar::Str(raw.to_string());
                }
            }
            NodeKind::Scalar(Scalar::Str(s)) => {
                if raw == s.as_str() {
                    if let Some(t) = date_time(s) {
                        *s = t;
                    }
                }
            }
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items.iter_mut()),
            NodeKind::Map(entries) => {
                for e in entries.iter_mut() {
                    let key_raw = text
                        .get(e.key_span.start..e.key_span.end)
                        .unwrap_or_default();
                    if (e.key == "true" || e.key == "false")
                        && !is_core_bool(key_raw)
                        && !key_raw.is_empty()
                        && key_raw.chars().all(|c| c.is_ascii_alphabetic())
                    {
                        e.key = key_raw.to_string();
                    }
                    stack.push(&mut e.value);
                }
            }
        }
    }
}

/// An unquoted date or UTC time as kustomize prints it: `2001-12-14` is
/// `2001-12-14T00:00:00Z`; a full `...T..:..:..Z` stays. Other layouts are
/// left alone.
fn date_time(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    if !date {
        return None;
    }
    if b.len() == 10 {
        return Some(format!("{s}T00:00:00Z"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retyped(text: &str) -> serde_json::Value {
        let mut doc = crate::yaml::load(text).documents.remove(0).root;
        retype(&mut doc, text);
        crate::yaml::to_json(&doc)
    }

    #[test]
    fn yaml_1_1_booleans_are_strings_to_kustomize() {
        assert_eq!(
            retyped(
                "a: yes\nb: on\nc: true\nd: 'no'\ne: !!bool yes\nf: 0644\ny: 1\ng: 2001-12-14\n"
            ),
            serde_json::json!({"a": "yes", "b": "on", "c": true, "d": "no", "e": true, "f": 420, "y": 1, "g": "2001-12-14T00:00:00Z"})
        );
    }
}
