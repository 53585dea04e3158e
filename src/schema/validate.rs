//! Strict validation of a document's span tree against a compiled [`KindSchema`] (issue 16):
//! the tree is walked as it is (scalars already typed the way Kubernetes reads YAML), every
//! problem is a [`Violation`] with the field path a finding is located by.
//! Besides the schema's keywords, each object that is a known definition gets the API
//! server's own checks of it ([`super::api`]: enums, cross-field rules).

use std::collections::HashMap;

mod crd;

use super::api;
use super::formats::{is_base64, is_quantity, is_rfc3339, is_rfc3339_micro};
use super::types::{Additional, Format, KindSchema, ListType, Special, Type, TypeSet};
use crate::finding::{display_path, PathSeg};
use crate::yaml::{Entry, Node, NodeKind, Scalar, Span};

/// What is wrong; the `schema/*` rule a violation will be reported under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    /// A key the object's schema does not list (`schema/unknown-field`).
    UnknownField,
    /// A value of the wrong JSON type (`schema/invalid-type`).
    InvalidType,
    /// A value of the right type the API still rejects: a bad quantity, base64, an integer
    /// out of range, a duplicate list entry, a value outside an enum (`schema/invalid-value`).
    InvalidValue,
    /// A required field that is absent (`schema/missing-required`), reported at the object.
    MissingRequired,
}

/// One problem of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub problem: Problem,
    /// The field: the unknown key, the bad value, the object missing a field, the
    /// duplicate list entry's key field.
    pub path: Vec<PathSeg>,
    /// Where it is in the text (the key's span for an unknown field, else the value's).
    pub span: Span,
    pub message: String,
}

/// Deeper than any built-in schema nests; only a recursive schema (a CRD's
/// `JSONSchemaProps`) with an equally deep document gets here, and is not walked further.
const MAX_DEPTH: usize = 256;

const EMBEDDED: &[&str] = &["apiVersion", "kind", "metadata"];

/// Validates document `root` against `schema`, strictly (keys outside an object's
/// `properties` are unknown unless the schema allows more). The top level's `apiVersion`
/// and `kind` are not checked: the schema was looked up by them. Violations come in
/// document order. Never panics, whatever the tree.
pub fn validate(schema: &KindSchema, root: &Node) -> Vec<Violation> {
    validate_at(schema, root, &[])
}

/// Validates `node`, found at `prefix` of its document, against `schema` (a definition's,
/// such as a pod template's inside a custom resource): violations' paths and messages
/// start at the document's root.
pub fn validate_at(schema: &KindSchema, node: &Node, prefix: &[PathSeg]) -> Vec<Violation> {
    let mut w = Walker {
        schema,
        prefix,
        path: Vec::new(),
        out: Vec::new(),
    };
    w.value(schema.root(), node, node.span, 0);
    // Stable: an object's missing fields stay before what is inside it.
    w.out.sort_by_key(|v| v.span.start);
    w.out
}

struct Walker<'s, 'n> {
    schema: &'s KindSchema,
    /// Where the validated node sits in its document (empty for a whole document).
    prefix: &'s [PathSeg],
    /// Borrowed from the tree while walking; made `PathSeg`s only for a violation.
    path: Vec<Seg<'n>>,
    out: Vec<Violation>,
}

#[derive(Clone, Copy)]
enum Seg<'n> {
    Key(&'n str),
    Index(usize),
}

impl<'n> Walker<'_, 'n> {
    fn report(&mut self, problem: Problem, span: Span, message: String) {
        self.out.push(Violation {
            problem,
            path: self.path_segs(),
            span,
            message,
        });
    }

    fn path_segs(&self) -> Vec<PathSeg> {
        let own = self.path.iter().map(|s| match s {
            Seg::Key(k) => PathSeg::Key(k.to_string()),
            Seg::Index(i) => PathSeg::Index(*i),
        });
        self.prefix.iter().cloned().chain(own).collect()
    }

    /// `node` against `t`; `span` is where to point for a problem of the value.
    fn value(&mut self, t: &Type, node: &'n Node, span: Span, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match t.special {
            Special::IntOrString => return self.int_or_string(node, span),
            Special::Quantity => return self.quantity(node, span),
            Special::None => {}
        }
        if matches!(&t.format, Some(Format::Other(f)) if &**f == "quantity") {
            return self.quantity(node, span);
        }
        if !t.one_of.is_empty() && !self.one_of(t, node, depth) {
            let msg = format!("{} matches none of its allowed forms", self.here());
            return self.report(Problem::InvalidType, span, msg);
        }
        let Some(got) = json_type(node) else {
            let msg = format!(
                "{} is {}, which JSON cannot hold",
                self.here(),
                describe(node)
            );
            return self.report(Problem::InvalidValue, span, msg);
        };
        // A float with no fraction passes as an integer (see `integral`).
        let whole = got == TypeSet::NUMBER && t.types.allows(TypeSet::INTEGER) && integral(node);
        if !t.types.allows(got) && !whole {
            let msg = format!(
                "{} must be {}, got {}",
                self.here(),
                expected(t.types),
                describe(node)
            );
            return self.report(Problem::InvalidType, span, msg);
        }
        match &node.kind {
            NodeKind::Map(entries) => self.object(t, node, entries, depth),
            NodeKind::Seq(items) => self.array(t, items, depth),
            NodeKind::Scalar(s) => self.scalar(t, s, span),
        }
        if let Some(checks) = t.crd.as_deref() {
            self.crd_checks(checks, node, span, depth);
        }
    }

    fn object(&mut self, t: &Type, node: &'n Node, entries: &'n [Entry], depth: usize) {
        for name in t.required.iter() {
            if node.entry(name).is_none() {
                let msg = format!("{} is missing required field {}", self.here(), quote(name));
                self.report(Problem::MissingRequired, node.span, msg);
            }
        }
        let strict = match t.additional {
            Additional::Forbidden => !t.preserve_unknown_fields,
            // kubernetes-validate's strict schemas close exactly the objects that list
            // properties; a bare `type: object` (RawExtension, FieldsV1) holds anything.
            Additional::Unspecified => !t.preserve_unknown_fields && !t.properties.is_empty(),
            Additional::Any | Additional::Schema(_) => false,
        };
        let top = depth == 0 && self.prefix.is_empty();
        for e in entries {
            if top && (e.key == "apiVersion" || e.key == "kind") {
                continue;
            }
            let child = t.property(&e.key).or(match t.additional {
                Additional::Schema(id) => Some(id),
                _ => None,
            });
            self.path.push(Seg::Key(&e.key));
            match child {
                Some(id) => {
                    let ct = self.schema.ty(id);
                    if !self.null_dropped(t, ct, e) {
                        self.value(ct, &e.value, e.value.span, depth + 1);
                    }
                }
                // An embedded resource (CRDs) has its own apiVersion, kind and metadata
                // whether or not its schema lists them.
                None if t.embedded_resource && EMBEDDED.contains(&e.key.as_str()) => {}
                None if strict => self.unknown(t, e),
                None => {}
            }
            self.path.pop();
        }
        if let Some(definition) = t.definition.as_deref() {
            self.api(definition, node);
        }
    }

    /// The API server's validations of this definition that its schema cannot say
    /// ([`super::api`]), reported at the field they judge.
    fn api(&mut self, definition: &str, node: &'n Node) {
        let cx = api::Context {
            in_pod: self.schema.kind == "Pod" && self.schema.api_version == "v1",
        };
        for r in api::check(definition, node, cx) {
            let depth = self.path.len();
            self.path.extend(r.rel.iter().map(|s| match *s {
                api::RelSeg::Key(k) => Seg::Key(k),
                api::RelSeg::Index(i) => Seg::Index(i),
            }));
            let problem = if r.missing {
                Problem::MissingRequired
            } else {
                Problem::InvalidValue
            };
            let msg = format!("{}: {}", self.here(), r.message);
            self.report(problem, r.span, msg);
            self.path.truncate(depth);
        }
    }

    fn unknown(&mut self, t: &Type, e: &'n Entry) {
        self.path.pop();
        let mut msg = format!("unknown field {} in {}", quote(&e.key), self.owner(t));
        self.path.push(Seg::Key(&e.key));
        if let Some(s) = did_you_mean(&e.key, t.property_names()) {
            msg.push_str(&format!("; did you mean {}?", quote(s)));
        }
        self.report(Problem::UnknownField, e.key_span, msg);
    }

    fn array(&mut self, t: &Type, items: &'n [Node], depth: usize) {
        let item_type = t.items.map(|id| self.schema.ty(id));
        let unique = !t.duplicates_allowed
            && match t.list_type {
                Some(ListType::Map) if !t.list_map_keys.is_empty() => true,
                Some(ListType::Set) => true,
                _ => false,
            };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            self.path.push(Seg::Index(i));
            if let Some(it) = item_type {
                self.value(it, item, item.span, depth + 1);
            }
            if unique {
                self.duplicate(t, item_type, item, i, &mut seen);
            }
            self.path.pop();
        }
    }

    /// A set or map list's entry equal (by value, by its map keys) to an earlier one,
    /// reported at the entry (at its key field when the list has one).
    fn duplicate(
        &mut self,
        t: &Type,
        item_type: Option<&Type>,
        item: &'n Node,
        i: usize,
        seen: &mut HashMap<String, usize>,
    ) {
        let Some(key) = list_key(t, item_type, item) else {
            return;
        };
        let Some(&first) = seen.get(&key) else {
            seen.insert(key, i);
            return;
        };
        let list = self.list_name();
        let map_list = t.list_type == Some(ListType::Map);
        let at = match &*t.list_map_keys {
            [one] if map_list => item.entry(one),
            _ => None,
        };
        let span = at.map_or(item.span, |e| e.value.span);
        if let Some(e) = at {
            self.path.push(Seg::Key(&e.key));
        }
        let msg = format!(
            "{} repeats {key} of {list}[{first}]; the list's entries must be unique{}",
            self.here(),
            if map_list { " by their keys" } else { "" }
        );
        self.report(Problem::InvalidValue, span, msg);
        if at.is_some() {
            self.path.pop();
        }
    }

    fn scalar(&mut self, t: &Type, s: &Scalar, span: Span) {
        if let Some(allowed) = &t.enumeration {
            let v = scalar_json(s);
            if !allowed.contains(&v) {
                let list: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
                let msg = format!(
                    "{} must be one of {}, got {}",
                    self.here(),
                    list.join(", "),
                    describe_scalar(s)
                );
                return self.report(Problem::InvalidValue, span, msg);
            }
        }
        match (s, &t.format) {
            (Scalar::Str(v), Some(Format::Byte)) if !is_base64(v) => {
                let msg = format!("{} is not valid base64", self.here());
                self.report(Problem::InvalidValue, span, msg);
            }
            (Scalar::Str(v), Some(Format::DateTime)) if !is_rfc3339(v) => {
                let msg = format!(
                    "{} is not an RFC 3339 time such as \"2006-01-02T15:04:05Z\": {}",
                    self.here(),
                    describe_scalar(s)
                );
                self.report(Problem::InvalidValue, span, msg);
            }
            (Scalar::Str(v), Some(Format::MicroTime)) if !is_rfc3339_micro(v) => {
                let msg = format!(
                    "{} is not a time with six fractional digits such as \
                     \"2006-01-02T15:04:05.000000Z\": {}",
                    self.here(),
                    describe_scalar(s)
                );
                self.report(Problem::InvalidValue, span, msg);
            }
            (_, Some(f @ (Format::Int32 | Format::Int64))) if !in_range(s, f) => {
                let bits = if *f == Format::Int32 { 32 } else { 64 };
                let msg = format!(
                    "{} is out of range for a {bits}-bit integer: {}",
                    self.here(),
                    describe_scalar(s)
                );
                self.report(Problem::InvalidValue, span, msg);
            }
            _ => {}
        }
    }

    fn int_or_string(&mut self, node: &Node, span: Span) {
        let ok = match &node.kind {
            NodeKind::Scalar(Scalar::Str(_) | Scalar::Null) => true,
            NodeKind::Scalar(s @ (Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_))) => {
                // A whole number the int32 cannot hold is the right type with a wrong
                // value (intstr decodes it into an int32 and fails).
                if integral(node) && !in_range(s, &Format::Int32) {
                    let msg = format!(
                        "{} is out of range for a 32-bit integer: {}",
                        self.here(),
                        describe_scalar(s)
                    );
                    return self.report(Problem::InvalidValue, span, msg);
                }
                integral(node)
            }
            _ => false,
        };
        if !ok {
            let msg = format!(
                "{} must be an integer or a string, got {}",
                self.here(),
                describe(node)
            );
            self.report(Problem::InvalidType, span, msg);
        }
    }

    fn quantity(&mut self, node: &Node, span: Span) {
        let problem = match &node.kind {
            NodeKind::Scalar(Scalar::Str(s)) if is_quantity(s) => return,
            NodeKind::Scalar(Scalar::Float(f)) if !f.is_finite() => Problem::InvalidValue,
            NodeKind::Scalar(Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_)) => return,
            NodeKind::Scalar(Scalar::Null) => return,
            NodeKind::Scalar(Scalar::Str(_)) => Problem::InvalidValue,
            _ => Problem::InvalidType,
        };
        let msg = match problem {
            Problem::InvalidType => format!(
                "{} must be a quantity (a string such as \"500m\" or \"1Gi\", or a number), got {}",
                self.here(),
                describe(node)
            ),
            _ => format!(
                "{} is not a valid quantity: {} (examples: \"500m\", \"1Gi\", \"2\")",
                self.here(),
                describe(node)
            ),
        };
        self.report(problem, span, msg);
    }

    /// Whether `node` passes at least one `oneOf` alternative (checked quietly).
    fn one_of(&mut self, t: &Type, node: &'n Node, depth: usize) -> bool {
        let mark = self.out.len();
        let schema = self.schema;
        let ok = t.one_of.iter().any(|&id| {
            let before = self.out.len();
            self.value(schema.ty(id), node, node.span, depth + 1);
            let clean = self.out.len() == before;
            self.out.truncate(before);
            clean
        });
        self.out.truncate(mark);
        ok
    }

    /// The current field for messages: `spec.replicas`, or the kind (`Deployment`) at the top.
    fn here(&self) -> String {
        if self.path.is_empty() && self.prefix.is_empty() {
            self.schema.kind.clone()
        } else {
            display_path(&self.path_segs())
        }
    }

    /// The object type for "unknown field ... in X": its definition's short name
    /// (`SecurityContext`), else where it is.
    fn owner(&self, t: &Type) -> String {
        match t.definition.as_deref() {
            Some(d) => d.rsplit('.').next().unwrap_or(d).to_string(),
            None => self.here(),
        }
    }

    /// The list's own name for a duplicate message: `containers`.
    fn list_name(&self) -> String {
        let end = self.path.len().saturating_sub(1);
        match self.path[..end].last() {
            Some(Seg::Key(k)) => k.to_string(),
            _ => {
                let segs = self.path_segs();
                display_path(&segs[..segs.len().saturating_sub(1)])
            }
        }
    }
}

/// The closest allowed name: the same but for case, else within a small edit distance.
pub fn did_you_mean<'a>(name: &str, allowed: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let allowed: Vec<&str> = allowed.collect();
    if let Some(same) = allowed.iter().find(|a| a.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let len = name.chars().count();
    let limit = match len {
        0..=4 => 1,
        5..=11 => 2,
        _ => 3,
    };
    allowed
        .iter()
        .map(|a| (crate::suggest::edit_distance(name, a), *a))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// The identity of a set entry (its value) or a map list entry (its key fields' values; an
/// optional key field may be unset, an entry without a required one has no identity: it is
/// already a missing-required violation).
fn list_key(t: &Type, item_type: Option<&Type>, item: &Node) -> Option<String> {
    if t.list_type == Some(ListType::Map) {
        if !matches!(item.kind, NodeKind::Map(_)) {
            return None;
        }
        let mut parts = Vec::with_capacity(t.list_map_keys.len());
        for k in t.list_map_keys.iter() {
            match item.get(k) {
                Some(v) => parts.push(format!("{k} {}", key_text(v))),
                None if item_type.is_some_and(|it| it.is_required(k)) => return None,
                None => parts.push(format!("{k} (unset)")),
            }
        }
        return Some(parts.join(", "));
    }
    match &item.kind {
        NodeKind::Scalar(s) => Some(scalar_json(s).to_string()),
        _ => None,
    }
}

/// A key field's value as written in JSON (`"web"`, `80`).
fn key_text(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar(s) => scalar_json(s).to_string(),
        _ => describe(node),
    }
}

fn json_type(node: &Node) -> Option<TypeSet> {
    Some(match &node.kind {
        NodeKind::Map(_) => TypeSet::OBJECT,
        NodeKind::Seq(_) => TypeSet::ARRAY,
        NodeKind::Scalar(s) => match s {
            Scalar::Null => TypeSet::NULL,
            Scalar::Bool(_) => TypeSet::BOOLEAN,
            Scalar::Int(_) | Scalar::UInt(_) => TypeSet::INTEGER,
            Scalar::Float(f) if f.is_finite() => TypeSet::NUMBER,
            Scalar::Float(_) => return None,
            Scalar::Str(_) => TypeSet::STRING,
        },
    })
}

/// A float with no fraction: sigs.k8s.io/yaml writes `3.0` as the JSON `3`, an integer.
fn integral(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Scalar(Scalar::Int(_) | Scalar::UInt(_)) => true,
        NodeKind::Scalar(Scalar::Float(f)) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

fn in_range(s: &Scalar, f: &Format) -> bool {
    let int32 = *f == Format::Int32;
    match s {
        Scalar::Int(i) => !int32 || i32::try_from(*i).is_ok(),
        Scalar::UInt(_) => false,
        // Both bounds are exact in f64: [-2^31, 2^31 - 1] and [-2^63, 2^63).
        Scalar::Float(x) if int32 => *x >= f64::from(i32::MIN) && *x <= f64::from(i32::MAX),
        Scalar::Float(x) => *x >= -(2f64.powi(63)) && *x < 2f64.powi(63),
        _ => true,
    }
}

fn scalar_json(s: &Scalar) -> serde_json::Value {
    use serde_json::Value;
    match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(i) => Value::from(*i),
        Scalar::UInt(u) => Value::from(*u),
        Scalar::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Scalar::Str(s) => Value::String(s.clone()),
    }
}

/// `"an integer or null"`: the types a schema allows, for "must be ...".
fn expected(types: TypeSet) -> String {
    let names = [
        (TypeSet::OBJECT, "an object"),
        (TypeSet::ARRAY, "a list"),
        (TypeSet::STRING, "a string"),
        (TypeSet::INTEGER, "an integer"),
        (TypeSet::NUMBER, "a number"),
        (TypeSet::BOOLEAN, "a boolean"),
    ];
    let list: Vec<&str> = names
        .iter()
        .filter(|(t, _)| types.contains(*t))
        .map(|(_, n)| *n)
        .collect();
    if list.is_empty() {
        "null".to_string()
    } else {
        list.join(" or ")
    }
}

/// `a string "3"`, `an object`, `null`: what a value is, for "got ...".
fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Map(_) => "an object".to_string(),
        NodeKind::Seq(_) => "a list".to_string(),
        NodeKind::Scalar(s) => describe_scalar(s),
    }
}

fn describe_scalar(s: &Scalar) -> String {
    match s {
        Scalar::Null => "null".to_string(),
        Scalar::Bool(b) => format!("a boolean {b}"),
        Scalar::Int(i) => format!("an integer {i}"),
        Scalar::UInt(u) => format!("an integer {u}"),
        Scalar::Float(f) if f.is_nan() => "a NaN".to_string(),
        Scalar::Float(f) if f.is_infinite() => "an infinity".to_string(),
        // `{:?}` keeps the fraction: a label `1.0` is shown as written, not as `1`.
        Scalar::Float(f) => format!("a number {f:?}"),
        Scalar::Str(s) => format!("a string {}", quote(s)),
    }
}

/// A name or string as JSON quotes it (escapes included), shortened when long.
fn quote(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        return serde_json::Value::String(s.to_string()).to_string();
    }
    let short: String = s.chars().take(MAX).collect();
    format!("{}...", serde_json::Value::String(short))
}
