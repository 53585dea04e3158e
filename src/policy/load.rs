//! Finding user policies on disk: `.rego` modules (tests apart), Gatekeeper
//! documents in YAML/JSON files, `testdata/` fixtures; and `--data` files.

use super::rego::{self, Module, RegoVersion};
use super::PolicyError;
use crate::source::SourceFile;
use crate::yaml::Node;
use regorus::Value;
use std::path::{Path, PathBuf};

/// A ConstraintTemplate or constraint document and the file it is in.
#[derive(Debug, Clone)]
pub struct GatekeeperDoc {
    pub file: SourceFile,
    pub root: Node,
    /// Found among the linted files (`--gatekeeper`), not in a policy path: a
    /// template that cannot be used is then reported on the file and skipped,
    /// instead of stopping the run (the tree is not the runner's to fix).
    pub linted: bool,
}

impl GatekeeperDoc {
    /// Whether a document is a ConstraintTemplate or a constraint.
    pub fn is_gatekeeper(root: &Node) -> bool {
        let api = root
            .get("apiVersion")
            .and_then(scalar_str)
            .unwrap_or_default();
        let kind = root.get("kind").and_then(scalar_str).unwrap_or_default();
        Self::is_gatekeeper_kind(&api, &kind)
    }

    /// [`GatekeeperDoc::is_gatekeeper`] of a resource's identity (which every
    /// resource keeps, evicted or not).
    pub fn is_gatekeeper_kind(api_version: &str, kind: &str) -> bool {
        (kind == "ConstraintTemplate" && api_version.starts_with("templates.gatekeeper.sh/"))
            || api_version.starts_with("constraints.gatekeeper.sh/")
    }
}

pub(crate) fn scalar_str(n: &Node) -> Option<String> {
    match &n.kind {
        crate::yaml::NodeKind::Scalar(crate::yaml::Scalar::Str(s)) => Some(s.clone()),
        _ => None,
    }
}

#[derive(Debug, Default)]
pub struct Found {
    pub modules: Vec<Module>,
    pub tests: Vec<Module>,
    pub gatekeeper: Vec<GatekeeperDoc>,
    pub fixtures: Vec<PathBuf>,
}

/// Reads every policy file under `paths` (directories are walked in sorted
/// order; hidden directories are skipped; `testdata/` holds fixtures, not
/// policies). A module that does not parse stops here, with its location.
/// Files are read as linted files are: at most `max` bytes, regular files only,
/// nothing under /proc, /sys or /dev.
pub fn load_paths(
    paths: &[PathBuf],
    forced: Option<RegoVersion>,
    max: u64,
) -> Result<Found, PolicyError> {
    let mut found = Found::default();
    for p in paths {
        let mut files: Vec<(PathBuf, bool)> = Vec::new();
        let shown = p.display().to_string();
        crate::paths::real_path(p).map_err(|why| {
            PolicyError::file(&shown, format!("cannot use this policy path: {why}"))
        })?;
        if p.is_dir() {
            walk(p, false, &mut files)?;
        } else {
            files.push((p.clone(), false));
        }
        let before = found.policy_count();
        for (path, in_testdata) in files {
            load_file(path, in_testdata, forced, max, &mut found)?;
        }
        // A path that yields nothing would make a run that enforces nothing
        // look like a clean one (a `.rego.bak`, an empty or misspelled
        // directory): that is a usage error.
        if found.policy_count() == before {
            return Err(PolicyError::file(
                &shown,
                "no policy found here: expected `.rego` files or Gatekeeper \
                 ConstraintTemplates/constraints in `.yaml`, `.yml` or `.json` files"
                    .into(),
            ));
        }
    }
    Ok(found)
}

impl Found {
    /// Policies, tests and Gatekeeper documents found so far.
    fn policy_count(&self) -> usize {
        self.modules.len() + self.tests.len() + self.gatekeeper.len()
    }
}

/// Reads one file found under a policy path into `found`.
fn load_file(
    path: PathBuf,
    in_testdata: bool,
    forced: Option<RegoVersion>,
    max: u64,
    found: &mut Found,
) -> Result<(), PolicyError> {
    let shown = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let is_manifest = matches!(ext, "yaml" | "yml" | "json");
    if in_testdata {
        if is_manifest && !found.fixtures.contains(&path) {
            found.fixtures.push(path);
        }
        return Ok(());
    }
    if ext != "rego" && !is_manifest {
        return Ok(());
    }
    let text = crate::input::read_option_file(&path, max)
        .map_err(|e| PolicyError::file(&shown, format!("cannot read: {e}")))?;
    if ext == "rego" {
        let module = rego::parse(&shown, &text, forced)?;
        if shown.ends_with("_test.rego") {
            found.tests.push(module);
        } else {
            found.modules.push(module);
        }
        return Ok(());
    }
    let file = SourceFile::new(shown, text.as_str());
    for doc in crate::yaml::load(&text).documents {
        if GatekeeperDoc::is_gatekeeper(&doc.root) {
            found.gatekeeper.push(GatekeeperDoc {
                file: file.clone(),
                root: doc.root,
                linted: false,
            });
        }
    }
    Ok(())
}

/// Collects the files below a policy directory. Symlinks are not followed
/// (a policy directory in a hostile repository could link to `/` or to the
/// runner's home), and only regular files are kept: a FIFO named `x.rego`
/// would block the reader forever.
fn walk(dir: &Path, in_testdata: bool, out: &mut Vec<(PathBuf, bool)>) -> Result<(), PolicyError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PolicyError::file(&dir.display().to_string(), format!("cannot read: {e}")))?;
    let mut kept: Vec<(PathBuf, bool)> = entries
        .flatten()
        .filter_map(|e| {
            let kind = e.file_type().ok()?;
            (kind.is_dir() || kind.is_file()).then(|| (e.path(), kind.is_dir()))
        })
        .collect();
    kept.sort();
    for (p, is_dir) in kept {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if is_dir {
            walk(&p, in_testdata || name == "testdata", out)?;
        } else {
            out.push((p, in_testdata));
        }
    }
    Ok(())
}

/// `--data` files: JSON or YAML (read as Kubernetes reads YAML), every
/// document merged into `data` in order; each of at most `max` bytes.
pub fn data_files(paths: &[PathBuf], max: u64) -> Result<Vec<Value>, PolicyError> {
    let mut out = Vec::new();
    for p in paths {
        let shown = p.display().to_string();
        let text = crate::input::read_option_file(p, max)
            .map_err(|e| PolicyError::file(&shown, format!("cannot read the data file: {e}")))?;
        let loaded = crate::yaml::load(&text);
        let source = SourceFile::new(shown.clone(), text.as_str());
        if let Some(issue) = loaded
            .issues
            .iter()
            .find(|i| i.rule == crate::rules_builtin::YAML_SYNTAX)
        {
            let pos = source.position(issue.span.start);
            return Err(PolicyError::at(
                source,
                pos.line,
                pos.column,
                issue.message.clone(),
                None,
            ));
        }
        for doc in loaded.documents {
            if !matches!(doc.root.kind, crate::yaml::NodeKind::Map(_)) {
                let pos = source.position(doc.root.span.start);
                return Err(PolicyError::at(
                    source.clone(),
                    pos.line,
                    pos.column,
                    "a data document must be a mapping (it is merged into `data`)".into(),
                    None,
                ));
            }
            out.push(crate::engine::convert::to_value(&doc.root));
        }
    }
    Ok(out)
}
