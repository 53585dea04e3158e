//! Value shapes the schemas name but JSON Schema cannot check: Kubernetes quantities
//! (`resource.Quantity`) and base64 (`format: byte`).

/// Whether `s` parses as a Kubernetes quantity (apimachinery's `ParseQuantity` grammar):
///
/// ```text
/// <quantity>     ::= <signedNumber><suffix>
/// <signedNumber> ::= <number> | +<number> | -<number>
/// <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
/// <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
/// <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
/// <decimalSI>    ::= m | "" | k | M | G | T | P | E
/// <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
/// ```
///
/// No whitespace anywhere; `100m`, `1Gi`, `1e3`, `0.5`, `1.5Gi` parse, `1GB`, `abc`, `--1`
/// do not.
pub fn is_quantity(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_digits = digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    let suffix = &s[i..];
    match suffix {
        "" | "m" | "k" | "M" | "G" | "T" | "P" | "E" => true,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => true,
        _ => is_exponent(suffix.as_bytes()),
    }
}

/// `e` or `E`, an optional sign, then at least one digit and nothing else.
fn is_exponent(b: &[u8]) -> bool {
    let Some((&first, rest)) = b.split_first() else {
        return false;
    };
    if first != b'e' && first != b'E' {
        return false;
    }
    let rest = match rest.first() {
        Some(b'+' | b'-') => &rest[1..],
        _ => rest,
    };
    !rest.is_empty() && digits(rest) == rest.len()
}

fn digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Whether `s` is standard padded base64 as Go's `encoding/json` decodes a `[]byte`
/// (`base64.StdEncoding`, which skips `\r` and `\n`).
pub fn is_base64(s: &str) -> bool {
    let mut n = 0usize;
    let mut padding = 0usize;
    for c in s.bytes() {
        match c {
            b'\r' | b'\n' => continue,
            b'=' => padding += 1,
            c if padding == 0 && (c.is_ascii_alphanumeric() || c == b'+' || c == b'/') => {}
            _ => return false,
        }
        n += 1;
    }
    n % 4 == 0 && padding <= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_as_the_api_server_does() {
        for ok in [
            "100m",
            "1Gi",
            "1e3",
            "0.5",
            "1.5Gi",
            "2",
            "+1",
            "-1",
            ".5",
            "5.",
            "1E3",
            "1e-3",
            "1E+3",
            "128974848",
            "129e6",
            "129M",
            "123Mi",
            "0",
            "1k",
            "1E",
            "3Ki",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in [
            "1GB", "abc", "--1", "", "+", ".", "1 Gi", " 1", "1e", "1e+", "1Gi ", "1KI", "1ki",
            "1.2.3", "Gi", "1mi", "0x10", "1e3Gi", "1_000",
        ] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn base64_is_standard_and_padded() {
        for ok in ["", "YQ==", "YWI=", "YWJj", "YWJj\nZGVm", "+/+/"] {
            assert!(is_base64(ok), "{ok:?}");
        }
        for bad in ["YQ", "Y", "YQ=a", "YQ===", "a b=", "YW-_", "YWJj=", "é"] {
            assert!(!is_base64(bad), "{bad:?}");
        }
    }
}
