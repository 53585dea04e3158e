//! conftest-compatible policies: which rules count, and what their results and
//! `exception` rules mean.
//!
//! A rule counts when its name is `deny`, `violation` or `warn`, or one of
//! those followed by `_<name>`, in a selected package (`main` unless
//! `--policy-namespace`/`--all-namespaces` say otherwise). Its id is
//! `conftest/<package>/<rule>`; deny and violation are errors, warn warnings.

use super::rego::Module;
use super::{synthetic_meta, How, UserRule};
use crate::finding::{PathSeg, Severity};
use regorus::Value;
use std::collections::BTreeSet;

/// The severity a conftest rule name implies, or None for another rule.
pub fn rule_severity(name: &str) -> Option<Severity> {
    let kind = name.split_once('_').map_or(name, |(k, _)| k);
    match kind {
        "deny" | "violation" => Some(Severity::Error),
        "warn" => Some(Severity::Warning),
        _ => None,
    }
}

/// The name an `exception` rule uses for a rule: `deny_run_as_root` ->
/// `run_as_root`; the plain `deny` is excepted with "".
pub fn exception_name(rule: &str) -> &str {
    rule.split_once('_').map_or("", |(_, n)| n)
}

/// Every conftest rule of the selected packages, skipping native rules'
/// packages (those follow the native contract).
pub fn rules(
    modules: &[Module],
    native_packages: &[String],
    selected: &dyn Fn(&str) -> bool,
) -> Vec<UserRule> {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for m in modules {
        if native_packages.contains(&m.package) || !selected(&m.package) {
            continue;
        }
        for h in &m.heads {
            let Some(severity) = rule_severity(&h.name) else {
                continue;
            };
            if !seen.insert((m.package.clone(), h.name.clone())) {
                continue;
            }
            let id = format!("conftest/{}/{}", m.package, h.name);
            let mut meta = synthetic_meta(
                id,
                format!("conftest rule {} in package {}", h.name, m.package),
                severity,
                &format!("{}:{}", m.path, h.line),
                &m.package,
            );
            meta.remediation = format!("See the policy at {}:{}.", m.path, h.line);
            out.push(UserRule {
                meta,
                how: How::Conftest {
                    package: m.package.clone(),
                    rule: h.name.clone(),
                },
            });
        }
    }
    out
}

/// One result of a conftest (or Gatekeeper) rule: a message and, when the
/// policy gives one, a path into the resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub msg: String,
    pub path: Vec<PathSeg>,
}

/// The messages a rule's value holds. A partial set or array yields one per
/// item; an object (a v0 `deny[msg]` read as v1 becomes `{msg: true}`) one
/// per key; a string one; `true` one named after the rule.
pub fn messages(rule: &str, v: &Value) -> Vec<Message> {
    match v {
        Value::Set(s) => s.iter().filter_map(message).collect(),
        Value::Array(a) => a.iter().filter_map(message).collect(),
        Value::Object(o) if !o.contains_key(&Value::from("msg")) => {
            o.keys().filter_map(message).collect()
        }
        Value::Bool(true) => vec![Message {
            msg: rule.to_string(),
            path: Vec::new(),
        }],
        Value::Bool(false) | Value::Undefined | Value::Null => Vec::new(),
        other => message(other).into_iter().collect(),
    }
}

fn message(v: &Value) -> Option<Message> {
    match v {
        Value::String(s) => Some(Message {
            msg: s.to_string(),
            path: Vec::new(),
        }),
        Value::Object(o) => {
            let msg = match o.get(&Value::from("msg")) {
                Some(Value::String(s)) => s.to_string(),
                Some(other) => other.to_json_str().unwrap_or_default(),
                None => v.to_json_str().unwrap_or_default(),
            };
            let path = ["path", "_loc"]
                .iter()
                .find_map(|k| o.get(&Value::from(*k)))
                .map(path_of)
                .unwrap_or_default();
            Some(Message { msg, path })
        }
        Value::Undefined => None,
        other => Some(Message {
            msg: other.to_json_str().unwrap_or_default(),
            path: Vec::new(),
        }),
    }
}

/// A path given as an array of keys and indices, a dotted string
/// (`spec.containers[0].image`), or an object holding one under `path`.
pub fn path_of(v: &Value) -> Vec<PathSeg> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(PathSeg::Key(s.to_string())),
                Value::Number(n) => n.as_u64().map(|u| PathSeg::Index(u as usize)),
                _ => None,
            })
            .collect(),
        Value::String(s) => dotted(s),
        Value::Object(o) => o.get(&Value::from("path")).map(path_of).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn dotted(s: &str) -> Vec<PathSeg> {
    let mut out = Vec::new();
    for part in s.split('.').filter(|p| !p.is_empty()) {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(PathSeg::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(inner) = rest.strip_prefix('[') {
                let Some(end) = inner.find(']') else { break };
                let idx = &inner[..end];
                match idx.parse::<usize>() {
                    Ok(n) => out.push(PathSeg::Index(n)),
                    Err(_) => out.push(PathSeg::Key(idx.trim_matches(['"', '\'']).to_string())),
                }
                rest = &inner[end + 1..];
            }
        } else {
            out.push(PathSeg::Key(rest.to_string()));
        }
    }
    out
}

/// The rule names an `exception` value excepts (`exception contains rules if
/// { rules := ["run_as_root"] }` yields a set of arrays).
pub fn excepted(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |x: &Value| match x {
        Value::String(s) => {
            out.insert(s.to_string());
        }
        Value::Array(a) => {
            for s in a.iter() {
                if let Value::String(s) = s {
                    out.insert(s.to_string());
                }
            }
        }
        _ => {}
    };
    match v {
        Value::Set(s) => s.iter().for_each(&mut add),
        Value::Array(a) => a.iter().for_each(&mut add),
        // regorus reads a v0 `exception[rules] if { ... }` (future keywords) as
        // an object rule: the keys are the values.
        Value::Object(o) => o.keys().for_each(&mut add),
        other => add(other),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_severities() {
        assert_eq!(rule_severity("deny"), Some(Severity::Error));
        assert_eq!(rule_severity("violation_x"), Some(Severity::Error));
        assert_eq!(rule_severity("warn_latest_tag"), Some(Severity::Warning));
        assert_eq!(rule_severity("denied"), None);
        assert_eq!(rule_severity("allow"), None);
        assert_eq!(exception_name("deny_run_as_root"), "run_as_root");
        assert_eq!(exception_name("deny"), "");
    }

    #[test]
    fn messages_and_paths() {
        let v = Value::from_json_str(
            r#"[{"msg":"a","path":"spec.containers[0].image"},"b",{"msg":"c","_loc":["spec",1]}]"#,
        )
        .expect("json");
        let m = messages("deny", &v);
        assert_eq!(m[0].msg, "a");
        assert_eq!(
            m[0].path,
            vec![
                PathSeg::Key("spec".into()),
                PathSeg::Key("containers".into()),
                PathSeg::Index(0),
                PathSeg::Key("image".into())
            ]
        );
        assert_eq!(m[1].msg, "b");
        assert_eq!(
            m[2].path,
            vec![PathSeg::Key("spec".into()), PathSeg::Index(1)]
        );
        let ex = Value::from_json_str(r#"[["a","b"],"c"]"#).expect("json");
        assert_eq!(excepted(&ex).len(), 3);
        let mut obj = std::collections::BTreeMap::new();
        obj.insert(Value::from(vec![Value::from("x")]), Value::Bool(true));
        assert!(excepted(&Value::from(obj)).contains("x"));
    }
}
