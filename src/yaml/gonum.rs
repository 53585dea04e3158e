//! Go's `strconv` number parsing, as go-yaml v2 calls it when it types a plain scalar
//! (`resolve.go` 150–191): `ParseInt(s, 0, 64)`, `ParseUint(s, 0, 64)` and
//! `ParseFloat(s, 64)`. Rust's parsers accept different spellings (no `0o`/`0b` base
//! prefixes, no leading-zero octal, no `_`), so the Go grammar is reproduced here and
//! only the final, already-validated digits are handed to Rust.

/// Why a Go parse failed. go-yaml only cares whether it succeeded, but
/// `ParseInt` turns a `ParseUint` range error into its own range error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumError {
    Syntax,
    Range,
}

/// `strconv.ParseUint(s, base, 64)`; `base == 0` means "from the prefix":
/// `0x`/`0X` hex, `0o`/`0O` octal, `0b`/`0B` binary, a leading `0` octal, else decimal.
/// Underscores are accepted only with base 0 and only between digits (Go's `underscoreOK`).
pub(crate) fn parse_uint(s: &str, base: u32) -> Result<u64, NumError> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(NumError::Syntax);
    }
    let base0 = base == 0;
    let (base, digits) = if base0 {
        // A prefix needs at least one character after it ("0x" alone is octal "x").
        match bytes {
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'b') => (2, rest),
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'o') => (8, rest),
            [b'0', p, rest @ ..] if !rest.is_empty() && p.eq_ignore_ascii_case(&b'x') => (16, rest),
            [b'0', rest @ ..] => (8, rest),
            _ => (10, bytes),
        }
    } else {
        (base, bytes)
    };
    let mut n: u64 = 0;
    let mut overflow = false;
    let mut underscores = false;
    for &c in digits {
        if c == b'_' && base0 {
            underscores = true;
            continue;
        }
        let d = match (c as char).to_digit(36) {
            Some(d) if d < base => u64::from(d),
            _ => return Err(NumError::Syntax),
        };
        match n
            .checked_mul(u64::from(base))
            .and_then(|m| m.checked_add(d))
        {
            Some(m) => n = m,
            None => overflow = true,
        }
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    if overflow {
        return Err(NumError::Range);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, base, 64)`: an optional sign, then `ParseUint`.
pub(crate) fn parse_int(s: &str, base: u32) -> Result<i64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let (neg, rest) = match (s.strip_prefix('+'), s.strip_prefix('-')) {
        (Some(rest), _) => (false, rest),
        (_, Some(rest)) => (true, rest),
        _ => (false, s),
    };
    let un = match parse_uint(rest, base) {
        Ok(un) => un,
        Err(NumError::Range) => return Err(NumError::Range),
        Err(NumError::Syntax) => return Err(NumError::Syntax),
    };
    const CUTOFF: u64 = 1 << 63;
    if neg {
        if un > CUTOFF {
            return Err(NumError::Range);
        }
        // -(2^63) is the one value whose magnitude does not fit in i64.
        Ok(0i64.wrapping_sub_unsigned(un))
    } else {
        i64::try_from(un).map_err(|_| NumError::Range)
    }
}

/// `strconv.ParseFloat(s, 64)` for the inputs go-yaml gives it: decimal text that
/// starts with `.`, or text that already matched `yamlStyleFloat`. So the hex and
/// `inf`/`nan` spellings Go also accepts never reach it and are not handled. Grammar:
/// optional sign, digits with at most one `.`, optional exponent, `_` between digits.
/// Out-of-range values are a `Range` error (Go returns ±Inf with `ErrRange`, and
/// go-yaml then treats the text as a string).
pub(crate) fn parse_float(s: &str) -> Result<f64, NumError> {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut underscores = false;
    let mut saw_dot = false;
    let mut saw_digits = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !saw_dot => saw_dot = true,
            b'0'..=b'9' => saw_digits = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return Err(NumError::Syntax);
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !matches!(b.get(i), Some(b'0'..=b'9')) {
            return Err(NumError::Syntax);
        }
        while let Some(&c) = b.get(i) {
            match c {
                b'_' => underscores = true,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
    }
    if i != b.len() || (underscores && !underscore_ok(s)) {
        return Err(NumError::Syntax);
    }
    // The grammar above is a subset of what Rust accepts once `_` is gone, and both
    // round correctly, so they agree on every value.
    let parsed = if underscores {
        s.replace('_', "").parse::<f64>()
    } else {
        s.parse::<f64>()
    };
    match parsed {
        Ok(f) if f.is_finite() => Ok(f),
        Ok(_) => Err(NumError::Range),
        Err(_) => Err(NumError::Syntax),
    }
}

/// Go's `underscoreOK`: underscores may only separate digits (a base prefix counts as
/// a digit), never lead, trail or double up.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let [b'+' | b'-', rest @ ..] = b {
        b = rest;
    }
    // '^' start, '0' digit or prefix, '_' underscore, '!' anything else.
    let mut saw = b'^';
    let mut hex = false;
    if let [b'0', p, rest @ ..] = b {
        let p = p.to_ascii_lowercase();
        if p == b'b' || p == b'o' || p == b'x' {
            hex = p == b'x';
            saw = b'0';
            b = rest;
        }
    }
    for &c in b {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(crate) fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_base0_prefixes() {
        assert_eq!(parse_int("0644", 0), Ok(420));
        assert_eq!(parse_int("0o644", 0), Ok(420));
        assert_eq!(parse_int("0O644", 0), Ok(420));
        assert_eq!(parse_int("0x1F", 0), Ok(31));
        assert_eq!(parse_int("0X1f", 0), Ok(31));
        assert_eq!(parse_int("0b101", 0), Ok(5));
        assert_eq!(parse_int("-0b101", 0), Ok(-5));
        assert_eq!(parse_int("+0x10", 0), Ok(16));
        assert_eq!(parse_int("0", 0), Ok(0));
        assert_eq!(parse_int("-0", 0), Ok(0));
        assert_eq!(parse_int("010", 0), Ok(8));
        assert_eq!(parse_int("08", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("0x", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("0x-1", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("+-5", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("1_000", 0), Ok(1000));
        assert_eq!(parse_int("1__0", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("9223372036854775807", 0), Ok(i64::MAX));
        assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 0), Err(NumError::Range));
        assert_eq!(parse_int("-9223372036854775809", 0), Err(NumError::Range));
        assert_eq!(parse_int("-101", 2), Ok(-5));
    }

    #[test]
    fn parse_uint_rejects_signs_and_overflow() {
        assert_eq!(parse_uint("18446744073709551615", 0), Ok(u64::MAX));
        assert_eq!(parse_uint("0xFFFFFFFFFFFFFFFF", 0), Ok(u64::MAX));
        assert_eq!(parse_uint("18446744073709551616", 0), Err(NumError::Range));
        assert_eq!(parse_uint("+1", 0), Err(NumError::Syntax));
    }

    #[test]
    fn parse_float_go_grammar() {
        assert_eq!(parse_float(".5"), Ok(0.5));
        assert_eq!(parse_float("1."), Ok(1.0));
        assert_eq!(parse_float("1e3"), Ok(1000.0));
        assert_eq!(parse_float(".5_5"), Ok(0.55));
        assert_eq!(parse_float("1e400"), Err(NumError::Range));
        assert_eq!(parse_float("1e-400"), Ok(0.0));
        assert_eq!(parse_float("1e"), Err(NumError::Syntax));
        assert_eq!(parse_float("."), Err(NumError::Syntax));
        assert_eq!(parse_float("._5"), Err(NumError::Syntax));
        assert_eq!(parse_float("1.2.3"), Err(NumError::Syntax));
    }

    #[test]
    fn yaml_style_float_regex() {
        for ok in [
            "1.5",
            ".5",
            "-.5",
            "1.",
            "1e3",
            "+1E+3",
            "08",
            "1_0".replace('_', "").as_str(),
        ] {
            assert!(is_yaml_style_float(ok), "{ok}");
        }
        for bad in ["", ".", "1e", "e3", "1.2.3", "0x1", "inf", "+", "1_0"] {
            assert!(!is_yaml_style_float(bad), "{bad}");
        }
    }
}
