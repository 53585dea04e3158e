//! The JSON Kubernetes makes of a document: what `YAMLToJSON` writes, as read back by
//! apimachinery (`pkg/util/json` `convertNumber`: an integer if it fits int64, else a
//! float64).

use serde_json::{Map, Number, Value};

use super::{Node, NodeKind, Scalar};

/// Converts a tree to the JSON value Kubernetes would store.
///
/// Numbers: `Int` and `UInt` stay integers (a `UInt` is printed exactly, as
/// `YAMLToJSON` does). A `Float` goes through Go's JSON text: `json.Marshal` prints the
/// shortest round-trip digits without an exponent below 1e21, and when that text is an
/// integer that fits int64, apimachinery reads it back as one (`1.0` -> 1, `1e3` ->
/// 1000, `-0.0` -> 0, but `1e20` stays a float). `.inf`/`.nan` never reach a returned
/// document (the loader rejects them); here they become `null`.
///
/// Recursive: the depth is bounded by `Limits::max_depth`.
pub fn to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(s) => scalar(s),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        NodeKind::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for e in entries {
                map.insert(e.key.clone(), to_json(&e.value));
            }
            Value::Object(map)
        }
    }
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(i) => Value::Number((*i).into()),
        Scalar::UInt(u) => Value::Number((*u).into()),
        Scalar::Float(f) => float(*f),
        Scalar::Str(s) => Value::String(s.clone()),
    }
}

fn float(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        // Rust's Display is the shortest round-trip decimal without exponent, which is
        // Go's 'f' formatting in this range.
        if let Ok(i) = format!("{f}").parse::<i64>() {
            return Value::Number(i.into());
        }
    }
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Span;

    fn num(f: f64) -> Value {
        float(f)
    }

    #[test]
    fn floats_normalise_like_apimachinery() {
        assert_eq!(num(1.0), Value::from(1));
        assert_eq!(num(1000.0), Value::from(1000));
        assert_eq!(num(-0.0), Value::from(0));
        assert_eq!(num(1.5), Value::from(1.5));
        assert_eq!(num(1e20), Value::from(1e20));
        assert_eq!(num(1e21), Value::from(1e21));
        // Go prints -9223372036854775808.0 as -9223372036854776000: out of int64 range.
        assert_eq!(
            num(-9223372036854775808.0),
            Value::from(-9.223372036854776e18)
        );
        // The largest float below 2^63 prints as 9223372036854775000, which fits.
        assert_eq!(
            num(9223372036854774784.0),
            Value::from(9223372036854775000i64)
        );
        assert_eq!(num(f64::NAN), Value::Null);
    }

    #[test]
    fn uint_stays_exact() {
        let node = Node {
            kind: NodeKind::Scalar(Scalar::UInt(12345678901234567890)),
            span: Span::default(),
        };
        assert_eq!(to_json(&node).to_string(), "12345678901234567890");
    }
}
