//! Issue 16, point 7: which validator kubeward uses, by measurement.
//!
//! Three ways to check a manifest against Kubernetes' schemas, on the same documents:
//! - `kubeward`: kubeward's own walk over the YAML span tree (`kubeward::schema::lookup` +
//!   `kubeward::schema::validate`), with the schemas bundled in the binary;
//! - `jsonschema` (default features off) and `boon`: JSON Schema 2020-12 validators over a
//!   `serde_json::Value` (made from the same tree by `kubeward::yaml::to_json`, the JSON the API
//!   server stores), with kubernetes-validate's strict 1.35 schemas (`_definitions.json`
//!   registered as a resource under the URI its `$ref`s resolve to: nothing is fetched).
//!
//! The parent process runs each approach `--runs` times (default 3) in a child process of its
//! own (so first-use compile times are really first use, and memory is counted per approach),
//! interleaved, and reports the minimum of each time; then it compares the verdicts
//! (valid / invalid per document) and says why they differ. See README.md.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

use kubeward::schema::{self, KindSchema};
use kubeward::yaml::{Node, NodeKind};
use serde_json::Value;

// ---------------------------------------------------------------- allocation counting

/// The system allocator, counting live bytes, their peak and all bytes ever allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicU64 = AtomicU64::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(now, Relaxed);
    TOTAL.fetch_add(n as u64, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(l);
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, l, new);
        if !q.is_null() {
            LIVE.fetch_sub(l.size(), Relaxed);
            grow(new);
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}
fn total() -> u64 {
    TOTAL.load(Relaxed)
}
fn reset_peak() -> usize {
    let now = live();
    PEAK.store(now, Relaxed);
    now
}
fn peak() -> usize {
    PEAK.load(Relaxed)
}

// ---------------------------------------------------------------- the documents

const VERSION: (u32, u32) = (1, 35);
const APPROACHES: [&str; 4] = ["kubeward", "jsonschema", "jsonschema-tree", "boon"];
/// The kinds reported one by one; all built-in kinds found are validated.
const SHOWN: [&str; 5] = ["Deployment", "Pod", "Service", "ConfigMap", "ClusterRole"];

struct Doc {
    file: usize,
    /// Index into `Corpus::kinds`.
    kind: usize,
    root: Node,
}

struct Corpus {
    files: Vec<PathBuf>,
    /// (apiVersion, kind, kubernetes-validate file), in order of first appearance.
    kinds: Vec<(String, String, String)>,
    docs: Vec<Doc>,
    skipped_no_schema: usize,
}

/// kubernetes-validate's file name for a group/version and kind (its `utils.validate`):
/// lower-case kind, the group's first label, the version.
fn kv_file(api_version: &str, kind: &str) -> String {
    let kind = kind.to_lowercase();
    match api_version.split_once('/') {
        Some((group, version)) => {
            let first = group.split('.').next().unwrap_or(group);
            format!("{kind}-{first}-{version}.json")
        }
        None => format!("{kind}-{api_version}.json"),
    }
}

/// Every document under `dir` (the manifests kubeward lints there; charts are left out as
/// their templates are not YAML) of a built-in kind both sides have a schema for in 1.35.
fn load_corpus(dir: &Path, schemas: &Path) -> Corpus {
    let excludes = kubeward::discover::build_excludes(&[]).expect("no excludes");
    let files = kubeward::discover::manifests_under(dir, &excludes, false, 0);
    let mut kinds: Vec<(String, String, String)> = Vec::new();
    let mut index: HashMap<(String, String), Option<usize>> = HashMap::new();
    let mut docs = Vec::new();
    let mut skipped_no_schema = 0;
    for (fi, f) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for d in kubeward::yaml::load(&text).documents {
            let field = |k| d.root.get(k).and_then(|n| n.as_str()).unwrap_or_default();
            let (api, kind) = (field("apiVersion").to_string(), field("kind").to_string());
            if api.is_empty() || kind.is_empty() {
                continue;
            }
            let slot = index.entry((api.clone(), kind.clone())).or_insert_with(|| {
                // Resolved by kubeward (which knows the exact group/version/kind) and present
                // among kubernetes-validate's files; a CRD's resources are neither.
                let file = kv_file(&api, &kind);
                let known = kubeward_knows(&api, &kind) && schemas.join(&file).is_file();
                known.then(|| {
                    kinds.push((api.clone(), kind.clone(), file));
                    kinds.len() - 1
                })
            });
            match *slot {
                Some(k) => docs.push(Doc {
                    file: fi,
                    kind: k,
                    root: d.root,
                }),
                None => skipped_no_schema += 1,
            }
        }
    }
    Corpus {
        files,
        kinds,
        docs,
        skipped_no_schema,
    }
}

/// Whether kubeward has a schema for the kind, without compiling it (which would spoil the
/// first-use timing): the set is computed once by a child of its own (`--kinds`).
fn kubeward_knows(api: &str, kind: &str) -> bool {
    use std::sync::OnceLock;
    static KNOWN: OnceLock<std::collections::HashSet<(String, String)>> = OnceLock::new();
    KNOWN
        .get_or_init(|| {
            let out = Command::new(std::env::current_exe().expect("exe"))
                .arg("--kinds")
                .output()
                .expect("run self --kinds");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(a, k)| (a.to_string(), k.to_string()))
                .collect()
        })
        .contains(&(api.to_string(), kind.to_string()))
}

// ---------------------------------------------------------------- one approach (a child)

/// What a child prints: `m <metric> <value>` lines, `c <kind> <ns>` compile times, and per
/// document `v <doc> <0|1> <errors>\t<first problems>`.
struct Out {
    lines: Vec<String>,
}

impl Out {
    fn m(&mut self, name: &str, v: impl std::fmt::Display) {
        self.lines.push(format!("m {name} {v}"));
    }
}

fn ns(t: Instant) -> u128 {
    t.elapsed().as_nanos()
}

const PASSES: usize = 3;

fn child(approach: &str, corpus_dir: &Path, schemas: &Path) {
    let corpus = load_corpus(corpus_dir, schemas);
    let mut out = Out { lines: Vec::new() };
    out.m("docs", corpus.docs.len());
    out.m("kinds", corpus.kinds.len());
    out.m("files", corpus.files.len());
    out.m("skipped", corpus.skipped_no_schema);
    let verdicts = match approach {
        "kubeward" => run_kubeward(&corpus, &mut out),
        "jsonschema" => run_jsonschema(&corpus, schemas, &mut out, false),
        "jsonschema-tree" => run_jsonschema(&corpus, schemas, &mut out, true),
        "boon" => run_boon(&corpus, schemas, &mut out),
        _ => panic!("unknown approach {approach}"),
    };
    for l in &out.lines {
        println!("{l}");
    }
    for (i, (n, first)) in verdicts.iter().enumerate() {
        println!("v {i} {} {n}\t{}", u8::from(*n == 0), first.join(" ;; "));
    }
}

type Verdicts = Vec<(usize, Vec<String>)>;

/// At most this many problems of a document are kept for the comparison.
const KEEP: usize = 4;

fn one_line(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match s.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn run_kubeward(c: &Corpus, out: &mut Out) -> Verdicts {
    // The bundle: inflated and parsed on first use, then the 1.35 index (a lookup of a kind
    // that does not exist builds it and compiles nothing).
    let m0 = live();
    let t = Instant::now();
    assert!(!schema::versions().is_empty());
    assert!(schema::lookup(VERSION, "none.invalid/v0", "None").is_none());
    out.m("defs_ns", ns(t));
    out.m("defs_bytes", live() - m0);
    let m1 = live();
    let mut compiled: Vec<Arc<KindSchema>> = Vec::new();
    let t_all = Instant::now();
    for (api, kind, _) in &c.kinds {
        let t = Instant::now();
        let s = schema::lookup(VERSION, api, kind).expect("kubeward knows the kind");
        out.lines.push(format!("c {kind} {}", ns(t)));
        compiled.push(s);
    }
    out.m("compile_ns", ns(t_all));
    out.m("compiled_bytes", live() - m1);
    let mut verdicts = Vec::new();
    for pass in 0..PASSES {
        let base = reset_peak();
        let t0 = total();
        let t = Instant::now();
        let mut found = Vec::with_capacity(c.docs.len());
        for d in &c.docs {
            found.push(schema::validate(&compiled[d.kind], &d.root));
        }
        out.m("validate_all_ns", ns(t));
        out.m("validate_alloc", total() - t0);
        out.m("validate_peak", peak() - base);
        if pass == 0 {
            verdicts = found
                .iter()
                .map(|vs| {
                    let first = vs
                        .iter()
                        .take(KEEP)
                        .map(|v| one_line(&format!("{:?}|{}", v.problem, v.message)))
                        .collect();
                    (vs.len(), first)
                })
                .collect();
        }
    }
    verdicts
}

/// `_definitions.json` is `$id: https://kubernetes.io/api/_definitions.json`; a kind's file has
/// `$id: https://kubernetes.io/api/<kind>/<group>/<version>` and refers to
/// `/api/_definitions.json#/$defs/<name>`, which resolves against it to that URI.
const DEFS_URI: &str = "https://kubernetes.io/api/_definitions.json";

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn schema_id(v: &Value) -> String {
    v.get("$id")
        .and_then(Value::as_str)
        .expect("kubernetes-validate's files have an $id")
        .to_string()
}

/// The YAML tree to JSON for every document: time, retained bytes, and the values.
fn convert(c: &Corpus, out: &mut Out) -> Vec<Value> {
    let mut values = Vec::new();
    for pass in 0..PASSES {
        drop(std::mem::take(&mut values));
        let m = live();
        let t = Instant::now();
        values = c.docs.iter().map(|d| kubeward::yaml::to_json(&d.root)).collect();
        out.m("convert_ns", ns(t));
        if pass == 0 {
            out.m("json_bytes", live() - m);
        }
    }
    values
}

/// jsonschema over serde_json values (`tree == false`) or directly over kubeward's tree
/// through its `Json` representation trait (`tree == true`, see [`tree`]).
fn run_jsonschema(c: &Corpus, schemas: &Path, out: &mut Out, tree: bool) -> Verdicts {
    use jsonschema::{Draft, Registry};
    let m0 = live();
    let t = Instant::now();
    let defs = read_json(&schemas.join("_definitions.json"));
    let registry = Registry::new()
        .draft(Draft::Draft202012)
        .add(DEFS_URI, defs)
        .expect("uri")
        .prepare()
        .expect("registry");
    out.m("defs_ns", ns(t));
    out.m("defs_bytes", live() - m0);
    if tree {
        let compiled = compile_jsonschema::<tree::Tree>(c, schemas, &registry, out);
        validate_jsonschema(c, &compiled, out, |d, _| tree::TN(&d.root), None)
    } else {
        let compiled = compile_jsonschema::<jsonschema::json::SerdeJson>(c, schemas, &registry, out);
        let values = convert(c, out);
        validate_jsonschema(c, &compiled, out, |_, i| &values[i], Some(&values))
    }
}

fn compile_jsonschema<F: jsonschema::json::Json>(
    c: &Corpus,
    schemas: &Path,
    registry: &jsonschema::Registry<'_>,
    out: &mut Out,
) -> Vec<jsonschema::Validator<F>> {
    let m1 = live();
    let t_all = Instant::now();
    let mut compiled = Vec::new();
    for (_, kind, file) in &c.kinds {
        let t = Instant::now();
        let s = read_json(&schemas.join(file));
        let validator = jsonschema::options_for::<F>()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(registry)
            .should_validate_formats(true)
            .with_format("byte", kubeward::schema::is_base64)
            .build(&s)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        out.lines.push(format!("c {kind} {}", ns(t)));
        compiled.push(validator);
    }
    out.m("compile_ns", ns(t_all));
    out.m("compiled_bytes", live() - m1);
    compiled
}

fn validate_jsonschema<'v, F: jsonschema::json::Json>(
    c: &'v Corpus,
    compiled: &'v [jsonschema::Validator<F>],
    out: &mut Out,
    node: impl Fn(&'v Doc, usize) -> F::Node<'v>,
    values: Option<&'v [Value]>,
) -> Verdicts {
    // Verdict only (stops at the first error).
    for _ in 0..PASSES {
        let t = Instant::now();
        let mut invalid = 0usize;
        for (i, d) in c.docs.iter().enumerate() {
            invalid += usize::from(!compiled[d.kind].is_valid(node(d, i)));
        }
        std::hint::black_box(invalid);
        out.m("validate_verdict_ns", ns(t));
    }
    let mut verdicts = Vec::new();
    for pass in 0..PASSES {
        let base = reset_peak();
        let t0 = total();
        let t = Instant::now();
        let mut found = Vec::with_capacity(c.docs.len());
        for (i, d) in c.docs.iter().enumerate() {
            let errors: Vec<_> = compiled[d.kind].iter_errors(node(d, i)).collect();
            found.push(errors);
        }
        out.m("validate_all_ns", ns(t));
        out.m("validate_alloc", total() - t0);
        out.m("validate_peak", peak() - base);
        if pass == 0 {
            // What kubeward would have to add: each error's instance pointer back to a span.
            let t = Instant::now();
            let (mut resolved, mut unresolved) = (0usize, 0usize);
            for (d, errors) in c.docs.iter().zip(&found) {
                for e in errors {
                    let unexpected = match e.kind() {
                        jsonschema::error::ValidationErrorKind::AdditionalProperties {
                            unexpected,
                        } => unexpected.as_slice(),
                        _ => &[],
                    };
                    match span_at(&d.root, e.instance_path().as_str(), unexpected) {
                        Some(s) => {
                            std::hint::black_box(s);
                            resolved += 1;
                        }
                        None => unresolved += 1,
                    }
                }
            }
            out.m("pointer_to_span_ns", ns(t));
            out.m("pointer_resolved", resolved);
            out.m("pointer_unresolved", unresolved);
            let _ = values;
            verdicts = found
                .iter()
                .map(|errors| {
                    let first = errors
                        .iter()
                        .take(KEEP)
                        .map(|e| {
                            one_line(&format!(
                                "{}|{}|{}",
                                e.kind().keyword(),
                                e.instance_path().as_str(),
                                e
                            ))
                        })
                        .collect();
                    (errors.len(), first)
                })
                .collect();
        }
    }
    verdicts
}

/// The span a JSON pointer into the document names (for an `additionalProperties` error, the
/// first unexpected key's span): what kubeward would need to locate a JSON validator's errors.
fn span_at(root: &Node, pointer: &str, unexpected: &[String]) -> Option<kubeward::yaml::Span> {
    let mut node = root;
    if !pointer.is_empty() {
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                NodeKind::Map(entries) => &entries.iter().find(|e| e.key == token)?.value,
                NodeKind::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                NodeKind::Scalar(_) => return None,
            };
        }
    }
    match unexpected.first() {
        Some(key) => node.entry(key).map(|e| e.key_span),
        None => Some(node.span),
    }
}

fn run_boon(c: &Corpus, schemas: &Path, out: &mut Out) -> Verdicts {
    let m0 = live();
    let t = Instant::now();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V2020_12);
    compiler.enable_format_assertions();
    compiler.register_format(boon::Format {
        name: "byte",
        func: |v| match v.as_str() {
            Some(s) if !kubeward::schema::is_base64(s) => Err("not base64".into()),
            _ => Ok(()),
        },
    });
    compiler
        .add_resource(DEFS_URI, read_json(&schemas.join("_definitions.json")))
        .expect("definitions");
    let mut store = boon::Schemas::new();
    out.m("defs_ns", ns(t));
    out.m("defs_bytes", live() - m0);
    let m1 = live();
    let t_all = Instant::now();
    let mut compiled = Vec::new();
    for (_, kind, file) in &c.kinds {
        let t = Instant::now();
        let s = read_json(&schemas.join(file));
        let id = schema_id(&s);
        compiler.add_resource(&id, s).expect("kind schema");
        let idx = compiler
            .compile(&id, &mut store)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        out.lines.push(format!("c {kind} {}", ns(t)));
        compiled.push(idx);
    }
    out.m("compile_ns", ns(t_all));
    // The compiler keeps the parsed resources; the store keeps the compiled schemas.
    out.m("compiled_bytes", live() - m1);
    let values = convert(c, out);
    let mut verdicts = Vec::new();
    for pass in 0..PASSES {
        let base = reset_peak();
        let t0 = total();
        let t = Instant::now();
        let mut found = Vec::with_capacity(values.len());
        for (d, v) in c.docs.iter().zip(&values) {
            found.push(store.validate(v, compiled[d.kind]).err());
        }
        out.m("validate_all_ns", ns(t));
        out.m("validate_alloc", total() - t0);
        out.m("validate_peak", peak() - base);
        if pass == 0 {
            verdicts = found
                .iter()
                .map(|e| match e {
                    None => (0, Vec::new()),
                    Some(e) => {
                        let mut leaves = Vec::new();
                        boon_leaves(e, &mut leaves);
                        let first = leaves.iter().take(KEEP).map(|s| one_line(s)).collect();
                        (leaves.len(), first)
                    }
                })
                .collect();
        }
    }
    verdicts
}

/// The leaf errors of boon's error tree: `keyword|/instance/location|message`.
fn boon_leaves(e: &boon::ValidationError, out: &mut Vec<String>) {
    if e.causes.is_empty() {
        let loc = e.instance_location.to_string();
        let kw = e.kind.keyword_path().map(|k| k.to_string()).unwrap_or_default();
        out.push(format!("{kw}|{loc}|{}", e.kind));
    } else {
        for c in &e.causes {
            boon_leaves(c, out);
        }
    }
}

fn main() {
    todo!()
}
