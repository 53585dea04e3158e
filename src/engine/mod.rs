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

/// An engine the run can be held to (`KUBEWARD_ENGINE`, for tests and
/// measurements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// regorus's bytecode VM, with compiled programs.
    Rvm,
    /// regorus's tree-walking interpreter.
    Interpreter,
}

/// How the bundled rules are evaluated. The binary reads these from the
/// environment (`KUBEWARD_ENGINE`, `KUBEWARD_PROGRAMS`); the library never does.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Hold every run to one engine; None: the size of the run decides.
    pub force: Option<EngineKind>,
    /// Never read or write compiled programs (not on disk, not in memory):
    /// every run compiles (tests and measurements of the compilation).
    pub no_program_cache: bool,
    /// Compiled programs kept in memory for the runs of one process (a
    /// [`crate::Linter`] shares its own with all its runs); None: only the
    /// cache directory keeps them.
    pub memory: Option<programs::Memory>,
}

impl EngineOptions {
    /// The options the environment variables' values ask for:
    /// `KUBEWARD_ENGINE=rvm|interpreter`, `KUBEWARD_PROGRAMS=compile`.
    pub fn from_env_values(engine: Option<&str>, programs: Option<&str>) -> EngineOptions {
        EngineOptions {
            force: match engine {
                Some("rvm") => Some(EngineKind::Rvm),
                Some("interpreter") => Some(EngineKind::Interpreter),
                _ => None,
            },
            no_program_cache: programs == Some("compile"),
            memory: None,
        }
    }
}
