//! One finding per problem. A rule may declare in its METADATA that another
//! rule's finding already says everything its own would (`custom.implied-by:
//! [ids]`): `pod-security/drop-net-raw` ("keeps NET_RAW") beside
//! `pod-security/capabilities-restricted` ("does not drop ALL") on the same
//! `capabilities.drop` tells the reader nothing new.
//!
//! The implied finding is dropped when a finding of an implying rule is at the
//! *same place*: the same resource and the same field path (the rules of a pair
//! point at the same field when they report the same thing, so "same field" is
//! exact path equality: two containers, or two fields of one container, are
//! never the same place). It is kept when
//! - the implying rule did not run or was not reported (switched off by
//!   `--only`, by config for that file, opt-in): nothing else says it;
//! - its own (configured) severity is higher than the implying finding's: it
//!   would change what fails the run.
//!
//! An implying finding that is suppressed (comment, annotation, config,
//! baseline) still implies: the user accepted a finding that contains this one.
//! The implied finding still goes through suppression matching, so a
//! suppression written for it counts as used (it is not stale: the problem is
//! there, and the finding comes back whenever the implying rule stops running),
//! and is then removed from the report.

use super::Catalog;
use crate::finding::{Finding, PathSeg, Severity};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Which rules imply which: implied id -> implying ids. Declarations that would
/// close a cycle (a user rule implying a rule that implies it) are left out, so
/// two findings can never remove each other.
#[derive(Debug, Default)]
pub struct Implications {
    implied_by: BTreeMap<String, BTreeSet<String>>,
}

impl Implications {
    pub fn new(catalog: &Catalog) -> Implications {
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for r in &catalog.rules {
            for a in &r.meta.implied_by {
                if *a != r.meta.id {
                    edges
                        .entry(r.meta.id.clone())
                        .or_default()
                        .insert(a.clone());
                }
            }
        }
        let mut implied_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (b, implying) in &edges {
            for a in implying {
                // Keep b <- a unless a is (transitively) implied by b.
                if !reaches(&edges, a, b) {
                    implied_by.entry(b.clone()).or_default().insert(a.clone());
                }
            }
        }
        Implications { implied_by }
    }

    pub fn is_empty(&self) -> bool {
        self.implied_by.is_empty()
    }

    /// For each finding, whether it is implied by another finding of the list
    /// about the same resource (a finding about no resource is never implied).
    pub fn implied(&self, findings: &[Finding]) -> Vec<bool> {
        let mut out = vec![false; findings.len()];
        if self.is_empty() {
            return out;
        }
        let implying: BTreeSet<&str> = self
            .implied_by
            .values()
            .flatten()
            .map(String::as_str)
            .collect();
        // (resource, rule, path) -> the highest severity reported there.
        let mut at: HashMap<(usize, &str, &[PathSeg]), Severity> = HashMap::new();
        for f in findings {
            if let Some(o) = f.owner {
                if implying.contains(f.rule.as_str()) {
                    let e = at
                        .entry((o, f.rule.as_str(), f.path.as_slice()))
                        .or_insert(f.severity);
                    *e = (*e).max(f.severity);
                }
            }
        }
        for (f, flag) in findings.iter().zip(out.iter_mut()) {
            let (Some(o), Some(by)) = (f.owner, self.implied_by.get(&f.rule)) else {
                continue;
            };
            *flag = by.iter().any(|a| {
                at.get(&(o, a.as_str(), f.path.as_slice()))
                    .is_some_and(|sev| *sev >= f.severity)
            });
        }
        out
    }
}

/// Whether `to` is reachable from `from` following implied -> implying edges.
fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if !seen.insert(n) {
            continue;
        }
        if let Some(next) = edges.get(n) {
            stack.extend(next.iter().map(String::as_str));
        }
    }
    false
}

/// Removes the findings `implied` marks (indices of the first `implied.len()`).
pub fn remove_implied(findings: &mut Vec<Finding>, implied: &[bool]) {
    if !implied.contains(&true) {
        return;
    }
    let mut i = 0;
    findings.retain(|_| {
        let keep = !implied.get(i).copied().unwrap_or(false);
        i += 1;
        keep
    });
}

/// Checks the catalogue's declarations: every id names a rule of the catalogue,
/// and no chain of declarations comes back to where it started.
pub fn check(catalog: &Catalog) -> Result<(), (String, String)> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &catalog.rules {
        for a in &r.meta.implied_by {
            if catalog.rule(a).is_none() {
                return Err((
                    r.meta.file.clone(),
                    format!("implied-by names {a}, which is not a rule"),
                ));
            }
            edges
                .entry(r.meta.id.clone())
                .or_default()
                .insert(a.clone());
        }
    }
    for (b, implying) in &edges {
        for a in implying {
            if reaches(&edges, a, b) {
                let file = catalog.rule(b).map(|r| r.meta.file.clone());
                return Err((
                    file.unwrap_or_default(),
                    format!("implied-by {a} closes a cycle: {a} is itself implied by {b}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PolicySource, Rule};

    fn rule(id: &str, implied_by: &[&str]) -> Rule {
        let file = format!("rules/{id}.rego");
        let mut meta =
            crate::policy::synthetic_meta(id.into(), String::new(), Severity::Info, &file, "");
        meta.implied_by = implied_by.iter().map(|s| s.to_string()).collect();
        Rule {
            meta,
            source: PolicySource {
                path: String::new(),
                text: String::new(),
            },
            user: false,
        }
    }

    fn finding(rule: &str, sev: Severity, path: &[&str]) -> Finding {
        let mut f = crate::locate::located(
            0,
            &crate::source::SourceFile::new("x.yaml", String::new()),
            crate::yaml::Span::new(0, 0),
            "",
            sev,
            String::new(),
        );
        f.rule = rule.into();
        f.path = path.iter().map(|k| PathSeg::Key(k.to_string())).collect();
        f
    }

    fn catalog(rules: Vec<Rule>) -> Catalog {
        Catalog {
            rules,
            ..Default::default()
        }
    }

    #[test]
    fn drops_only_at_the_same_field_of_the_same_resource() {
        let c = catalog(vec![rule("a/wide", &[]), rule("a/narrow", &["a/wide"])]);
        let imp = Implications::new(&c);
        let mut fs = vec![
            finding("a/wide", Severity::Warning, &["spec", "x"]),
            finding("a/narrow", Severity::Info, &["spec", "x"]), // same place
            finding("a/narrow", Severity::Info, &["spec", "y"]), // other field
            finding("a/narrow", Severity::Info, &["spec", "x"]), // other resource
            finding("a/narrow", Severity::Error, &["spec", "x"]), // more severe
            finding("a/narrow", Severity::Info, &["spec", "x"]), // no resource
        ];
        let owners = [Some(0), Some(0), Some(0), Some(1), Some(0), None];
        for (f, o) in fs.iter_mut().zip(owners) {
            f.owner = o;
        }
        assert_eq!(
            imp.implied(&fs),
            vec![false, true, false, false, false, false]
        );
        let mut kept = fs.clone();
        remove_implied(&mut kept, &imp.implied(&fs));
        assert_eq!(kept.len(), 5);
    }

    #[test]
    fn cycles_are_rejected_and_never_remove_both() {
        let c = catalog(vec![rule("a/one", &["a/two"]), rule("a/two", &["a/one"])]);
        assert!(check(&c).is_err());
        let imp = Implications::new(&c);
        let fs = vec![
            finding("a/one", Severity::Info, &["k"]).owned_by(0),
            finding("a/two", Severity::Info, &["k"]).owned_by(0),
        ];
        assert_eq!(imp.implied(&fs), vec![false, false]);
        let unknown = catalog(vec![rule("a/one", &["a/none"])]);
        assert!(check(&unknown).is_err());
        assert!(check(&catalog(vec![rule("a/w", &[]), rule("a/n", &["a/w"])])).is_ok());
    }
}
