//! What a run is asked to do: the paths, the configuration choice and every
//! option, already validated (the CLI builds it; a library caller too).

use crate::{helm, limits, policy};
use std::path::PathBuf;

/// Everything a run needs, already validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub excludes: Vec<String>,
    /// The name stdin is reported under (default `-`).
    pub stdin_filename: Option<String>,
    /// The bytes of stdin, when `-` is among the paths.
    pub stdin: Option<Vec<u8>>,
    /// Target Kubernetes version; None = the config's, else the newest known.
    pub kube_version: Option<(u32, u32)>,
    pub config: ConfigChoice,
    /// Report only findings not recorded in this baseline file.
    pub baseline: Option<PathBuf>,
    /// The namespace resources without `metadata.namespace` land in (Helm's
    /// release namespace, `kubectl apply -n`); None = unknown.
    pub namespace: Option<String>,
    /// Evaluate only these rule ids (loader checks always run).
    pub only_rules: Option<Vec<String>>,
    /// Worker threads; 0 = one per CPU.
    pub threads: usize,
    /// How Helm charts are rendered.
    pub helm: helm::HelmSettings,
    /// User policies (`--policy`, `--data`, ...).
    pub policies: policy::PolicyOptions,
    /// `--schema`: CRD files, directories of CRD files or of JSON schemas
    /// (`<group>/<kind>_<version>.json`) that validate custom resources.
    pub schemas: Vec<PathBuf>,
    /// Input limits set on the command line (they override the config's `limits:`).
    pub limits: limits::Limits,
    /// `--follow`: follow symlinks met while walking directories (only to
    /// targets inside the directory walked).
    pub follow_symlinks: bool,
    /// Cross-resource rules read the project's inventory, not only the linted
    /// files' (see [`project`]); a root's config can still switch it off.
    pub project_context: bool,
    /// Where the project inventory and rule program caches live; None: no cache.
    pub cache_dir: Option<PathBuf>,
    /// Rules read from this directory (laid out as `rules/`) instead of the
    /// ones built into the binary (`KUBEWARD_RULES_DIR`, for rule authors).
    pub rules_dir: Option<PathBuf>,
    /// How the bundled rules are evaluated (engine, compiled programs).
    pub engine: crate::engine::EngineOptions,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            paths: vec![PathBuf::from(".")],
            excludes: Vec::new(),
            stdin_filename: None,
            stdin: None,
            kube_version: None,
            config: ConfigChoice::Discover,
            baseline: None,
            namespace: None,
            only_rules: None,
            threads: 0,
            helm: helm::HelmSettings::default(),
            policies: policy::PolicyOptions::default(),
            schemas: Vec::new(),
            limits: limits::Limits::default(),
            follow_symlinks: false,
            project_context: false,
            cache_dir: None,
            rules_dir: None,
            engine: crate::engine::EngineOptions::default(),
        }
    }
}

impl Settings {
    /// Standard input as the loader reads it.
    pub fn stdin_input(&self) -> crate::input::Stdin<'_> {
        crate::input::Stdin {
            name: self.stdin_filename.as_deref(),
            bytes: self.stdin.as_deref().unwrap_or_default(),
        }
    }
}

/// Where configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The nearest `.kubeward.yaml` above each linted file (or `--stdin-filename`).
    Discover,
    /// `--config FILE` for every file.
    File(PathBuf),
    /// `--no-config`.
    Disabled,
}
