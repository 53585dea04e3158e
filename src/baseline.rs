//! Baselines for adopting kubeward on an existing repository: record today's
//! findings by a line-free fingerprint (rule, file, resource identity, field
//! path), then report only findings that are not in the record.

use crate::finding::{display_path, Finding, Suppression};
use crate::outcome::Outcome;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding. Everything but `fingerprint` and `count` is there for
/// people reading the diff; matching uses the fingerprint alone.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub rule: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    pub fingerprint: String,
    pub count: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write baseline {path}: {message}")]
    Write { path: String, message: String },
}

fn resource_label(f: &Finding) -> String {
    f.resource
        .as_ref()
        .map(|r| {
            let name = r.name.as_deref().unwrap_or("");
            match &r.namespace {
                Some(ns) => format!("{} {ns}/{name}", r.kind),
                None => format!("{} {name}", r.kind),
            }
        })
        .unwrap_or_default()
}

/// The baseline of an outcome's active findings, sorted for stable diffs.
pub fn record(outcome: &Outcome) -> BaselineFile {
    let mut map: BTreeMap<(String, String, String, String, String), usize> = BTreeMap::new();
    for f in outcome.active() {
        let file = outcome
            .files
            .get(f.file)
            .map(|s| s.path.clone())
            .unwrap_or_default();
        let key = (
            file.clone(),
            f.rule.clone(),
            resource_label(f),
            display_path(&f.path),
            f.fingerprint(&file),
        );
        *map.entry(key).or_default() += 1;
    }
    BaselineFile {
        version: 1,
        findings: map
            .into_iter()
            .map(|((file, rule, resource, path, fingerprint), count)| Entry {
                file,
                rule,
                resource,
                path,
                fingerprint,
                count,
            })
            .collect(),
    }
}

pub fn write(outcome: &Outcome, path: &Path) -> Result<usize, BaselineError> {
    let b = record(outcome);
    let n = b.findings.iter().map(|e| e.count).sum();
    let mut text = serde_json::to_string_pretty(&b).map_err(|e| BaselineError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    text.push('\n');
    crate::atomic_file::write_atomically(path, |w| w.write_all(text.as_bytes())).map_err(|e| {
        BaselineError::Write {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    })?;
    Ok(n)
}

/// Reads a baseline of at most `max` bytes (the run's `--max-file-size`).
pub fn read(path: &Path, max: u64) -> Result<BaselineFile, BaselineError> {
    let err = |message: String| BaselineError::Read {
        path: path.display().to_string(),
        message,
    };
    let text = crate::input::read_option_file(path, max).map_err(err)?;
    let b: BaselineFile = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    if b.version != 1 {
        return Err(err(format!("unsupported baseline version {}", b.version)));
    }
    Ok(b)
}

/// Marks findings recorded in the baseline as suppressed (each recorded
/// occurrence silences one finding). Returns how many were baselined.
pub fn apply(findings: &mut [Finding], file_paths: &[String], baseline: &BaselineFile) -> usize {
    let mut budget: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &baseline.findings {
        *budget.entry(e.fingerprint.as_str()).or_default() += e.count;
    }
    let mut n = 0;
    for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
        let file = file_paths.get(f.file).map(String::as_str).unwrap_or("");
        let fp = f.fingerprint(file);
        if let Some(left) = budget.get_mut(fp.as_str()) {
            if *left > 0 {
                *left -= 1;
                n += 1;
                f.suppressed = Some(Suppression {
                    kind: "baseline",
                    reason: None,
                });
            }
        }
    }
    n
}
