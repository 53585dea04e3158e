//! JSON schema text -> the [`Type`] graph of one kind: only the definitions the kind
//! reaches are parsed (a Deployment reaches ~150 of a version's ~700), each once, and every
//! `$ref` becomes an index. Keywords are checked against a list: one this compiler does not
//! know is an error, so new data (a newer kubernetes-validate, a CRD) cannot make a
//! validation keyword pass unnoticed.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::types::{Additional, Format, ListType, Properties, Special, Type, TypeId, TypeSet};

const REF_PREFIX: &str = "#/$defs/";

/// Keywords that do not constrain a value (documentation, merge strategy, union
/// discriminators, identity): read by nothing that validates.
const ANNOTATIONS: &[&str] = &[
    "description",
    "default",
    "example",
    "title",
    "x-kubernetes-group-version-kind",
    "x-kubernetes-patch-strategy",
    "x-kubernetes-patch-merge-key",
    "x-kubernetes-map-type",
    "x-kubernetes-unions",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError(pub String);

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compiles definitions `roots` into one graph (one root for a kind; tests compile a whole
/// version at once) and gives each root's id; `definition` gives a definition's JSON text
/// by name.
pub fn compile<'a>(
    roots: &[&str],
    definition: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<(Vec<Type>, Vec<TypeId>), CompileError> {
    let mut c = Compiler {
        types: Vec::new(),
        defs: HashMap::new(),
        pending: Vec::new(),
    };
    let root_ids = roots.iter().map(|r| c.def_id(r)).collect();
    while let Some((name, id)) = c.pending.pop() {
        let text =
            definition(&name).ok_or_else(|| CompileError(format!("no definition {name}")))?;
        let value: Value = serde_json::from_str(text)
            .map_err(|e| CompileError(format!("definition {name}: {e}")))?;
        let obj = value
            .as_object()
            .ok_or_else(|| CompileError(format!("definition {name} is not an object")))?;
        if obj.contains_key("$ref") {
            return Err(CompileError(format!("definition {name} is only a $ref")));
        }
        let mut t = c.node(obj, &name)?;
        t.special = match name.as_str() {
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => Special::IntOrString,
            "io.k8s.apimachinery.pkg.api.resource.Quantity" => Special::Quantity,
            _ => t.special,
        };
        // Time and MicroTime both say `format: date-time`, but the API server decodes a
        // MicroTime with Go's RFC3339Micro layout: exactly six fractional digits.
        if name == "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"
            && t.format == Some(Format::DateTime)
        {
            t.format = Some(Format::MicroTime);
        }
        mark_duplicates_allowed(&mut c.types, &name, &t);
        t.definition = Some(name.into());
        c.types[id as usize] = t;
    }
    Ok((c.types, root_ids))
}

/// Built-in lists whose entries the API server's validation requires to be unique (by the
/// list's map keys); the `x-kubernetes-list-type` of other built-in lists only guides
/// server-side apply merges, and the API accepts duplicates there (a duplicate `env` name or
/// container port is at most a warning).
const UNIQUE_BUILTIN_LISTS: &[(&str, &str)] = &[
    ("io.k8s.api.core.v1.PodSpec", "containers"),
    ("io.k8s.api.core.v1.PodSpec", "initContainers"),
    ("io.k8s.api.core.v1.PodSpec", "ephemeralContainers"),
    ("io.k8s.api.core.v1.PodSpec", "volumes"),
    ("io.k8s.api.core.v1.PodSpec", "topologySpreadConstraints"),
    ("io.k8s.api.core.v1.PodSpec", "resourceClaims"),
    ("io.k8s.api.core.v1.Container", "volumeMounts"),
    ("io.k8s.api.core.v1.EphemeralContainer", "volumeMounts"),
    ("io.k8s.api.core.v1.ServiceSpec", "ports"),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration",
        "webhooks",
    ),
    (
        "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration",
        "webhooks",
    ),
];

/// Marks the list properties of built-in definition `t` (named `name`) whose duplicates
/// the API accepts: every list with a list type but those of [`UNIQUE_BUILTIN_LISTS`].
/// (Every built-in list is an inline node of the property that holds it, so the mark
/// belongs to that one place.) CRDs' own schemas are compiled elsewhere and keep their
/// list types enforced, as the API server does for custom resources.
fn mark_duplicates_allowed(types: &mut [Type], name: &str, t: &Type) {
    for (field, id) in t.properties.iter() {
        if UNIQUE_BUILTIN_LISTS.contains(&(name, &**field)) {
            continue;
        }
        if let Some(child) = types.get_mut(*id as usize) {
            if child.list_type.is_some() && child.definition.is_none() {
                child.duplicates_allowed = true;
            }
        }
    }
}

struct Compiler {
    types: Vec<Type>,
    /// Definition name -> its id, allocated on first reference and filled when compiled.
    defs: HashMap<String, TypeId>,
    pending: Vec<(String, TypeId)>,
}

impl Compiler {
    fn alloc(&mut self) -> TypeId {
        self.types.push(Type::any());
        (self.types.len() - 1) as TypeId
    }

    fn def_id(&mut self, name: &str) -> TypeId {
        if let Some(&id) = self.defs.get(name) {
            return id;
        }
        let id = self.alloc();
        self.defs.insert(name.to_string(), id);
        self.pending.push((name.to_string(), id));
        id
    }

    /// A schema in a property, `items`, `additionalProperties` or `oneOf`: a `$ref` is the
    /// referenced definition's id (its siblings are annotations; checked), anything else a
    /// new node.
    fn child(&mut self, v: &Value, at: &str) -> Result<TypeId, CompileError> {
        let obj = v
            .as_object()
            .ok_or_else(|| CompileError(format!("{at}: a schema must be an object")))?;
        if let Some(r) = obj.get("$ref") {
            let target = r
                .as_str()
                .and_then(|r| r.strip_prefix(REF_PREFIX))
                .ok_or_else(|| CompileError(format!("{at}: unsupported $ref {r}")))?;
            // Only annotations may stand beside a $ref (1.30's Status.details also says
            // x-kubernetes-list-type: atomic, which constrains nothing).
            let constrains = |(k, v): &(&String, &Value)| {
                let harmless = ANNOTATIONS.contains(&k.as_str())
                    || (*k == "x-kubernetes-list-type" && v.as_str() == Some("atomic"));
                !harmless
            };
            if let Some((k, _)) = obj.iter().filter(|(k, _)| *k != "$ref").find(constrains) {
                return Err(CompileError(format!("{at}: {k} beside $ref")));
            }
            return Ok(self.def_id(target));
        }
        let t = self.node(obj, at)?;
        let id = self.alloc();
        self.types[id as usize] = t;
        Ok(id)
    }

    fn node(&mut self, obj: &Map<String, Value>, at: &str) -> Result<Type, CompileError> {
        let mut t = Type::any();
        for (key, v) in obj {
            match key.as_str() {
                "type" => t.types = type_set(v, at)?,
                "properties" => t.properties = self.properties(v, at)?,
                "additionalProperties" => {
                    t.additional = match v {
                        Value::Bool(false) => Additional::Forbidden,
                        Value::Bool(true) => Additional::Any,
                        _ => Additional::Schema(self.child(v, &format!("{at}.*"))?),
                    }
                }
                "items" => t.items = Some(self.child(v, &format!("{at}[]"))?),
                "required" => t.required = strings(v, at, key)?,
                "enum" => {
                    let values = v
                        .as_array()
                        .ok_or_else(|| CompileError(format!("{at}: enum is not a list")))?;
                    t.enumeration = Some(values.clone().into_boxed_slice());
                }
                "format" => t.format = Some(format(v, at)?),
                "oneOf" => t.one_of = self.one_of(v, at)?,
                "x-kubernetes-list-type" => t.list_type = Some(list_type(v, at)?),
                "x-kubernetes-list-map-keys" => t.list_map_keys = strings(v, at, key)?,
                "x-kubernetes-int-or-string" => {
                    if v.as_bool() == Some(true) {
                        t.special = Special::IntOrString;
                    }
                }
                "x-kubernetes-preserve-unknown-fields" => {
                    t.preserve_unknown_fields = v.as_bool() == Some(true)
                }
                "x-kubernetes-embedded-resource" => t.embedded_resource = v.as_bool() == Some(true),
                k if ANNOTATIONS.contains(&k) => {}
                k => return Err(CompileError(format!("{at}: unsupported keyword {k}"))),
            }
        }
        Ok(t)
    }

    fn properties(&mut self, v: &Value, at: &str) -> Result<Properties, CompileError> {
        let map = v
            .as_object()
            .ok_or_else(|| CompileError(format!("{at}: properties is not an object")))?;
        let mut props = Vec::with_capacity(map.len());
        for (name, schema) in map {
            let id = self.child(schema, &format!("{at}.{name}"))?;
            props.push((Box::<str>::from(name.as_str()), id));
        }
        // serde_json's map is sorted already (no preserve_order); sorting again keeps
        // `Type::property`'s binary search right whatever the map's order.
        props.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(props.into_boxed_slice())
    }

    fn one_of(&mut self, v: &Value, at: &str) -> Result<Box<[TypeId]>, CompileError> {
        let list = v
            .as_array()
            .ok_or_else(|| CompileError(format!("{at}: oneOf is not a list")))?;
        list.iter()
            .enumerate()
            .map(|(i, s)| self.child(s, &format!("{at}|{i}")))
            .collect()
    }
}

fn type_set(v: &Value, at: &str) -> Result<TypeSet, CompileError> {
    let bad = || CompileError(format!("{at}: bad type {v}"));
    let mut set = TypeSet::default();
    match v {
        Value::String(s) => set.insert(TypeSet::from_name(s).ok_or_else(bad)?),
        Value::Array(list) => {
            for s in list {
                set.insert(s.as_str().and_then(TypeSet::from_name).ok_or_else(bad)?);
            }
        }
        _ => return Err(bad()),
    }
    Ok(set)
}

fn strings(v: &Value, at: &str, key: &str) -> Result<Box<[Box<str>]>, CompileError> {
    let bad = || CompileError(format!("{at}: {key} is not a list of strings"));
    v.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|s| s.as_str().map(Box::from).ok_or_else(bad))
        .collect()
}

fn format(v: &Value, at: &str) -> Result<Format, CompileError> {
    let s = v
        .as_str()
        .ok_or_else(|| CompileError(format!("{at}: format is not a string")))?;
    Ok(match s {
        "int32" => Format::Int32,
        "int64" => Format::Int64,
        "double" => Format::Double,
        "byte" => Format::Byte,
        "date-time" => Format::DateTime,
        other => Format::Other(other.into()),
    })
}

fn list_type(v: &Value, at: &str) -> Result<ListType, CompileError> {
    match v.as_str() {
        Some("atomic") => Ok(ListType::Atomic),
        Some("set") => Ok(ListType::Set),
        Some("map") => Ok(ListType::Map),
        _ => Err(CompileError(format!(
            "{at}: bad x-kubernetes-list-type {v}"
        ))),
    }
}
