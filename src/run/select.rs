//! Which rules run and report where, and at which severity: `--only` names
//! the rules to run (opt-in ones included); each file's config can still
//! switch a rule off, re-grade it or ignore findings for the files it covers.

use super::configs::Configs;
use crate::config::{self, Config, Ignore};
use crate::finding::Severity;
use std::path::{Path, PathBuf};

pub struct Selection<'a> {
    only: Option<&'a [String]>,
    configs: &'a Configs,
    /// Per file: its config and its path relative to that config.
    file_cfg: &'a [(Option<usize>, Option<PathBuf>)],
}

impl<'a> Selection<'a> {
    pub fn new(
        only: Option<&'a [String]>,
        configs: &'a Configs,
        file_cfg: &'a [(Option<usize>, Option<PathBuf>)],
    ) -> Selection<'a> {
        Selection {
            only,
            configs,
            file_cfg,
        }
    }

    /// The config of a file and the file's path relative to it.
    fn config_of(&self, file: usize) -> Option<(&Config, Option<&Path>)> {
        let (c, rel) = self.file_cfg.get(file)?;
        Some((self.configs.get(*c)?, rel.as_deref()))
    }

    /// Whether `--only` (when given) selects the id.
    pub fn selected(&self, id: &str) -> bool {
        self.only
            .is_none_or(|only| only.iter().any(|o| config::selects_id(o, id)))
    }

    /// Whether rule `id` (on by `default`) runs for `file`.
    pub fn enabled(&self, id: &str, default: bool, file: usize) -> bool {
        let default = match self.only {
            Some(_) => self.selected(id),
            None => default,
        };
        match self.file_cfg.get(file) {
            Some((Some(_), _)) => self
                .config_of(file)
                .is_none_or(|(c, rel)| c.enabled(id, default, rel)),
            _ => default,
        }
    }

    /// Whether rule `id` runs for any file of the run.
    pub fn enabled_anywhere(&self, id: &str, default: bool) -> bool {
        (0..self.file_cfg.len().max(1)).any(|f| self.enabled(id, default, f))
    }

    /// Whether the file's config lets a check that always runs report
    /// (`--only` does not select these: loader checks, policy errors).
    pub fn config_allows(&self, id: &str, file: usize) -> bool {
        self.config_of(file)
            .is_none_or(|(c, rel)| c.enabled(id, true, rel))
    }

    /// The severity of rule `id` in `file`.
    pub fn severity(&self, id: &str, default: Severity, file: usize) -> Severity {
        self.config_of(file)
            .map_or(default, |(c, rel)| c.severity(id, default, rel))
    }

    /// The config `ignore:` entries that apply to `file`.
    pub fn ignores(&self, file: usize) -> Vec<Ignore> {
        self.config_of(file)
            .map(|(c, _)| c.ignore.clone())
            .unwrap_or_default()
    }
}
