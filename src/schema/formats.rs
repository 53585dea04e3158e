//! Value shapes the schemas name but JSON Schema cannot check: Kubernetes quantities
//! (`resource.Quantity`), base64 (`format: byte`) and RFC 3339 times (`format: date-time`).

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

/// Whether `s` parses with Go's `time.Parse(time.RFC3339, s)`, as `metav1.Time` reads JSON:
/// `2006-01-02T15:04:05Z` or with an offset `+07:00`, optional fractional seconds, two-digit
/// fields in range, the day within its month.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let num = |at: usize, len: usize| -> Option<u32> {
        let d = b.get(at..at + len)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return false;
    };
    let (Some(hour), Some(min), Some(sec)) = (num(11, 2), num(14, 2), num(17, 2)) else {
        return false;
    };
    let shape = sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':');
    let ranges = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in(month, year)
        && hour < 24
        && min < 60
        && sec < 60;
    let mut i = 19;
    if sep(i, b'.') {
        let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    }
    let zone = match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len()
                && sep(i + 3, b':')
                && num(i + 1, 2).is_some_and(|h| h < 24)
                && num(i + 4, 2).is_some_and(|m| m < 60)
        }
        _ => false,
    };
    shape && ranges && zone
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
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

    #[test]
    fn times_are_rfc3339_as_go_parses_them() {
        for ok in [
            "2024-02-29T23:59:59Z",
            "2006-01-02T15:04:05+07:00",
            "2006-01-02T15:04:05.123456789-01:30",
            "2000-02-29T00:00:00Z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2006-01-02",
            "2006-01-02 15:04:05Z",
            "2006-01-02t15:04:05Z",
            "2006-01-02T15:04:05",
            "2006-01-02T15:04:05z",
            "2006-01-02T24:00:00Z",
            "2006-01-02T15:04:60Z",
            "2006-13-02T15:04:05Z",
            "2006-1-2T15:04:05Z",
            "2006-01-02T15:04:05.Z",
            "2006-01-02T15:04:05+0700",
            "2006-01-02T15:04:05Z ",
            "yesterday",
            "",
            "２００６-01-02T15:04:05Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
