//! The regorus wrapper: the rule catalogue, kind dispatch, one engine per worker.

pub mod bundle;
pub mod convert;
mod deps;
pub mod eval;
pub mod metadata;
pub mod profile;

pub use bundle::{Catalog, PolicySource, Rule};
pub use eval::{EngineError, Evaluator, Plan, RawFinding, POD_BEARING};
pub use metadata::RuleMeta;
