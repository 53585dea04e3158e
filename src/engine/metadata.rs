//! Our parser for OPA `# METADATA` comment blocks: regorus discards comments, so
//! the rule catalogue (id, severity, kinds, remediation, ...) is read here.

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub enabled: bool,
    /// Kind names, or `pod-bearing`, or `*` for every kind.
    pub kinds: Vec<String>,
    pub remediation: String,
    pub references: Vec<String>,
    pub pss: Option<String>,
    pub peers: BTreeMap<String, Vec<String>>,
    /// `implied-by`: rules whose finding at the same field of the same resource
    /// already says everything this rule's finding there would (see
    /// `engine::implied`). Empty for most rules.
    pub implied_by: Vec<String>,
    /// The Rego package, without the `data.` prefix.
    pub package: String,
    /// Where the rule came from (`rules/pod-security/privileged.rego`).
    pub file: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{file}: {message}")]
pub struct MetadataError {
    pub file: String,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    title: String,
    description: String,
    custom: RawCustom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustom {
    id: String,
    severity: String,
    #[serde(default = "yes")]
    enabled: bool,
    kinds: Vec<String>,
    remediation: String,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    pss: Option<String>,
    #[serde(default)]
    peers: BTreeMap<String, OneOrMany>,
    #[serde(default, rename = "implied-by")]
    implied_by: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// The package a Rego module declares (`kubeward.rules.pod_security.privileged`).
pub fn package_of(src: &str) -> Option<String> {
    src.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package ")?;
        Some(rest.trim().to_string())
    })
}

/// The YAML text of the first `# METADATA` block, comment markers stripped.
fn metadata_yaml(src: &str) -> Option<String> {
    let mut lines = src.lines().skip_while(|l| l.trim() != "# METADATA");
    lines.next()?;
    let mut yaml = String::new();
    for line in lines {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            break;
        };
        // `# key: v` -> `key: v`; keep deeper indentation intact.
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some(yaml)
}

/// Whether a module's `# METADATA` block declares a kubeward rule id
/// (`custom:` with `id:`): that makes a user policy a native rule.
pub fn declares_id(src: &str) -> bool {
    metadata_yaml(src).is_some_and(|y| {
        let mut in_custom = false;
        y.lines().any(|l| {
            if !l.starts_with(' ') {
                in_custom = l.trim_end() == "custom:";
                return false;
            }
            in_custom && l.trim_start().starts_with("id:")
        })
    })
}

/// Parses a rule file's METADATA. Unknown fields are errors, so a typo in a
/// rule's metadata cannot silently drop a setting.
pub fn parse(file: &str, src: &str) -> Result<RuleMeta, MetadataError> {
    let err = |message: String| MetadataError {
        file: file.to_string(),
        message,
    };
    let yaml = metadata_yaml(src).ok_or_else(|| err("no `# METADATA` block".into()))?;
    let raw: RawMeta =
        yaml_serde::from_str(&yaml).map_err(|e| err(format!("invalid METADATA: {e}")))?;
    let package = package_of(src).ok_or_else(|| err("no package declaration".into()))?;
    let severity = Severity::parse(&raw.custom.severity).ok_or_else(|| {
        err(format!(
            "severity must be error, warning or info, not {:?}",
            raw.custom.severity
        ))
    })?;
    if raw.custom.kinds.is_empty() {
        return Err(err("kinds must name at least one kind (or `*`)".into()));
    }
    if raw.custom.implied_by.contains(&raw.custom.id) {
        return Err(err("implied-by must not name the rule itself".into()));
    }
    let peers = raw
        .custom
        .peers
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                OneOrMany::One(s) => vec![s],
                OneOrMany::Many(v) => v,
            };
            (k, v)
        })
        .collect();
    Ok(RuleMeta {
        id: raw.custom.id,
        title: raw.title,
        description: raw.description.trim().to_string(),
        severity,
        enabled: raw.custom.enabled,
        kinds: raw.custom.kinds,
        remediation: raw.custom.remediation.trim().to_string(),
        references: raw.custom.references,
        pss: raw.custom.pss,
        peers,
        implied_by: raw.custom.implied_by,
        package,
        file: file.to_string(),
    })
}

/// The package a bundled rule at `rules/<category>/<name>.rego` must declare.
pub fn expected_package(id: &str) -> String {
    format!("kubeward.rules.{}", id.replace('-', "_").replace('/', "."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"# METADATA
# title: Privileged container
# description: >-
#   A privileged container has every capability of the host.
# custom:
#   id: pod-security/privileged
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove privileged.
#   references: [https://example.com]
#   pss: baseline
#   peers: {kube-linter: privileged-container, trivy: [KSV-0017, KSV017]}
package kubeward.rules.pod_security.privileged

import rego.v1
"#;

    #[test]
    fn parses_metadata() {
        let m = parse("rules/pod-security/privileged.rego", SRC).expect("parses");
        assert_eq!(m.id, "pod-security/privileged");
        assert_eq!(m.severity, Severity::Error);
        assert_eq!(m.kinds, vec!["pod-bearing"]);
        assert_eq!(m.package, "kubeward.rules.pod_security.privileged");
        assert_eq!(m.peers["trivy"], vec!["KSV-0017", "KSV017"]);
        assert_eq!(m.pss.as_deref(), Some("baseline"));
        assert_eq!(expected_package(&m.id), m.package);
        assert!(m.implied_by.is_empty());
        let implied = SRC.replace(
            "#   pss: baseline",
            "#   implied-by: [pod-security/host-path]",
        );
        let m = parse("x.rego", &implied).expect("parses");
        assert_eq!(m.implied_by, vec!["pod-security/host-path"]);
    }

    #[test]
    fn rejects_unknown_fields_and_bad_severity() {
        let bad = SRC.replace("#   pss: baseline", "#   psss: baseline");
        assert!(parse("x.rego", &bad).is_err());
        let bad = SRC.replace("severity: error", "severity: fatal");
        assert!(parse("x.rego", &bad).is_err());
        assert!(parse("x.rego", "package a").is_err());
        let own = SRC.replace(
            "#   pss: baseline",
            "#   implied-by: [pod-security/privileged]",
        );
        assert!(parse("x.rego", &own).is_err());
    }
}
