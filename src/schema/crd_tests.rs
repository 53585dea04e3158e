//! CRD schemas compiled and used: each keyword, nulls, pruning and
//! `x-kubernetes-preserve-unknown-fields` at the top and nested, embedded resources,
//! int-or-string, v1beta1, catalog schemas, and hostile schemas.

use super::crd::{compile_crd_version, compile_schema, read_crd, Options};
use super::*;
use crate::finding::display_path;

const V: (u32, u32) = crate::DEFAULT_KUBE_VERSION;

/// A v1 CRD `widgets.example.com` whose version v1 has `schema` (YAML flow or block text
/// indented for `openAPIV3Schema:`'s value at 8 spaces).
fn crd(schema: &str) -> String {
    format!(
        "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {{kind: Widget, plural: widgets}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
{schema}"
    )
}

fn root(text: &str) -> crate::yaml::Node {
    let loaded = crate::yaml::load(text);
    assert!(loaded.issues.is_empty(), "{:?}", loaded.issues);
    loaded
        .documents
        .into_iter()
        .next()
        .expect("a document")
        .root
}

fn compiled(crd_text: &str) -> KindSchema {
    compile_crd_version(&root(crd_text), "v1", V).expect("compiles")
}

/// `(problem, path, message)` of `cr` (a Widget's text after its metadata) against the
/// schema.
fn check(schema: &KindSchema, cr: &str) -> Vec<(Problem, String, String)> {
    let text = format!("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n{cr}");
    validate(schema, &root(&text))
        .into_iter()
        .map(|v| (v.problem, display_path(&v.path), v.message))
        .collect()
}

fn paths(schema: &KindSchema, cr: &str) -> Vec<(Problem, String)> {
    check(schema, cr)
        .into_iter()
        .map(|(p, path, _)| (p, path))
        .collect()
}

fn clean(schema: &KindSchema, cr: &str) {
    let all = check(schema, cr);
    assert!(all.is_empty(), "{cr}\n{all:#?}");
}

use Problem::*;

#[test]
fn a_crd_says_what_it_defines() {
    let c = read_crd(&root(&crd("          type: object\n"))).expect("reads");
    assert_eq!(
        (c.name.as_str(), c.group.as_str(), c.kind.as_str()),
        ("widgets.example.com", "example.com", "Widget")
    );
    assert_eq!(c.versions, ["v1"]);
    let no_kind = crd("          type: object\n").replace("kind: Widget, ", "");
    let err = read_crd(&root(&no_kind)).expect_err("no kind");
    assert_eq!(err.0, "the CRD has no spec.names.kind");
    let s = compiled(&crd("          type: object\n"));
    assert_eq!(
        (s.api_version.as_str(), s.kind.as_str()),
        ("example.com/v1", "Widget")
    );
    assert_eq!(s.definition, "widgets.example.com");
    let err = compile_crd_version(&root(&crd("          type: object\n")), "v2", V);
    assert_eq!(
        err.expect_err("no v2").0,
        "widgets.example.com has no version v2"
    );
}

#[test]
fn unknown_fields_are_pruned_so_reported_everywhere_but_where_kept() {
    let s = compiled(&crd("          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
                free: {type: object, x-kubernetes-preserve-unknown-fields: true}
                bare: {type: object}
                labels: {type: object, additionalProperties: {type: string}}
"));
    let all = check(
        &s,
        "spec:\n  size: 1\n  sise: 2\n  free: {anything: [1, {deep: x}]}\n  bare: {x: 1}\n  \
         labels: {a: b, c: 1}\nextra: 1\n",
    );
    let got: Vec<(Problem, &str)> = all.iter().map(|(p, path, _)| (*p, path.as_str())).collect();
    assert_eq!(
        got,
        [
            (UnknownField, "spec.sise"),
            (UnknownField, "spec.bare.x"),
            (InvalidType, "spec.labels.c"),
            (UnknownField, "extra"),
        ]
    );
    assert_eq!(
        all[0].2,
        "unknown field \"sise\" in spec; did you mean \"size\"?"
    );
    assert_eq!(all[3].2, "unknown field \"extra\" in Widget");
}

#[test]
fn preserve_unknown_fields_at_the_top_keeps_everything_but_checks_what_it_lists() {
    let s = compiled(&crd("          type: object
          x-kubernetes-preserve-unknown-fields: true
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
"));
    clean(&s, "anything: {goes: here}\nspec:\n  size: 3\n");
    assert_eq!(
        paths(&s, "anything: 1\nspec:\n  size: x\n  other: 1\n"),
        [
            (InvalidType, "spec.size".into()),
            (UnknownField, "spec.other".into())
        ]
    );
    // No schema at all: everything is kept.
    let no_schema = crd("          type: object\n").replace(
        "      schema:\n        openAPIV3Schema:\n          type: object\n",
        "",
    );
    let s = compile_crd_version(&root(&no_schema), "v1", V).expect("compiles");
    clean(&s, "spec: {anything: 1}\n");
}

#[test]
fn metadata_is_object_meta_and_status_follows_the_subresource() {
    let s = compiled(&crd("          type: object
          properties:
            metadata: {type: object}
            status: {type: object, properties: {ready: {type: boolean}}}
"));
    assert_eq!(check(&s, "status: {ready: maybe}\n")[0].0, InvalidType);
    let text =
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  lables: {a: b}\n  \
                labels: {a: 1}\n";
    let got: Vec<(Problem, String)> = validate(&s, &root(text))
        .into_iter()
        .map(|v| (v.problem, display_path(&v.path)))
        .collect();
    assert_eq!(
        got,
        [
            (UnknownField, "metadata.lables".to_string()),
            (InvalidType, "metadata.labels.a".to_string())
        ]
    );
    let with_status = crd("          type: object
          properties:
            status: {type: object, properties: {ready: {type: boolean}}}
")
    .replace(
        "      storage: true\n",
        "      storage: true\n      subresources: {status: {}}\n",
    );
    clean(
        &compiled(&with_status),
        "status: {ready: maybe, other: 1}\n",
    );
}

#[test]
fn nulls_are_dropped_unless_nullable_and_list_items_are_checked() {
    let s = compiled(&crd("          type: object
          properties:
            spec:
              type: object
              required: [name, mode]
              properties:
                name: {type: string}
                mode: {type: string, default: fast}
                note: {type: string}
                maybe: {type: string, nullable: true, enum: [a, b]}
                tags: {type: array, items: {type: string}}
                opt: {type: array, items: {type: string, nullable: true}}
                free: {x-kubernetes-preserve-unknown-fields: true}
"));
    // A null optional field is dropped; a null defaulted one is defaulted (and satisfies
    // `required`, as does the default of an absent one).
    clean(
        &s,
        "spec: {name: nm, note: null, mode: null, free: null, opt: [null, x]}\n",
    );
    clean(&s, "spec: {name: nm}\n");
    let all = check(&s, "spec: {name: null, tags: [a, null], maybe: null}\n");
    let got: Vec<(Problem, &str)> = all.iter().map(|(p, path, _)| (*p, path.as_str())).collect();
    // `maybe: null` is kept (nullable) and then fails its enum, as the API server's
    // validator does.
    assert_eq!(
        got,
        [
            (MissingRequired, "spec.name"),
            (InvalidType, "spec.tags[1]"),
            (InvalidValue, "spec.maybe"),
        ]
    );
    assert_eq!(
        all[0].2,
        "spec.name is null, and a null field that is not nullable is dropped: the required \
         field is missing"
    );
    assert_eq!(all[1].2, "spec.tags[1] must be a string, got null");
}

#[test]
fn int_or_string_takes_any_integer_or_string() {
    let s = compiled(&crd("          type: object
          properties:
            port:
              x-kubernetes-int-or-string: true
              anyOf: [{type: integer}, {type: string}]
            bare: {x-kubernetes-int-or-string: true}
"));
    clean(&s, "port: 8080\nbare: http\n");
    // Larger than int32: a custom resource is JSON, not an intstr.IntOrString.
    clean(&s, "port: 4294967296\nbare: 3.0\n");
    let all = check(&s, "port: true\nbare: [1]\n");
    assert_eq!(
        all.iter().map(|a| (a.0, a.2.as_str())).collect::<Vec<_>>(),
        [
            (
                InvalidType,
                "port must be a string or an integer, got a boolean true"
            ),
            (
                InvalidType,
                "bare must be a string or an integer, got a list"
            ),
        ]
    );
}

#[test]
fn embedded_resources_carry_their_identity() {
    let s = compiled(&crd("          type: object
          properties:
            template:
              type: object
              x-kubernetes-embedded-resource: true
              x-kubernetes-preserve-unknown-fields: true
            strict:
              type: object
              x-kubernetes-embedded-resource: true
              properties:
                spec: {type: object, properties: {a: {type: integer}}}
"));
    clean(
        &s,
        "template: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}\n\
         strict: {apiVersion: v1, kind: X, metadata: {name: x}, spec: {a: 1}}\n",
    );
    assert_eq!(
        paths(
            &s,
            "template: {data: {}}\nstrict: {kind: X, metadata: {nme: x}, spec: {b: 1}}\n"
        ),
        [
            (MissingRequired, "template".into()),
            (MissingRequired, "template".into()),
            (MissingRequired, "strict".into()),
            (UnknownField, "strict.metadata.nme".into()),
            (UnknownField, "strict.spec.b".into()),
        ]
    );
}

#[test]
fn value_validations_are_checked() {
    let s = compiled(&crd(r#"          type: object
          properties:
            name: {type: string, minLength: 2, maxLength: 4, pattern: "^[a-z]+$"}
            count: {type: integer, minimum: 1, maximum: 10, exclusiveMaximum: true, multipleOf: 3}
            ratio: {type: number, minimum: 0, exclusiveMinimum: true, multipleOf: 0.1}
            tags: {type: array, minItems: 1, maxItems: 3, uniqueItems: true, items: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            labels: {type: object, minProperties: 1, maxProperties: 2, additionalProperties: {type: string}}
            mode: {type: string, enum: [fast, slow]}
            day: {type: string, format: date}
            at: {type: string, format: date-time}
            ip: {type: string, format: ipv4}
            data: {type: string, format: byte}
            id: {type: string, format: uuid}
            net: {type: string, format: cidr}
            v6: {type: string, format: ipv6}
            big: {type: integer, format: int32}
"#));
    clean(
        &s,
        "name: abc\ncount: 9\nratio: 0.3\ntags: [{a: 1}, {a: 2}]\nlabels: {a: b}\nmode: fast\n\
         day: 2024-02-29\nat: '2024-02-29T10:00:00Z'\nip: 10.0.0.1\ndata: YWJj\n\
         id: 123e4567-e89b-12d3-a456-426614174000\nnet: 10.0.0.0/8\nv6: '::1'\nbig: 9999999999\n",
    );
    let all = check(
        &s,
        "name: ABCDE\ncount: 10\nratio: 0\ntags: [{a: 1}, {a: 1}, 3, 4]\nlabels: {}\nmode: medium\n\
         day: 2023-02-29\nat: tomorrow\nip: 10.0.0.256\ndata: 'YQ'\nid: x\nnet: 10.0.0.0\nv6: '1.2.3.4'\n",
    );
    let got: Vec<(Problem, &str, &str)> = all
        .iter()
        .map(|(p, path, m)| (*p, path.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                InvalidValue,
                "name",
                "name must be at most 4 characters long, got 5"
            ),
            (
                InvalidValue,
                "name",
                "name must match the pattern \"^[a-z]+$\", got \"ABCDE\""
            ),
            (
                InvalidValue,
                "count",
                "count must be less than 10, got an integer 10"
            ),
            (
                InvalidValue,
                "count",
                "count must be a multiple of 3, got an integer 10"
            ),
            (
                InvalidValue,
                "ratio",
                "ratio must be greater than 0, got an integer 0"
            ),
            (
                InvalidValue,
                "tags",
                "tags must have at most 3 items, got 4"
            ),
            (
                InvalidValue,
                "tags[1]",
                "tags[1] repeats item [0]; the list's items must be unique"
            ),
            (
                InvalidType,
                "tags[2]",
                "tags[2] must be an object, got an integer 3"
            ),
            (
                InvalidType,
                "tags[3]",
                "tags[3] must be an object, got an integer 4"
            ),
            (
                InvalidValue,
                "labels",
                "labels must have at least 1 property, got 0"
            ),
            (
                InvalidValue,
                "mode",
                "mode must be one of \"fast\", \"slow\", got a string \"medium\""
            ),
            (
                InvalidValue,
                "day",
                "day is not a valid date (2006-01-02): \"2023-02-29\""
            ),
            (
                InvalidValue,
                "at",
                "at is not a valid date-time (2006-01-02T15:04:05Z): \"tomorrow\""
            ),
            (
                InvalidValue,
                "ip",
                "ip is not a valid IPv4 address: \"10.0.0.256\""
            ),
            (InvalidValue, "data", "data is not valid base64"),
            (InvalidValue, "id", "id is not a valid UUID: \"x\""),
            (
                InvalidValue,
                "net",
                "net is not a valid CIDR (10.0.0.0/8): \"10.0.0.0\""
            ),
            (
                InvalidValue,
                "v6",
                "v6 is not a valid IPv6 address: \"1.2.3.4\""
            ),
        ]
    );
}

#[test]
fn combinators_follow_json_schema() {
    let s = compiled(&crd("          type: object
          properties:
            spec:
              type: object
              properties:
                a: {type: string}
                b: {type: string}
                num: {type: integer}
              oneOf: [{required: [a]}, {required: [b]}]
              anyOf: [{properties: {num: {minimum: 5}}}, {properties: {num: {maximum: -5}}}]
              allOf: [{properties: {a: {maxLength: 3}}}]
              not: {required: [num, b]}
"));
    clean(&s, "spec: {a: x, num: 7}\n");
    clean(&s, "spec: {b: x}\n");
    let all = check(&s, "spec: {a: xxxxx, b: yy, num: 0}\n");
    let got: Vec<(Problem, &str, &str)> = all
        .iter()
        .map(|(p, path, m)| (*p, path.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                InvalidValue,
                "spec",
                "spec matches none of the 2 forms its schema allows (anyOf); the first says: \
                 spec.num must be at least 5, got an integer 0"
            ),
            (
                InvalidValue,
                "spec",
                "spec matches 2 of the 2 forms its schema allows, and must match exactly one \
                 (oneOf)"
            ),
            (
                InvalidValue,
                "spec",
                "spec is an object, which its schema forbids (not)"
            ),
            (
                InvalidValue,
                "spec.a",
                "spec.a must be at most 3 characters long, got 5"
            ),
        ]
    );
    assert_eq!(
        paths(&s, "spec: {num: 6}\n"),
        [(InvalidValue, "spec".into())],
        "oneOf: neither a nor b"
    );
}

#[test]
fn list_types_reject_duplicates() {
    let s = compiled(&crd("          type: object
          properties:
            hosts: {type: array, x-kubernetes-list-type: set, items: {type: string}}
            ports:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [port]
              items: {type: object, required: [port], properties: {port: {type: integer}, name: {type: string}}}
"));
    clean(
        &s,
        "hosts: [a, b]\nports: [{port: 1}, {port: 2, name: x}]\n",
    );
    assert_eq!(
        paths(&s, "hosts: [a, a]\nports: [{port: 1}, {port: 1}]\n"),
        [
            (InvalidValue, "hosts[1]".into()),
            (InvalidValue, "ports[1].port".into())
        ]
    );
}

#[test]
fn v1beta1_crds_keep_unknown_fields_unless_told_and_share_one_schema() {
    let text = "apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  version: v1alpha1
  versions: [{name: v1alpha1}, {name: v1beta1}]
  names: {kind: Widget, plural: widgets}
  validation:
    openAPIV3Schema:
      type: object
      properties:
        spec: {type: object, properties: {size: {type: integer}}}
";
    let c = read_crd(&root(text)).expect("reads");
    assert_eq!(c.versions, ["v1alpha1", "v1beta1"]);
    let s = compile_crd_version(&root(text), "v1beta1", V).expect("compiles");
    assert_eq!(s.api_version, "example.com/v1beta1");
    clean(&s, "spec: {size: 1, other: 2}\n");
    assert_eq!(
        paths(&s, "spec: {size: x}\n"),
        [(InvalidType, "spec.size".into())]
    );
    let pruned = text.replace("  group:", "  preserveUnknownFields: false\n  group:");
    let s = compile_crd_version(&root(&pruned), "v1alpha1", V).expect("compiles");
    assert_eq!(
        paths(&s, "spec: {other: 2}\n"),
        [(UnknownField, "spec.other".into())]
    );
}

#[test]
fn catalog_schemas_compile_like_a_crd_version() {
    // As CRD catalogs publish them: the version's schema alone, closed objects written
    // out, int-or-string as anyOf.
    let json = r#"{"type": "object", "properties": {
        "apiVersion": {"type": "string"}, "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"type": "object", "additionalProperties": false,
                 "properties": {"port": {"anyOf": [{"type": "integer"}, {"type": "string"}],
                                         "x-kubernetes-int-or-string": true},
                                "mode": {"type": ["string", "null"]}}}}}"#;
    let s = compile_schema(
        Some(&root(json)),
        Options {
            api_version: "example.com/v1".into(),
            kind: "Widget".into(),
            definition: "example.com/widget_v1.json".into(),
            kube: V,
            status_subresource: false,
            preserve_all: false,
        },
    )
    .expect("compiles");
    clean(&s, "spec: {port: http, mode: null}\n");
    assert_eq!(
        paths(&s, "spec: {port: [1], extra: 1}\n"),
        [
            (InvalidType, "spec.port".into()),
            (UnknownField, "spec.extra".into())
        ]
    );
}

#[test]
fn unknown_keywords_and_odd_values_are_ignored() {
    let s = compiled(&crd(r#"          type: object
          x-kubernetes-validations: [{rule: "self.a > 1"}]
          properties:
            a: {type: integer, x-made-up: 1, description: 3, minimum: "one"}
            b: {type: strung}
            c: {type: string, pattern: "(?<=x)y"}
            d: {type: string, format: hostname}
            e: true
"#));
    clean(&s, "a: -4\nb: [1]\nc: z\nd: '!!'\ne: {x: 1}\n");
}

#[test]
fn hostile_schemas_are_bounded() {
    // Nested deeper than MAX_DEPTH: refused with a reason, never a stack overflow.
    let mut deep = String::from("x");
    for _ in 0..(crd::MAX_DEPTH + 5) {
        deep = format!("{{type: object, properties: {{a: {deep}}}}}");
    }
    let text =
        crd(&format!("          {deep}\n")).replace("{type: object, properties: {a: x}}", "{}");
    let err = compile_crd_version(&root(&text), "v1", V).expect_err("too deep");
    assert!(err.0.contains("nests deeper than"), "{err}");

    // A huge enum is not checked; a catastrophic pattern matches in linear time; an
    // oversized pattern is not checked.
    let values: Vec<String> = (0..=crd::MAX_ENUM).map(|i| i.to_string()).collect();
    let huge = format!(
        "          type: object
          properties:
            e: {{type: string, enum: [{}]}}
            p: {{type: string, pattern: \"^(a+)+$\"}}
            q: {{type: string, pattern: \"a{{1000}}{{1000}}\"}}
",
        values.join(", ")
    );
    let s = compiled(&crd(&huge));
    let evil = format!("{}!", "a".repeat(100_000));
    let started = std::time::Instant::now();
    let got = paths(&s, &format!("e: nope\np: {evil}\nq: b\n"));
    assert_eq!(got, [(InvalidValue, "p".into())]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    // Combinators nested in combinators stop being checked past a few levels.
    let mut nested = String::from("{minimum: 100}");
    for _ in 0..10 {
        nested = format!("{{anyOf: [{nested}, {nested}]}}");
    }
    let s = compiled(&crd(&format!(
        "          type: object\n          properties:\n            n: {{type: integer, allOf: [{nested}]}}\n"
    )));
    let started = std::time::Instant::now();
    let _ = check(&s, "n: 1\n");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(s.types().len() < 200, "{} nodes", s.types().len());
}
