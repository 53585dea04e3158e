//! go-yaml v2's `parseTimestamp` (`resolve.go`), needed only to decide whether a value
//! tagged `!!timestamp` is accepted. Untagged timestamps never need it: text that looks
//! like `2001-12-14` can never parse as a number either, and go-yaml hands timestamps
//! to `interface{}` as their original string ("TODO(v3) Drop this", `decode.go`), so
//! the result is the same string whether or not it is recognised.
//!
//! The accepted layouts are Go `time.Parse` layouts:
//! `2006-1-2T15:4:5.999999999Z07:00`, the same with a lower-case `t`,
//! `2006-1-2 15:4:5.999999999` and `2006-1-2`.

pub(crate) fn is_go_timestamp(s: &str) -> bool {
    let mut p = Cursor { b: s.as_bytes() };
    // Quick check from go-yaml: all formats start with exactly four digits and '-'.
    let Some(year) = p.fixed(4) else {
        return false;
    };
    if !p.eat(b'-') {
        return false;
    }
    let (Some(month), true, Some(day)) = (p.num12(), p.eat(b'-'), p.num12()) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if p.b.is_empty() {
        return true;
    }
    let zone = match p.b.first() {
        Some(b'T' | b't') => true,
        Some(b' ') => false,
        _ => return false,
    };
    p.b = p.b.get(1..).unwrap_or_default();
    let (Some(hour), true, Some(min), true, Some(sec)) =
        (p.num12(), p.eat(b':'), p.num12(), p.eat(b':'), p.num12())
    else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    // Optional fractional seconds: '.' or ',' and at least one digit.
    if matches!(p.b, [b'.' | b',', d, ..] if d.is_ascii_digit()) {
        p.b = p.b.get(1..).unwrap_or_default();
        while p.b.first().is_some_and(u8::is_ascii_digit) {
            p.b = p.b.get(1..).unwrap_or_default();
        }
    }
    if zone {
        match p.b {
            [b'Z', rest @ ..] => p.b = rest,
            [b'+' | b'-', ..] => {
                p.b = p.b.get(1..).unwrap_or_default();
                let (Some(h), true, Some(m)) = (p.fixed(2), p.eat(b':'), p.fixed(2)) else {
                    return false;
                };
                if h > 24 || m > 60 {
                    return false;
                }
            }
            _ => return false,
        }
    }
    p.b.is_empty()
}

struct Cursor<'a> {
    b: &'a [u8],
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        match self.b {
            [first, rest @ ..] if *first == c => {
                self.b = rest;
                true
            }
            _ => false,
        }
    }

    /// Exactly `n` digits.
    fn fixed(&mut self, n: usize) -> Option<u32> {
        let digits = self.b.get(..n)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.b = self.b.get(n..).unwrap_or_default();
        Some(
            digits
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    }

    /// Go's `getnum(s, false)`: one digit, or two when the second is a digit too.
    fn num12(&mut self) -> Option<u32> {
        match self.b {
            [a, b, ..] if a.is_ascii_digit() && b.is_ascii_digit() => self.fixed(2),
            [a, ..] if a.is_ascii_digit() => self.fixed(1),
            _ => None,
        }
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::is_go_timestamp;

    #[test]
    fn go_layouts() {
        for ok in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14t21:59:43Z",
            "2001-12-14 21:59:43.10",
            "2001-12-14 1:2:3",
            "2000-02-29",
        ] {
            assert!(is_go_timestamp(ok), "{ok}");
        }
        for bad in [
            "2001-12-14 21:59:43.10 -5",
            "2001-13-01",
            "2001-02-29",
            "01-12-14",
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43Z",
            "2001-12-14x",
            "12345-1-1",
        ] {
            assert!(!is_go_timestamp(bad), "{bad}");
        }
    }
}
