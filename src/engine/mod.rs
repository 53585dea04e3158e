//! The regorus wrapper: the rule catalogue, kind dispatch, one engine per worker.

pub mod bundle;
pub mod convert;
mod deps;
pub mod eval;
pub mod implied;
pub mod metadata;
pub mod profile;
pub mod programs;

pub use bundle::{Catalog, PolicySource, Rule};
pub use eval::{default_programs, EngineError, Evaluator, Plan, RawFinding};
pub use metadata::RuleMeta;

/// How long one rule may evaluate on one resource before it is stopped (and
/// reported as a `kubeward/policy-error` on that resource): bundled rules and
/// user policies alike (`--policy-timeout`).
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);
