//! CustomResourceDefinitions -> [`KindSchema`]s (issue 16 point 4): a CRD's
//! `openAPIV3Schema` of one version, read from the CRD's own tree (or a bare schema, as CRD
//! catalogs publish them), with the semantics the API server gives a structural schema:
//!
//! - **Pruning.** A field a schema does not list is dropped by the API server, and reported
//!   by `kubectl apply` (strict field validation, the default since 1.25): every object is
//!   closed unless it says `x-kubernetes-preserve-unknown-fields: true` or has
//!   `additionalProperties`. A v1beta1 CRD keeps unknown fields everywhere unless it says
//!   `preserveUnknownFields: false` (v1beta1's default was to keep them).
//! - **Nulls.** Before validating, the API server drops a field whose value is null when the
//!   field's schema is not `nullable` and has no `default`
//!   (apiextensions-apiserver's `PruneNonNullableNullsWithoutDefaults`), and fills in a
//!   defaulted one: such a null is no error, but a dropped required field is missing. A null
//!   list item is not dropped: it fails the item's type unless the item schema is nullable.
//! - `x-kubernetes-int-or-string`: an integer (any size: custom resources are not Go
//!   structs) or a string. `x-kubernetes-embedded-resource`: the object carries
//!   `apiVersion` and `kind` (both required) and `metadata` (checked as ObjectMeta).
//! - The top level's `apiVersion` and `kind` name the schema; its `metadata` is checked as
//!   the bundled ObjectMeta of the target version, whatever the CRD says of it. With the
//!   status subresource, `status` is not checked (the API server ignores it on create).
//! - Value validations: enum, pattern, the formats listed in [`CrdFormat`] and `byte`,
//!   minimum/maximum (exclusive too), multipleOf, minLength/maxLength, minItems/maxItems,
//!   uniqueItems, minProperties/maxProperties, required, allOf/anyOf/oneOf/not,
//!   `x-kubernetes-list-type` set/map with its keys. Defaults are not applied (a required
//!   field with a default is not required); `x-kubernetes-validations` (CEL) is not
//!   evaluated; other keywords are ignored.
//!
//! CRDs are written by others: unlike the bundled schemas (where an unknown keyword is a
//! compile error), nothing here fails on a keyword it does not know, and a schema is refused
//! ([`CrdError`]) only when it is too big or too deep to be worth the work. Hostile input is
//! bounded: nesting ([`MAX_DEPTH`]), nodes ([`MAX_TYPES`]), enums ([`MAX_ENUM`]), combinator
//! nesting and width, and regular expressions (the `regex` crate matches in linear time; each
//! pattern's compiled size is capped and identical patterns are compiled once).

use std::collections::HashMap;

use super::crd_formats;
use super::types::{
    Additional, Bound, CrdChecks, CrdFormat, Format, KindSchema, ListType, Pattern, Properties,
    Type, TypeId, TypeSet,
};
use crate::yaml::{Node, NodeKind, Scalar};

pub use crd_formats::is_crd_format;

/// Schema nesting (properties in properties ...) beyond which a schema is refused: real CRDs
/// nest a few dozen levels; the validator stops at 256 document levels anyway.
pub const MAX_DEPTH: usize = 128;
/// Schema nodes of one compiled version (the largest real CRDs have tens of thousands).
pub const MAX_TYPES: usize = 500_000;
/// Values of one `enum`; a longer one is not checked.
pub const MAX_ENUM: usize = 10_000;
/// `allOf`/`anyOf`/`oneOf`/`not` inside one another: deeper ones are not checked (each level
/// can multiply the validation work).
const MAX_BRANCH_NESTING: u32 = 4;
/// Alternatives of one combinator that are checked.
const MAX_BRANCHES: usize = 64;
/// Distinct patterns compiled per schema, and the longest pattern compiled.
const MAX_PATTERNS: usize = 2_000;
const MAX_PATTERN_LEN: usize = 4_096;
/// Compiled size of one pattern (the `regex` crate's own limit is 10 MiB).
const PATTERN_SIZE: usize = 256 * 1024;

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Why a CRD's schema cannot be used (its custom resources are then not validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrdError(pub String);

impl std::fmt::Display for CrdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a resource is a CustomResourceDefinition kubeward reads.
pub fn is_crd(api_version: &str, kind: &str) -> bool {
    kind == "CustomResourceDefinition"
        && matches!(
            api_version,
            "apiextensions.k8s.io/v1" | "apiextensions.k8s.io/v1beta1"
        )
}

/// What a CRD defines, read without compiling anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crd {
    /// `metadata.name` (`widgets.example.com`), else `<plural>.<group>`.
    pub name: String,
    pub group: String,
    pub kind: String,
    /// Every version listed, in order.
    pub versions: Vec<String>,
}

impl Crd {
    /// `group/version` of each version.
    pub fn api_versions(&self) -> impl Iterator<Item = String> + '_ {
        self.versions.iter().map(|v| format!("{}/{v}", self.group))
    }
}

/// Reads what CRD `root` defines (group, kind, versions); `Err` says what is missing.
pub fn read_crd(root: &Node) -> Result<Crd, CrdError> {
    let bad = |what: &str| CrdError(format!("the CRD has no {what}"));
    let spec = root.get("spec").ok_or_else(|| bad("spec"))?;
    let group = spec
        .get("group")
        .and_then(Node::as_str)
        .filter(|g| !g.is_empty())
        .ok_or_else(|| bad("spec.group"))?;
    let names = spec.get("names");
    let kind = names
        .and_then(|n| n.get("kind"))
        .and_then(Node::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| bad("spec.names.kind"))?;
    let mut versions: Vec<String> = Vec::new();
    if let Some(NodeKind::Seq(items)) = spec.get("versions").map(|v| &v.kind) {
        for v in items {
            if let Some(name) = v.get("name").and_then(Node::as_str) {
                if !name.is_empty() && !versions.iter().any(|x| x == name) {
                    versions.push(name.to_string());
                }
            }
        }
    }
    // v1beta1's single `version`.
    if let Some(v) = spec.get("version").and_then(Node::as_str) {
        if !v.is_empty() && !versions.iter().any(|x| x == v) {
            versions.push(v.to_string());
        }
    }
    if versions.is_empty() {
        return Err(bad("versions"));
    }
    let plural = names.and_then(|n| n.get("plural")).and_then(Node::as_str);
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .map(str::to_string)
        .or_else(|| plural.map(|p| format!("{p}.{group}")))
        .unwrap_or_else(|| format!("{}.{group}", kind.to_lowercase()));
    Ok(Crd {
        name,
        group: group.to_string(),
        kind: kind.to_string(),
        versions,
    })
}

/// Compiles version `version` of CRD `root` against bundled Kubernetes `kube` (whose
/// ObjectMeta checks `metadata`). A version without a schema gives a schema that checks
/// only `metadata` (the API server keeps everything else).
pub fn compile_crd_version(
    root: &Node,
    version: &str,
    kube: (u32, u32),
) -> Result<KindSchema, CrdError> {
    let crd = read_crd(root)?;
    if !crd.versions.iter().any(|v| v == version) {
        return Err(CrdError(format!("{} has no version {version}", crd.name)));
    }
    let spec = root.get("spec");
    let entry = spec
        .and_then(|s| s.get("versions"))
        .and_then(|vs| match &vs.kind {
            NodeKind::Seq(items) => items
                .iter()
                .find(|v| v.get("name").and_then(Node::as_str) == Some(version)),
            _ => None,
        });
    let v1beta1 =
        root.get("apiVersion").and_then(Node::as_str) == Some("apiextensions.k8s.io/v1beta1");
    // v1beta1: one schema for all versions under `validation`, unless a version has its own.
    let schema = schema_of(entry.and_then(|e| e.get("schema")))
        .or_else(|| schema_of(spec.and_then(|s| s.get("validation"))));
    let has_status = |n: Option<&Node>| {
        n.and_then(|n| n.get("subresources"))
            .and_then(|s| s.get("status"))
            .is_some_and(|s| !s.is_null())
    };
    let status_subresource = has_status(entry) || has_status(spec);
    // v1beta1 kept unknown fields unless told not to; v1 allows only `false`.
    let keep = spec.and_then(|s| s.get("preserveUnknownFields"));
    let preserve_all = match keep.map(|k| &k.kind) {
        Some(NodeKind::Scalar(Scalar::Bool(b))) => *b,
        _ => v1beta1,
    };
    let options = Options {
        api_version: format!("{}/{version}", crd.group),
        kind: crd.kind,
        definition: crd.name,
        kube,
        status_subresource,
        preserve_all,
    };
    compile_schema(schema, options)
}

/// `openAPIV3Schema` of `holder` (a version's `schema`, v1beta1's `validation`).
fn schema_of(holder: Option<&Node>) -> Option<&Node> {
    holder
        .and_then(|h| h.get("openAPIV3Schema"))
        .filter(|s| matches!(s.kind, NodeKind::Map(_)))
}

/// How a schema is compiled, besides its text.
#[derive(Debug, Clone)]
pub struct Options {
    pub api_version: String,
    pub kind: String,
    /// What the schema is, for messages and `KindSchema::definition`: the CRD's name, or
    /// the catalog file.
    pub definition: String,
    /// The bundled Kubernetes version whose ObjectMeta checks `metadata`.
    pub kube: (u32, u32),
    /// The status subresource is on: `status` is not checked.
    pub status_subresource: bool,
    /// Unknown fields are kept everywhere (v1beta1's `preserveUnknownFields`).
    pub preserve_all: bool,
}

/// Compiles an `openAPIV3Schema` (`None`: no schema, everything kept) as a custom resource's
/// top level: a CRD version's, or a catalog file's (`<group>/<kind>_<version>.json`).
pub fn compile_schema(schema: Option<&Node>, o: Options) -> Result<KindSchema, CrdError> {
    let mut c = Compiler {
        types: Vec::new(),
        preserve_all: o.preserve_all,
        patterns: HashMap::new(),
        meta: None,
        kube: o.kube,
    };
    let root = match schema {
        Some(s) => c.node(s, Ctx::default())?,
        None => {
            let mut t = Type::any();
            t.types = TypeSet::OBJECT;
            t.preserve_unknown_fields = true;
            c.push(t)
        }
    };
    let meta = c.object_meta();
    let status = o.status_subresource.then(|| {
        let mut t = Type::any();
        t.preserve_unknown_fields = true;
        c.push(t)
    });
    let r = &mut c.types[root as usize];
    set_property(r, "metadata", meta);
    if let Some(status) = status {
        set_property(r, "status", status);
    }
    Ok(KindSchema {
        version: o.kube,
        api_version: o.api_version,
        kind: o.kind,
        definition: o.definition,
        types: c.types,
        root,
    })
}

/// Adds or replaces property `name` of `t`, keeping the properties sorted.
fn set_property(t: &mut Type, name: &str, id: TypeId) {
    let mut props: Vec<(Box<str>, TypeId)> = std::mem::take(&mut t.properties).into_vec();
    match props.binary_search_by(|(k, _)| (**k).cmp(name)) {
        Ok(i) => props[i].1 = id,
        Err(i) => props.insert(i, (name.into(), id)),
    }
    t.properties = props.into_boxed_slice();
}

/// Where a schema node is: how deep, and inside how many combinators (whose alternatives
/// only check values: they close no object and keep every field).
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    depth: usize,
    branch: u32,
}

impl Ctx {
    fn deeper(self) -> Ctx {
        Ctx {
            depth: self.depth + 1,
            ..self
        }
    }

    fn in_branch(self) -> Ctx {
        Ctx {
            depth: self.depth + 1,
            branch: self.branch + 1,
        }
    }
}

struct Compiler {
    types: Vec<Type>,
    preserve_all: bool,
    /// Pattern text -> pattern.
    patterns: HashMap<String, Pattern>,
    /// ObjectMeta's root in `types`, appended on first use.
    meta: Option<TypeId>,
    kube: (u32, u32),
}

impl Compiler {
    fn push(&mut self, t: Type) -> TypeId {
        self.types.push(t);
        (self.types.len() - 1) as TypeId
    }

    fn node(&mut self, n: &Node, ctx: Ctx) -> Result<TypeId, CrdError> {
        if ctx.depth > MAX_DEPTH {
            return Err(CrdError(format!(
                "its schema nests deeper than {MAX_DEPTH} levels"
            )));
        }
        if self.types.len() >= MAX_TYPES {
            return Err(CrdError(format!(
                "its schema has more than {MAX_TYPES} nodes"
            )));
        }
        // Allocated first, filled last: children get later ids.
        let id = self.push(Type::any());
        let NodeKind::Map(entries) = &n.kind else {
            // Not a schema object (`true`, a typo): it constrains nothing.
            return Ok(id);
        };
        let mut t = Type::any();
        let mut c = CrdChecks {
            drops_nulls: true,
            ..CrdChecks::default()
        };
        let mut additional = false;
        let mut int_or_string = false;
        let (mut exclusive_min, mut exclusive_max) = (false, false);
        for e in entries {
            let v = &e.value;
            match e.key.as_str() {
                "type" => t.types = type_set(v),
                "nullable" => c.nullable = is_true(v),
                "default" => c.has_default = !v.is_null(),
                "properties" => t.properties = self.properties(v, ctx)?,
                "additionalProperties" => {
                    additional = true;
                    t.additional = match &v.kind {
                        NodeKind::Scalar(Scalar::Bool(false)) => Additional::Forbidden,
                        NodeKind::Map(_) => Additional::Schema(self.node(v, ctx.deeper())?),
                        _ => Additional::Any,
                    };
                }
                "items" if matches!(v.kind, NodeKind::Map(_)) => {
                    t.items = Some(self.node(v, ctx.deeper())?);
                }
                "required" => t.required = strings(v),
                "enum" => t.enumeration = enumeration(v),
                "format" => self.format(v, &mut t, &mut c),
                "pattern" => c.pattern = v.as_str().and_then(|p| self.pattern(p)),
                "minLength" => c.min_length = count(v),
                "maxLength" => c.max_length = count(v),
                "minItems" => c.min_items = count(v),
                "maxItems" => c.max_items = count(v),
                "minProperties" => c.min_properties = count(v),
                "maxProperties" => c.max_properties = count(v),
                "uniqueItems" => c.unique_items = is_true(v),
                "minimum" => c.minimum = number(v).map(bound),
                "maximum" => c.maximum = number(v).map(bound),
                "exclusiveMinimum" => exclusive_min = is_true(v),
                "exclusiveMaximum" => exclusive_max = is_true(v),
                "multipleOf" => c.multiple_of = number(v).filter(|f| *f > 0.0),
                "allOf" => c.all_of = self.branches(v, ctx)?,
                "anyOf" => c.any_of = self.branches(v, ctx)?,
                "oneOf" => c.one_of = self.branches(v, ctx)?,
                "not" if ctx.branch < MAX_BRANCH_NESTING => {
                    c.not = Some(self.node(v, ctx.in_branch())?);
                }
                "x-kubernetes-preserve-unknown-fields" => t.preserve_unknown_fields = is_true(v),
                "x-kubernetes-embedded-resource" => t.embedded_resource = is_true(v),
                "x-kubernetes-int-or-string" => int_or_string = is_true(v),
                "x-kubernetes-list-type" => {
                    t.list_type = match v.as_str() {
                        Some("set") => Some(ListType::Set),
                        Some("map") => Some(ListType::Map),
                        Some("atomic") => Some(ListType::Atomic),
                        _ => None,
                    }
                }
                "x-kubernetes-list-map-keys" => t.list_map_keys = strings(v),
                // Documentation, CEL rules (not evaluated), merge hints and keywords the
                // API server does not validate with: nothing to check.
                _ => {}
            }
        }
        if let Some(b) = c.minimum.as_mut() {
            b.exclusive = exclusive_min;
        }
        if let Some(b) = c.maximum.as_mut() {
            b.exclusive = exclusive_max;
        }
        if int_or_string {
            t.types = TypeSet::INTEGER;
            t.types.insert(TypeSet::STRING);
        }
        if c.nullable && !t.types.is_any() {
            t.types.insert(TypeSet::NULL);
        }
        if ctx.branch > 0 || self.preserve_all {
            // An alternative only checks what it names; pruning is the outer schema's.
            t.preserve_unknown_fields = true;
        } else if !additional {
            // Pruning: an object keeps only the fields its schema lists.
            t.additional = Additional::Forbidden;
        }
        // The API server defaults a missing field before checking `required`.
        let types = &self.types;
        let defaulted = |name: &str| {
            t.property(name)
                .and_then(|id| types.get(id as usize))
                .and_then(|p| p.crd.as_deref())
                .is_some_and(|p| p.has_default)
        };
        let required: Vec<Box<str>> = t
            .required
            .iter()
            .filter(|r| !defaulted(r))
            .cloned()
            .collect();
        t.required = required.into_boxed_slice();
        if t.embedded_resource {
            self.embedded(&mut t);
        }
        t.crd = Some(Box::new(c));
        self.types[id as usize] = t;
        Ok(id)
    }

    fn properties(&mut self, v: &Node, ctx: Ctx) -> Result<Properties, CrdError> {
        let NodeKind::Map(entries) = &v.kind else {
            return Ok(Box::new([]));
        };
        let mut props = Vec::with_capacity(entries.len());
        for e in entries {
            let id = self.node(&e.value, ctx.deeper())?;
            props.push((Box::<str>::from(e.key.as_str()), id));
        }
        // The loader keeps the last of duplicate keys; sorted for `Type::property`.
        props.sort_by(|a, b| a.0.cmp(&b.0));
        props.dedup_by(|a, b| a.0 == b.0);
        Ok(props.into_boxed_slice())
    }

    fn branches(&mut self, v: &Node, ctx: Ctx) -> Result<Box<[TypeId]>, CrdError> {
        let NodeKind::Seq(items) = &v.kind else {
            return Ok(Box::new([]));
        };
        if ctx.branch >= MAX_BRANCH_NESTING {
            return Ok(Box::new([]));
        }
        items
            .iter()
            .take(MAX_BRANCHES)
            .map(|b| self.node(b, ctx.in_branch()))
            .collect()
    }

    /// `format`: `byte` is the built-in check; the others the API server checks are
    /// kubeward's CRD formats. Integer and number formats constrain nothing on a custom
    /// resource (it is stored as JSON, not as a Go struct).
    fn format(&mut self, v: &Node, t: &mut Type, c: &mut CrdChecks) {
        let Some(name) = v.as_str() else {
            return;
        };
        if name == "byte" {
            t.format = Some(Format::Byte);
            return;
        }
        c.format = match name {
            "date" => Some(CrdFormat::Date),
            "date-time" | "datetime" => Some(CrdFormat::DateTime),
            "uuid" | "uuid3" | "uuid4" | "uuid5" => Some(CrdFormat::Uuid),
            "ipv4" => Some(CrdFormat::Ipv4),
            "ipv6" => Some(CrdFormat::Ipv6),
            "cidr" => Some(CrdFormat::Cidr),
            _ => None,
        };
    }

    /// A pattern, shared by every node that has the same text (compiled on first use);
    /// `None` when it is too long or one too many.
    fn pattern(&mut self, p: &str) -> Option<Pattern> {
        if let Some(hit) = self.patterns.get(p) {
            return Some(hit.clone());
        }
        if self.patterns.len() >= MAX_PATTERNS || p.len() > MAX_PATTERN_LEN {
            return None;
        }
        let pattern = Pattern::new(p, PATTERN_SIZE);
        self.patterns.insert(p.to_string(), pattern.clone());
        Some(pattern)
    }

    /// An embedded resource has its own `apiVersion` and `kind` (required, strings) and
    /// `metadata` (ObjectMeta), listed or not.
    fn embedded(&mut self, t: &mut Type) {
        for name in ["apiVersion", "kind"] {
            if t.property(name).is_none() {
                let mut s = Type::any();
                s.types = TypeSet::STRING;
                let id = self.push(s);
                set_property(t, name, id);
            }
            if !t.is_required(name) {
                let mut r = t.required.to_vec();
                r.push(name.into());
                t.required = r.into_boxed_slice();
            }
        }
        if t.property("metadata").is_none() {
            let meta = self.object_meta();
            set_property(t, "metadata", meta);
        }
    }

    /// ObjectMeta of the bundled version, appended to this schema's arena once; an object
    /// that holds anything when the bundle cannot give it.
    fn object_meta(&mut self) -> TypeId {
        if let Some(id) = self.meta {
            return id;
        }
        let compiled = super::bundle::bundle()
            .and_then(|b| b.index(self.kube))
            .and_then(|index| {
                super::compile::compile(&[OBJECT_META], &|name| index.defs.get(name).copied()).ok()
            });
        let id = match compiled {
            Some((types, roots)) if !roots.is_empty() => {
                let offset = self.types.len() as TypeId;
                self.types
                    .extend(types.into_iter().map(|t| shifted(t, offset)));
                roots[0] + offset
            }
            _ => {
                let mut t = Type::any();
                t.preserve_unknown_fields = true;
                self.push(t)
            }
        };
        self.meta = Some(id);
        id
    }
}

/// A type of another arena, its ids moved by `offset` (to append that arena to this one).
fn shifted(mut t: Type, offset: TypeId) -> Type {
    for p in t.properties.iter_mut() {
        p.1 += offset;
    }
    if let Additional::Schema(id) = &mut t.additional {
        *id += offset;
    }
    if let Some(id) = t.items.as_mut() {
        *id += offset;
    }
    for id in t.one_of.iter_mut() {
        *id += offset;
    }
    t
}

fn is_true(v: &Node) -> bool {
    matches!(v.kind, NodeKind::Scalar(Scalar::Bool(true)))
}

/// `type`: one name (a CRD), or a list of them (JSON schemas converted for other tools).
/// An unknown name constrains nothing.
fn type_set(v: &Node) -> TypeSet {
    let mut set = TypeSet::default();
    let names: Vec<&str> = match &v.kind {
        NodeKind::Scalar(Scalar::Str(s)) => vec![s.as_str()],
        NodeKind::Seq(items) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    };
    for name in names {
        match TypeSet::from_name(name) {
            Some(t) => set.insert(t),
            None => return TypeSet::default(),
        }
    }
    set
}

fn strings(v: &Node) -> Box<[Box<str>]> {
    match &v.kind {
        NodeKind::Seq(items) => items
            .iter()
            .filter_map(Node::as_str)
            .map(Box::from)
            .collect(),
        _ => Box::new([]),
    }
}

fn enumeration(v: &Node) -> Option<Box<[serde_json::Value]>> {
    match &v.kind {
        NodeKind::Seq(items) if items.len() <= MAX_ENUM => {
            Some(items.iter().map(crate::yaml::to_json).collect())
        }
        _ => None,
    }
}

fn number(v: &Node) -> Option<f64> {
    match &v.kind {
        NodeKind::Scalar(Scalar::Int(i)) => Some(*i as f64),
        NodeKind::Scalar(Scalar::UInt(u)) => Some(*u as f64),
        NodeKind::Scalar(Scalar::Float(f)) if f.is_finite() => Some(*f),
        _ => None,
    }
}

fn count(v: &Node) -> Option<u64> {
    match &v.kind {
        NodeKind::Scalar(Scalar::Int(i)) => u64::try_from(*i).ok(),
        NodeKind::Scalar(Scalar::UInt(u)) => Some(*u),
        _ => None,
    }
}

fn bound(value: f64) -> Bound {
    Bound {
        value,
        exclusive: false,
    }
}
