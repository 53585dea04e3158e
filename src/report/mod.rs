//! Report formats. Each is a plain function of the finished `Outcome`; only the
//! human format uses miette.

pub mod compact;
pub mod human;
pub mod json;

use crate::engine::Catalog;
use crate::rules_builtin::builtin;

/// The remediation text shown as help for a rule id.
pub fn remediation<'a>(catalog: &'a Catalog, rule: &str) -> Option<&'a str> {
    if let Some(r) = catalog.rule(rule) {
        return Some(r.meta.remediation.as_str());
    }
    builtin(rule).map(|b| b.remediation)
}

/// `1 error`, `2 warnings`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
