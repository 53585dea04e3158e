//! The one findings model every report format is a function of.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a field path into a resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Renders a field path the way people write it:
/// `spec.containers[0].securityContext.privileged`, with keys that are not plain
/// identifiers quoted: `metadata.annotations["a.b/c"]`.
pub fn display_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            PathSeg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push('[');
                    out.push_str(&serde_json::Value::String(k.clone()).to_string());
                    out.push(']');
                }
            }
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

/// How a finding was silenced. Suppressed findings stay in machine reports
/// (JSON `suppressed`, SARIF `suppressions`) but never fail the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `comment` (`# kubeward:ignore` / `# kubeward:ignore-file`), `annotation`
    /// (`kubeward.io/ignore`), `config` (an `ignore:` entry) or `baseline`.
    pub kind: &'static str,
    pub reason: Option<String>,
}

/// Which tool rendered a resource from which source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Generator {
    Helm,
    Kustomize,
}

/// What rendered the resource a finding is in (Helm `# Source:`, Kustomize
/// origin annotation), so a finding in generated YAML leads back to the file a
/// person edits. The finding's own line and column stay those of the rendered text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingSource {
    pub generator: Generator,
    /// As the generator names it: `mychart/templates/deployment.yaml`.
    pub template: String,
    /// The template's path on disk (as the chart directory was given, so
    /// repo-relative in CI), when the chart was found there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line of that file holding the finding's key, when exactly one line can.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The values-file entry that set the offending value, when unambiguous.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<ValuesLocation>,
}

/// Where a rendered value was set in a Helm values file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuesLocation {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The key path inside the values file: `securityContext.privileged`.
    pub key: String,
}

impl FindingSource {
    /// The file a CI annotation should land on: the template on disk when
    /// known, with its line when one is certain.
    pub fn annotation_target(&self) -> Option<(&str, Option<usize>)> {
        self.file.as_deref().map(|f| (f, self.line))
    }

    /// The longer form for human output: every location known.
    pub fn note(&self) -> String {
        let mut s = self.describe_template();
        if let Some(f) = &self.file {
            match self.line {
                Some(l) => s.push_str(&format!(" ({f}:{l})")),
                None => s.push_str(&format!(" ({f})")),
            }
        }
        if let Some(v) = &self.values {
            s.push_str(&format!(
                "\nvalue set by {}:{}:{} ({})",
                v.file, v.line, v.column, v.key
            ));
        }
        s
    }

    /// `rendered from app/templates/web.yaml` (`built from` for Kustomize).
    pub fn describe_template(&self) -> String {
        let what = match self.generator {
            Generator::Helm => "rendered from",
            Generator::Kustomize => "built from",
        };
        format!("{what} {}", self.template)
    }

    /// `rendered from app/templates/web.yaml (values: values.yaml:12)`, for the
    /// formats whose only free text is the message.
    pub fn describe(&self) -> String {
        self.describe_at(None)
    }

    /// [`describe`](Self::describe), with the finding's position in the
    /// rendered text when a report names the template in its place:
    /// `rendered from app/templates/web.yaml at charts/app:40:9`.
    pub fn describe_at(&self, rendered: Option<&str>) -> String {
        let mut s = self.describe_template();
        if let Some(at) = rendered {
            s.push_str(&format!(" at {at}"));
        }
        if let Some(v) = &self.values {
            s.push_str(&format!("; set by {}:{}", v.file, v.line));
        }
        s
    }
}

/// A lint result. Lines and columns are 1-based; columns count characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Index into the run's file list.
    pub file: usize,
    /// Byte range in the file the finding points at.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub resource: Option<ResourceRef>,
    pub path: Vec<PathSeg>,
    pub suppressed: Option<Suppression>,
    /// Only for rendered input (Helm, Kustomize).
    pub source: Option<Box<FindingSource>>,
    /// The index of the resource the finding is about in the run's resource
    /// list (None: about a file, not a resource). Suppression annotations,
    /// config ignores, secret masking and Helm attribution read the resource.
    pub owner: Option<usize>,
}

impl Finding {
    /// The finding, as one about resource `index` of the run.
    pub fn owned_by(mut self, index: usize) -> Finding {
        self.owner = Some(index);
        self
    }

    /// A fingerprint that survives reformatting and moved lines: rule, file,
    /// resource identity and field path, never line numbers. Loader findings
    /// (no resource) use the message instead of a path. Stable across versions:
    /// FNV-1a 64, hex.
    pub fn fingerprint(&self, file_path: &str) -> String {
        let mut key = format!("{}\u{0}{file_path}\u{0}", self.rule);
        match &self.resource {
            Some(r) => {
                key.push_str(&format!(
                    "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
                    r.api_version,
                    r.kind,
                    r.namespace.as_deref().unwrap_or(""),
                    r.name.as_deref().unwrap_or(""),
                    display_path(&self.path)
                ));
            }
            None => key.push_str(&self.message),
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    /// The order every report uses: file, line, column, rule (then message, so
    /// equal positions stay deterministic).
    pub fn sort_key(&self) -> (usize, usize, usize, &str, &str) {
        (self.file, self.line, self.column, &self.rule, &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_lines() {
        let f = Finding {
            rule: "pod-security/privileged".into(),
            severity: Severity::Error,
            message: "m".into(),
            file: 0,
            start: 10,
            end: 20,
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 15,
            resource: Some(ResourceRef {
                api_version: "v1".into(),
                kind: "Pod".into(),
                name: Some("a".into()),
                namespace: None,
            }),
            path: vec![PathSeg::Key("spec".into())],
            suppressed: None,
            source: None,
            owner: None,
        };
        let mut moved = f.clone();
        moved.line = 40;
        moved.start = 400;
        assert_eq!(f.fingerprint("a.yaml"), moved.fingerprint("a.yaml"));
        assert_ne!(f.fingerprint("a.yaml"), f.fingerprint("b.yaml"));
        assert_eq!(f.fingerprint("a.yaml").len(), 16);
    }

    #[test]
    fn path_display_quotes_odd_keys() {
        let p = vec![
            PathSeg::Key("spec".into()),
            PathSeg::Key("containers".into()),
            PathSeg::Index(0),
            PathSeg::Key("securityContext".into()),
        ];
        assert_eq!(display_path(&p), "spec.containers[0].securityContext");
        let p = vec![
            PathSeg::Key("metadata".into()),
            PathSeg::Key("annotations".into()),
            PathSeg::Key("a.b/c".into()),
        ];
        assert_eq!(display_path(&p), "metadata.annotations[\"a.b/c\"]");
        assert_eq!(display_path(&[]), "");
    }
}
