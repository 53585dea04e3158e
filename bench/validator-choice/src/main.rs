//! Issue 16, point 7: which validator kubeward uses, by measurement.
//!
//! Four ways to check a manifest against Kubernetes' schemas, on the same documents:
//! - `kubeward`: kubeward's own walk over the YAML span tree (`kubeward::schema::lookup` +
//!   `kubeward::schema::validate`), with the schemas bundled in the binary;
//! - `jsonschema` (default features off) and `boon`: JSON Schema 2020-12 validators over a
//!   `serde_json::Value` (made from the same tree by `kubeward::yaml::to_json`, the JSON the API
//!   server stores), with kubernetes-validate's strict 1.35 schemas (`_definitions.json`
//!   registered as a resource under the URI its `$ref`s resolve to: nothing is fetched);
//! - `jsonschema-tree`: `jsonschema` over kubeward's tree itself, through its `Json`
//!   representation trait ([`tree`]), without the serde_json copy.
//!
//! The parent process runs each approach `--runs` times (default 3) in a child process of its
//! own (so first-use compile times are really first use, and memory is counted per approach),
//! interleaved, and reports the minimum of each time; then it compares the verdicts
//! (valid / invalid per document) and the problems' locations, and says why they differ.
//! `--cases` validates small documents with one Kubernetes specific each. See README.md.

use std::alloc::{GlobalAlloc, Layout};
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

/// mimalloc (kubeward's allocator), counting live bytes, their peak and all bytes allocated.
struct Counting;

static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        let p = INNER.alloc(l);
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = INNER.alloc_zeroed(l);
        if !p.is_null() {
            grow(l.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        INNER.dealloc(p, l);
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = INNER.realloc(p, l, new);
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
    let texts = files.iter().map(|f| std::fs::read_to_string(f).ok());
    corpus_of(files.clone(), texts, schemas)
}

fn corpus_of(
    files: Vec<PathBuf>,
    texts: impl Iterator<Item = Option<String>>,
    schemas: &Path,
) -> Corpus {
    let mut kinds: Vec<(String, String, String)> = Vec::new();
    let mut index: HashMap<(String, String), Option<usize>> = HashMap::new();
    let mut docs = Vec::new();
    let mut skipped_no_schema = 0;
    for (fi, text) in texts.enumerate() {
        let Some(text) = text else {
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
    let m = live();
    let corpus = load_corpus(corpus_dir, schemas);
    let tree_bytes = live() - m;
    let mut out = Out { lines: Vec::new() };
    out.m("docs", corpus.docs.len());
    out.m("tree_bytes", tree_bytes);
    out.m("kinds", corpus.kinds.len());
    out.m("files", corpus.files.len());
    out.m("skipped", corpus.skipped_no_schema);
    let mut counts = vec![0usize; corpus.kinds.len()];
    for d in &corpus.docs {
        counts[d.kind] += 1;
    }
    for (k, n) in counts.iter().enumerate() {
        out.m(&format!("n_{}", corpus.kinds[k].1), n);
    }
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
    for (i, ((n, first, locs), d)) in verdicts.iter().zip(&corpus.docs).enumerate() {
        let at = corpus.files[d.file]
            .strip_prefix(corpus_dir)
            .unwrap_or(&corpus.files[d.file]);
        println!(
            "v\t{i}\t{}\t{n}\t{} ({})\t{}\t{}",
            u8::from(*n == 0),
            at.display(),
            corpus.kinds[d.kind].1,
            first.join(" ;; "),
            // "#" + pointer: the root's pointer is empty.
            locs.iter()
                .map(|l| format!("#{l}"))
                .collect::<Vec<_>>()
                .join("\u{1f}")
        );
    }
}

/// Per document: the number of problems, the first few, and every location (a JSON pointer;
/// for an unknown field, the field's own pointer, as kubeward reports it).
type Verdicts = Vec<(usize, Vec<String>, Vec<String>)>;

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Per-kind validation time of one pass, reported as `vk_<Kind>` metrics.
fn per_kind(c: &Corpus, out: &mut Out, kind_ns: &[u128]) {
    for (k, t) in kind_ns.iter().enumerate() {
        out.m(&format!("vk_{}", c.kinds[k].1), t);
    }
}

/// At most this many problems of a document are kept for the comparison.
const KEEP: usize = 1000;

fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
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
        let mut kind_ns = vec![0u128; c.kinds.len()];
        for d in &c.docs {
            let td = Instant::now();
            found.push(schema::validate(&compiled[d.kind], &d.root));
            kind_ns[d.kind] += ns(td);
        }
        out.m("validate_all_ns", ns(t));
        per_kind(c, out, &kind_ns);
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
                    let locs = vs
                        .iter()
                        .map(|v| {
                            v.path
                                .iter()
                                .map(|s| match s {
                                    kubeward::finding::PathSeg::Key(k) => format!("/{}", escape(k)),
                                    kubeward::finding::PathSeg::Index(i) => format!("/{i}"),
                                })
                                .collect::<String>()
                        })
                        .collect();
                    (vs.len(), first, locs)
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

/// The YAML tree to JSON for every document: the time of converting each document and
/// dropping it (as a linter would, one document at a time), then all of them kept for the
/// validation passes (and the bytes they hold).
fn convert(c: &Corpus, out: &mut Out) -> Vec<Value> {
    for _ in 0..PASSES {
        let t = Instant::now();
        for d in &c.docs {
            std::hint::black_box(kubeward::yaml::to_json(&d.root));
        }
        out.m("convert_ns", ns(t));
    }
    let m = live();
    let values = c
        .docs
        .iter()
        .map(|d| kubeward::yaml::to_json(&d.root))
        .collect();
    out.m("json_bytes", live() - m);
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
        validate_jsonschema(c, &compiled, out, |d, _| tree::TN(&d.root))
    } else {
        let compiled =
            compile_jsonschema::<jsonschema::json::SerdeJson>(c, schemas, &registry, out);
        let values = convert(c, out);
        validate_jsonschema(c, &compiled, out, |_, i| &values[i])
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
        let mut kind_ns = vec![0u128; c.kinds.len()];
        for (i, d) in c.docs.iter().enumerate() {
            let td = Instant::now();
            let errors: Vec<_> = compiled[d.kind].iter_errors(node(d, i)).collect();
            kind_ns[d.kind] += ns(td);
            found.push(errors);
        }
        out.m("validate_all_ns", ns(t));
        per_kind(c, out, &kind_ns);
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
                    let mut locs = Vec::new();
                    for e in errors {
                        let at = e.instance_path().as_str();
                        match e.kind() {
                            jsonschema::error::ValidationErrorKind::AdditionalProperties {
                                unexpected,
                            } => locs
                                .extend(unexpected.iter().map(|k| format!("{at}/{}", escape(k)))),
                            _ => locs.push(at.to_string()),
                        }
                    }
                    (errors.len(), first, locs)
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
    // boon shares compiled definitions between the kinds of one store, so a kind's time above
    // depends on what was compiled before it: each shown kind again, alone in a fresh store.
    {
        let defs = read_json(&schemas.join("_definitions.json"));
        for (_, kind, file) in c.kinds.iter().filter(|k| SHOWN.contains(&k.1.as_str())) {
            let (defs, s) = (defs.clone(), read_json(&schemas.join(file)));
            let t = Instant::now();
            let mut compiler = boon::Compiler::new();
            compiler.set_default_draft(boon::Draft::V2020_12);
            compiler.enable_format_assertions();
            compiler.add_resource(DEFS_URI, defs).expect("definitions");
            let id = schema_id(&s);
            compiler.add_resource(&id, s).expect("kind schema");
            let mut alone = boon::Schemas::new();
            compiler.compile(&id, &mut alone).expect("compiles");
            out.m(&format!("alone_{kind}"), ns(t));
        }
    }
    let values = convert(c, out);
    let mut verdicts = Vec::new();
    for pass in 0..PASSES {
        let base = reset_peak();
        let t0 = total();
        let t = Instant::now();
        let mut found = Vec::with_capacity(values.len());
        let mut kind_ns = vec![0u128; c.kinds.len()];
        for (d, v) in c.docs.iter().zip(&values) {
            let td = Instant::now();
            found.push(store.validate(v, compiled[d.kind]).err());
            kind_ns[d.kind] += ns(td);
        }
        out.m("validate_all_ns", ns(t));
        per_kind(c, out, &kind_ns);
        out.m("validate_alloc", total() - t0);
        out.m("validate_peak", peak() - base);
        if pass == 0 {
            verdicts = found
                .iter()
                .map(|e| match e {
                    None => (0, Vec::new(), Vec::new()),
                    Some(e) => {
                        let mut leaves = Vec::new();
                        let mut locs = Vec::new();
                        boon_leaves(e, &mut leaves, &mut locs);
                        let first = leaves.iter().take(KEEP).map(|s| one_line(s)).collect();
                        (leaves.len(), first, locs)
                    }
                })
                .collect();
        }
    }
    verdicts
}

/// The leaf errors of boon's error tree: `keyword|/instance/location|message`.
fn boon_leaves(e: &boon::ValidationError, out: &mut Vec<String>, locs: &mut Vec<String>) {
    if e.causes.is_empty() {
        let loc = e.instance_location.to_string();
        let kw = e.kind.keyword_path().map(|k| k.keyword).unwrap_or_default();
        out.push(format!("{kw}|{loc}|{}", e.kind));
        match &e.kind {
            boon::ErrorKind::AdditionalProperties { got } => {
                locs.extend(got.iter().map(|k| format!("{loc}/{}", escape(k))))
            }
            _ => locs.push(loc),
        }
    } else {
        for c in &e.causes {
            boon_leaves(c, out, locs);
        }
    }
}

/// kubeward's span tree as a jsonschema representation (its `json::Json` trait): validation
/// over the tree itself, no serde_json copy. Numbers follow `kubeward::yaml::to_json` (a float
/// without a fraction is an integer).
mod tree {
    use std::borrow::Cow;

    use jsonschema::json::{Array, Json, JsonNumber, Node as JNode, NodeIdentity, Object};
    use jsonschema::types::JsonType;
    use kubeward::yaml::{Entry, Node, NodeKind, Scalar, Span};
    use serde_json::Value;

    pub struct Tree;

    #[derive(Clone, Copy)]
    pub struct TN<'a>(pub &'a Node);
    #[derive(Clone, Copy)]
    pub struct TObj<'a>(&'a [Entry]);
    #[derive(Clone, Copy)]
    pub struct TArr<'a>(&'a [Node]);
    #[derive(Clone, Copy)]
    pub enum TNum {
        I(i64),
        U(u64),
        F(f64),
    }

    impl Json for Tree {
        type Node<'a> = TN<'a>;
        type PreparedKey = String;
        type StringBuffer = ();
        const ACYCLIC: bool = true;
        // Maps are vectors: a lookup is a scan.
        const KEYS_PER_LOOKUP: usize = 8;

        fn prepare_key(key: &str) -> String {
            key.to_owned()
        }

        fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TN<'_>) -> T) -> T {
            let node = Node {
                kind: NodeKind::Scalar(Scalar::Str(string.to_owned())),
                span: Span::default(),
            };
            f(TN(&node))
        }
    }

    impl JsonNumber for TNum {
        fn as_u64(&self) -> Option<u64> {
            match *self {
                TNum::I(i) => u64::try_from(i).ok(),
                TNum::U(u) => Some(u),
                TNum::F(_) => None,
            }
        }
        fn as_i64(&self) -> Option<i64> {
            match *self {
                TNum::I(i) => Some(i),
                TNum::U(u) => i64::try_from(u).ok(),
                TNum::F(_) => None,
            }
        }
        fn as_f64(&self) -> Option<f64> {
            Some(match *self {
                TNum::I(i) => i as f64,
                TNum::U(u) => u as f64,
                TNum::F(f) => f,
            })
        }
        fn as_str(&self) -> Cow<'_, str> {
            Cow::Owned(match *self {
                TNum::I(i) => i.to_string(),
                TNum::U(u) => u.to_string(),
                TNum::F(f) => f.to_string(),
            })
        }
        fn to_number(&self) -> Cow<'_, serde_json::Number> {
            Cow::Owned(match *self {
                TNum::I(i) => i.into(),
                TNum::U(u) => u.into(),
                TNum::F(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
            })
        }
        fn is_integer(&self) -> bool {
            match *self {
                TNum::F(f) => f.is_finite() && f.fract() == 0.0,
                _ => true,
            }
        }
        fn is_written_as_integer(&self) -> bool {
            self.is_integer()
        }
    }

    impl<'a> JNode<'a, Tree> for TN<'a> {
        type Object = TObj<'a>;
        type Array = TArr<'a>;
        type Number = TNum;

        fn as_object(&self) -> Option<TObj<'a>> {
            match &self.0.kind {
                NodeKind::Map(e) => Some(TObj(e)),
                _ => None,
            }
        }
        fn as_array(&self) -> Option<TArr<'a>> {
            match &self.0.kind {
                NodeKind::Seq(items) => Some(TArr(items)),
                _ => None,
            }
        }
        fn as_string(&self) -> Option<Cow<'a, str>> {
            match &self.0.kind {
                NodeKind::Scalar(Scalar::Str(s)) => Some(Cow::Borrowed(s)),
                _ => None,
            }
        }
        fn as_number(&self) -> Option<TNum> {
            match &self.0.kind {
                NodeKind::Scalar(Scalar::Int(i)) => Some(TNum::I(*i)),
                NodeKind::Scalar(Scalar::UInt(u)) => Some(TNum::U(*u)),
                NodeKind::Scalar(Scalar::Float(f)) => Some(TNum::F(*f)),
                _ => None,
            }
        }
        fn as_boolean(&self) -> Option<bool> {
            match &self.0.kind {
                NodeKind::Scalar(Scalar::Bool(b)) => Some(*b),
                _ => None,
            }
        }
        fn is_null(&self) -> bool {
            self.0.is_null()
        }
        fn json_type(&self) -> JsonType {
            match &self.0.kind {
                NodeKind::Map(_) => JsonType::Object,
                NodeKind::Seq(_) => JsonType::Array,
                NodeKind::Scalar(Scalar::Null) => JsonType::Null,
                NodeKind::Scalar(Scalar::Bool(_)) => JsonType::Boolean,
                NodeKind::Scalar(Scalar::Str(_)) => JsonType::String,
                NodeKind::Scalar(_) => JsonType::Number,
            }
        }
        fn equals_value(&self, expected: &Value) -> bool {
            match (&self.0.kind, expected) {
                (NodeKind::Scalar(Scalar::Str(s)), Value::String(e)) => s == e,
                (NodeKind::Scalar(Scalar::Str(_)), _) => false,
                (NodeKind::Scalar(Scalar::Bool(b)), Value::Bool(e)) => b == e,
                (NodeKind::Scalar(Scalar::Null), Value::Null) => true,
                _ => jsonschema::json::cmp::equal(&kubeward::yaml::to_json(self.0), expected),
            }
        }
        fn to_value(&self) -> Cow<'a, Value> {
            Cow::Owned(kubeward::yaml::to_json(self.0))
        }
        fn identity(&self) -> Option<NodeIdentity> {
            Some(NodeIdentity::new(
                std::ptr::from_ref::<Node>(self.0) as usize
            ))
        }
    }

    pub struct Members<'a>(std::slice::Iter<'a, Entry>);

    impl<'a> Iterator for Members<'a> {
        type Item = (&'a str, TN<'a>);
        fn next(&mut self) -> Option<Self::Item> {
            self.0.next().map(|e| (e.key.as_str(), TN(&e.value)))
        }
    }

    impl<'a> Object<'a, Tree> for TObj<'a> {
        type Node = TN<'a>;
        type MemberName = &'a str;
        type MembersIter = Members<'a>;
        fn len(&self) -> usize {
            self.0.len()
        }
        fn get(&self, key: &String) -> Option<TN<'a>> {
            self.0.iter().find(|e| e.key == *key).map(|e| TN(&e.value))
        }
        fn members(&self) -> Members<'a> {
            Members(self.0.iter())
        }
    }

    impl<'a> Array<'a, Tree> for TArr<'a> {
        type Node = TN<'a>;
        type ElementsIter = std::iter::Map<std::slice::Iter<'a, Node>, fn(&'a Node) -> TN<'a>>;
        fn len(&self) -> usize {
            self.0.len()
        }
        fn elements(&self) -> Self::ElementsIter {
            self.0.iter().map(TN as fn(&'a Node) -> TN<'a>)
        }
    }
}

// ---------------------------------------------------------------- Kubernetes specifics

/// Small documents, each with one thing Kubernetes reads its own way, and what the API server
/// says of it (`kubectl apply`; docs/schema.md). `--cases` validates them with every approach.
const CASES: &[(&str, bool, &str)] = &[
    ("`replicas: \"3\"` (a string)", false, "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: a}\nspec: {replicas: \"3\", selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n"),
    ("`replicas: 3.0` (a float without fraction)", true, "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: a}\nspec: {replicas: 3.0, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}}\n"),
    ("`hostNetwork: off` (YAML 1.1 boolean)", true, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {hostNetwork: off, containers: [{name: c, image: i}]}\n"),
    ("`readOnlyRootFileSystem: true` (misspelt)", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, securityContext: {readOnlyRootFileSystem: true}}]}\n"),
    ("`privileged: \"true\"` (quoted)", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, securityContext: {privileged: \"true\"}}]}\n"),
    ("`memory: 1GB` (not a quantity)", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, resources: {limits: {memory: 1GB}}}]}\n"),
    ("`cpu: 0.5` (a number as quantity)", true, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, resources: {limits: {cpu: 0.5}}}]}\n"),
    ("`targetPort: \"8080\"` (int-or-string, neither a port nor a name)", false, "kind: Service\napiVersion: v1\nmetadata: {name: a}\nspec: {ports: [{port: 80, targetPort: \"8080\"}]}\n"),
    ("`targetPort: http` (int-or-string, a name)", true, "kind: Service\napiVersion: v1\nmetadata: {name: a}\nspec: {ports: [{port: 80, targetPort: http}]}\n"),
    ("`targetPort: [80]` (int-or-string, neither)", false, "kind: Service\napiVersion: v1\nmetadata: {name: a}\nspec: {ports: [{port: 80, targetPort: [80]}]}\n"),
    ("PDB `minAvailable: null` (unset)", true, "kind: PodDisruptionBudget\napiVersion: policy/v1\nmetadata: {name: a}\nspec: {minAvailable: null, selector: {matchLabels: {a: b}}}\n"),
    ("`containerPort: 3000000000` (beyond int32)", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 3000000000}]}]}\n"),
    ("`runAsUser: -1`", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {securityContext: {runAsUser: -1}, containers: [{name: c, image: i}]}\n"),
    ("`imagePullPolicy: Sometimes`", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i, imagePullPolicy: Sometimes}]}\n"),
    ("a container without `image`", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n"),
    ("two containers named `web`", false, "kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: web, image: i}, {name: web, image: j}]}\n"),
    ("Secret `data` not base64", false, "kind: Secret\napiVersion: v1\nmetadata: {name: a}\ndata: {k: \"not base64!\"}\n"),
    ("`creationTimestamp: null`", true, "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, creationTimestamp: null}\ndata: {k: v}\n"),
    ("`creationTimestamp: yesterday`", false, "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, creationTimestamp: yesterday}\ndata: {k: v}\n"),
    ("ConfigMap `data: {k: 1}` (a number)", false, "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\ndata: {k: 1}\n"),
    ("ClusterRole rule `verbs: get` (not a list)", false, "kind: ClusterRole\napiVersion: rbac.authorization.k8s.io/v1\nmetadata: {name: a}\nrules: [{apiGroups: [\"\"], resources: [pods], verbs: get}]\n"),
];

fn cases(schemas: &Path) {
    let files: Vec<PathBuf> = CASES.iter().map(|c| PathBuf::from(c.0)).collect();
    let corpus = corpus_of(files, CASES.iter().map(|c| Some(c.2.to_string())), schemas);
    assert_eq!(corpus.docs.len(), CASES.len(), "every case has a schema");
    let mut out = Out { lines: Vec::new() };
    let results: Vec<(&str, Verdicts)> = APPROACHES
        .iter()
        .map(|&a| {
            let v = match a {
                "kubeward" => run_kubeward(&corpus, &mut out),
                "jsonschema" => run_jsonschema(&corpus, schemas, &mut out, false),
                "jsonschema-tree" => run_jsonschema(&corpus, schemas, &mut out, true),
                _ => run_boon(&corpus, schemas, &mut out),
            };
            (a, v)
        })
        .collect();
    let mark = |ok: bool| if ok { "accepts" } else { "**rejects**" };
    print!("| case | API server |");
    for (a, _) in &results {
        print!(" {a} |");
    }
    println!();
    println!("|---|---|{}", "---|".repeat(results.len()));
    for (i, (name, api_ok, _)) in CASES.iter().enumerate() {
        print!("| {name} | {} |", mark(*api_ok));
        for (_, v) in &results {
            let ok = v[i].0 == 0;
            let flag = if ok == *api_ok { "" } else { " ≠" };
            print!(" {}{flag} |", mark(ok));
        }
        println!();
    }
    println!("\nWhat each says (first problem):\n");
    for (i, (name, _, _)) in CASES.iter().enumerate() {
        println!("{name}:");
        for (a, v) in &results {
            if let Some(p) = v[i].1.first() {
                println!("    {a:>15}: {p}");
            }
        }
    }
}

// ---------------------------------------------------------------- the parent

struct Args {
    runs: usize,
    corpus: PathBuf,
    schemas: PathBuf,
    only: Vec<String>,
    child: Option<String>,
    kinds: bool,
    cases: bool,
}

fn args() -> Args {
    let mut a = Args {
        runs: 3,
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/bulk"),
        schemas: PathBuf::new(),
        only: APPROACHES.iter().map(|s| s.to_string()).collect(),
        child: None,
        kinds: false,
        cases: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--corpus" => a.corpus = it.next().expect("--corpus DIR").into(),
            "--schemas" => a.schemas = it.next().expect("--schemas DIR").into(),
            "--only" => {
                a.only = it
                    .next()
                    .expect("--only A,B")
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            "--child" => a.child = it.next(),
            "--kinds" => a.kinds = true,
            "--cases" => a.cases = true,
            "-h" | "--help" => {
                println!(
                    "validator-choice [--runs N] [--corpus DIR] [--schemas DIR] [--only {}] | --cases",
                    APPROACHES.join(",")
                );
                std::process::exit(0);
            }
            other => panic!("unknown argument {other}"),
        }
    }
    if a.schemas.as_os_str().is_empty() {
        a.schemas = std::env::var_os("KV_SCHEMAS")
            .map(PathBuf::from)
            .unwrap_or_else(default_schemas);
    }
    a
}

/// kubernetes-validate's strict 1.35 schemas, wherever python3 has the package installed.
fn default_schemas() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))",
        ])
        .output()
        .expect("python3");
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        !dir.is_empty(),
        "kubernetes-validate is not installed: pip install kubernetes-validate==1.37.0, or pass --schemas DIR"
    );
    Path::new(&dir).join("kubernetes-json-schema/v1.35.0-local-strict")
}

#[derive(Default)]
struct Run {
    metrics: BTreeMap<String, Vec<u128>>,
    compile: BTreeMap<String, u128>,
    verdicts: Vec<(bool, usize, String)>,
    /// Each document's file and kind.
    docs: Vec<String>,
    /// Each document's problem locations, as a set of JSON pointers.
    locs: Vec<std::collections::BTreeSet<String>>,
}

fn run_child(a: &Args, approach: &str) -> Run {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args(["--child", approach, "--corpus"])
        .arg(&a.corpus)
        .arg("--schemas")
        .arg(&a.schemas)
        .output()
        .expect("run child");
    assert!(
        out.status.success(),
        "{approach} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = Run::default();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
        match tag {
            "m" => {
                let (k, v) = rest.split_once(' ').expect("metric");
                r.metrics
                    .entry(k.to_string())
                    .or_default()
                    .push(v.parse().expect("number"));
            }
            "c" => {
                let (k, v) = rest.rsplit_once(' ').expect("compile");
                *r.compile.entry(k.to_string()).or_default() += v.parse::<u128>().expect("ns");
            }
            _ if line.starts_with("v\t") => {
                let f: Vec<&str> = line.splitn(6, '\t').collect();
                r.verdicts.push((
                    f[2] == "1",
                    f[3].parse().expect("count"),
                    f[5].split('\t').next().unwrap_or("").to_string(),
                ));
                let locs = f[5].split_once('\t').map_or("", |x| x.1);
                r.locs.push(
                    locs.split('\u{1f}')
                        .filter_map(|s| s.strip_prefix('#'))
                        .map(String::from)
                        .collect(),
                );
                r.docs.push(f[4].to_string());
            }
            _ => {}
        }
    }
    r
}

/// The minimum over runs (and over a run's passes) of a metric.
fn min_of(runs: &[Run], k: &str) -> Option<u128> {
    runs.iter()
        .flat_map(|r| r.metrics.get(k).into_iter().flatten())
        .copied()
        .min()
}

fn ms(v: Option<u128>) -> String {
    v.map_or("—".into(), |v| format!("{:.1} ms", v as f64 / 1e6))
}
fn mb(v: Option<u128>) -> String {
    v.map_or("—".into(), |v| format!("{:.1} MB", v as f64 / 1e6))
}

fn main() {
    let a = args();
    if a.kinds {
        for (api, kind) in schema::kinds(VERSION) {
            println!("{api}\t{kind}");
        }
        return;
    }
    if a.cases {
        return cases(&a.schemas);
    }
    if let Some(approach) = &a.child {
        return child(approach, &a.corpus, &a.schemas);
    }
    println!(
        "corpus {}\nschemas {}",
        a.corpus.display(),
        a.schemas.display()
    );
    let mut runs: BTreeMap<String, Vec<Run>> = BTreeMap::new();
    for i in 0..a.runs {
        for approach in &a.only {
            eprintln!("run {}/{}: {approach}", i + 1, a.runs);
            runs.entry(approach.clone())
                .or_default()
                .push(run_child(&a, approach));
        }
    }
    report(&a, &runs);
}

fn report(a: &Args, runs: &BTreeMap<String, Vec<Run>>) {
    let names: Vec<&String> = a.only.iter().collect();
    let first = &runs[names[0]][0];
    let get = |k: &str| {
        first
            .metrics
            .get(k)
            .and_then(|v| v.first())
            .copied()
            .unwrap_or(0)
    };
    println!(
        "{} files, {} documents of {} built-in kinds ({} other documents: no 1.35 schema on one side or the other)",
        get("files"),
        get("docs"),
        get("kinds"),
        get("skipped")
    );
    // Kind counts.
    let mut header = String::from("| |");
    let mut rule = String::from("|---|");
    for n in &names {
        header += &format!(" {n} |");
        rule += "---|";
    }
    println!(
        "\nMinimum of {} runs (each a process of its own; validation passes: min of {} per run).\n",
        a.runs, PASSES
    );
    let row = |label: &str, f: &dyn Fn(&[Run]) -> String| {
        let mut s = format!("| {label} |");
        for n in &names {
            s += &format!(" {} |", f(&runs[*n]));
        }
        println!("{s}");
    };
    let mut counts: Vec<(u128, &str)> = first
        .metrics
        .iter()
        .filter_map(|(k, v)| Some((v[0], k.strip_prefix("n_")?)))
        .collect();
    counts.sort_by(|a, b| b.cmp(a));
    let counts: Vec<String> = counts.iter().map(|(n, k)| format!("{n} {k}")).collect();
    println!("Kinds: {}.\n", counts.join(", "));
    println!(
        "The documents' YAML trees (every approach starts from them): {:.1} MB.\n",
        get("tree_bytes") as f64 / 1e6
    );
    println!("{header}\n{rule}");
    row("load definitions (once)", &|r| ms(min_of(r, "defs_ns")));
    row("compile, all kinds (first use)", &|r| {
        ms(min_of(r, "compile_ns"))
    });
    for k in SHOWN {
        row(&format!("  of which {k}"), &|r| {
            let first_use = ms(r.iter().filter_map(|x| x.compile.get(k)).copied().min());
            match min_of(r, &format!("alone_{k}")) {
                Some(alone) => format!("{first_use} (alone: {})", ms(Some(alone))),
                None => first_use,
            }
        });
    }
    row("memory: definitions", &|r| mb(min_of(r, "defs_bytes")));
    row("memory: compiled kinds", &|r| {
        mb(min_of(r, "compiled_bytes"))
    });
    row("YAML tree → serde_json, all docs", &|r| {
        ms(min_of(r, "convert_ns"))
    });
    row("memory: the serde_json copies, all docs", &|r| {
        mb(min_of(r, "json_bytes"))
    });
    row("validate, verdict only", &|r| {
        ms(min_of(r, "validate_verdict_ns"))
    });
    row("validate, all errors", &|r| {
        ms(min_of(r, "validate_all_ns"))
    });
    let mut by_kind: Vec<(u128, &str)> = first
        .metrics
        .iter()
        .filter_map(|(k, v)| Some((v[0], k.strip_prefix("n_")?)))
        .collect();
    by_kind.sort_by(|a, b| b.cmp(a));
    for (n, k) in by_kind.iter().take(8) {
        row(&format!("  of which {n} × {k}"), &|r| {
            ms(min_of(r, &format!("vk_{k}")))
        });
    }
    row("allocated while validating", &|r| {
        mb(min_of(r, "validate_alloc"))
    });
    row("pointer → span, all errors", &|r| match (
        min_of(r, "pointer_resolved"),
        min_of(r, "pointer_unresolved"),
    ) {
        (Some(ok), Some(bad)) => format!(
            "{} ({ok} of {} resolved)",
            ms(min_of(r, "pointer_to_span_ns")),
            ok + bad
        ),
        _ => "—".into(),
    });
    let docs = first.verdicts.len();
    row("documents invalid", &|r| {
        let n = r[0].verdicts.iter().filter(|v| !v.0).count();
        format!("{n} of {docs}")
    });
    row("problems reported", &|r| {
        r[0].verdicts.iter().map(|v| v.1).sum::<usize>().to_string()
    });
    row("verdicts stable across runs", &|r| {
        let same = r.iter().all(|x| {
            x.verdicts
                .iter()
                .map(|v| v.0)
                .eq(r[0].verdicts.iter().map(|v| v.0))
        });
        if same { "yes" } else { "NO" }.to_string()
    });

    // Agreement, pairwise.
    println!("\nVerdict agreement (documents with the same valid/invalid verdict):\n");
    for (i, x) in names.iter().enumerate() {
        for y in &names[i + 1..] {
            let (vx, vy) = (&runs[*x][0].verdicts, &runs[*y][0].verdicts);
            let same = vx.iter().zip(vy).filter(|(p, q)| p.0 == q.0).count();
            let only_x = vx.iter().zip(vy).filter(|(p, q)| !p.0 && q.0).count();
            let only_y = vx.iter().zip(vy).filter(|(p, q)| p.0 && !q.0).count();
            println!(
                "- {x} vs {y}: {same} of {docs} ({:.2} %); invalid only for {x}: {only_x}, only for {y}: {only_y}",
                100.0 * same as f64 / docs as f64
            );
        }
    }
    // Where: for documents both call invalid, the same set of problem locations?
    println!("\nProblem locations (JSON pointers; an unknown field at its own key) of the documents both call invalid:\n");
    for (i, x) in names.iter().enumerate() {
        for y in &names[i + 1..] {
            let (rx, ry) = (&runs[*x][0], &runs[*y][0]);
            let (mut both, mut same, mut only_x, mut only_y) = (0, 0, 0, 0);
            for j in 0..docs {
                if rx.verdicts[j].0 || ry.verdicts[j].0 {
                    continue;
                }
                both += 1;
                same += usize::from(rx.locs[j] == ry.locs[j]);
                only_x += rx.locs[j].difference(&ry.locs[j]).count();
                only_y += ry.locs[j].difference(&rx.locs[j]).count();
            }
            println!("- {x} vs {y}: {same} of {both} documents the same set; locations only {x} reports: {only_x}, only {y}: {only_y}");
        }
    }
    // What the first approach reports beyond the second in those documents, by class.
    if names.len() > 1 {
        let (rx, ry) = (&runs[names[0]][0], &runs[names[1]][0]);
        let mut classes: BTreeMap<String, usize> = BTreeMap::new();
        for j in 0..docs {
            if rx.verdicts[j].0 || ry.verdicts[j].0 {
                continue;
            }
            let problems: Vec<&str> = rx.verdicts[j].2.split(" ;; ").collect();
            for p in problems {
                // Locations are a set: match a problem to its pointer through the message's path.
                let missing = !ry.locs[j].iter().any(|l| pointer_matches(p, l));
                if missing {
                    *classes.entry(class(p)).or_default() += 1;
                }
            }
        }
        if !classes.is_empty() {
            println!(
                "\nProblems {} reports beyond {} in those documents:\n",
                names[0], names[1]
            );
            let mut v: Vec<_> = classes.into_iter().collect();
            v.sort_by_key(|x| std::cmp::Reverse(x.1));
            for (c, n) in v {
                println!("- {n} × `{c}`");
            }
        }
    }
    // How each words the same problems: the first documents every approach calls invalid.
    println!("\nMessages for the same documents:\n");
    // One document per kind of problem (by the first approach's first problem).
    let mut seen = std::collections::BTreeSet::new();
    for j in 0..docs {
        if names.iter().any(|n| runs[*n][0].verdicts[j].0) {
            continue;
        }
        let lead = &runs[names[0]][0].verdicts[j].2;
        let what = lead.split('|').next().unwrap_or("").to_string();
        if !seen.insert(what) {
            continue;
        }
        println!("{}:", first.docs[j]);
        for n in &names {
            for p in runs[*n][0].verdicts[j].2.split(" ;; ").take(2) {
                println!("    {n:>15}: {p}");
            }
        }
    }
    // Why they differ: the first problem of each disagreeing document, by class.
    if names.len() > 1 {
        let base = names[0];
        let mut printed: Vec<Vec<bool>> = Vec::new();
        for other in &names[1..] {
            // Approaches with the same verdicts as one already shown are not shown again.
            let verdicts: Vec<bool> = runs[*other][0].verdicts.iter().map(|v| v.0).collect();
            if printed.contains(&verdicts) {
                println!("\n({other}: the same documents as above.)");
                continue;
            }
            printed.push(verdicts);
            for (this, that) in [(base, *other), (*other, base)] {
                let (vt, vo) = (&runs[this][0].verdicts, &runs[that][0].verdicts);
                let mut classes: BTreeMap<String, (usize, String)> = BTreeMap::new();
                for (i, (p, q)) in vt.iter().zip(vo).enumerate() {
                    if !p.0 && q.0 {
                        let first = p.2.split(" ;; ").next().unwrap_or_default();
                        let e = classes.entry(class(first)).or_insert((0, String::new()));
                        e.0 += 1;
                        if e.1.is_empty() {
                            e.1 = format!("{} — {first}", doc_name(a, runs, i));
                        }
                    }
                }
                if classes.is_empty() {
                    continue;
                }
                println!(
                    "\nInvalid for {this}, valid for {that} (by the first problem's class):\n"
                );
                let mut v: Vec<_> = classes.into_iter().collect();
                v.sort_by_key(|x| std::cmp::Reverse(x.1 .0));
                for (c, (n, ex)) in v {
                    println!("- {n} × `{c}`, e.g. {ex}");
                }
            }
        }
    }
}

/// A problem's class: kubeward's problem and message without the path and values; a JSON
/// validator's keyword and pointer with indexes and map keys of open objects removed.
fn class(p: &str) -> String {
    let mut parts = p.splitn(3, '|');
    let (a, b, c) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next(),
    );
    match c {
        // jsonschema / boon: keyword|pointer|message
        Some(_) => {
            let ptr: Vec<&str> = b
                .split('/')
                .map(|s| if s.parse::<usize>().is_ok() { "N" } else { s })
                .collect();
            format!("{a} at {}", ptr.join("/"))
        }
        // kubeward: Problem|message
        None => {
            let msg = b;
            // "spec.x[0].y must be ..." -> the words after the path, values elided.
            let rest = msg.split_once(' ').map_or(msg, |(_, r)| r);
            let mut out = String::new();
            let mut quoted = false;
            for ch in rest.chars() {
                if ch == '"' {
                    quoted = !quoted;
                    if quoted {
                        out.push_str("\"…\"");
                    }
                    continue;
                }
                if !quoted {
                    out.push(ch);
                }
            }
            let field = msg.split(' ').next().unwrap_or("");
            let leaf = field.rsplit('.').next().unwrap_or(field);
            let leaf: String = leaf.split('[').next().unwrap_or(leaf).to_string();
            format!("{a}: {leaf} {}", out.chars().take(80).collect::<String>())
        }
    }
}

/// Whether kubeward problem `p` ("Problem|a.b[0].c message") is at JSON pointer `l`.
fn pointer_matches(p: &str, l: &str) -> bool {
    let Some((_, msg)) = p.split_once('|') else {
        return false;
    };
    // The path ends at the first space or colon; an unknown field's message names the field.
    let path: String = msg.chars().take_while(|c| *c != ' ' && *c != ':').collect();
    let mut ptr = String::new();
    // A problem of the whole document names its kind ("Role is missing required field ...").
    let path = if path.starts_with(|c: char| c.is_ascii_uppercase()) {
        String::new()
    } else {
        path
    };
    for part in path.split('.') {
        let mut it = part.split('[');
        if let Some(key) = it.next() {
            if !key.is_empty() {
                ptr += &format!("/{}", escape(key));
            }
        }
        for idx in it {
            ptr += &format!("/{}", idx.trim_end_matches(']'));
        }
    }
    if let Some(rest) = msg.strip_prefix("unknown field \"") {
        let field = rest.split('"').next().unwrap_or("");
        return l.ends_with(&format!("/{}", escape(field)));
    }
    ptr == l
}

fn doc_name(a: &Args, runs: &BTreeMap<String, Vec<Run>>, i: usize) -> String {
    runs[&a.only[0]][0].docs[i].clone()
}
