//! Value shapes the schemas name but JSON Schema cannot check: Kubernetes quantities
//! (`resource.Quantity`), base64 (`format: byte`) and times (`format: date-time`, which is
//! `metav1.Time` or `metav1.MicroTime`). Each follows the Go code that decodes the value in
//! the API server, not a tidier grammar: a value the server decodes is never reported.

/// Whether the API server decodes `s` as a `resource.Quantity`: apimachinery's
/// `Quantity.UnmarshalJSON`, which trims surrounding spaces, then `ParseQuantity`:
///
/// ```text
/// <quantity>     ::= <signedNumber><suffix>
/// <signedNumber> ::= <number> | +<number> | -<number>
/// <number>       ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
/// <suffix>       ::= <binarySI> | <decimalExponent> | <decimalSI>
/// <binarySI>     ::= Ki | Mi | Gi | Ti | Pi | Ei
/// <decimalSI>    ::= n | u | m | "" | k | M | G | T | P | E
/// <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>   (fits an int64)
/// ```
///
/// The parser is more lenient than its grammar: the digits may be missing altogether (`+`,
/// `.`, `m`, `Gi` all parse as 0), except where it takes its slow path, whose decimal
/// parser needs a digit (`Pi`, `Ei`, `e-10`). `100m`, `1Gi`, `1e3`, `0.5`, `" 1Gi"` parse;
/// `1GB`, `abc`, `--1`, `1ki`, `1 Gi` do not.
pub fn is_quantity(s: &str) -> bool {
    parses_as_quantity(trim_json_space(s))
}

/// `strings.TrimSpace` on the text of a JSON string as `encoding/json` writes it: the
/// controls (tab, newline, ...) and U+2028/U+2029 are escapes there, not spaces.
fn trim_json_space(s: &str) -> &str {
    s.trim_matches(|c: char| {
        matches!(
            c,
            ' ' | '\u{85}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
        )
    })
}

/// apimachinery's `ParseQuantity` (`parseQuantityString`, then the suffix, then whether its
/// decimal parser is reached with no digit to read).
fn parses_as_quantity(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let end = b.len();
    let mut pos = usize::from(matches!(b[0], b'+' | b'-'));
    // Leading zeros; a sign and zeros alone are 0.
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos == end {
        return true;
    }
    pos += digits(&b[pos..]);
    let mut denom = 0;
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        denom = digits(&b[pos..]);
        pos += denom;
    }
    // A number with no suffix always parses (the fast path, or a decimal with digits).
    if pos == end {
        return true;
    }
    let number = &b[..pos];
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if matches!(b.get(pos), Some(b'+' | b'-')) {
        pos += 1;
    }
    pos += digits(&b[pos..]);
    if pos != end {
        return false;
    }
    let suffix = &s[suffix_start..];
    let (binary, exponent): (bool, i64) = match suffix {
        "n" => (false, -9),
        "u" => (false, -6),
        "m" => (false, -3),
        "k" => (false, 3),
        "M" => (false, 6),
        "G" => (false, 9),
        "T" => (false, 12),
        "P" => (false, 15),
        "E" => (false, 18),
        "Ki" => (true, 10),
        "Mi" => (true, 20),
        "Gi" => (true, 30),
        "Ti" => (true, 40),
        "Pi" => (true, 50),
        "Ei" => (true, 60),
        _ if suffix.len() > 1 && suffix.starts_with(['e', 'E']) => {
            // strconv.ParseInt(suffix[1:], 10, 64), then int32(...): Go wraps.
            match suffix[1..].parse::<i64>() {
                Ok(e) => (false, i64::from(e as i32)),
                Err(_) => return false,
            }
        }
        _ => return false,
    };
    if number.iter().any(u8::is_ascii_digit) {
        return true;
    }
    // No digit: the number is an implicit 0, fine on the fast path (int64 arithmetic),
    // an error on the slow one (inf.Dec's SetString wants a digit). The fast path needs
    // a non-negative precision and a scale of at least nano.
    if binary {
        // precision = 15 - len("0") - exponent*3/10 - 1
        14 - exponent * 3 / 10 >= 0 && denom == 0
    } else {
        exponent >= -9
    }
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

/// Whether `metav1.Time` decodes `s`: Go's `time.Parse(time.RFC3339, s)`, whose parser is
/// laxer than RFC 3339. `2006-01-02T15:04:05Z` or with an offset `+07:00`; the hour may
/// have one digit, the fraction of a second any number of digits after `.` or `,`; the
/// offset's hour may be 24 and its minute 60; the day must exist in its month.
pub fn is_rfc3339(s: &str) -> bool {
    go_time(s, false)
}

/// Whether `metav1.MicroTime` decodes `s` (events' `eventTime`, leases' `renewTime`): the
/// same with exactly six fractional digits (`RFC3339Micro`, `2006-01-02T15:04:05.000000Z07:00`),
/// so `2006-01-02T15:04:05Z` is rejected.
pub fn is_rfc3339_micro(s: &str) -> bool {
    go_time(s, true)
}

/// Go's `time.parse` with layout RFC3339 (`micro`: RFC3339Micro), field by field.
fn go_time(s: &str, micro: bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    // A fixed-width number of `n` digits at `i`.
    let fixed = |i: &mut usize, n: usize| -> Option<u32> {
        let d = b.get(*i..*i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(d.iter().fold(0, |v, c| v * 10 + u32::from(c - b'0')))
    };
    let lit = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    let parsed = (|| -> Option<()> {
        let year = fixed(&mut i, 4)?;
        lit(&mut i, b'-')?;
        let month = fixed(&mut i, 2)?;
        lit(&mut i, b'-')?;
        let day = fixed(&mut i, 2)?;
        lit(&mut i, b'T')?;
        // stdHour: one or two digits.
        let hour = if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            fixed(&mut i, 2)?
        } else {
            fixed(&mut i, 1)?
        };
        lit(&mut i, b':')?;
        let min = fixed(&mut i, 2)?;
        lit(&mut i, b':')?;
        let sec = fixed(&mut i, 2)?;
        let fraction = matches!(b.get(i), Some(b'.' | b','));
        if micro {
            if !fraction {
                return None;
            }
            i += 1;
            fixed(&mut i, 6)?;
        } else if fraction && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1 + digits(&b[i + 1..]);
        }
        if lit(&mut i, b'Z').is_none() {
            if !matches!(b.get(i), Some(b'+' | b'-')) {
                return None;
            }
            i += 1;
            let oh = fixed(&mut i, 2)?;
            lit(&mut i, b':')?;
            let om = fixed(&mut i, 2)?;
            // "some people do write offsets of 24 hours or 60 minutes"
            if oh > 24 || om > 60 {
                return None;
            }
        }
        let ok = i == b.len()
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in(month, year)
            && hour < 24
            && min < 60
            && sec < 60;
        ok.then_some(())
    })();
    parsed.is_some()
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

    /// Cases traced through apimachinery's `ParseQuantity` (resource/quantity.go) and
    /// `Quantity.UnmarshalJSON`; the odd ones are what that code does, not what a grammar
    /// would like.
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
            // nano and micro are decimal suffixes too
            "100n",
            "5u",
            // UnmarshalJSON trims spaces before parsing
            " 1",
            "1Gi ",
            "\u{a0}2\u{3000}",
            // no digits: an implicit 0 on the parser's fast path
            "+",
            "-",
            ".",
            "+.",
            "-000",
            "m",
            "Gi",
            "Ti",
            "e3",
            "E",
            "e-9",
            // leading zeros, long numbers, exponents that fit an int64
            "007",
            "0.0000000001",
            "12345678901234567890123",
            "1e9223372036854775807",
            "1Pi",
            "1Ei",
        ] {
            assert!(is_quantity(ok), "{ok:?}");
        }
        for bad in [
            "1GB",
            "abc",
            "--1",
            "",
            " ",
            "1 Gi",
            "1e",
            "1e+",
            "1KI",
            "1ki",
            "1.2.3",
            "1mi",
            "0x10",
            "1e3Gi",
            "1_000",
            "1-",
            "1ke3",
            // JSON writes these as escapes, which TrimSpace does not remove
            "\t1",
            "1\n",
            "1\u{2028}",
            // no digits on the slow path (inf.Dec wants one)
            "Pi",
            "Ei",
            "e-10",
            // the exponent must fit an int64
            "1e9223372036854775808",
        ] {
            assert!(!is_quantity(bad), "{bad:?}");
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

    /// Go's `time.Parse(time.RFC3339, ...)` (time/format.go `parse`), as `metav1.Time`
    /// decodes JSON.
    #[test]
    fn times_are_rfc3339_as_go_parses_them() {
        for ok in [
            "2024-02-29T23:59:59Z",
            "2006-01-02T15:04:05+07:00",
            "2006-01-02T15:04:05.123456789-01:30",
            "2000-02-29T00:00:00Z",
            // Go's parser: a one-digit hour, a comma before the fraction, any number of
            // fractional digits, an offset of 24 hours or 60 minutes
            "2006-01-02T3:04:05Z",
            "2006-01-02T15:04:05,5Z",
            "2006-01-02T15:04:05.1234567891234Z",
            "2006-01-02T15:04:05+24:00",
            "2006-01-02T15:04:05-00:60",
            "0000-01-01T00:00:00Z",
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
            "2006-01-02T15:04:05+25:00",
            "2006-01-02T15:04:05+07:61",
            "2006-01-02T15:04:05Z ",
            "2006-01-02T123:04:05Z",
            "2006-01-02T15:4:05Z",
            "yesterday",
            "",
            "２００６-01-02T15:04:05Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    /// `metav1.MicroTime` parses with RFC3339Micro: exactly six fractional digits.
    #[test]
    fn micro_times_have_six_fractional_digits() {
        for ok in [
            "2006-01-02T15:04:05.000000Z",
            "2006-01-02T15:04:05.123456+07:00",
            "2006-01-02T5:04:05,999999Z",
        ] {
            assert!(is_rfc3339_micro(ok), "{ok}");
        }
        for bad in [
            "2006-01-02T15:04:05Z",
            "2006-01-02T15:04:05.12345Z",
            "2006-01-02T15:04:05.1234567Z",
            "2006-01-02T15:04:05.123456",
            "2006-02-30T15:04:05.123456Z",
        ] {
            assert!(!is_rfc3339_micro(bad), "{bad}");
        }
    }
}
