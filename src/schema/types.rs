//! The compiled form of a kind's schema: a graph of [`Type`]s in one arena, every `$ref`
//! already resolved to an index, so a validator walking a `yaml::Node` tree follows plain
//! indices and looks properties up by binary search, never by string-keyed JSON.

use serde_json::Value;

/// An index into [`KindSchema::types`]. `$ref`s become these, so recursive definitions
/// (JSONSchemaProps) are cycles in the graph, not infinite trees.
pub type TypeId = u32;

/// The JSON types a value may have (`type` of the schema; `["string", "null"]` is two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TypeSet(u8);

impl TypeSet {
    pub const OBJECT: TypeSet = TypeSet(1);
    pub const ARRAY: TypeSet = TypeSet(2);
    pub const STRING: TypeSet = TypeSet(4);
    pub const INTEGER: TypeSet = TypeSet(8);
    pub const NUMBER: TypeSet = TypeSet(16);
    pub const BOOLEAN: TypeSet = TypeSet(32);
    pub const NULL: TypeSet = TypeSet(64);

    /// No `type`: any value.
    pub fn is_any(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, t: TypeSet) -> bool {
        self.0 & t.0 == t.0
    }

    /// Whether a value of JSON type `t` passes the `type` keyword (an integer is a number,
    /// as in JSON Schema).
    pub fn allows(self, t: TypeSet) -> bool {
        self.is_any()
            || self.contains(t)
            || (t == TypeSet::INTEGER && self.contains(TypeSet::NUMBER))
    }

    pub(crate) fn insert(&mut self, t: TypeSet) {
        self.0 |= t.0;
    }

    pub(crate) fn from_name(name: &str) -> Option<TypeSet> {
        Some(match name {
            "object" => TypeSet::OBJECT,
            "array" => TypeSet::ARRAY,
            "string" => TypeSet::STRING,
            "integer" => TypeSet::INTEGER,
            "number" => TypeSet::NUMBER,
            "boolean" => TypeSet::BOOLEAN,
            "null" => TypeSet::NULL,
            _ => return None,
        })
    }
}

/// `format`, for the ones Kubernetes' schemas use; a validator checks the ranges and shapes
/// the API server enforces. Unknown formats are kept by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    Int32,
    Int64,
    Double,
    Byte,
    /// `date-time` of a `metav1.Time`: what Go's `time.Parse(time.RFC3339, ...)` reads.
    DateTime,
    /// `date-time` of a `metav1.MicroTime` (`eventTime`, a Lease's `renewTime`): the same
    /// with exactly six fractional digits, as the API server decodes it (RFC3339Micro).
    /// The schema says `date-time` for both; the compiler tells them apart by definition.
    MicroTime,
    Other(Box<str>),
}

/// What an object allows besides its `properties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Additional {
    /// No `additionalProperties`: in a strict check, any key outside `properties` is unknown
    /// (kubernetes-validate's "-strict" schemas are exactly this with `false` written out).
    Unspecified,
    /// `additionalProperties: false`.
    Forbidden,
    /// `additionalProperties: true`.
    Any,
    /// A map: every other value has this type (labels, `resources.limits`).
    Schema(TypeId),
}

/// `x-kubernetes-list-type`: set and map lists reject duplicates (by value, by the map keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListType {
    Atomic,
    Set,
    Map,
}

/// A value type the schema names for what it is, not by its keywords: a validator checks
/// these by their Kubernetes rules (a quantity's syntax), not only by the `oneOf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    None,
    /// `intstr.IntOrString` (a `oneOf` string/integer) or `x-kubernetes-int-or-string`.
    IntOrString,
    /// `resource.Quantity` (a `oneOf` string/number): `500m`, `1Gi`, `2`.
    Quantity,
}

/// The structural-schema semantics and value validations of a CRD schema node, beyond
/// what [`Type`] holds for every schema (the validator's `crd` module checks them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CrdChecks {
    /// `nullable: true`: null is a value of this field (the type set holds null too).
    pub nullable: bool,
    /// `default` is set: the API server fills in an absent (or non-nullable null) field.
    pub has_default: bool,
    /// An object of a CRD schema: the API server drops a field whose value is null when the
    /// field is not nullable (before validation), so such a null is no error, except that
    /// the field is then missing.
    pub drops_nulls: bool,
    pub pattern: Option<Pattern>,
    pub format: Option<CrdFormat>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub all_of: Box<[TypeId]>,
    pub any_of: Box<[TypeId]>,
    pub one_of: Box<[TypeId]>,
    pub not: Option<TypeId>,
}

/// `minimum`/`maximum` with its `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI v3.0: a flag).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

/// A `pattern` (Go's RE2 syntax, which the `regex` crate shares; both match in linear
/// time), compiled on its first use: most of a large CRD's patterns are never met by a
/// value, and compiling them all would be most of the CRD's compile time. Shared by every
/// node with the same text; compared by its text.
#[derive(Debug, Clone)]
pub struct Pattern(std::sync::Arc<LazyPattern>);

#[derive(Debug)]
struct LazyPattern {
    text: Box<str>,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
    size_limit: usize,
}

impl Pattern {
    /// `text`, to be compiled with at most `size_limit` bytes of program.
    pub fn new(text: &str, size_limit: usize) -> Pattern {
        Pattern(std::sync::Arc::new(LazyPattern {
            text: text.into(),
            compiled: std::sync::OnceLock::new(),
            size_limit,
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0.text
    }

    /// The compiled expression; `None` when the text is not syntax the `regex` crate reads
    /// or compiles larger than the limit (then it is not checked).
    pub fn regex(&self) -> Option<&regex::Regex> {
        let p = &*self.0;
        p.compiled
            .get_or_init(|| {
                regex::RegexBuilder::new(&p.text)
                    .size_limit(p.size_limit)
                    .dfa_size_limit(p.size_limit)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

/// The string formats the API server checks on custom resources that kubeward checks too
/// (`byte` is [`Format::Byte`]); other formats are not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrdFormat {
    Date,
    DateTime,
    Uuid,
    Ipv4,
    Ipv6,
    Cidr,
}

/// An object's properties, sorted by name.
pub type Properties = Box<[(Box<str>, TypeId)]>;

/// One schema node.
#[derive(Debug, Clone, PartialEq)]
pub struct Type {
    pub types: TypeSet,
    /// Sorted by name: [`Type::property`] is a binary search.
    pub properties: Properties,
    pub additional: Additional,
    pub items: Option<TypeId>,
    pub required: Box<[Box<str>]>,
    /// `enum`: the allowed values (strings in every built-in schema).
    pub enumeration: Option<Box<[Value]>>,
    pub format: Option<Format>,
    /// `oneOf` alternatives; [`Type::special`] names the two Kubernetes uses.
    pub one_of: Box<[TypeId]>,
    pub special: Special,
    pub list_type: Option<ListType>,
    pub list_map_keys: Box<[Box<str>]>,
    /// `x-kubernetes-preserve-unknown-fields` (CRDs): keys outside `properties` are allowed.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource` (CRDs): an object with its own apiVersion/kind.
    pub embedded_resource: bool,
    /// A set or map list whose duplicates the API server nevertheless accepts: built-in lists
    /// carry a list type for server-side apply, but only some are validated unique
    /// (`compile::UNIQUE_BUILTIN_LISTS`); an env name or container port may repeat.
    pub duplicates_allowed: bool,
    /// The definition this node is (`io.k8s.api.core.v1.PodSpec`), for messages.
    pub definition: Option<Box<str>>,
    /// What only a CustomResourceDefinition's schema says (`crate::schema::crd` compiles
    /// it): none on a built-in kind's node.
    pub crd: Option<Box<CrdChecks>>,
}

impl Type {
    pub(crate) fn any() -> Type {
        Type {
            types: TypeSet::default(),
            properties: Box::new([]),
            additional: Additional::Unspecified,
            items: None,
            required: Box::new([]),
            enumeration: None,
            format: None,
            one_of: Box::new([]),
            special: Special::None,
            list_type: None,
            list_map_keys: Box::new([]),
            preserve_unknown_fields: false,
            embedded_resource: false,
            duplicates_allowed: false,
            definition: None,
            crd: None,
        }
    }

    /// The type of property `name`, if the schema lists it.
    pub fn property(&self, name: &str) -> Option<TypeId> {
        self.properties
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .map(|i| self.properties[i].1)
    }

    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.properties.iter().map(|(k, _)| &**k)
    }

    pub fn is_required(&self, name: &str) -> bool {
        self.required.iter().any(|r| &**r == name)
    }
}

/// The compiled schema of one (Kubernetes version, apiVersion, kind).
#[derive(Debug)]
pub struct KindSchema {
    pub version: (u32, u32),
    pub api_version: String,
    pub kind: String,
    /// The definition the kind is, e.g. `io.k8s.api.apps.v1.Deployment`.
    pub definition: String,
    pub(crate) types: Vec<Type>,
    pub(crate) root: TypeId,
}

impl KindSchema {
    /// The top-level object's type.
    pub fn root(&self) -> &Type {
        self.ty(self.root)
    }

    pub fn root_id(&self) -> TypeId {
        self.root
    }

    /// The type at `id`. Ids come from this schema's own types, which the compiler
    /// allocated; an id of another schema is a caller's bug, answered with the root
    /// rather than a panic.
    pub fn ty(&self, id: TypeId) -> &Type {
        let i = id as usize;
        match self
            .types
            .get(i)
            .or_else(|| self.types.get(self.root as usize))
        {
            Some(t) => t,
            None => any_type(),
        }
    }

    /// Every node of the graph (the definitions the kind reaches, and their inline nodes).
    pub fn types(&self) -> &[Type] {
        &self.types
    }

    /// Follows a property path of names (array levels step into `items` when the name is
    /// `[]`): what tests and messages need to reach a field without a document.
    pub fn at(&self, path: &[&str]) -> Option<&Type> {
        let mut t = self.root();
        for step in path {
            let next = if *step == "[]" {
                t.items
            } else {
                t.property(step).or(match t.additional {
                    Additional::Schema(id) => Some(id),
                    _ => None,
                })
            };
            t = self.ty(next?);
        }
        Some(t)
    }
}

fn any_type() -> &'static Type {
    static ANY: std::sync::OnceLock<Type> = std::sync::OnceLock::new();
    ANY.get_or_init(Type::any)
}
