//! Patch and replacement targets: `target: {group, version, kind, name,
//! namespace, labelSelector, annotationSelector}`. Like kustomize, the name,
//! namespace, group, version and kind are anchored regular expressions, a
//! resource matches by its current or its original name and namespace, and
//! the selectors use Kubernetes label selector syntax (`a=b,c!=d,e in (x,y),
//! !f`).

use regex::Regex;

use super::resource::Res;
use super::tree::Node;

#[derive(Debug, Clone, Default)]
pub(crate) struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

impl Selector {
    pub fn from_node(n: &Node) -> Selector {
        let s = |k: &str| n.text_at(k);
        Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: s("name"),
            namespace: s("namespace"),
            label_selector: s("labelSelector"),
            annotation_selector: s("annotationSelector"),
        }
    }
}

fn anchored(p: &str) -> Result<Option<Regex>, String> {
    if p.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("^(?:{p})$"))
        .map(Some)
        .map_err(|e| format!("bad regular expression {p:?}: {e}"))
}

/// A compiled selector.
pub(crate) struct Matcher {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

fn is(r: &Option<Regex>, s: &str) -> bool {
    r.as_ref().is_none_or(|r| r.is_match(s))
}

impl Matcher {
    pub fn new(s: &Selector) -> Result<Matcher, String> {
        Ok(Matcher {
            group: anchored(&s.group)?,
            version: anchored(&s.version)?,
            kind: anchored(&s.kind)?,
            name: anchored(&s.name)?,
            namespace: anchored(&s.namespace)?,
            labels: parse_selector(&s.label_selector)?,
            annotations: parse_selector(&s.annotation_selector)?,
        })
    }

    pub fn matches(&self, r: &Res) -> bool {
        let cur = r.cur_id();
        let org = r.org_id();
        if !is(&self.namespace, org.effective_namespace())
            && !is(&self.namespace, cur.effective_namespace())
        {
            return false;
        }
        if !is(&self.name, &org.name) && !is(&self.name, &cur.name) {
            return false;
        }
        let gvk = &cur.gvk;
        if !is(&self.group, &gvk.group)
            || !is(&self.version, &gvk.version)
            || !is(&self.kind, &gvk.kind)
        {
            return false;
        }
        let labels = r.string_map("labels");
        let annotations = r.string_map("annotations");
        self.labels.iter().all(|q| q.matches(&labels))
            && self.annotations.iter().all(|q| q.matches(&annotations))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk == k)
                .map(|(_, v)| v.as_str())
        };
        match self {
            Requirement::Equals(k, v) => get(k) == Some(v),
            Requirement::NotEquals(k, v) => get(k) != Some(v),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        }
    }
}

/// Splits on commas outside parentheses.
fn terms(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn parse_selector(s: &str) -> Result<Vec<Requirement>, String> {
    let mut out = Vec::new();
    if s.trim().is_empty() {
        return Ok(out);
    }
    for t in terms(s) {
        let t = t.trim();
        let bad = || format!("bad selector term {t:?}");
        let set = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(bad)?;
            Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
        };
        if let Some(k) = t.strip_prefix('!') {
            out.push(Requirement::NotExists(k.trim().to_string()));
        } else if let Some((k, v)) = t.split_once("!=") {
            out.push(Requirement::NotEquals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = t.split_once("==") {
            out.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = t.split_once('=') {
            out.push(Requirement::Equals(k.trim().into(), v.trim().into()));
        } else if let Some((k, rest)) = t.split_once(" notin ") {
            out.push(Requirement::NotIn(k.trim().into(), set(rest)?));
        } else if let Some((k, rest)) = t.split_once(" in ") {
            out.push(Requirement::In(k.trim().into(), set(rest)?));
        } else if !t.is_empty() && !t.contains(char::is_whitespace) {
            out.push(Requirement::Exists(t.to_string()));
        } else {
            return Err(bad());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn selectors_parse_every_operator() {
        let q = parse_selector("app=web, tier in (a, b),!legacy,env!=dev,team").expect("parses");
        let l = labels(&[("app", "web"), ("tier", "b"), ("team", "x")]);
        assert!(q.iter().all(|r| r.matches(&l)));
        let l = labels(&[("app", "web"), ("tier", "c"), ("team", "x")]);
        assert!(!q.iter().all(|r| r.matches(&l)));
        assert!(parse_selector("a b").is_err());
        assert!(parse_selector("x in a").is_err());
    }
}
