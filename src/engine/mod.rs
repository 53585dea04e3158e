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
pub use eval::{default_programs, EngineError, Evaluator, Plan, RawFinding, POD_BEARING};
pub use metadata::RuleMeta;
