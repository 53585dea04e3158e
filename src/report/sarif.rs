//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it.
//!
//! - `tool.driver.rules` lists every rule of the run's catalogue plus the loader's
//!   built-in checks (and any other rule a result names), sorted by id; each
//!   result's `ruleIndex` points into that list.
//! - Levels: error -> `error`, warning -> `warning`, info -> `note`. GitHub's
//!   `security-severity` (a CVSS-like score as a string) is `8.0` for error
//!   (GitHub shows "high"), `5.0` for warning ("medium") and `2.0` for info ("low").
//! - Locations are the same resolved line:column as every format;
//!   `columnKind` is `unicodeCodePoints` because kubeward's columns count Unicode
//!   scalar values. `endColumn` is exclusive, as SARIF specifies and as kubeward
//!   computes it.
//! - `artifactLocation.uri` is the path as given (forward slashes, no leading
//!   `./`), percent-encoded byte by byte (a file name that is not UTF-8 keeps
//!   its own bytes), relative to `%SRCROOT%`; an absolute path becomes a
//!   `file://` URI without a base.
//! - `partialFingerprints["kubeward/v1"]` is `Finding::fingerprint`: rule, file,
//!   resource and field path, never line numbers, so an alert survives edits
//!   elsewhere in the file.
//! - Suppressed findings are kept, with `suppressions`: `inSource` for comments
//!   and annotations in the manifest, `external` for config and baseline entries.

use super::{file_path, repo_path, repo_path_bytes};
use crate::finding::{display_path, Finding, ResourceRef, Severity};
use crate::outcome::Outcome;
use crate::rules_builtin::{builtin, BUILTIN};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of the line-free fingerprint in `partialFingerprints`. Bump the version
/// if `Finding::fingerprint` ever changes meaning.
pub const FINGERPRINT_KEY: &str = "kubeward/v1";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    enabled: bool,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Message,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

impl Region {
    fn line(line: usize) -> Region {
        Region {
            start_line: line.max(1),
            start_column: None,
            end_line: None,
            end_column: None,
        }
    }
}

/// A location in a file at `path` (as given, as bytes: a file name need not be
/// UTF-8; made a SARIF URI here).
fn location(
    path: &[u8],
    region: Option<Region>,
    id: Option<usize>,
    message: Option<String>,
) -> Location {
    let (uri, uri_base_id) = artifact_uri(&repo_path_bytes(path));
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri, uri_base_id },
            region,
        },
        message: message.map(|text| Message { text }),
    }
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
}

/// The resource and field path, as in the JSON format.
#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a ResourceRef>,
    #[serde(skip_serializing_if = "String::is_empty")]
    path: String,
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let rules = rule_docs(outcome);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results = outcome
        .findings
        .iter()
        .map(|f| result(outcome, f, index.get(f.rule.as_str()).copied().unwrap_or(0)))
        .collect();
    let notifications = outcome
        .problems
        .iter()
        .map(|p| Notification {
            level: if p.is_error { "error" } else { "warning" },
            message: Message {
                text: format!("{}: {}", p.path, p.message),
            },
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "kubeward",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: rules.iter().map(RuleDoc::descriptor).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: !outcome.problems.iter().any(|p| p.is_error),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    super::json::write_pretty(out, &log)
}

fn result<'a>(outcome: &'a Outcome, f: &'a Finding, rule_index: usize) -> SarifResult<'a> {
    let path = repo_path(file_path(outcome, f));
    let at = super::anchor(outcome, f);
    // A region must not end before it starts.
    let (end_line, end_column) = if (f.end_line, f.end_column) < (f.line, f.column) {
        (f.line, f.column)
    } else {
        (f.end_line, f.end_column)
    };
    let own_region = Region {
        start_line: f.line.max(1),
        start_column: Some(f.column.max(1)),
        end_line: Some(end_line.max(1)),
        end_column: Some(end_column.max(1)),
    };
    let mut partial_fingerprints = BTreeMap::new();
    partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint(&path));
    // Rendered input: the template it came from and the values entry that set
    // the value are related locations (or the template is the location itself,
    // when the rendered text exists on no disk).
    let primary = if at.own {
        // The file's real name, which `at.path` only shows lossily when it is
        // not valid Unicode.
        let name = outcome
            .files
            .get(f.file)
            .map_or(at.path.as_bytes(), |s| s.path_bytes());
        location(name, Some(own_region), None, None)
    } else {
        location(at.path.as_bytes(), at.line.map(Region::line), None, None)
    };
    let mut related = Vec::new();
    if let Some(src) = &f.source {
        if at.own {
            let template = src.file.as_deref().unwrap_or(&src.template);
            related.push(location(
                template.as_bytes(),
                src.line.map(Region::line),
                Some(related.len() + 1),
                Some(src.describe_template()),
            ));
        }
        if let Some(v) = &src.values {
            related.push(location(
                v.file.as_bytes(),
                Some(Region {
                    start_line: v.line.max(1),
                    start_column: Some(v.column.max(1)),
                    end_line: None,
                    end_column: None,
                }),
                Some(related.len() + 1),
                Some(format!("the value is set here ({})", v.key)),
            ));
        }
    }
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.severity),
        message: Message {
            text: super::message_with_source(f),
        },
        locations: [primary],
        related_locations: related,
        partial_fingerprints,
        suppressions: f
            .suppressed
            .iter()
            .map(|s| SarifSuppression {
                kind: suppression_kind(s.kind),
                status: "accepted",
                justification: s.reason.as_deref(),
            })
            .collect(),
        // Loader findings have neither a resource nor a field path.
        properties: (f.resource.is_some() || !f.path.is_empty()).then(|| ResultProperties {
            resource: f.resource.as_ref(),
            path: display_path(&f.path),
        }),
    }
}

/// Suppressions written in the manifest itself are `inSource`; config `ignore:`
/// entries and baselines live elsewhere and are `external`.
fn suppression_kind(kind: &str) -> &'static str {
    match kind {
        "comment" | "inline" | "file" | "annotation" => "inSource",
        _ => "external",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `problem.severity` vocabulary.
fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "recommendation",
    }
}

/// GitHub's `security-severity`: >= 7.0 high, >= 4.0 medium, > 0 low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

/// `(uri, uriBaseId)` for a normalised path (any bytes: each byte that is not
/// kept is percent-encoded, so the URI names the file even when its name is
/// not UTF-8).
fn artifact_uri(path: &[u8]) -> (String, Option<&'static str>) {
    let bytes = path;
    let windows_drive = bytes.len() >= 3
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'/');
    if path.starts_with(b"/") {
        (format!("file://{}", percent_encode(path)), None)
    } else if windows_drive {
        // `C:/x` -> `file:///C:/x`; the drive colon stays literal.
        let (drive, rest) = path.split_at(2);
        let drive = String::from_utf8_lossy(drive);
        (format!("file:///{drive}{}", percent_encode(rest)), None)
    } else {
        (percent_encode(path), Some(SRCROOT))
    }
}

/// Percent-encodes everything but unreserved characters, sub-delimiters, `@` and
/// `/`. `:` is encoded so a relative path's first segment cannot read as a scheme.
fn percent_encode(s: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a descriptor is made of, from the catalogue, the built-in checks, or (for
/// a rule neither knows) the finding itself.
struct RuleDoc {
    id: String,
    title: String,
    description: String,
    severity: Severity,
    enabled: bool,
    remediation: String,
    references: Vec<String>,
    pss: Option<String>,
}

fn rule_docs(outcome: &Outcome) -> Vec<RuleDoc> {
    let mut docs: BTreeMap<&str, RuleDoc> = BTreeMap::new();
    for r in &outcome.catalog.rules {
        let m = &r.meta;
        docs.insert(
            &m.id,
            RuleDoc {
                id: m.id.clone(),
                title: m.title.clone(),
                description: m.description.clone(),
                severity: m.severity,
                enabled: m.enabled,
                remediation: m.remediation.clone(),
                references: m.references.clone(),
                pss: m.pss.clone(),
            },
        );
    }
    for b in BUILTIN {
        docs.entry(b.id).or_insert_with(|| RuleDoc {
            id: b.id.to_string(),
            title: b.title.to_string(),
            description: String::new(),
            severity: b.severity,
            enabled: !b.opt_in,
            remediation: b.remediation.to_string(),
            references: Vec::new(),
            pss: None,
        });
    }
    for f in &outcome.findings {
        docs.entry(&f.rule).or_insert_with(|| RuleDoc {
            id: f.rule.clone(),
            title: f.rule.clone(),
            description: String::new(),
            severity: f.severity,
            enabled: true,
            remediation: String::new(),
            references: Vec::new(),
            pss: None,
        });
    }
    docs.into_values().collect()
}

impl RuleDoc {
    fn category(&self) -> &str {
        self.id.split_once('/').map_or("", |(c, _)| c)
    }

    fn descriptor(&self) -> Descriptor {
        let description = if self.description.is_empty() {
            self.title.clone()
        } else {
            self.description.clone()
        };
        let mut text = description.clone();
        let mut markdown = description.clone();
        if !self.remediation.is_empty() {
            text.push_str(&format!("\n\nHow to fix: {}", self.remediation));
            markdown.push_str(&format!("\n\n**How to fix:** {}", self.remediation));
        }
        if !self.references.is_empty() {
            text.push_str("\n\nReferences:");
            markdown.push_str("\n\n**References:**\n");
            for r in &self.references {
                text.push_str(&format!("\n- {r}"));
                markdown.push_str(&format!("\n- <{r}>"));
            }
        }
        let category = self.category();
        // The loader's checks are about whether Kubernetes reads the file at all;
        // everything else is a security or hardening rule.
        let builtin = builtin(&self.id).is_some();
        let mut tags = Vec::new();
        if !builtin {
            tags.push("security".to_string());
        }
        tags.push("kubernetes".to_string());
        if !category.is_empty() {
            tags.push(category.to_string());
        }
        if let Some(pss) = &self.pss {
            tags.push(format!("pss-{pss}"));
        }
        Descriptor {
            id: self.id.clone(),
            name: pascal_case(&self.id),
            short_description: Message {
                text: self.title.clone(),
            },
            full_description: Message { text: description },
            help: Help { text, markdown },
            default_configuration: Configuration {
                level: level(self.severity),
                enabled: self.enabled,
            },
            properties: RuleProperties {
                tags,
                // Rules read the exact field Kubernetes reads; the loader's
                // checks are the parser's own verdicts.
                precision: if builtin { "very-high" } else { "high" },
                problem_severity: problem_severity(self.severity),
                security_severity: security_severity(self.severity),
            },
        }
    }
}

/// `pod-security/host-network` -> `PodSecurityHostNetwork`: SARIF's `name` is an
/// identifier-like string, the id is the human-facing name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_based() {
        assert_eq!(
            artifact_uri(b"deploy/api.yaml"),
            ("deploy/api.yaml".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri(b"a b/c%d:e#f?.yaml"),
            ("a%20b/c%25d%3Ae%23f%3F.yaml".to_string(), Some(SRCROOT))
        );
        assert_eq!(
            artifact_uri("caf\u{e9}.yaml".as_bytes()).0,
            "caf%C3%A9.yaml".to_string()
        );
        assert_eq!(
            artifact_uri(b"/abs/x.yaml"),
            ("file:///abs/x.yaml".to_string(), None)
        );
        assert_eq!(
            artifact_uri(b"C:/k8s/x.yaml"),
            ("file:///C:/k8s/x.yaml".to_string(), None)
        );
        // A name that is not UTF-8 keeps its bytes; controls are encoded too.
        assert_eq!(
            artifact_uri(b"k8s/caf\xe9\n\x1b.yaml").0,
            "k8s/caf%E9%0A%1B.yaml".to_string()
        );
    }

    #[test]
    fn names_and_kinds() {
        assert_eq!(
            pascal_case("pod-security/host-network"),
            "PodSecurityHostNetwork"
        );
        assert_eq!(pascal_case("yaml/syntax"), "YamlSyntax");
        assert_eq!(suppression_kind("comment"), "inSource");
        assert_eq!(suppression_kind("annotation"), "inSource");
        assert_eq!(suppression_kind("config"), "external");
        assert_eq!(suppression_kind("baseline"), "external");
    }
}
