//! Checks that are not Rego rules: the loader's findings and the engine's own.
//! They share the finding model, ids, severities and (later) suppression.

use crate::finding::Severity;

pub const YAML_SYNTAX: &str = "yaml/syntax";
pub const YAML_DUPLICATE_KEY: &str = "yaml/duplicate-key";
pub const YAML_KEY_COLLISION: &str = "yaml/key-collision";
pub const YAML_IGNORED_CONTENT: &str = "yaml/ignored-content";
pub const YAML_NOT_A_RESOURCE: &str = "yaml/not-a-resource";
pub const POLICY_ERROR: &str = "kubeward/policy-error";
pub const SUPPRESSION_WITHOUT_REASON: &str = "kubeward/suppression-without-reason";
pub const UNUSED_SUPPRESSION: &str = "kubeward/unused-suppression";
pub const UNKNOWN_RULE: &str = "kubeward/unknown-rule";
pub const HELM_NOT_RENDERED: &str = "helm/not-rendered";
pub const HELM_RENDER_ERROR: &str = "helm/render-error";
pub const HELM_MISSING_DEPENDENCY: &str = "helm/missing-dependency";
pub const HELM_CHART_METADATA: &str = "helm/chart-metadata";
pub const HELM_CHART_API_V1: &str = "helm/chart-api-v1";
pub const HELM_IMAGE_TAG_UNSET: &str = "helm/image-tag-unset";
pub const HELM_NAMESPACE_UNKNOWN: &str = "helm/namespace-unknown";
pub const SCHEMA_UNKNOWN_FIELD: &str = "schema/unknown-field";
pub const SCHEMA_INVALID_TYPE: &str = "schema/invalid-type";
pub const SCHEMA_INVALID_VALUE: &str = "schema/invalid-value";
pub const SCHEMA_MISSING_REQUIRED: &str = "schema/missing-required";
pub const SCHEMA_UNKNOWN_KIND: &str = "schema/unknown-kind";

pub struct BuiltinRule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub remediation: &'static str,
    /// Selected by `--only` and config like a bundled rule (chart advice).
    /// Loader checks, and a chart that cannot render, are always reported.
    pub selectable: bool,
    /// Off unless `--only` or a config enables it (a selectable check only).
    pub opt_in: bool,
}

pub const BUILTIN: &[BuiltinRule] = &[
    BuiltinRule {
        id: YAML_SYNTAX,
        severity: Severity::Error,
        title: "Kubernetes cannot read this document",
        remediation: "Fix the YAML at the marked position; kubectl would reject this document.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: YAML_DUPLICATE_KEY,
        severity: Severity::Warning,
        title: "Duplicate key in a mapping",
        remediation: "Remove one of the keys: Kubernetes silently keeps the last value and strict server-side decoding rejects the document.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: YAML_KEY_COLLISION,
        severity: Severity::Error,
        title: "Keys that become the same string",
        remediation: "Write the key once: after conversion to JSON both keys are the same and Kubernetes keeps one of them at random.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: YAML_IGNORED_CONTENT,
        severity: Severity::Warning,
        title: "Content after `...` is ignored",
        remediation: "Start the next document with `---` instead of `...`; kubectl drops everything after the end marker.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: YAML_NOT_A_RESOURCE,
        severity: Severity::Warning,
        title: "A document meant as a resource that Kubernetes would not take",
        remediation: "Give every object a string `apiVersion` and `kind`, and write one document per resource (or a `kind: List` with `items:`) instead of a bare sequence; kubeward lints nothing it cannot read as a resource.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: POLICY_ERROR,
        severity: Severity::Error,
        title: "A rule failed to evaluate",
        remediation: "The rule could not be evaluated on this resource; other rules still ran. Please report it.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: SUPPRESSION_WITHOUT_REASON,
        severity: Severity::Info,
        title: "Suppression without a reason",
        remediation: "Say why the finding is acceptable: `# kubeward:ignore <id> -- <reason>`, or a kubeward.io/ignore-reason annotation.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: UNUSED_SUPPRESSION,
        severity: Severity::Warning,
        title: "Suppression that suppresses nothing",
        remediation: "Remove the suppression: the rule no longer reports anything there, and a stale suppression would hide a future finding.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: UNKNOWN_RULE,
        severity: Severity::Warning,
        title: "Unknown rule id in a suppression",
        remediation: "Use an id from `kubeward rules` (a renamed or mistyped id suppresses nothing).",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_NOT_RENDERED,
        severity: Severity::Info,
        title: "Helm chart not rendered (no helm binary)",
        remediation: "Install helm (or pass --helm-bin PATH) so kubeward can run `helm template` and lint what the chart produces; or lint rendered output: `helm template ./chart | kubeward -`.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_RENDER_ERROR,
        severity: Severity::Error,
        title: "Helm chart fails to render",
        remediation: "Fix the template or values at the marked position; `helm install` would fail the same way.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_MISSING_DEPENDENCY,
        severity: Severity::Error,
        title: "Chart dependency not vendored in charts/",
        remediation: "Run `helm dependency build` (kubeward never downloads charts) and commit or cache charts/, so the chart can render offline.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_CHART_METADATA,
        severity: Severity::Error,
        title: "Chart.yaml that Helm refuses to load",
        remediation: "Give Chart.yaml a plain name, a semantic version (1.2.3), apiVersion v2 and, if any, type application or library: Helm refuses to load the chart otherwise.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_CHART_API_V1,
        severity: Severity::Warning,
        title: "Chart uses the Helm 2 format (apiVersion v1, or none)",
        remediation: "Set `apiVersion: v2` (Helm reads a Chart.yaml without apiVersion as v1) and list dependencies in Chart.yaml instead of requirements.yaml.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_IMAGE_TAG_UNSET,
        severity: Severity::Warning,
        title: "Image tag left empty by an unset value",
        remediation: "Set the image tag in values (or default it in the template, e.g. `default .Chart.AppVersion`): an empty tag pulls `latest` or fails to pull.",
        selectable: false,
        opt_in: false,
    },
    BuiltinRule {
        id: HELM_NAMESPACE_UNKNOWN,
        severity: Severity::Info,
        title: "Rendered resource in an unknown release namespace",
        remediation: "Pass the release namespace with --namespace (or `namespace:` in the config's `charts:` entry) so namespace and cross-resource rules can judge where the resource lands. Charts rendered without one get a placeholder namespace that kubeward treats as unknown, shown as <release-namespace>.",
        selectable: false,
        opt_in: false,
    },
    // Schema validation (issue 16): on by default; the security rules judge only
    // values the API accepts, so a rejected value is one finding, here.
    BuiltinRule {
        id: SCHEMA_UNKNOWN_FIELD,
        severity: Severity::Error,
        title: "A field the Kubernetes API does not know",
        remediation: "Fix the field's spelling (the message suggests the closest known field) or remove it: the API server rejects unknown fields, or silently drops them, and a misspelt security setting is never applied.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: SCHEMA_INVALID_TYPE,
        severity: Severity::Error,
        title: "A value of the wrong type for its field",
        remediation: "Write the value with the type the field takes (a number unquoted, a string quoted where YAML would read something else); the API server rejects the object.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: SCHEMA_INVALID_VALUE,
        severity: Severity::Error,
        title: "A value the field does not accept",
        remediation: "Use a value the field accepts: a Kubernetes quantity (`500m`, `1Gi`), an int-or-string, base64 in Secret data, an RFC 3339 time, entries unique by their list keys, one of the values an enum-like field lists (the message names them); the message quotes the API server's own rule where the schema cannot say it (docs/schema.md lists them).",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: SCHEMA_MISSING_REQUIRED,
        severity: Severity::Error,
        title: "A required field is missing",
        remediation: "Add the field the message names; the API server rejects the object without it.",
        selectable: true,
        opt_in: false,
    },
    BuiltinRule {
        id: SCHEMA_UNKNOWN_KIND,
        severity: Severity::Info,
        title: "No schema covers this apiVersion and kind",
        remediation: "For a custom resource, give kubeward its CustomResourceDefinition (in the project, a chart's crds/, or --schema / config `schemas:`, e.g. a local CRD catalog) and it is validated; for a built-in kind, check the apiVersion: it may be misspelt or removed in the target Kubernetes version.",
        selectable: true,
        opt_in: true,
    },
];

pub fn builtin(id: &str) -> Option<&'static BuiltinRule> {
    BUILTIN.iter().find(|r| r.id == id)
}

/// Whether `--only` and config select a built-in check (see `selectable`).
pub fn is_selectable(id: &str) -> bool {
    builtin(id).is_some_and(|b| b.selectable)
}

/// Whether a built-in check runs when nothing selects it (`opt_in` ones do not).
pub fn on_by_default(id: &str) -> bool {
    builtin(id).is_none_or(|b| !b.opt_in)
}

pub fn is_builtin(id: &str) -> bool {
    builtin(id).is_some()
}
