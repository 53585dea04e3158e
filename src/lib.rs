//! kubeward: an offline Kubernetes manifest linter, as a library. A run is a
//! pipeline of stages ([`run`]: discover -> load -> context -> evaluate ->
//! suppress -> report); [`Linter`] is its API: build it once, lint paths or
//! in-memory text as often as needed. No clap, no printing, no process exit.
//!
//! ```no_run
//! let linter = kubeward::Linter::new(kubeward::Settings::default())?;
//! let outcome = linter.lint_paths(&["k8s/".into()])?;
//! for f in outcome.active() {
//!     println!("{}:{}:{} {} {}", outcome.files[f.file].path, f.line, f.column, f.rule, f.message);
//! }
//! # Ok::<(), kubeward::RunError>(())
//! ```

// The pipeline and its API.
pub mod kube_version;
pub mod outcome;
pub mod problem;
pub mod run;
pub mod settings;

// Input: finding and reading files, YAML with spans, Helm charts.
pub mod discover;
pub mod evict;
pub mod helm;
pub mod input;
pub mod kustomize;
pub mod limits;
pub mod paths;
pub mod project;
pub mod resource;
pub mod source;
pub mod yaml;

// Rules: the catalogue, the engines, user policies, Kubernetes kind knowledge.
pub mod catalog_doc;
pub mod engine;
mod fnv;
pub mod inventory;
pub mod kinds;
pub mod policy;
pub mod policy_test;
pub mod rules_builtin;
pub mod schema;
pub mod suggest;

// Findings: where they point, what silences them, how they are reported.
pub mod atomic_file;
pub mod baseline;
pub mod config;
pub mod finding;
pub mod fixtures;
pub mod locate;
pub mod parallel;
pub mod redact;
pub mod report;
pub mod suppress;

pub use kube_version::{parse_kube_version, DEFAULT_KUBE_VERSION};
pub use outcome::Outcome;
pub use problem::Problem;
pub use run::{lint, Linter, RunError};
pub use settings::{ConfigChoice, Settings};
