//! Mapping keys as sigs.k8s.io/yaml turns them into JSON object keys
//! (`convertToJSONableObject`, yaml.go 181–357): strings stay, booleans become
//! `"true"`/`"false"`, integers decimal, floats Go's `FormatFloat(f, 'g', -1, 32)`;
//! null and uint64 keys are errors. go-yaml decodes a mapping into
//! `map[interface{}]interface{}`, so two keys are the *same* key only when they have
//! the same Go type and value; keys of different types that stringify alike
//! (`1` and `"1"`) both survive decoding and then collide, and Go's map iteration
//! order picks the winner at random.

use super::Scalar;

/// The Go dynamic type (and, for floats, the value) that identifies a key in
/// go-yaml's map. The string form is kept next to it in the entry.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyId {
    Str,
    Int,
    Bool,
    Float(f64),
}

impl KeyId {
    /// Same Go map key, given that the stringified keys are already equal.
    /// Floats compare by value: NaN never equals itself, as in a Go map.
    pub(crate) fn same_key(self, other: KeyId) -> bool {
        match (self, other) {
            (KeyId::Float(a), KeyId::Float(b)) => a == b,
            (a, b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
        }
    }

    pub(crate) fn type_name(self) -> &'static str {
        match self {
            KeyId::Str => "a string",
            KeyId::Int => "an integer",
            KeyId::Bool => "a boolean",
            KeyId::Float(_) => "a float",
        }
    }
}

/// Why a key cannot become a JSON object key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KeyError {
    Null,
    UInt(u64),
}

impl KeyError {
    pub(crate) fn message(&self) -> String {
        match self {
            KeyError::Null => "document rejected by Kubernetes: a null key (`~`, `null` or \
                               nothing before the colon) cannot become a JSON object key"
                .to_string(),
            KeyError::UInt(u) => format!(
                "document rejected by Kubernetes: key {u} is above the int64 range and \
                 cannot become a JSON object key"
            ),
        }
    }
}

/// Stringifies a resolved scalar key.
pub(crate) fn stringify(key: Scalar) -> Result<(String, KeyId), KeyError> {
    Ok(match key {
        Scalar::Str(s) => (s, KeyId::Str),
        Scalar::Int(i) => (i.to_string(), KeyId::Int),
        Scalar::Bool(b) => (b.to_string(), KeyId::Bool),
        Scalar::Float(f) => (format_float32_g(f), KeyId::Float(f)),
        Scalar::UInt(u) => return Err(KeyError::UInt(u)),
        Scalar::Null => return Err(KeyError::Null),
    })
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`, with sigs.k8s.io/yaml's spellings of the
/// special values: the float is rounded to float32 and printed with the fewest digits
/// that round-trip; shortest `%g` switches to exponent form when the exponent is below
/// -4 or at least 6 (Go's `eprec = 6`), so `1e6` becomes `1e+06`.
pub(crate) fn format_float32_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    // `as` rounds to nearest-even, like Go's float32(f); overflow gives ±inf.
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f32v > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-3.1415927e0", "1e3", "0e0".
    let sci = format!("{f32v:e}");
    let (neg, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, sci.as_str()),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = if digits.trim_start_matches('0').is_empty() {
        String::new()
    } else {
        digits
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if digits.is_empty() {
        out.push('0');
        return out;
    }
    // Decimal point position as in Go's decimalSlice: value = 0.DIGITS × 10^dp.
    let dp = exp + 1;
    let x = dp - 1;
    if !(-4..6).contains(&x) {
        // %e: d.ddddde±dd
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if x < 0 { '-' } else { '+' });
        let ax = x.unsigned_abs();
        if ax < 10 {
            out.push('0');
        }
        out.push_str(&ax.to_string());
    } else if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let dp = usize::try_from(dp).unwrap_or(0);
        if digits.len() <= dp {
            out.push_str(&digits);
            for _ in digits.len()..dp {
                out.push('0');
            }
        } else {
            let (int, frac) = digits.split_at(dp);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::approx_constant)] // the conformance case's spelling of pi
    fn float_keys_format_like_go_float32_g() {
        let cases = [
            (3.14159265358979, "3.1415927"),
            (1e3, "1000"),
            (1.5, "1.5"),
            (1.0, "1"),
            (0.0, "0"),
            (-0.0, "-0"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (1.5e7, "1.5e+07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-10, "-2.5e-10"),
            (1e21, "1e+21"),
            (1e38, "1e+38"),
            (1e39, ".inf"),
            (-1e39, "-.inf"),
            (f64::INFINITY, ".inf"),
            (f64::NAN, ".nan"),
            (0.1, "0.1"),
            (123456789.0, "1.2345679e+08"),
            (1e-45, "1e-45"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float32_g(f), want, "{f}");
        }
    }

    #[test]
    fn stringify_keys() {
        assert_eq!(
            stringify(Scalar::Bool(true)).map(|k| k.0),
            Ok("true".into())
        );
        assert_eq!(stringify(Scalar::Int(16)).map(|k| k.0), Ok("16".into()));
        assert_eq!(stringify(Scalar::Int(-3)).map(|k| k.0), Ok("-3".into()));
        assert_eq!(
            stringify(Scalar::Float(1e3)).map(|k| k.0),
            Ok("1000".into())
        );
        assert_eq!(stringify(Scalar::Null).map(|k| k.0), Err(KeyError::Null));
        assert_eq!(
            stringify(Scalar::UInt(u64::MAX)).map(|k| k.0),
            Err(KeyError::UInt(u64::MAX))
        );
    }

    #[test]
    fn key_identity_is_go_type_and_value() {
        assert!(KeyId::Int.same_key(KeyId::Int));
        assert!(!KeyId::Int.same_key(KeyId::Str));
        assert!(KeyId::Float(1.0).same_key(KeyId::Float(1.0)));
        assert!(!KeyId::Float(1.0).same_key(KeyId::Int));
        assert!(!KeyId::Float(f64::NAN).same_key(KeyId::Float(f64::NAN)));
    }
}
