//! The configs of a run (`.kubeward.yaml`): each linted file uses the nearest
//! one above it, or `--config` for all; found once per directory.

use crate::engine::Catalog;
use crate::problem::Problem;
use crate::{catalog_doc, config, rules_builtin};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configs of a run: each linted file uses the nearest one above it.
pub struct Configs {
    /// The size cap configs are read under: the command line's, never a config's.
    max_file_bytes: u64,
    pub loaded: Vec<config::Config>,
    by_path: BTreeMap<PathBuf, usize>,
    by_dir: BTreeMap<PathBuf, Option<usize>>,
}

impl Configs {
    /// No config loaded yet; configs are read under `max_file_bytes`.
    pub fn new(max_file_bytes: u64) -> Configs {
        Configs {
            max_file_bytes,
            loaded: Vec::new(),
            by_path: BTreeMap::new(),
            by_dir: BTreeMap::new(),
        }
    }

    /// The config at index `i` (None: no config).
    pub fn get(&self, i: Option<usize>) -> Option<&config::Config> {
        i.and_then(|i| self.loaded.get(i))
    }

    /// Rule ids the configs name that no rule has (known only once user
    /// policies joined the catalogue): warnings at the config's line.
    pub fn unknown_ids(&self, catalog: &Catalog) -> Vec<Problem> {
        let mut out = Vec::new();
        for c in &self.loaded {
            let name = c
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            for w in c
                .unknown_ids
                .iter()
                .filter(|w| !rule_exists(catalog, &w.id))
            {
                out.push(Problem::note(
                    format!("{name}:{}:{}", w.line, w.column),
                    w.message.clone(),
                ));
            }
        }
        out
    }

    pub fn load(&mut self, path: &Path, catalog: &Catalog) -> Result<usize, config::ConfigErrors> {
        if let Some(i) = self.by_path.get(path) {
            return Ok(*i);
        }
        let known = |id: &str| rule_exists(catalog, id);
        let suggest = |id: &str| catalog_doc::suggest(catalog, id);
        let c = config::load(path, self.max_file_bytes, &known, &suggest)?;
        self.loaded.push(c);
        self.by_path
            .insert(path.to_path_buf(), self.loaded.len() - 1);
        Ok(self.loaded.len() - 1)
    }

    /// The nearest config above `start` (cached per directory).
    pub fn nearest(
        &mut self,
        start: &Path,
        catalog: &Catalog,
    ) -> Result<Option<usize>, config::ConfigErrors> {
        let dir = crate::paths::absolute_normal(start)
            .ok()
            .map(|a| {
                if a.is_dir() {
                    a
                } else {
                    a.parent().map(|p| p.to_path_buf()).unwrap_or(a)
                }
            })
            .unwrap_or_else(|| start.to_path_buf());
        self.nearest_in_dir(&dir, catalog)
    }

    /// The nearest config at or above directory `dir` (absolute). Every
    /// directory's answer is remembered, so a walk of thousands of files looks
    /// at each directory once (per file, the whole chain of parents cost ~0.1 s
    /// on the bulk corpus).
    pub fn nearest_in_dir(
        &mut self,
        dir: &Path,
        catalog: &Catalog,
    ) -> Result<Option<usize>, config::ConfigErrors> {
        if let Some(hit) = self.by_dir.get(dir) {
            return Ok(*hit);
        }
        let found = match config::in_dir(dir) {
            Some(p) => Some(self.load(&p, catalog)?),
            None => match dir.parent() {
                Some(parent) => self.nearest_in_dir(parent, catalog)?,
                None => None,
            },
        };
        self.by_dir.insert(dir.to_path_buf(), found);
        Ok(found)
    }
}

/// Whether an id names a rule, a loader/engine check, or a category prefix.
pub fn rule_exists(catalog: &Catalog, id: &str) -> bool {
    if id.ends_with('/') {
        return catalog.rules.iter().any(|r| r.meta.id.starts_with(id))
            || rules_builtin::BUILTIN.iter().any(|b| b.id.starts_with(id));
    }
    catalog.rule(id).is_some() || rules_builtin::is_builtin(id)
}
