//! Span tree -> regorus `Value`, typed the way the API server stores it: JSON
//! numbers become int64 when they fit, float64 otherwise (apimachinery
//! `convertNumber`), so `1.0` is the integer 1 and `1e20` a float.

use crate::yaml::{Node, NodeKind, Scalar};
use regorus::Value;
use std::collections::BTreeMap;

pub fn to_value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Scalar(s) => scalar(s),
        NodeKind::Seq(items) => Value::from(items.iter().map(to_value).collect::<Vec<_>>()),
        NodeKind::Map(entries) => {
            let map: BTreeMap<Value, Value> = entries
                .iter()
                .map(|e| (Value::from(e.key.as_str()), to_value(&e.value)))
                .collect();
            Value::from(map)
        }
    }
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Int(i) => Value::from(*i),
        // Above int64: apimachinery keeps it as float64.
        Scalar::UInt(u) => Value::from(*u as f64),
        Scalar::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                Value::from(*f as i64)
            } else {
                Value::from(*f)
            }
        }
        Scalar::Str(s) => Value::from(s.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    #[test]
    fn numbers_follow_apimachinery() {
        let loaded = load("a: 1.0\nb: 0644\nc: yes\nd: 1e20\ne: '1'\n");
        let v = to_value(&loaded.documents[0].root);
        assert_eq!(v["a"], Value::from(1i64));
        assert_eq!(v["b"], Value::from(420i64));
        assert_eq!(v["c"], Value::Bool(true));
        assert_eq!(v["d"], Value::from(1e20f64));
        assert_eq!(v["e"], Value::from("1"));
    }
}
