//! Evaluation: rules are dispatched by the kinds they declare (a ConfigMap never
//! runs pod rules), every rule that applies to a kind is evaluated in ONE
//! regorus call through a generated dispatch module, and each worker thread owns
//! its engine (clones of one engine contend on shared reference counts).

use super::bundle::{Catalog, Rule};
use super::deps;
use super::programs;
use crate::finding::{PathSeg, Severity};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::{Engine, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("rule {path} does not compile:\n{message}")]
    Compile { path: String, message: String },
}

/// What the run evaluates: the enabled rules, grouped by the kinds they apply
/// to, plus the Rego dispatch module and `data` every engine gets.
pub struct Plan {
    pub rules: Vec<Rule>,
    libs: Vec<super::PolicySource>,
    tables: Vec<(String, String)>,
    groups: Vec<Vec<usize>>,
    kind_group: HashMap<String, usize>,
    /// The group for kinds no rule names (rules declaring `*`).
    other_group: Option<usize>,
    /// Per group: whether the run evaluates it (all, unless
    /// [`Plan::restrict_to_kinds`] was called).
    active: Vec<bool>,
    /// Per module (`libs`, then `rules`): whether the engines load it.
    needed: Vec<bool>,
    dispatch: String,
    data: Value,
    /// `data.kubeward.precomputed`: the input-independent part of the
    /// cross-resource rules (rules/lib/precompute.rego), computed by the first
    /// worker and shared by all; None when it could not be computed (the
    /// rules then compute the same values per resource).
    precomputed: OnceLock<Option<Value>>,
    /// Results by resource content: the same document in several files (a
    /// chart rendered twice, vendored copies) is evaluated once. Rules read
    /// only `input` and the run's `data`, so equal inputs give equal results.
    memo: Mutex<HashMap<(u64, u64), Vec<RawFinding>>>,
    /// Per group: its RVM program, compiled by the first worker that needs it
    /// (or read from the program cache) and shared by all (None: the group
    /// does not compile for the RVM).
    programs: Vec<OnceLock<Option<Arc<Program>>>>,
    /// Per group: the key of its program in the program cache
    /// (`engine::programs`); None for rules that are not the binary's own.
    keys: Vec<Option<programs::Key>>,
    /// Per rule: whether its findings are reported. All, unless the plan was
    /// widened to the default rule set to use the cached programs
    /// ([`Plan::for_run`]); the others are evaluated and their results dropped.
    reported: Vec<bool>,
    /// The key of the run index's program in the program cache.
    index_key: Option<programs::Key>,
    /// Where compiled programs are read from and written to; None: the run
    /// has no cache directory (`--no-cache`, a library caller's default),
    /// the rules are not the binary's own, or `KUBEWARD_PROGRAMS=compile`.
    cache: Option<programs::Cache>,
    /// Programs this process already has (a `Linter`'s runs share them).
    memory: Option<programs::Memory>,
    /// The engine the run is held to, if any.
    force: Option<super::EngineKind>,
    /// `data.kubeward.tables`, parsed once per run.
    tables_value: OnceLock<Result<Value, (String, String)>>,
    /// How long the rules may spend on one resource (a group, then each rule
    /// on its own when the group is stopped): the same budget user policies
    /// have (`--policy-timeout`). A stopped rule is a `kubeward/policy-error`.
    pub timeout: std::time::Duration,
    /// The run's documents are large (more than [`WIDEN_MAX_BYTES`]): its
    /// groups are compiled for the RVM even when the binary does not hold
    /// their programs (`--only`, a config switching rules off), since
    /// compiling costs ~60 ms and the interpreter is three times slower on a
    /// 7 MB ConfigMap (47 s against 17 s).
    large_input: bool,
    /// How many resources the run evaluates (the inventory may hold more:
    /// the project context).
    evaluated: usize,
}

/// The execution timer of every engine and VM: the budget, checked every few
/// hundred steps.
fn timer(limit: std::time::Duration) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit,
        check_interval: std::num::NonZeroU32::MIN.saturating_add(255),
    }
}

/// A rule group's bytecode VM. The RVM of regorus 0.14.1 runs the bundled
/// rules in about half the CPU of the tree-walking interpreter but has bugs the
/// rules are written around (`v :=` of an undefined value succeeds, an `else`
/// after a looping body is never taken, an `every` body that indexes by its
/// loop variable holds for one matching entry; see the `rvm_semantics` test and
/// docs/performance.md; tests/engines.rs checks both engines give the same
/// findings on every fixture). A group it cannot compile, and any resource it
/// fails on, is evaluated by the interpreter.
enum Vm {
    Untried,
    Ready(Box<regorus::rvm::vm::RegoVM>),
    Unavailable,
}

/// RVM instruction budget per resource: none of its own. The time budget
/// ([`Plan::timeout`]) bounds an evaluation; a count limit only sent large
/// inputs (a 200,000-key ConfigMap: 50 M instructions) to the interpreter,
/// three times slower, after the VM had already spent its time.
const VM_MAX_INSTRUCTIONS: usize = usize::MAX;

/// Small runs up to this much text may evaluate rules they switched off (see
/// [`Plan::for_run`]); beyond it, evaluating only the enabled rules is cheaper.
const WIDEN_MAX_BYTES: usize = 256 << 10;

/// Runs with at least this many resources evaluate the bundled rules with the
/// RVM. Compiling a group's program costs more than evaluating a few resources
/// with the interpreter (one Deployment: 29 ms with the interpreter, 59 ms with
/// the RVM), and pays off over many (bulk: 6.5 s -> 3.4 s wall).
const RVM_MIN_RESOURCES: usize = 64;

/// Which engine evaluates the bundled rules: `force` (`KUBEWARD_ENGINE=rvm`
/// or `interpreter`, for tests and measurements) holds the run to one, otherwise the size of
/// the run decides (`preferred`: the programs are cached, or compiled once
/// for the next runs, or the input is large). User policies always run on
/// the interpreter: their rules are not written around the RVM's bugs.
fn rvm_enabled(resources: usize, preferred: bool, force: Option<super::EngineKind>) -> bool {
    match force {
        Some(super::EngineKind::Rvm) => true,
        Some(super::EngineKind::Interpreter) => false,
        None => preferred || resources >= RVM_MIN_RESOURCES,
    }
}

/// A constant rule of the dispatch module: evaluating it makes regorus analyse
/// every module (the part of the first evaluation that finds rules that do not
/// compile) without evaluating any rule on an empty input.
const PREPARE_RULE: &str = "data.kubeward.dispatch.ready";

/// The rule that computes `data.kubeward.precomputed` once per run.
const PRECOMPUTE_RULE: &str = "data.kubeward.lib.precompute.index";

/// One rule result before it is located.
#[derive(Debug, Clone, PartialEq)]
pub struct RawFinding {
    /// Index into `Plan::rules`, or None for a policy error.
    pub rule: Option<usize>,
    pub message: String,
    pub path: Vec<PathSeg>,
    pub severity: Option<Severity>,
}

impl Plan {
    /// `enabled` picks the rules of the run; `data` is the `data.kubeward`
    /// document (config and inventory).
    /// `pod_kinds` are extra kinds (custom workloads from config) that count as
    /// pod-bearing.
    pub fn new(
        catalog: &Catalog,
        enabled: impl Fn(&Rule) -> bool,
        pod_kinds: &[String],
        data: Value,
    ) -> Plan {
        let rules: Vec<Rule> = catalog
            .rules
            .iter()
            // User rules run in engines of their own (policy::UserEvaluator).
            .filter(|r| !r.user && enabled(r))
            .cloned()
            .collect();
        let mut named: Vec<String> = Vec::new();
        for r in &rules {
            for k in &r.meta.kinds {
                match k.as_str() {
                    "pod-bearing" => {
                        named.extend(crate::kinds::pod_bearing().iter().cloned());
                        named.extend(pod_kinds.iter().cloned());
                    }
                    "*" => {}
                    other => named.push(other.to_string()),
                }
            }
        }
        named.sort();
        named.dedup();

        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut index: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut group_of = |members: Vec<usize>| -> Option<usize> {
            if members.is_empty() {
                return None;
            }
            Some(*index.entry(members.clone()).or_insert_with(|| {
                groups.push(members);
                groups.len() - 1
            }))
        };
        let mut kind_group = HashMap::new();
        for kind in &named {
            let members = (0..rules.len())
                .filter(|&i| applies(&rules[i], kind, pod_kinds))
                .collect();
            if let Some(g) = group_of(members) {
                kind_group.insert(kind.clone(), g);
            }
        }
        let others = (0..rules.len())
            .filter(|&i| rules[i].meta.kinds.iter().any(|k| k == "*"))
            .collect();
        let other_group = group_of(others);
        let active = vec![true; groups.len()];
        let programs = groups.iter().map(|_| OnceLock::new()).collect();
        let rules_len = rules.len();
        let keys = groups
            .iter()
            .enumerate()
            .map(|(g, members)| {
                let digest = catalog.digest?;
                Some(programs::key(digest, &group_source(&rules, g, members)))
            })
            .collect();
        let dispatch = dispatch_module(&rules, &groups, &active);
        let needed = vec![true; catalog.libs.len() + rules.len()];
        Plan {
            libs: catalog.libs.clone(),
            tables: catalog.tables.clone(),
            rules,
            groups,
            kind_group,
            other_group,
            active,
            needed,
            dispatch,
            data,
            precomputed: OnceLock::new(),
            memo: Mutex::new(HashMap::new()),
            programs,
            keys,
            reported: vec![true; rules_len],
            index_key: catalog.digest.map(|d| programs::key(d, PRECOMPUTE_RULE)),
            cache: None,
            memory: None,
            force: None,
            tables_value: OnceLock::new(),
            timeout: super::DEFAULT_TIMEOUT,
            large_input: false,
            evaluated: usize::MAX,
        }
    }

    /// The plan of a run of `resources` resources, with its RVM programs
    /// cached under `cache_dir` (None: no program cache, see
    /// `engine::programs`). A small run whose rules are all enabled by
    /// default (a config or `--only` may switch some off) evaluates the whole
    /// default rule set instead, with the cached programs every small run
    /// shares, and reports only its own rules: compiling a plan of its own
    /// would cost more (one Deployment: ~30 ms with the interpreter, ~60 ms
    /// compiling RVM programs, ~10 ms with cached ones). Large runs keep
    /// their exact plan: evaluating rules that are off would cost more there,
    /// and so do runs of few but large documents (`input_bytes`): a rule
    /// switched off must not be what makes a 50 MB ConfigMap slow.
    pub fn for_run(
        catalog: &Catalog,
        enabled: impl Fn(&Rule) -> bool,
        pod_kinds: &[String],
        data: Value,
        (resources, input_bytes): (usize, usize),
        (cache_dir, options): (Option<&std::path::Path>, &super::EngineOptions),
    ) -> Plan {
        let keep = !options.no_program_cache;
        let cache = catalog
            .digest
            .zip(cache_dir)
            .filter(|_| keep)
            .map(|(digest, dir)| programs::Cache::new(dir, digest));
        let memory = options.memory.clone().filter(|_| keep);
        let stored = cache.is_some() || memory.is_some();
        let bundled = || catalog.rules.iter().filter(|r| !r.user);
        // `enabled` asks every file's config: only small runs ask it twice.
        let widen = resources < RVM_MIN_RESOURCES
            && input_bytes <= WIDEN_MAX_BYTES
            && pod_kinds.is_empty()
            && stored
            && options.force.is_none()
            && bundled().all(|r| r.meta.enabled || !enabled(r))
            && bundled().any(&enabled);
        if !widen {
            let mut plan = Plan::new(catalog, enabled, pod_kinds, data);
            plan.large_input = input_bytes > WIDEN_MAX_BYTES;
            plan.evaluated = resources;
            plan.cache = cache;
            plan.memory = memory;
            plan.force = options.force;
            return plan;
        }
        let mut plan = Plan::new(catalog, |r| r.meta.enabled, pod_kinds, data);
        plan.reported = plan.rules.iter().map(&enabled).collect();
        plan.evaluated = resources;
        plan.cache = cache;
        plan.memory = memory;
        plan.force = options.force;
        plan
    }

    /// The stored program under `key` (entry point `entry`): from memory,
    /// else from the cache directory; None: it must be compiled.
    fn stored_program(&self, key: Option<programs::Key>, entry: &str) -> Option<Arc<Program>> {
        let key = key?;
        if let Some(p) = self.memory.as_ref().and_then(|m| m.get(key)) {
            return Some(p);
        }
        let p = self.cache.as_ref()?.load(key, entry)?;
        if let Some(m) = &self.memory {
            m.put(key, p.clone());
        }
        Some(p)
    }

    /// Keeps a program compiled under `key` for the next runs.
    fn keep_program(&self, key: Option<programs::Key>, program: &Arc<Program>) {
        let Some(key) = key else {
            return;
        };
        if let Some(m) = &self.memory {
            m.put(key, program.clone());
        }
        if let Some(c) = &self.cache {
            c.store(key, program);
        }
    }

    /// Whether the run index is worth computing: the inventory is large, and
    /// so many resources are evaluated against it that computing every
    /// namespace's views once beats each resource computing its own. A
    /// one-file run in a large project (pre-commit with the project context)
    /// evaluates a few resources: the index over thousands of entries would
    /// cost more than the run itself.
    fn needs_index(&self) -> bool {
        inventory_len(&self.data) >= PRECOMPUTE_MIN_RESOURCES
            && self.evaluated >= PRECOMPUTE_MIN_EVALUATED
    }

    /// Whether rule `i` of the plan reports findings (see [`Plan::for_run`]).
    pub fn reports(&self, i: usize) -> bool {
        self.reported.get(i).copied().unwrap_or(false)
    }

    /// The rule group to evaluate for a kind, or None when no rule reads it
    /// (or the plan was restricted to other kinds).
    pub fn group_for(&self, kind: &str) -> Option<usize> {
        self.kind_group
            .get(kind)
            .copied()
            .or(self.other_group)
            .filter(|&g| self.active.get(g).copied().unwrap_or(false))
    }

    pub fn is_empty(&self) -> bool {
        !self.active.contains(&true)
    }

    /// Whether the run's programs are cached (or compiled once and cached
    /// for the next runs): small runs then use the RVM too.
    fn cached_programs(&self) -> bool {
        (self.cache.is_some() || self.memory.is_some()) && self.keys.iter().all(Option::is_some)
    }

    /// The constant tables as `data.kubeward.tables`; Err((path, message))
    /// when one is not JSON.
    fn tables(&self) -> Result<&Value, EngineError> {
        let parsed = self.tables_value.get_or_init(|| {
            let mut tables = BTreeMap::new();
            for (name, json) in &self.tables {
                let path = format!("rules/data/{name}.json");
                let value = Value::from_json_str(json).map_err(|e| (path, e.to_string()))?;
                tables.insert(Value::from(name.as_str()), value);
            }
            Ok(Value::from(tables))
        });
        parsed
            .as_ref()
            .map_err(|(path, message)| EngineError::Compile {
                path: path.clone(),
                message: message.clone(),
            })
    }

    /// Limits the engines to the rule groups of `kinds`, which must include
    /// every kind the run evaluates, and to the modules those rules reference.
    /// Preparing a module costs regorus ~0.4 ms, so a run of one ConfigMap or
    /// one Deployment should not prepare all 101 rules. A rule that does not
    /// compile is then reported only by runs that need it (the test suite
    /// compiles every bundled rule).
    pub fn restrict_to_kinds<'a>(&mut self, kinds: impl IntoIterator<Item = &'a str>) {
        self.active = vec![false; self.groups.len()];
        for kind in kinds {
            let group = self.kind_group.get(kind).copied().or(self.other_group);
            if let Some(flag) = group.and_then(|g| self.active.get_mut(g)) {
                *flag = true;
            }
        }
        let modules: Vec<(Option<&str>, &str)> = self
            .libs
            .iter()
            .map(|l| (deps::package_of(&l.text), l.text.as_str()))
            .chain(
                self.rules
                    .iter()
                    .map(|r| (Some(r.meta.package.as_str()), r.source.text.as_str())),
            )
            .collect();
        let mut roots: Vec<usize> = Vec::new();
        for (g, members) in self.groups.iter().enumerate() {
            if self.active[g] {
                roots.extend(members.iter().map(|&i| self.libs.len() + i));
            }
        }
        roots.sort_unstable();
        roots.dedup();
        // The run index is computed by the engines when the run is big enough.
        if self.needs_index() {
            let package = PRECOMPUTE_RULE
                .strip_prefix("data.")
                .and_then(|r| r.rsplit_once('.'))
                .map(|(package, _)| package);
            roots.extend((0..self.libs.len()).filter(|&i| modules[i].0 == package));
        }
        self.needed = deps::closure(&modules, &roots);
        self.dispatch = dispatch_module(&self.rules, &self.groups, &self.active);
    }
}

fn applies(rule: &Rule, kind: &str, pod_kinds: &[String]) -> bool {
    applies_to(&rule.meta.kinds, kind, pod_kinds)
}

/// Whether a rule declaring `kinds` reads resources of `kind`.
pub(crate) fn applies_to(kinds: &[String], kind: &str, pod_kinds: &[String]) -> bool {
    kinds.iter().any(|k| match k.as_str() {
        "*" => true,
        "pod-bearing" => crate::kinds::is_pod_bearing(kind) || pod_kinds.iter().any(|p| p == kind),
        other => other == kind,
    })
}

/// `g<N> contains [<rule index>, deny]` for every rule of group N: one
/// `eval_rule` per resource evaluates exactly the rules that apply, and shared
/// helpers (`data.kubeward.lib.pods`) are computed once per call. Each rule's
/// whole `deny` is one element, not each finding: a set of `[i, finding]`
/// pairs inserted every finding into a set, comparing finding objects, a
/// tenth of the time of a ConfigMap with 200,000 findings
/// ([`Evaluator::collect_group`] gives the findings in the set's order).
fn dispatch_module(rules: &[Rule], groups: &[Vec<usize>], active: &[bool]) -> String {
    let mut src = String::from("package kubeward.dispatch\n\nimport rego.v1\n\nready := true\n\n");
    for (g, members) in groups.iter().enumerate() {
        if active.get(g).copied().unwrap_or(false) {
            src.push_str(&group_source(rules, g, members));
        }
    }
    src
}

/// Group `g`'s rules in the dispatch module.
fn group_source(rules: &[Rule], g: usize, members: &[usize]) -> String {
    let mut src = String::new();
    for &i in members {
        let _ = writeln!(
            src,
            "g{g} contains [{i}, d] if {{\n\td = data.{}.deny\n}}\n",
            rules[i].meta.package
        );
    }
    src
}

/// A worker's own engine over the plan's rules.
pub struct Evaluator<'p> {
    plan: &'p Plan,
    /// The interpreter; None until needed when the run uses the RVM (to
    /// compile a program the cache does not hold, or for a resource the RVM
    /// fails on).
    engine: Option<Engine>,
    /// Per rule group: its compiled RVM program, compiled on first use (a
    /// one-file run compiles only the groups it needs).
    vms: Vec<Vm>,
    /// `data` as the VMs see it (the engine's data plus tables and index).
    vm_data: Value,
    profile: Option<super::profile::Profile>,
    /// Profiling with the RVM: each rule's own program (None: it does not
    /// compile alone), by rule index.
    rule_vms: HashMap<usize, Option<regorus::rvm::vm::RegoVM>>,
}

/// `data` as the VMs see it, as one document: the plan's, plus the tables and
/// the run index (which the engine gets through separate add_data calls).
fn vm_data(plan: &Plan, tables: &Value, precomputed: Option<&Value>) -> Value {
    let mut data = plan.data.clone();
    if let Ok(root) = data.as_object_mut() {
        let key = Value::from("kubeward");
        if !root.contains_key(&key) {
            root.insert(key.clone(), Value::new_object());
        }
        if let Some(Ok(kw)) = root.get_mut(&key).map(Value::as_object_mut) {
            kw.insert(Value::from("tables"), tables.clone());
            if let Some(index) = precomputed {
                kw.insert(Value::from("precomputed"), index.clone());
            }
        }
    }
    data
}

/// The run index computed by the RVM program of `PRECOMPUTE_RULE`: the
/// cached one, else compiled (and cached) on `engine`, an interpreter built
/// here and left for the caller; None when it does not compile or fails.
fn precompute_rvm(plan: &Plan, tables: &Value, engine: &mut Option<Engine>) -> Option<Value> {
    let _span = super::profile::Span::new("engine: run index (RVM)");
    let program = match plan.stored_program(plan.index_key, PRECOMPUTE_RULE) {
        Some(p) => p,
        None => {
            if engine.is_none() {
                *engine = Some(build_engine(plan, tables).ok()?);
            }
            let program = compile_entry(engine.as_mut()?, PRECOMPUTE_RULE).ok()?;
            plan.keep_program(plan.index_key, &program);
            program
        }
    };
    let mut vm = new_vm(program, vm_data(plan, tables, None), RUN_INDEX_TIMEOUT)?;
    vm.set_input(Value::new_object());
    match vm.execute_entry_point_by_name(PRECOMPUTE_RULE) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => None,
    }
}

/// An interpreter over the plan's modules, data and tables (not the run index).
fn build_engine(plan: &Plan, tables: &Value) -> Result<Engine, EngineError> {
    let mut engine = Engine::new();
    // OPA semantics: a builtin given a bad argument is undefined, not an error
    // that would abort every other rule of the call.
    engine.set_strict_builtin_errors(false);
    engine.set_execution_timer_config(timer(plan.timeout));
    let compile = |path: &str, message: String| EngineError::Compile {
        path: path.to_string(),
        message,
    };
    let span = super::profile::Span::new("engine: add policies");
    let needed = |i: usize| plan.needed.get(i).copied().unwrap_or(true);
    for (_, lib) in plan.libs.iter().enumerate().filter(|(i, _)| needed(*i)) {
        engine
            .add_policy(lib.path.clone(), lib.text.clone())
            .map_err(|e| compile(&lib.path, e.to_string()))?;
    }
    let rules = plan.rules.iter().enumerate();
    for (_, rule) in rules.filter(|(i, _)| needed(plan.libs.len() + i)) {
        engine
            .add_policy(rule.source.path.clone(), rule.source.text.clone())
            .map_err(|e| compile(&rule.source.path, e.to_string()))?;
    }
    engine
        .add_policy("<dispatch>".into(), plan.dispatch.clone())
        .map_err(|e| compile("<dispatch>", e.to_string()))?;
    drop(span);
    let _span = super::profile::Span::new("engine: add data and tables");
    engine
        .add_data(plan.data.clone())
        .map_err(|e| compile("<data>", e.to_string()))?;
    engine
        .add_data(kubeward_data("tables", tables.clone()))
        .map_err(|e| compile("rules/data", e.to_string()))?;
    Ok(engine)
}

/// The worker's interpreter: the plan's modules, data, tables and the run
/// index (when there is one), prepared.
fn interpreter(
    plan: &Plan,
    tables: &Value,
    precomputed: Option<&Value>,
) -> Result<Engine, EngineError> {
    let mut engine = build_engine(plan, tables)?;
    if let Some(index) = precomputed {
        engine
            .add_data(kubeward_data("precomputed", index.clone()))
            .map_err(|e| EngineError::Compile {
                path: "<precomputed>".into(),
                message: e.to_string(),
            })?;
    }
    prepare(plan, &mut engine)?;
    Ok(engine)
}

/// regorus analyses modules lazily on the first evaluation: do it now so a
/// rule that does not compile stops the run before any file is linted.
fn prepare(plan: &Plan, engine: &mut Engine) -> Result<(), EngineError> {
    let _span = super::profile::Span::new("engine: prepare (first eval)");
    if plan.is_empty() {
        return Ok(());
    }
    engine.set_input(Value::new_object());
    match engine.eval_rule(PREPARE_RULE.into()) {
        Ok(_) => Ok(()),
        Err(e) => Err(EngineError::Compile {
            path: "rules".into(),
            message: e.to_string(),
        }),
    }
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        if let Some(p) = &mut self.profile {
            eprint!("{}", p.report());
        }
        // Freeing a prepared engine (thousands of AST nodes, schedules, hoisting
        // tables) took ~3 ms of a 30 ms one-file run, before the report could be
        // printed. A thread of its own frees it while the run goes on; when the
        // process exits first, the OS reclaims the memory at once.
        let engine = std::mem::take(&mut self.engine);
        let vms = std::mem::take(&mut self.vms);
        let free = move || drop((engine, vms));
        // No thread to be had: the closure is dropped here, freeing inline.
        let _ = std::thread::Builder::new()
            .name("kubeward-free".into())
            .spawn(free);
    }
}

impl<'p> Evaluator<'p> {
    pub fn new(plan: &'p Plan) -> Result<Evaluator<'p>, EngineError> {
        let tables = plan.tables()?.clone();
        let resources = inventory_len(&plan.data);
        let needs_index = plan.needs_index();
        let rvm = rvm_enabled(
            resources,
            plan.cached_programs() || plan.large_input,
            plan.force,
        );
        let profile = super::profile::Profile::when_enabled();
        // The run index is computed once, by the first worker: with its RVM
        // program when the run uses the RVM, else on an engine of its own
        // that is dropped afterwards.
        let precomputed = plan.precomputed.get_or_init(|| {
            if !needs_index {
                return None;
            }
            let mut engine = None;
            if let Some(index) = rvm.then(|| precompute_rvm(plan, &tables, &mut engine)) {
                if index.is_some() {
                    return index;
                }
            }
            let mut engine = match engine {
                Some(e) => e,
                None => build_engine(plan, &tables).ok()?,
            };
            precompute(&mut engine, plan.timeout)
        });
        // The interpreter is needed to evaluate or to profile; the RVM's
        // workers build it only if they need it (a program the binary does not
        // hold, a resource the RVM fails on).
        let engine = match !rvm || profile.is_some() {
            true => Some(interpreter(plan, &tables, precomputed.as_ref())?),
            false => None,
        };
        let vm_data = vm_data(plan, &tables, precomputed.as_ref());
        let vm_state = || if rvm { Vm::Untried } else { Vm::Unavailable };
        Ok(Evaluator {
            plan,
            engine,
            vms: plan.groups.iter().map(|_| vm_state()).collect(),
            vm_data,
            profile,
            rule_vms: HashMap::new(),
        })
    }

    /// The interpreter, built on first use when the run started without it
    /// (a resource the RVM failed on); None if it cannot be built.
    fn engine(&mut self) -> Option<&mut Engine> {
        if self.engine.is_none() {
            let plan = self.plan;
            let tables = plan.tables().ok()?;
            let index = plan.precomputed.get().and_then(Option::as_ref);
            self.engine = Some(interpreter(plan, tables, index).ok()?);
        }
        self.engine.as_mut()
    }

    /// Evaluates every rule that applies to `kind` on one resource.
    /// `label` names the resource in a profile (only called when profiling).
    /// `key` identifies the resource's content (see `cached`); without one
    /// the result is not remembered.
    pub fn evaluate(
        &mut self,
        kind: &str,
        input: Value,
        key: Option<(u64, u64)>,
        label: impl FnOnce() -> String,
    ) -> Vec<RawFinding> {
        let Some(group) = self.plan.group_for(kind) else {
            return Vec::new();
        };
        if let Some(hit) = key.and_then(|k| self.plan.memo.lock().ok()?.get(&k).cloned()) {
            return hit;
        }
        let found = self.evaluate_group(kind, group, input, label);
        if let (Some(k), Ok(mut memo)) = (key, self.plan.memo.lock()) {
            memo.insert(k, found.clone());
        }
        found
    }

    /// What `evaluate` would return for a resource of `kind` whose content
    /// has `key`, when that is known without evaluating: nothing for a kind no
    /// rule reads, or the results of an identical resource evaluated before.
    /// Keys are the caller's (digests of the resource's text: `memo_key_of`).
    pub fn cached(&self, kind: &str, key: Option<(u64, u64)>) -> Option<Vec<RawFinding>> {
        if self.plan.group_for(kind).is_none() {
            return Some(Vec::new());
        }
        self.plan.memo.lock().ok()?.get(&key?).cloned()
    }

    fn evaluate_group(
        &mut self,
        kind: &str,
        group: usize,
        input: Value,
        label: impl FnOnce() -> String,
    ) -> Vec<RawFinding> {
        let entry = format!("data.kubeward.dispatch.g{group}");
        let started = super::profile::Profile::start();
        let result = match self.vm(group) {
            Some(vm) => {
                vm.set_input(input.clone());
                vm.execute_entry_point_by_name(&entry)
                    .map_err(|e| e.to_string())
            }
            None => Err(String::new()),
        };
        // The interpreter evaluates what the VM could not, and (below) the
        // rules one by one when the group fails; profiling reads its input too.
        let needs_engine = result.is_err() || self.profile.is_some();
        let input_for_profile = if self.profile.is_some() {
            input.clone()
        } else {
            Value::Null
        };
        if needs_engine {
            if let Some(engine) = self.engine() {
                engine.set_input(input);
            }
        }
        let result = match result {
            Ok(v) => Ok(v),
            // A group the VM ran out of time on would only run out of time
            // again in the interpreter: straight to the rules one by one.
            Err(e) if timed_out(&e) => Err(e),
            Err(_) => match self.engine() {
                Some(engine) => engine.eval_rule(entry).map_err(|e| e.to_string()),
                None => Err(String::new()),
            },
        };
        if self.profile.is_some() {
            self.profile_group(kind, group, &input_for_profile, started.elapsed(), label());
        }
        match result {
            Ok(v) => self.collect_group(&v),
            // One runtime error aborts the whole call: evaluate the group's rules
            // one by one so the others still report and the culprit is named.
            Err(_) => self.plan.groups[group]
                .clone()
                .into_iter()
                .flat_map(|i| self.evaluate_one(i))
                .collect(),
        }
    }

    /// The group's VM, compiling it on first use; None when the RVM is off or
    /// cannot compile the group.
    fn vm(&mut self, group: usize) -> Option<&mut regorus::rvm::vm::RegoVM> {
        if let Some(Vm::Untried) = self.vms.get(group) {
            let compiled = self.compile_vm(group);
            self.vms[group] = match compiled {
                Some(vm) => Vm::Ready(Box::new(vm)),
                None => Vm::Unavailable,
            };
        }
        match self.vms.get_mut(group) {
            Some(Vm::Ready(vm)) => Some(vm),
            _ => None,
        }
    }

    fn compile_vm(&mut self, group: usize) -> Option<regorus::rvm::vm::RegoVM> {
        let plan = self.plan;
        let program = plan.programs.get(group)?.get_or_init(|| {
            let entry = format!("data.kubeward.dispatch.g{group}");
            let key = plan.keys.get(group).copied().flatten();
            if let Some(p) = plan.stored_program(key, &entry) {
                return Some(p);
            }
            let program = compile_program(self.engine()?, group)?;
            plan.keep_program(key, &program);
            Some(program)
        });
        new_vm(program.clone()?, self.vm_data.clone(), plan.timeout)
    }

    fn profile_group(
        &mut self,
        kind: &str,
        group: usize,
        input: &Value,
        took: std::time::Duration,
        label: String,
    ) {
        let mut times = Vec::new();
        let rvm = matches!(self.vms.get(group), Some(Vm::Ready(_)));
        for &i in &self.plan.groups[group] {
            let rule = &self.plan.rules[i];
            let entry = format!("data.{}.deny", rule.meta.package);
            // With the RVM, each rule runs as a program of its own (compiled
            // once, outside the timing) on the input the engine was given.
            if rvm && !self.rule_vms.contains_key(&i) {
                let vm = self.engine.as_mut().and_then(|engine| {
                    let program = compile_entry(engine, &entry).ok()?;
                    new_vm(program, self.vm_data.clone(), self.plan.timeout)
                });
                self.rule_vms.insert(i, vm);
            }
            let started = super::profile::Profile::start();
            match self.rule_vms.get_mut(&i) {
                Some(Some(vm)) => {
                    vm.set_input(input.clone());
                    let _ = vm.execute_entry_point_by_name(&entry);
                }
                _ => {
                    if let Some(engine) = self.engine.as_mut() {
                        let _ = engine.eval_rule(entry);
                    }
                }
            }
            times.push((rule.meta.id.as_str(), started.elapsed()));
        }
        if let Some(p) = &mut self.profile {
            p.group(kind, took, label);
            for (id, t) in times {
                p.rule(id, t);
            }
        }
    }

    fn evaluate_one(&mut self, i: usize) -> Vec<RawFinding> {
        let plan = self.plan;
        if !plan.reports(i) {
            return Vec::new();
        }
        let rule = &plan.rules[i];
        let result = match self.engine() {
            Some(engine) => engine
                .eval_rule(format!("data.{}.deny", rule.meta.package))
                .map_err(|e| e.to_string()),
            None => Err("the interpreter could not be built".to_string()),
        };
        match result {
            Ok(v) => iter_values(&v)
                .map(|f| parse_finding(Some(i), &rule.meta.id, f))
                .collect(),
            Err(e) => vec![RawFinding {
                rule: None,
                message: if timed_out(&e) {
                    // The timer's own message carries elapsed nanoseconds,
                    // which would make reports differ from run to run.
                    format!(
                        "rule {} was stopped after {:?} on this resource (the budget of \
                         --policy-timeout); its other findings here are unknown",
                        rule.meta.id, plan.timeout
                    )
                } else {
                    format!(
                        "rule {} failed on this resource: {}",
                        rule.meta.id,
                        first_line(&e)
                    )
                },
                path: Vec::new(),
                severity: Some(Severity::Error),
            }],
        }
    }

    /// The findings of a group's `[rule index, deny]` pairs, rule by rule,
    /// each rule's findings in set order (sorted, distinct), as the dispatch
    /// module's former set of `[i, finding]` pairs gave them.
    fn collect_group(&self, v: &Value) -> Vec<RawFinding> {
        let mut out = Vec::new();
        for pair in iter_values(v) {
            let Ok(items) = pair.as_array() else { continue };
            let (Some(idx), Some(deny)) = (items.first(), items.get(1)) else {
                continue;
            };
            let Some(i) = idx.as_u64().ok().map(|i| i as usize) else {
                continue;
            };
            let Some(rule) = self.plan.rules.get(i).filter(|_| self.plan.reports(i)) else {
                continue;
            };
            for f in as_set(deny) {
                out.push(parse_finding(Some(i), &rule.meta.id, f));
            }
        }
        out
    }
}

/// The RVM programs of the bundled catalogue's default plan (the rules enabled
/// by default, no custom workload kinds) under their cache keys: what small
/// runs cache, for tests that inspect them. Programs read `data` at run
/// time, so the plan is compiled without any.
pub fn default_programs() -> Result<Vec<(programs::Key, Arc<Program>)>, String> {
    let catalog = Catalog::bundled().map_err(|e| e.to_string())?;
    let plan = Plan::new(&catalog, |r| r.meta.enabled, &[], Value::new_object());
    let tables = plan.tables().map_err(|e| e.to_string())?.clone();
    let mut engine = build_engine(&plan, &tables).map_err(|e| e.to_string())?;
    prepare(&plan, &mut engine).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for g in 0..plan.groups.len() {
        let key = plan.keys[g].ok_or("the bundled catalogue has no digest")?;
        let program = compile_program(&mut engine, g)
            .ok_or_else(|| format!("rule group {g} does not compile for the RVM"))?;
        out.push((key, program));
    }
    let key = plan
        .index_key
        .ok_or("the bundled catalogue has no digest")?;
    let program = compile_entry(&mut engine, PRECOMPUTE_RULE)
        .map_err(|e| format!("the run index does not compile for the RVM: {e}"))?;
    out.push((key, program));
    Ok(out)
}

/// Compiles group `group` of the engine's dispatch module to an RVM program.
fn compile_program(engine: &mut Engine, group: usize) -> Option<Arc<Program>> {
    compile_entry(engine, &format!("data.kubeward.dispatch.g{group}")).ok()
}

/// Compiles one rule of the engine's modules (and what it uses) to an RVM program.
fn compile_entry(engine: &mut Engine, entry: &str) -> Result<Arc<Program>, String> {
    let policy = engine
        .compile_with_entrypoint(&entry.into())
        .map_err(|e| e.to_string())?;
    Compiler::compile_from_policy(&policy, &[entry]).map_err(|e| e.to_string())
}

/// A VM running `program` over `data`, with the settings every kubeward VM has.
fn new_vm(
    program: Arc<Program>,
    data: Value,
    timeout: std::time::Duration,
) -> Option<regorus::rvm::vm::RegoVM> {
    let mut vm = regorus::rvm::vm::RegoVM::new();
    vm.load_program(program);
    vm.set_max_instructions(VM_MAX_INSTRUCTIONS);
    vm.set_execution_timer_config(Some(timer(timeout)));
    // OPA semantics, as for the interpreter.
    vm.set_strict_builtin_errors(false);
    vm.set_data(data).ok()?;
    Some(vm)
}

/// `{"kubeward": {key: value}}`, for `add_data`.
fn kubeward_data(key: &str, value: Value) -> Value {
    let mut kw = BTreeMap::new();
    kw.insert(Value::from(key), value);
    let mut root = BTreeMap::new();
    root.insert(Value::from("kubeward"), Value::from(kw));
    Value::from(root)
}

/// Below this many resources the index is not worth its cost: computing it
/// prepares the engine a second time (about 30 ms with the full catalogue,
/// most of a one-file run), and the rules compute the same values per resource.
const PRECOMPUTE_MIN_RESOURCES: usize = 64;

/// ... and below this many evaluated resources (see [`Plan::needs_index`]).
const PRECOMPUTE_MIN_EVALUATED: usize = 16;

fn inventory_len(data: &Value) -> usize {
    match &data["kubeward"]["inventory"] {
        Value::Array(a) => a.len(),
        _ => 0,
    }
}

/// Evaluates the run index on an engine that has the libraries and data but
/// not the index yet. Any failure (a rules directory without the library, a
/// runtime error) just means no index.
fn precompute(engine: &mut Engine, timeout: std::time::Duration) -> Option<Value> {
    let _span = super::profile::Span::new("engine: run index");
    engine.set_input(Value::new_object());
    // The index covers the whole run, not one resource: the per-resource
    // budget does not apply to it.
    engine.set_execution_timer_config(timer(RUN_INDEX_TIMEOUT));
    let index = match engine.eval_rule(PRECOMPUTE_RULE.into()) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => None,
    };
    engine.set_execution_timer_config(timer(timeout));
    index
}

/// What the run index (every resource's identity and labels, joined once) may
/// take: generous, since it grows with the run, yet bounded.
const RUN_INDEX_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether an engine error is its execution timer stopping it.
fn timed_out(error: &str) -> bool {
    error.contains("exceeded time limit")
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

fn iter_values(v: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match v {
        Value::Set(s) => Box::new(s.iter()),
        Value::Array(a) => Box::new(a.iter()),
        _ => Box::new(std::iter::empty()),
    }
}

/// The elements of a rule's `deny` as `some f in deny` gives them, in set
/// order without duplicates. A set is already; an array (a rule may build
/// `deny` as one to skip the set inserts) usually is too, which one pass
/// tells, and is sorted only when not; an object's values likewise.
fn as_set(deny: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    let items: Vec<&Value> = match deny {
        Value::Set(s) => return Box::new(s.iter()),
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o.values().collect(),
        _ => return Box::new(std::iter::empty()),
    };
    if items.windows(2).all(|w| w[0] < w[1]) {
        return Box::new(items.into_iter());
    }
    let mut items = items;
    items.sort();
    items.dedup();
    Box::new(items.into_iter())
}

/// Validates a rule's output at the boundary: `{msg, path, severity?}`. A bad
/// shape becomes a policy error naming the rule, never a panic.
pub(crate) fn parse_finding(rule: Option<usize>, id: &str, f: &Value) -> RawFinding {
    let bad = |why: &str| RawFinding {
        rule: None,
        message: format!("rule {id} returned a malformed finding ({why})"),
        path: Vec::new(),
        severity: Some(Severity::Error),
    };
    let Ok(obj) = f.as_object() else {
        return bad("not an object");
    };
    let get = |k: &str| obj.get(&Value::from(k));
    let message = match get("msg") {
        Some(Value::String(s)) => s.to_string(),
        _ => return bad("msg must be a string"),
    };
    let mut path = Vec::new();
    match get("path") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items.iter() {
                match item {
                    Value::String(s) => path.push(PathSeg::Key(s.to_string())),
                    Value::Number(n) => match n.as_u64() {
                        Some(i) => path.push(PathSeg::Index(i as usize)),
                        None => return bad("path indices must be non-negative integers"),
                    },
                    _ => return bad("path items must be strings or numbers"),
                }
            }
        }
        Some(_) => return bad("path must be an array"),
    }
    let severity = match get("severity") {
        None => None,
        Some(Value::String(s)) => match Severity::parse(s) {
            Some(s) => Some(s),
            None => return bad("severity must be error, warning or info"),
        },
        Some(_) => return bad("severity must be a string"),
    };
    RawFinding {
        rule,
        message,
        path,
        severity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let catalog = Catalog::bundled().expect("bundled rules load");
        Plan::new(&catalog, |r| r.meta.enabled, &[], Value::new_object())
    }

    #[test]
    fn small_runs_with_fewer_rules_widen_to_the_default_set_and_report_only_theirs() {
        let catalog = Catalog::bundled().expect("bundled rules load");
        let cache = tempfile::tempdir().expect("cache dir");
        let off = "pod-security/host-pid";
        let enabled = |r: &Rule| r.meta.enabled && r.meta.id != off;
        let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},
               "spec":{"hostPID":true,"hostIPC":true,"containers":[{"name":"a","image":"a:1"}]}}"#;
        for (resources, bytes) in [
            (1, 1000),
            (RVM_MIN_RESOURCES, 1000),
            (1, WIDEN_MAX_BYTES + 1),
        ] {
            let p = Plan::for_run(
                &catalog,
                enabled,
                &[],
                Value::new_object(),
                (resources, bytes),
                (Some(cache.path()), &Default::default()),
            );
            let i = p.rules.iter().position(|r| r.meta.id == off);
            // Small runs keep the switched-off rule in the plan (the cached
            // programs hold it) but do not report it; runs with many or large
            // resources leave it out.
            let small = resources == 1 && bytes <= WIDEN_MAX_BYTES;
            assert_eq!(i.is_some(), small, "{resources} resources, {bytes} bytes");
            assert!(i.is_none_or(|i| !p.reports(i)));
            let mut ev = Evaluator::new(&p).expect("rules compile");
            let found = ev.evaluate(
                "Pod",
                Value::from_json_str(pod).expect("json"),
                None,
                String::new,
            );
            let ids: Vec<&str> = found
                .iter()
                .filter_map(|f| f.rule.map(|i| p.rules[i].meta.id.as_str()))
                .collect();
            assert!(!ids.contains(&off), "{ids:?}");
            assert!(ids.contains(&"pod-security/host-ipc"), "{ids:?}");
        }
        // Without a program cache, no widening.
        let p = Plan::for_run(
            &catalog,
            enabled,
            &[],
            Value::new_object(),
            (1, 1000),
            (None, &Default::default()),
        );
        assert!(!p.rules.iter().any(|r| r.meta.id == off));
        // Opt-in rules are not in the default plan's programs: no widening.
        let opt_in = catalog
            .rules
            .iter()
            .find(|r| !r.meta.enabled)
            .map(|r| r.meta.id.clone());
        if let Some(id) = opt_in {
            let p = Plan::for_run(
                &catalog,
                |r| r.meta.enabled || r.meta.id == id,
                &[],
                Value::new_object(),
                (1, 1000),
                (Some(cache.path()), &Default::default()),
            );
            assert!((0..p.rules.len()).all(|i| p.reports(i)));
        }
    }

    #[test]
    fn dispatch_skips_kinds_no_rule_reads() {
        let p = plan();
        assert!(p.group_for("Deployment").is_some());
        // A kind no rule names gets only the rules for every kind (`*`), and a
        // ConfigMap never runs pod rules.
        assert_eq!(p.group_for("FooBarCustomResource"), p.other_group);
        assert_ne!(p.group_for("ConfigMap"), p.group_for("Deployment"));
        let pod_rules = |kind: &str| {
            p.group_for(kind).map_or(0, |g| {
                p.groups[g]
                    .iter()
                    .filter(|&&i| p.rules[i].meta.kinds.iter().any(|k| k == "pod-bearing"))
                    .count()
            })
        };
        assert_eq!(pod_rules("ConfigMap"), 0);
        assert!(pod_rules("Deployment") > 20);
    }

    #[test]
    fn evaluates_a_pod_and_validates_output() {
        let p = plan();
        let mut ev = Evaluator::new(&p).expect("rules compile");
        let pod = Value::from_json_str(
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},
               "spec":{"hostPID":true,"containers":[{"name":"a","image":"a:1"}]}}"#,
        )
        .expect("json");
        let found = ev.evaluate("Pod", pod, None, String::new);
        assert!(
            found.iter().any(|f| {
                f.rule.map(|i| p.rules[i].meta.id.as_str()) == Some("pod-security/host-pid")
                    && f.path == vec![PathSeg::Key("spec".into()), PathSeg::Key("hostPID".into())]
            }),
            "{found:?}"
        );
    }

    #[test]
    fn a_restricted_plan_loads_fewer_modules_and_finds_the_same() {
        let pod = || {
            Value::from_json_str(
                r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},
                   "spec":{"hostPID":true,"containers":[{"name":"a","image":"a"}]}}"#,
            )
            .expect("json")
        };
        let full = plan();
        let expected =
            Evaluator::new(&full)
                .expect("rules compile")
                .evaluate("Pod", pod(), None, String::new);
        assert!(!expected.is_empty());
        let mut only_pods = plan();
        only_pods.restrict_to_kinds(["Pod"]);
        let loaded = |p: &Plan| p.needed.iter().filter(|&&n| n).count();
        assert!(loaded(&only_pods) < loaded(&full));
        assert_eq!(only_pods.group_for("ConfigMap"), None);
        let found = Evaluator::new(&only_pods).expect("rules compile").evaluate(
            "Pod",
            pod(),
            None,
            String::new,
        );
        assert_eq!(found, expected);
        // A ConfigMap needs no pod rules.
        let mut config_map = plan();
        config_map.restrict_to_kinds(["ConfigMap"]);
        assert!(loaded(&config_map) < loaded(&only_pods));
        let host_pid = config_map
            .rules
            .iter()
            .position(|r| r.meta.id == "pod-security/host-pid")
            .expect("host-pid rule");
        assert!(!config_map.needed[config_map.libs.len() + host_pid]);
        assert!(only_pods.needed[only_pods.libs.len() + host_pid]);
    }

    #[test]
    fn malformed_rule_output_is_a_policy_error() {
        let bad = parse_finding(Some(0), "x/y", &Value::from("just a string"));
        assert_eq!(bad.rule, None);
        assert!(bad.message.contains("malformed"));
        let obj = Value::from_json_str(r#"{"msg":"m","path":["a",-1]}"#).expect("json");
        assert_eq!(parse_finding(Some(0), "x/y", &obj).rule, None);
        let ok =
            Value::from_json_str(r#"{"msg":"m","path":["a",2],"severity":"info"}"#).expect("json");
        let ok = parse_finding(Some(0), "x/y", &ok);
        assert_eq!(ok.path, vec![PathSeg::Key("a".into()), PathSeg::Index(2)]);
        assert_eq!(ok.severity, Some(Severity::Info));
    }
}

/// A tripwire for regorus upgrades: the RVM is off by default because it
/// disagrees with the interpreter on these constructs. When this test fails,
/// the RVM may have been fixed: compare the catalogue's results again
/// (docs/performance.md) before turning it on.
#[cfg(test)]
mod rvm_semantics {
    use regorus::{languages::rego::compiler::Compiler, rvm::vm::RegoVM, Engine, Value};

    #[test]
    fn rvm_still_disagrees_with_the_interpreter() {
        let src = r#"
package t
import rego.v1
_params := p if {
	p := data.cfg.params
	is_object(p)
}
get(obj, key, d) := v if { v := obj[key] } else := d
a contains "undefined-rule-is-defined" if { x := _params }
a contains "not-null-holds" if { not get(input, "exec", null) }
a contains "always" if { true }
"#;
        let mut e = Engine::new();
        e.add_policy("t.rego".into(), src.into()).expect("parses");
        let data = Value::from_json_str(r#"{"cfg":{}}"#).expect("json");
        e.add_data(data.clone()).expect("data");
        e.set_input(Value::new_object());
        let interp = e
            .eval_rule("data.t.a".into())
            .expect("interpreter evaluates");
        let cp = e
            .compile_with_entrypoint(&"data.t.a".into())
            .expect("compiles");
        let prog = Compiler::compile_from_policy(&cp, &["data.t.a"]).expect("RVM compiles");
        let mut vm = RegoVM::new();
        vm.load_program(prog);
        vm.set_data(data).expect("vm data");
        vm.set_input(Value::new_object());
        let rvm = vm
            .execute_entry_point_by_name("data.t.a")
            .expect("RVM evaluates");
        let always: std::collections::BTreeSet<Value> = [Value::from("always")].into();
        assert_eq!(interp, Value::from(always));
        // Each bug on its own: when one of them is fixed, the rules' workaround
        // for it may go (docs/performance.md lists them).
        for bug in ["undefined-rule-is-defined", "not-null-holds"] {
            let found = rvm.as_set().is_ok_and(|s| s.contains(&Value::from(bug)));
            assert!(
                found,
                "the RVM no longer shows {bug}: re-check its workaround"
            );
        }
    }
}
