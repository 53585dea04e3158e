//! Gatekeeper, offline: ConstraintTemplates (their Rego `violation` rules and
//! libs) and constraints (parameters, `match`, `enforcementAction`), evaluated
//! the way `gator test` does: `input.review.object` is the resource,
//! `input.parameters` the constraint's parameters, `data.inventory` the run.
//!
//! Matching follows Gatekeeper's `match` semantics: `kinds` (API group and
//! kind, `*` for any), `namespaces` / `excludedNamespaces` (with a `*` prefix
//! or suffix glob; cluster-scoped objects other than Namespaces are not
//! subject to them), `labelSelector`, `namespaceSelector` (resolved against
//! the Namespace objects of the run: a namespaced object whose Namespace is
//! not among the linted files does not match), `scope` and `name`.

use super::load::{scalar_str, GatekeeperDoc};
use super::rego::{self, Embedded, Module};
use super::{synthetic_meta, How, PolicyError, UserRule};
use crate::finding::Severity;
use crate::problem::Problem;
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};
use regorus::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Template {
    /// `metadata.name`.
    pub name: String,
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    pub file: String,
    /// The main module first, then its libs.
    pub modules: Vec<Module>,
}

impl Template {
    pub fn package(&self) -> &str {
        self.modules.first().map_or("", |m| m.package.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    pub file: String,
    pub severity: Severity,
    pub parameters: Value,
    pub matcher: Match,
}

#[derive(Debug, Clone, Default)]
pub struct Match {
    /// (apiGroups, kinds); empty = every kind.
    pub kinds: Vec<(Vec<String>, Vec<String>)>,
    pub namespaces: Option<Vec<String>>,
    pub excluded_namespaces: Vec<String>,
    pub label_selector: Option<Selector>,
    pub namespace_selector: Option<Selector>,
    /// `*`, `Cluster` or `Namespaced`.
    pub scope: Option<String>,
    pub name: Option<String>,
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub match_labels: BTreeMap<String, String>,
    /// (key, operator, values).
    pub expressions: Vec<(String, String, Vec<String>)>,
}

impl Selector {
    fn from_value(v: &Value) -> Selector {
        let mut s = Selector::default();
        if let Ok(m) = v["matchLabels"].as_object() {
            for (k, val) in m.iter() {
                if let (Value::String(k), Value::String(val)) = (k, val) {
                    s.match_labels.insert(k.to_string(), val.to_string());
                }
            }
        }
        if let Ok(exprs) = v["matchExpressions"].as_array() {
            for e in exprs.iter() {
                let key = str_of(&e["key"]).unwrap_or_default();
                let op = str_of(&e["operator"]).unwrap_or_default();
                s.expressions.push((key, op, strings(&e["values"])));
            }
        }
        s
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|(k, op, values)| {
                let got = labels.get(k);
                match op.as_str() {
                    "In" => got.is_some_and(|g| values.contains(g)),
                    "NotIn" => got.is_none_or(|g| !values.contains(g)),
                    "Exists" => got.is_some(),
                    "DoesNotExist" => got.is_none(),
                    // An unknown operator selects nothing, as the API server would
                    // reject the selector.
                    _ => false,
                }
            })
    }
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(str_of).collect())
        .unwrap_or_default()
}

/// What the matcher needs to know about a resource.
pub struct Object<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    /// None for cluster-scoped objects.
    pub namespace: Option<&'a str>,
    pub labels: BTreeMap<String, String>,
    /// The labels of its Namespace (its own for a Namespace), when known.
    pub namespace_labels: Option<BTreeMap<String, String>>,
}

impl Match {
    fn from_value(v: &Value) -> Match {
        let mut m = Match::default();
        if let Ok(kinds) = v["kinds"].as_array() {
            for k in kinds.iter() {
                m.kinds
                    .push((strings(&k["apiGroups"]), strings(&k["kinds"])));
            }
        }
        if v["namespaces"] != Value::Undefined {
            m.namespaces = Some(strings(&v["namespaces"]));
        }
        m.excluded_namespaces = strings(&v["excludedNamespaces"]);
        if v["labelSelector"] != Value::Undefined {
            m.label_selector = Some(Selector::from_value(&v["labelSelector"]));
        }
        if v["namespaceSelector"] != Value::Undefined {
            m.namespace_selector = Some(Selector::from_value(&v["namespaceSelector"]));
        }
        m.scope = str_of(&v["scope"]);
        m.name = str_of(&v["name"]);
        m
    }

    pub fn matches(&self, o: &Object) -> bool {
        let any = |list: &[String], x: &str| list.iter().any(|l| l == "*" || l == x);
        if !self.kinds.is_empty()
            && !self
                .kinds
                .iter()
                .any(|(groups, kinds)| any(groups, o.group) && any(kinds, o.kind))
        {
            return false;
        }
        match self.scope.as_deref() {
            Some("Cluster") if o.namespace.is_some() => return false,
            Some("Namespaced") if o.namespace.is_none() => return false,
            _ => {}
        }
        if let Some(name) = &self.name {
            if !glob(name, o.name.unwrap_or("")) {
                return false;
            }
        }
        // A Namespace is judged by its own name; other cluster-scoped objects
        // are not subject to namespace criteria.
        let ns = if o.kind == "Namespace" && o.group.is_empty() {
            o.name
        } else {
            o.namespace
        };
        if let Some(ns) = ns {
            if let Some(list) = &self.namespaces {
                if !list.iter().any(|p| glob(p, ns)) {
                    return false;
                }
            }
            if self.excluded_namespaces.iter().any(|p| glob(p, ns)) {
                return false;
            }
            if let Some(sel) = &self.namespace_selector {
                match &o.namespace_labels {
                    Some(labels) if sel.matches(labels) => {}
                    _ => return false,
                }
            }
        }
        if let Some(sel) = &self.label_selector {
            if !sel.matches(&o.labels) {
                return false;
            }
        }
        true
    }
}

/// Gatekeeper's namespace globs: a `*` at the front or the end.
fn glob(pattern: &str, s: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        return s.starts_with(prefix);
    }
    if let Some(suffix) = pattern.strip_prefix('*') {
        return s.ends_with(suffix);
    }
    pattern == s
}

/// `input` for a template: the review of one object and the parameters.
pub fn input(object: Value, o: &Object, parameters: &Value) -> Value {
    let (group, version) = match object["apiVersion"].as_string() {
        Ok(a) => match a.split_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), a.to_string()),
        },
        Err(_) => (String::new(), String::new()),
    };
    let mut kind = BTreeMap::new();
    kind.insert(Value::from("group"), Value::from(group));
    kind.insert(Value::from("version"), Value::from(version));
    kind.insert(Value::from("kind"), Value::from(o.kind));
    let mut review = BTreeMap::new();
    review.insert(Value::from("kind"), Value::from(kind));
    review.insert(Value::from("operation"), Value::from("CREATE"));
    if let Some(n) = o.name {
        review.insert(Value::from("name"), Value::from(n));
    }
    if let Some(ns) = o.namespace {
        review.insert(Value::from("namespace"), Value::from(ns));
    }
    review.insert(Value::from("object"), object);
    let mut root = BTreeMap::new();
    root.insert(Value::from("review"), Value::from(review));
    root.insert(Value::from("parameters"), parameters.clone());
    Value::from(root)
}

/// What `build` makes of the Gatekeeper documents: templates, one rule per
/// constraint, remarks (CEL-only templates, once per template; constraints
/// whose kind no template defines), and the errors of templates among the
/// linted files that could not be used (skipped).
pub type Built = (Vec<Template>, Vec<UserRule>, Vec<Problem>, Vec<PolicyError>);

/// `compiles` tells whether a linted template's Rego compiles on its own (the
/// evaluator's check, passed in: evaluation reads this module's types).
pub fn build(
    docs: Vec<GatekeeperDoc>,
    compiles: &dyn Fn(&Template) -> Result<(), PolicyError>,
) -> Result<Built, PolicyError> {
    let mut templates: Vec<Template> = Vec::new();
    let mut notes = Vec::new();
    let mut constraints = Vec::new();
    // Kinds of CEL-only templates: their constraints are skipped quietly (the
    // template was already reported once).
    let mut cel_kinds: Vec<String> = Vec::new();
    let mut rejected = Vec::new();
    // Kinds of linted templates that could not be used: their constraints
    // are skipped quietly (the template is reported).
    let mut rejected_kinds: Vec<String> = Vec::new();
    for d in docs {
        let kind = d.root.get("kind").and_then(scalar_str).unwrap_or_default();
        if kind == "ConstraintTemplate" {
            let usable = template(&d).and_then(|t| match t {
                Some(t) if d.linted => compiles(&t).map(|()| Some(t)),
                other => Ok(other),
            });
            let usable = match usable {
                Ok(t) => t,
                Err(e) if d.linted => {
                    rejected_kinds.push(constraint_kind(&d.root));
                    rejected.push(e);
                    continue;
                }
                Err(e) => return Err(e),
            };
            match usable {
                Some(t) => {
                    if !templates.iter().any(|o| o.kind == t.kind) {
                        templates.push(t);
                    }
                }
                None => {
                    cel_kinds.push(constraint_kind(&d.root));
                    notes.push(Problem::note(
                    d.file.path.clone(),
                    format!(
                        "ConstraintTemplate {} has no Rego (CEL, engine K8sNativeValidation, is not supported); its constraints are skipped",
                        name_of(&d.root)
                    ),
                    ))
                }
            }
        } else {
            constraints.push(d);
        }
    }
    let mut rules = Vec::new();
    for d in constraints {
        let c = constraint(&d);
        let Some(t) = templates.iter().position(|t| t.kind == c.kind) else {
            if !cel_kinds.contains(&c.kind) && !rejected_kinds.contains(&c.kind) {
                notes.push(Problem::note(
                    d.file.path.clone(),
                    format!(
                        "constraint {}/{}: no ConstraintTemplate defines kind {}; it is skipped",
                        c.kind, c.name, c.kind
                    ),
                ));
            }
            continue;
        };
        let id = format!("gatekeeper/{}/{}", c.kind, c.name);
        if rules.iter().any(|r: &UserRule| r.meta.id == id) {
            continue;
        }
        let mut meta = synthetic_meta(
            id,
            format!("Gatekeeper constraint {} {}", c.kind, c.name),
            c.severity,
            &c.file,
            templates[t].package(),
        );
        meta.remediation = format!(
            "See ConstraintTemplate {} ({}).",
            templates[t].name, templates[t].file
        );
        rules.push(UserRule {
            meta,
            how: How::Gatekeeper {
                template: t,
                constraint: Box::new(c),
            },
        });
    }
    Ok((templates, rules, notes, rejected))
}

/// The constraint kind a template defines (`spec.crd.spec.names.kind`).
fn constraint_kind(root: &Node) -> String {
    ["spec", "crd", "spec", "names", "kind"]
        .iter()
        .try_fold(root, |n, k| n.get(k))
        .and_then(scalar_str)
        .unwrap_or_default()
}

fn name_of(root: &Node) -> String {
    root.get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(scalar_str)
        .unwrap_or_default()
}

/// A template's Rego modules, or None when it only has CEL. Parse errors are
/// located in the YAML file.
fn template(d: &GatekeeperDoc) -> Result<Option<Template>, PolicyError> {
    let name = name_of(&d.root);
    let kind = constraint_kind(&d.root);
    let mut modules = Vec::new();
    let targets = d.root.get("spec").and_then(|s| s.get("targets"));
    for target in seq(targets) {
        // `rego:` + `libs:` directly, or under `code: [{engine: Rego, source: {...}}]`.
        let mut sources: Vec<&Node> = vec![target];
        for code in seq(target.get("code")) {
            let engine = code.get("engine").and_then(scalar_str).unwrap_or_default();
            if engine == "Rego" {
                if let Some(src) = code.get("source") {
                    sources.push(src);
                }
            }
        }
        for src in sources {
            if let Some(rego) = src.get("rego") {
                modules.insert(0, embedded_module(d, &name, "", rego)?);
            }
            for (i, lib) in seq(src.get("libs")).into_iter().enumerate() {
                modules.push(embedded_module(d, &name, &format!(".lib{i}"), lib)?);
            }
        }
    }
    if modules.is_empty() {
        return Ok(None);
    }
    Ok(Some(Template {
        name,
        kind,
        file: d.file.path.clone(),
        modules,
    }))
}

fn seq(n: Option<&Node>) -> Vec<&Node> {
    match n.map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items.iter().collect(),
        _ => Vec::new(),
    }
}

fn embedded_module(
    d: &GatekeeperDoc,
    template: &str,
    suffix: &str,
    node: &Node,
) -> Result<Module, PolicyError> {
    let text = scalar_str(node).unwrap_or_default();
    let embedded = embedding(&d.file, node);
    let path = format!("{}#{template}{suffix}", d.file.path);
    // Gatekeeper's Rego is v0 unless it says otherwise; the usual detection
    // applies (an explicit `import rego.v1` makes it v1).
    match rego::parse(&path, &text, None) {
        Ok(mut m) => {
            m.embedded = Some(embedded);
            Ok(m)
        }
        // Re-locate the error from the module's text into the YAML file.
        Err(e) => Err(PolicyError::at(
            d.file.clone(),
            embedded.first_line + e.line.saturating_sub(1),
            embedded.indent + e.column,
            e.message.clone(),
            e.note.clone(),
        )),
    }
}

/// Where a scalar's text starts in the file: a block scalar (`rego: |`)
/// starts on the next line, at that line's indentation.
fn embedding(file: &SourceFile, node: &Node) -> Embedded {
    let pos = file.position(node.span.start);
    let at = file.text.get(node.span.start..).unwrap_or("");
    let block = at.starts_with('|') || at.starts_with('>');
    if block {
        let first_line = pos.line + 1;
        let indent = file
            .text
            .lines()
            .skip(first_line - 1)
            .find(|l| !l.trim().is_empty())
            .map_or(0, |l| l.len() - l.trim_start().len());
        Embedded {
            file: file.clone(),
            first_line,
            indent,
        }
    } else {
        let quoted = at.starts_with('"') || at.starts_with('\'');
        Embedded {
            file: file.clone(),
            first_line: pos.line,
            indent: pos.column - 1 + usize::from(quoted),
        }
    }
}

fn constraint(d: &GatekeeperDoc) -> Constraint {
    let v = crate::engine::convert::to_value(&d.root);
    let kind = str_of(&v["kind"]).unwrap_or_default();
    let name = str_of(&v["metadata"]["name"]).unwrap_or_default();
    let spec = &v["spec"];
    let actions: Vec<String> = match str_of(&spec["enforcementAction"]).as_deref() {
        Some("scoped") => spec["scopedEnforcementActions"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| str_of(&x["action"])).collect())
            .unwrap_or_default(),
        Some(a) => vec![a.to_string()],
        None => vec!["deny".to_string()],
    };
    let severity = actions
        .iter()
        .map(|a| match a.as_str() {
            "deny" => Severity::Error,
            "warn" => Severity::Warning,
            _ => Severity::Info,
        })
        .max()
        .unwrap_or(Severity::Error);
    let parameters = match &spec["parameters"] {
        Value::Undefined => Value::new_object(),
        p => p.clone(),
    };
    Constraint {
        kind,
        name,
        file: d.file.path.clone(),
        severity,
        parameters,
        matcher: Match::from_value(&spec["match"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn match_semantics() {
        let m = Match::from_value(
            &Value::from_json_str(
                r#"{"kinds":[{"apiGroups":["apps"],"kinds":["Deployment"]}],
                   "excludedNamespaces":["kube-*"],
                   "labelSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["web"]}]}}"#,
            )
            .expect("json"),
        );
        let mut o = Object {
            group: "apps",
            kind: "Deployment",
            name: Some("api"),
            namespace: Some("prod"),
            labels: labels(&[("tier", "web")]),
            namespace_labels: None,
        };
        assert!(m.matches(&o));
        o.namespace = Some("kube-system");
        assert!(!m.matches(&o));
        o.namespace = Some("prod");
        o.labels = labels(&[("tier", "db")]);
        assert!(!m.matches(&o));
        o.labels = labels(&[("tier", "web")]);
        o.group = "";
        assert!(!m.matches(&o));
    }

    #[test]
    fn namespace_selector_needs_the_namespace() {
        let m = Match::from_value(
            &Value::from_json_str(r#"{"namespaceSelector":{"matchLabels":{"env":"prod"}}}"#)
                .expect("json"),
        );
        let mut o = Object {
            group: "",
            kind: "Pod",
            name: Some("p"),
            namespace: Some("shop"),
            labels: BTreeMap::new(),
            namespace_labels: None,
        };
        assert!(!m.matches(&o), "unresolvable namespace does not match");
        o.namespace_labels = Some(labels(&[("env", "prod")]));
        assert!(m.matches(&o));
        assert!(glob("*-system", "kube-system") && !glob("kube", "kube-system"));
    }
}
