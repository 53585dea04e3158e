//! Checks that are not Rego rules: the loader's findings and the engine's own.
//! They share the finding model, ids, severities and (later) suppression.

use crate::finding::Severity;

pub const YAML_SYNTAX: &str = "yaml/syntax";
pub const YAML_DUPLICATE_KEY: &str = "yaml/duplicate-key";
pub const YAML_KEY_COLLISION: &str = "yaml/key-collision";
pub const YAML_IGNORED_CONTENT: &str = "yaml/ignored-content";
pub const POLICY_ERROR: &str = "kubeward/policy-error";

pub struct BuiltinRule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub remediation: &'static str,
}

pub const BUILTIN: &[BuiltinRule] = &[
    BuiltinRule {
        id: YAML_SYNTAX,
        severity: Severity::Error,
        title: "Kubernetes cannot read this document",
        remediation: "Fix the YAML at the marked position; kubectl would reject this document.",
    },
    BuiltinRule {
        id: YAML_DUPLICATE_KEY,
        severity: Severity::Warning,
        title: "Duplicate key in a mapping",
        remediation: "Remove one of the keys: Kubernetes silently keeps the last value and strict server-side decoding rejects the document.",
    },
    BuiltinRule {
        id: YAML_KEY_COLLISION,
        severity: Severity::Error,
        title: "Keys that become the same string",
        remediation: "Write the key once: after conversion to JSON both keys are the same and Kubernetes keeps one of them at random.",
    },
    BuiltinRule {
        id: YAML_IGNORED_CONTENT,
        severity: Severity::Warning,
        title: "Content after `...` is ignored",
        remediation: "Start the next document with `---` instead of `...`; kubectl drops everything after the end marker.",
    },
    BuiltinRule {
        id: POLICY_ERROR,
        severity: Severity::Error,
        title: "A rule failed to evaluate",
        remediation: "The rule could not be evaluated on this resource; other rules still ran. Please report it.",
    },
];

pub fn builtin(id: &str) -> Option<&'static BuiltinRule> {
    BUILTIN.iter().find(|r| r.id == id)
}

pub fn is_builtin(id: &str) -> bool {
    builtin(id).is_some()
}
