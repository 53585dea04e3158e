//! Evaluating user policies. Each worker owns its engines (like bundled rules):
//! one for native rules and conftest policies (with the bundled Rego libraries,
//! so `data.kubeward.lib.*` imports work), one per Gatekeeper template. Every
//! user rule is its own regorus call, so a runtime error or a timeout in one
//! becomes a `kubeward/policy-error` on that resource and the others still run.
//! Modules are parsed and analysed once per engine, when the engine is built.

use super::gatekeeper::{self, Object};
use super::rego::{split_error, Module};
use super::{conftest, How, PolicyError, UserPolicies};
use crate::engine::eval::{applies_to, parse_finding, RawFinding};
use crate::engine::{Catalog, PolicySource};
use crate::finding::Severity;
use crate::resource::Resource;
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;

/// What every worker's user engines are built from.
pub struct UserPlan<'a> {
    pub policies: &'a UserPolicies,
    libs: &'a [PolicySource],
    tables: &'a [(String, String)],
    /// `data.kubeward` (config and inventory), as bundled rules see it.
    kubeward: Value,
    /// Gatekeeper's `data.inventory`, built only when a template reads it.
    inventory: Option<Value>,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    pod_kinds: Vec<String>,
    default_namespace: String,
    /// Per user rule: whether any file enables it.
    enabled: Vec<bool>,
}

impl<'a> UserPlan<'a> {
    pub fn new(
        policies: &'a UserPolicies,
        catalog: &'a Catalog,
        kubeward: Value,
        resources: &[Resource],
        pod_kinds: Vec<String>,
        default_namespace: Option<&str>,
        enabled: impl Fn(&str) -> bool,
    ) -> UserPlan<'a> {
        let default_namespace = default_namespace.unwrap_or("default").to_string();
        let reads_inventory = policies
            .templates
            .iter()
            .flat_map(|t| &t.modules)
            .any(|m| m.text.contains("inventory"));
        let inventory =
            reads_inventory.then(|| gatekeeper_inventory(resources, &default_namespace));
        let namespace_labels = resources
            .iter()
            .filter(|r| r.id.kind == "Namespace" && r.id.api_version == "v1")
            .filter_map(|r| Some((r.id.name.clone()?, labels_of(r))))
            .collect();
        UserPlan {
            enabled: policies.rules.iter().map(|r| enabled(&r.meta.id)).collect(),
            policies,
            libs: &catalog.libs,
            tables: &catalog.tables,
            kubeward,
            inventory,
            namespace_labels,
            pod_kinds,
            default_namespace,
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.enabled.iter().any(|e| *e)
    }
}

fn labels_of(r: &Resource) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(crate::yaml::Node {
        kind: crate::yaml::NodeKind::Map(entries),
        ..
    }) = r.metadata().and_then(|m| m.get("labels"))
    {
        for e in entries {
            if let Some(v) = super::load::scalar_str(&e.value) {
                out.insert(e.key.clone(), v);
            }
        }
    }
    out
}

/// name -> object, kind -> names, apiVersion -> kinds.
type ByApi = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// `data.inventory` as Gatekeeper syncs it: `namespace.<ns>.<apiVersion>.<kind>.<name>`
/// and `cluster.<apiVersion>.<kind>.<name>`, whole objects.
fn gatekeeper_inventory(resources: &[Resource], default_ns: &str) -> Value {
    let mut namespaced: BTreeMap<String, ByApi> = BTreeMap::new();
    let mut cluster: ByApi = BTreeMap::new();
    for r in resources {
        let Some(name) = r.id.name.clone() else {
            continue;
        };
        let value = crate::engine::convert::to_value(&r.tree());
        let (api, kind) = (r.id.api_version.clone(), r.id.kind.clone());
        match namespace_of(r, default_ns) {
            Some(ns) => {
                namespaced
                    .entry(ns.to_string())
                    .or_default()
                    .entry(api)
                    .or_default()
                    .entry(kind)
                    .or_default()
                    .insert(name, value);
            }
            None => {
                cluster
                    .entry(api)
                    .or_default()
                    .entry(kind)
                    .or_default()
                    .insert(name, value);
            }
        }
    }
    fn obj<T>(m: BTreeMap<String, T>, f: impl Fn(T) -> Value) -> Value {
        Value::from(
            m.into_iter()
                .map(|(k, v)| (Value::from(k), f(v)))
                .collect::<BTreeMap<Value, Value>>(),
        )
    }
    let names = |m: BTreeMap<String, Value>| obj(m, |v| v);
    let kinds = |m: BTreeMap<String, BTreeMap<String, Value>>| obj(m, names);
    let apis = |m: ByApi| obj(m, kinds);
    let mut inv = BTreeMap::new();
    inv.insert(Value::from("namespace"), obj(namespaced, apis));
    inv.insert(Value::from("cluster"), apis(cluster));
    let mut root = BTreeMap::new();
    root.insert(Value::from("inventory"), Value::from(inv));
    Value::from(root)
}

/// The messages a conftest or Gatekeeper rule returned, as findings of user rule `i`.
fn raw_findings(i: usize, rule: &str, v: &Value) -> Vec<RawFinding> {
    conftest::messages(rule, v)
        .into_iter()
        .map(|m| RawFinding {
            rule: Some(i),
            message: m.msg,
            path: m.path,
            severity: None,
        })
        .collect()
}

fn namespace_of<'r>(r: &'r Resource, default_ns: &'r str) -> Option<&'r str> {
    match &r.id.namespace {
        Some(ns) => Some(ns.as_str()),
        None if crate::resource::is_cluster_scoped(&r.id.kind) => None,
        None => Some(default_ns),
    }
}

/// A worker's user engines.
pub struct UserEvaluator<'p> {
    plan: &'p UserPlan<'p>,
    main: Option<Engine>,
    templates: Vec<Engine>,
    /// conftest packages that define `exception`.
    exception_packages: BTreeSet<String>,
    /// regorus panicked during an evaluation: its engines may be inconsistent
    /// and are built anew before the next resource.
    panicked: bool,
}

/// Longest message a user rule may put in a report (a policy can build a
/// message of any size; reports and terminals should not carry megabytes).
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// `message` cut to [`MAX_MESSAGE_CHARS`] characters, saying how much was cut.
pub fn capped_message(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        None => message,
        Some((cut, _)) => {
            let rest = message[cut..].chars().count();
            format!("{}… ({rest} more characters)", &message[..cut])
        }
    }
}

/// One rule evaluation of a user policy, with a fresh memory budget. A panic
/// inside regorus (a policy can reach corners of it no bundled rule does)
/// becomes this rule's error on this resource instead of ending the process.
pub(crate) fn eval_guarded(
    engine: &mut Engine,
    panicked: &mut bool,
    rule: String,
) -> anyhow::Result<Value> {
    super::budget::reset();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.eval_rule(rule))) {
        Ok(result) => result,
        Err(_) => {
            *panicked = true;
            Err(anyhow::anyhow!(
                "the Rego engine failed on this policy (an internal error of regorus)"
            ))
        }
    }
}

impl<'p> UserEvaluator<'p> {
    /// Builds and analyses the engines; a module that does not compile is a
    /// located error (the run stops before linting).
    pub fn new(plan: &'p UserPlan<'p>) -> Result<UserEvaluator<'p>, PolicyError> {
        let p = plan.policies;
        let main = if p.modules.is_empty() {
            None
        } else {
            let mut e = main_engine(p, plan.libs, plan.tables, &plan.kubeward, &p.modules)?;
            prepare(&mut e, &p.modules)?;
            Some(e)
        };
        let mut templates = Vec::new();
        for t in &p.templates {
            let mut e = new_engine(p.timeout);
            for m in &t.modules {
                m.add_to(&mut e)?;
            }
            for d in &p.data {
                add_data(&mut e, d, "--data")?;
            }
            if let Some(inv) = &plan.inventory {
                add_data(&mut e, inv, "<inventory>")?;
            }
            prepare(&mut e, &t.modules)?;
            templates.push(e);
        }
        let exception_packages = p
            .modules
            .iter()
            .filter(|m| m.has_rule("exception"))
            .map(|m| m.package.clone())
            .collect();
        Ok(UserEvaluator {
            plan,
            main,
            templates,
            exception_packages,
            panicked: false,
        })
    }

    /// Every enabled user rule that applies to the resource; rule indices are
    /// into `UserPolicies::rules`.
    pub fn evaluate(&mut self, r: &Resource, input: &Value) -> Vec<RawFinding> {
        let plan = self.plan;
        let mut out = Vec::new();
        let mut input_set = false;
        let mut excepted: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, rule) in plan.policies.rules.iter().enumerate() {
            if !plan.enabled[i] {
                continue;
            }
            let id = rule.meta.id.as_str();
            match &rule.how {
                How::Native { package } => {
                    if !applies_to(&rule.meta.kinds, &r.id.kind, &plan.pod_kinds) {
                        continue;
                    }
                    let Some(engine) = self.main.as_mut() else {
                        continue;
                    };
                    if !input_set {
                        engine.set_input(input.clone());
                        input_set = true;
                    }
                    match eval_guarded(engine, &mut self.panicked, format!("data.{package}.deny")) {
                        Ok(v) => out.extend(values(&v).map(|f| parse_finding(Some(i), id, f))),
                        Err(e) => out.push(self.failure(id, &e.to_string())),
                    }
                }
                How::Conftest {
                    package,
                    rule: name,
                } => {
                    let Some(engine) = self.main.as_mut() else {
                        continue;
                    };
                    if !input_set {
                        engine.set_input(input.clone());
                        input_set = true;
                    }
                    if self.exception_packages.contains(package) && !excepted.contains_key(package)
                    {
                        let ex = match eval_guarded(
                            engine,
                            &mut self.panicked,
                            format!("data.{package}.exception"),
                        ) {
                            Ok(v) => conftest::excepted(&v),
                            Err(e) => {
                                out.push(self.failure(
                                    &format!("conftest/{package}/exception"),
                                    &e.to_string(),
                                ));
                                BTreeSet::new()
                            }
                        };
                        excepted.insert(package.clone(), ex);
                    }
                    if excepted
                        .get(package)
                        .is_some_and(|ex| ex.contains(conftest::exception_name(name)))
                    {
                        continue;
                    }
                    let Some(engine) = self.main.as_mut() else {
                        continue;
                    };
                    match eval_guarded(engine, &mut self.panicked, format!("data.{package}.{name}"))
                    {
                        Ok(v) => out.extend(raw_findings(i, name, &v)),
                        Err(e) => out.push(self.failure(id, &e.to_string())),
                    }
                }
                How::Gatekeeper {
                    template,
                    constraint,
                } => {
                    let group = r.id.api_version.split_once('/').map_or("", |(g, _)| g);
                    let namespace = namespace_of(r, &plan.default_namespace);
                    let ns_for_labels = if r.id.kind == "Namespace" {
                        r.id.name.as_deref()
                    } else {
                        namespace
                    };
                    let object = Object {
                        group,
                        kind: &r.id.kind,
                        name: r.id.name.as_deref(),
                        namespace,
                        labels: labels_of(r),
                        namespace_labels: ns_for_labels
                            .and_then(|ns| plan.namespace_labels.get(ns).cloned()),
                    };
                    if !constraint.matcher.matches(&object) {
                        continue;
                    }
                    let (Some(engine), Some(t)) = (
                        self.templates.get_mut(*template),
                        plan.policies.templates.get(*template),
                    ) else {
                        continue;
                    };
                    engine.set_input(gatekeeper::input(
                        input.clone(),
                        &object,
                        &constraint.parameters,
                    ));
                    match eval_guarded(
                        engine,
                        &mut self.panicked,
                        format!("data.{}.violation", t.package()),
                    ) {
                        Ok(v) => out.extend(raw_findings(i, "violation", &v)),
                        Err(e) => out.push(self.failure(id, &e.to_string())),
                    }
                }
            }
        }
        if std::mem::take(&mut self.panicked) {
            // The plan compiled once already; should it not now, the old
            // engines are kept (and will likely fail again, rule by rule).
            if let Ok(fresh) = UserEvaluator::new(plan) {
                *self = fresh;
            }
        }
        for f in &mut out {
            f.message = capped_message(std::mem::take(&mut f.message));
        }
        out
    }

    /// A policy error naming the rule and where in the policy it failed.
    fn failure(&self, id: &str, error: &str) -> RawFinding {
        // The timer's own message carries the elapsed nanoseconds, which would
        // make reports differ from run to run.
        let why = if error.contains("exceeded time limit") {
            format!(
                "evaluation was stopped after {:?} (a runaway policy?)",
                self.plan.policies.timeout
            )
        } else {
            describe(self.plan.policies, error)
        };
        RawFinding {
            rule: None,
            message: format!("policy {id} failed on this resource: {why}"),
            path: Vec::new(),
            severity: Some(Severity::Error),
        }
    }
}

pub(super) fn new_engine(timeout: std::time::Duration) -> Engine {
    let mut e = Engine::new();
    // OPA semantics: a builtin given a bad argument is undefined, not an error.
    e.set_strict_builtin_errors(false);
    // Builtins are called through guards that keep one evaluation's memory
    // within a budget (a policy is code from the repository).
    super::budget::install(&mut e);
    // A runaway policy is stopped, not waited for: the interpreter checks the
    // clock every few hundred steps.
    e.set_execution_timer_config(ExecutionTimerConfig {
        limit: timeout,
        check_interval: NonZeroU32::MIN.saturating_add(255),
    });
    e
}

/// An engine with the bundled libraries and tables, `data.kubeward`, the
/// given user modules and `--data` (not yet analysed).
pub(crate) fn main_engine(
    p: &UserPolicies,
    libs: &[PolicySource],
    tables: &[(String, String)],
    kubeward: &Value,
    modules: &[Module],
) -> Result<Engine, PolicyError> {
    let mut e = new_engine(p.timeout);
    for lib in libs {
        e.add_policy(lib.path.clone(), lib.text.clone())
            .map_err(|err| PolicyError::file(&lib.path, err.to_string()))?;
    }
    for m in modules {
        m.add_to(&mut e)?;
    }
    add_data(&mut e, kubeward, "<kubeward data>")?;
    for (name, json) in tables {
        let table =
            Value::from_json_str(json).map_err(|err| PolicyError::file(name, err.to_string()))?;
        add_data(&mut e, &nest(&["kubeward", "tables", name], table), name)?;
    }
    for d in &p.data {
        add_data(&mut e, d, "--data")?;
    }
    Ok(e)
}

pub(super) fn add_data(e: &mut Engine, v: &Value, what: &str) -> Result<(), PolicyError> {
    e.add_data(v.clone())
        .map_err(|err| PolicyError::file(what, format!("cannot merge into data: {err}")))
}

fn nest(keys: &[&str], leaf: Value) -> Value {
    keys.iter().rev().fold(leaf, |acc, k| {
        let mut m = BTreeMap::new();
        m.insert(Value::from(*k), acc);
        Value::from(m)
    })
}

/// regorus analyses modules on the first query: run a trivial one so unsafe
/// variables, conflicts and bad imports stop the run now; then calls to
/// functions that exist nowhere (which regorus only notices when it reaches
/// them) are rejected too.
pub(crate) fn prepare(e: &mut Engine, modules: &[Module]) -> Result<(), PolicyError> {
    if let Err(err) = e.eval_query("true".into(), false) {
        let text = err.to_string();
        return Err(module_for(modules, &text)
            .map(|m| m.error(&text, None))
            .unwrap_or_else(|| PolicyError::file("policies", text)));
    }
    super::calls::check(e, modules)
}

/// Whether a Gatekeeper template compiles on its own (its Rego and libs), the
/// same checks its engine gets in [`UserEvaluator::new`].
pub(super) fn check_template(t: &super::gatekeeper::Template) -> Result<(), PolicyError> {
    let mut e = new_engine(super::DEFAULT_TIMEOUT);
    for m in &t.modules {
        m.add_to(&mut e)?;
    }
    prepare(&mut e, &t.modules)
}

pub(super) fn module_for<'m>(modules: &'m [Module], error: &str) -> Option<&'m Module> {
    let loc = error
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    modules.iter().find(|m| {
        loc.strip_prefix(m.path.as_str())
            .is_some_and(|rest| rest.starts_with(':'))
    })
}

/// `file:line:col: message` for a runtime error, located in the user's file.
pub(crate) fn describe(p: &UserPolicies, error: &str) -> String {
    let all: Vec<Module> = p
        .modules
        .iter()
        .chain(p.templates.iter().flat_map(|t| &t.modules))
        .cloned()
        .collect();
    match module_for(&all, error) {
        Some(m) => {
            let e = m.error(error, None);
            format!("{}:{}:{}: {}", e.source.path, e.line, e.column, e.message)
        }
        None => split_error(error, "").2,
    }
}

fn values(v: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match v {
        Value::Set(s) => Box::new(s.iter()),
        Value::Array(a) => Box::new(a.iter()),
        _ => Box::new(std::iter::empty()),
    }
}
