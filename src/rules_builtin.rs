//! Checks that are not Rego rules: the loader's findings and the engine's own.
//! They share the finding model, ids, severities and (later) suppression.

use crate::finding::Severity;

pub const YAML_SYNTAX: &str = "yaml/syntax";
pub const YAML_DUPLICATE_KEY: &str = "yaml/duplicate-key";
pub const YAML_KEY_COLLISION: &str = "yaml/key-collision";
pub const YAML_IGNORED_CONTENT: &str = "yaml/ignored-content";
pub const POLICY_ERROR: &str = "kubeward/policy-error";
pub const SUPPRESSION_WITHOUT_REASON: &str = "kubeward/suppression-without-reason";
pub const UNUSED_SUPPRESSION: &str = "kubeward/unused-suppression";
pub const UNKNOWN_RULE: &str = "kubeward/unknown-rule";

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
    BuiltinRule {
        id: SUPPRESSION_WITHOUT_REASON,
        severity: Severity::Info,
        title: "Suppression without a reason",
        remediation: "Say why the finding is acceptable: `# kubeward:ignore <id> -- <reason>`, or a kubeward.io/ignore-reason annotation.",
    },
    BuiltinRule {
        id: UNUSED_SUPPRESSION,
        severity: Severity::Warning,
        title: "Suppression that suppresses nothing",
        remediation: "Remove the suppression: the rule no longer reports anything there, and a stale suppression would hide a future finding.",
    },
    BuiltinRule {
        id: UNKNOWN_RULE,
        severity: Severity::Warning,
        title: "Unknown rule id in a suppression",
        remediation: "Use an id from `kubeward rules` (a renamed or mistyped id suppresses nothing).",
    },
];

pub fn builtin(id: &str) -> Option<&'static BuiltinRule> {
    BUILTIN.iter().find(|r| r.id == id)
}

pub fn is_builtin(id: &str) -> bool {
    builtin(id).is_some()
}
