//! The checks only CRD schemas ask for ([`CrdChecks`], compiled by `schema::crd`): dropped
//! nulls, the value validations (lengths, bounds, patterns, formats, counts, uniqueness) and
//! the combinators. Kept apart from the walker they hook into, which is shared with the
//! built-in kinds (whose nodes have no `crd` part, so nothing here runs for them).

use std::collections::HashMap;

use super::{describe, describe_scalar, quote, Problem, Seg, Walker};
use crate::schema::crd_formats::{format_name, is_crd_format};
use crate::schema::types::{Bound, CrdChecks, Pattern, Type, TypeId};
use crate::yaml::{Entry, Node, NodeKind, Scalar, Span};

impl<'n> Walker<'_, 'n> {
    /// Whether field `e` of an object of type `t` (its own type `ct`) is a null the API
    /// server drops or defaults before validating (so it is not checked); a dropped
    /// required field is reported missing, at the null.
    pub(super) fn null_dropped(&mut self, t: &Type, ct: &Type, e: &'n Entry) -> bool {
        if !e.value.is_null() {
            return false;
        }
        let (Some(object), Some(field)) = (t.crd.as_deref(), ct.crd.as_deref()) else {
            return false;
        };
        if !object.drops_nulls || field.nullable {
            return false;
        }
        if !field.has_default && t.is_required(&e.key) {
            let msg = format!(
                "{} is null, and a null field that is not nullable is dropped: the required \
                 field is missing",
                self.here()
            );
            self.report(Problem::MissingRequired, e.value.span, msg);
        }
        true
    }

    /// The value validations and combinators of `c` on a value whose type already passed.
    pub(super) fn crd_checks(&mut self, c: &CrdChecks, node: &'n Node, span: Span, depth: usize) {
        match &node.kind {
            NodeKind::Scalar(Scalar::Str(s)) => self.string(c, s, span),
            NodeKind::Scalar(s @ (Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_))) => {
                self.number(c, s, span)
            }
            NodeKind::Seq(items) => self.items(c, items, span),
            NodeKind::Map(entries) => {
                let n = entries.len() as u64;
                self.count(
                    (c.min_properties, c.max_properties),
                    n,
                    ("property", "properties"),
                    span,
                );
            }
            NodeKind::Scalar(_) => {}
        }
        self.combinators(c, node, span, depth);
    }

    fn string(&mut self, c: &CrdChecks, s: &str, span: Span) {
        if c.min_length.is_some() || c.max_length.is_some() {
            // Characters, as Go's validator counts them (runes), not bytes.
            let n = s.chars().count() as u64;
            if let Some(min) = c.min_length.filter(|m| n < *m) {
                let msg = format!(
                    "{} must be at least {min} characters long, got {n}",
                    self.here()
                );
                self.report(Problem::InvalidValue, span, msg);
            }
            if let Some(max) = c.max_length.filter(|m| n > *m) {
                let msg = format!(
                    "{} must be at most {max} characters long, got {n}",
                    self.here()
                );
                self.report(Problem::InvalidValue, span, msg);
            }
        }
        let unmatched = |p: &&Pattern| p.regex().is_some_and(|r| !r.is_match(s));
        if let Some(p) = c.pattern.as_ref().filter(unmatched) {
            let msg = format!(
                "{} must match the pattern {}, got {}",
                self.here(),
                quote(p.as_str()),
                quote(s)
            );
            self.report(Problem::InvalidValue, span, msg);
        }
        if let Some(f) = c.format.filter(|f| !is_crd_format(*f, s)) {
            let msg = format!(
                "{} is not a valid {}: {}",
                self.here(),
                format_name(f),
                quote(s)
            );
            self.report(Problem::InvalidValue, span, msg);
        }
    }

    fn number(&mut self, c: &CrdChecks, s: &Scalar, span: Span) {
        let x = match s {
            Scalar::Int(i) => *i as f64,
            Scalar::UInt(u) => *u as f64,
            Scalar::Float(f) if f.is_finite() => *f,
            _ => return,
        };
        let shown = || describe_scalar(s);
        if let Some(b) = c.minimum.filter(|b| below(x, *b)) {
            let how = if b.exclusive {
                "greater than"
            } else {
                "at least"
            };
            let msg = format!("{} must be {how} {}, got {}", self.here(), b.value, shown());
            self.report(Problem::InvalidValue, span, msg);
        }
        if let Some(b) = c.maximum.filter(|b| above(x, *b)) {
            let how = if b.exclusive { "less than" } else { "at most" };
            let msg = format!("{} must be {how} {}, got {}", self.here(), b.value, shown());
            self.report(Problem::InvalidValue, span, msg);
        }
        if let Some(f) = c.multiple_of.filter(|f| !is_multiple(x, *f)) {
            let msg = format!("{} must be a multiple of {f}, got {}", self.here(), shown());
            self.report(Problem::InvalidValue, span, msg);
        }
    }

    fn items(&mut self, c: &CrdChecks, items: &'n [Node], span: Span) {
        self.count(
            (c.min_items, c.max_items),
            items.len() as u64,
            ("item", "items"),
            span,
        );
        if !c.unique_items {
            return;
        }
        // Equal JSON is an equal item: objects compare whatever their key order
        // (serde_json's maps are sorted).
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, item) in items.iter().enumerate() {
            let key = crate::yaml::to_json(item).to_string();
            if let Some(&first) = seen.get(&key) {
                self.path.push(Seg::Index(i));
                let msg = format!(
                    "{} repeats item [{first}]; the list's items must be unique",
                    self.here()
                );
                self.report(Problem::InvalidValue, item.span, msg);
                self.path.pop();
            } else {
                seen.insert(key, i);
            }
        }
    }

    /// `minItems`/`maxItems`, `minProperties`/`maxProperties`: `n` things named `names`
    /// (singular, plural).
    fn count(
        &mut self,
        bounds: (Option<u64>, Option<u64>),
        n: u64,
        names: (&str, &str),
        span: Span,
    ) {
        let name = |k: u64| if k == 1 { names.0 } else { names.1 };
        if let Some(min) = bounds.0.filter(|m| n < *m) {
            let msg = format!(
                "{} must have at least {min} {}, got {n}",
                self.here(),
                name(min)
            );
            self.report(Problem::InvalidValue, span, msg);
        }
        if let Some(max) = bounds.1.filter(|m| n > *m) {
            let msg = format!(
                "{} must have at most {max} {}, got {n}",
                self.here(),
                name(max)
            );
            self.report(Problem::InvalidValue, span, msg);
        }
    }

    /// `allOf` (each alternative's own violations), `anyOf` (at least one passes), `oneOf`
    /// (exactly one) and `not`.
    fn combinators(&mut self, c: &CrdChecks, node: &'n Node, span: Span, depth: usize) {
        let schema = self.schema;
        for &id in c.all_of.iter() {
            self.value(schema.ty(id), node, span, depth + 1);
        }
        if !c.any_of.is_empty() {
            let (passing, first) = self.passing(&c.any_of, node, depth);
            if passing == 0 {
                let msg = format!(
                    "{} matches none of the {} forms its schema allows (anyOf){}",
                    self.here(),
                    c.any_of.len(),
                    because(first)
                );
                self.report(Problem::InvalidValue, span, msg);
            }
        }
        if !c.one_of.is_empty() {
            let (passing, first) = self.passing(&c.one_of, node, depth);
            let n = c.one_of.len();
            let msg = match passing {
                1 => None,
                0 => Some(format!(
                    "{} matches none of the {n} forms its schema allows (oneOf){}",
                    self.here(),
                    because(first)
                )),
                k => Some(format!(
                    "{} matches {k} of the {n} forms its schema allows, and must match exactly \
                     one (oneOf)",
                    self.here()
                )),
            };
            if let Some(msg) = msg {
                self.report(Problem::InvalidValue, span, msg);
            }
        }
        if let Some(id) = c.not {
            if self.passing(&[id], node, depth).0 == 1 {
                let msg = format!(
                    "{} is {}, which its schema forbids (not)",
                    self.here(),
                    describe(node)
                );
                self.report(Problem::InvalidValue, span, msg);
            }
        }
    }

    /// How many of `alternatives` `node` passes (each checked quietly), and the first
    /// message of the first one that fails.
    fn passing(
        &mut self,
        alternatives: &[TypeId],
        node: &'n Node,
        depth: usize,
    ) -> (usize, Option<String>) {
        let schema = self.schema;
        let mut passing = 0;
        let mut first = None;
        for &id in alternatives {
            let before = self.out.len();
            self.value(schema.ty(id), node, node.span, depth + 1);
            if self.out.len() == before {
                passing += 1;
            } else if first.is_none() {
                first = Some(self.out[before].message.clone());
            }
            self.out.truncate(before);
        }
        (passing, first)
    }
}

fn because(first: Option<String>) -> String {
    first
        .map(|m| format!("; the first says: {m}"))
        .unwrap_or_default()
}

fn below(x: f64, b: Bound) -> bool {
    if b.exclusive {
        x <= b.value
    } else {
        x < b.value
    }
}

fn above(x: f64, b: Bound) -> bool {
    if b.exclusive {
        x >= b.value
    } else {
        x > b.value
    }
}

/// go-openapi's `MultipleOf`: the quotient must be an integer, within a relative 1e-9 for
/// the rounding of binary fractions (0.3 is a multiple of 0.1).
fn is_multiple(x: f64, f: f64) -> bool {
    let q = if f < 1.0 { x * (1.0 / f) } else { x / f };
    if !q.is_finite() {
        return false;
    }
    q.fract() == 0.0 || q == 0.0 || ((q - q.round()).abs() / q.abs()) < 1e-9
}
