//! The string formats the API server checks on custom resources (kube-openapi's `strfmt`
//! registry) that kubeward checks too. Each accepts at least what the API server accepts:
//! where kubeward cannot be exact it errs towards accepting, so a finding is never a
//! false alarm. Other formats (hostname, email, uri, ...) are not checked.

use super::types::CrdFormat;
use std::net::Ipv6Addr;

/// Whether `s` is a valid value of format `f`.
pub fn is_crd_format(f: CrdFormat, s: &str) -> bool {
    match f {
        CrdFormat::Date => date(s.as_bytes()).is_some_and(|n| n == s.len()),
        CrdFormat::DateTime => is_date_time(s),
        CrdFormat::Uuid => is_uuid(s),
        CrdFormat::Ipv4 => is_ipv4(s),
        CrdFormat::Ipv6 => s.contains(':') && s.parse::<Ipv6Addr>().is_ok(),
        CrdFormat::Cidr => is_cidr(s),
    }
}

/// What the format is called in messages.
pub fn format_name(f: CrdFormat) -> &'static str {
    match f {
        CrdFormat::Date => "date (2006-01-02)",
        CrdFormat::DateTime => "date-time (2006-01-02T15:04:05Z)",
        CrdFormat::Uuid => "UUID",
        CrdFormat::Ipv4 => "IPv4 address",
        CrdFormat::Ipv6 => "IPv6 address",
        CrdFormat::Cidr => "CIDR (10.0.0.0/8)",
    }
}

/// `YYYY-MM-DD` with the day within its month: the bytes it takes.
fn date(b: &[u8]) -> Option<usize> {
    let num = |at: usize, len: usize| -> Option<u32> {
        let d = b.get(at..at + len)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        1..=12 => 31,
        _ => return None,
    };
    (b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') && (1..=days).contains(&day)).then_some(10)
}

/// strfmt's `ParseDateTime`, which tries RFC 3339 and a few ISO 8601 layouts: a date,
/// `T` (or a space), `HH:MM`, optional `:SS` with an optional fraction, and an optional
/// zone (`Z`, `+07:00`, `+0700`). The empty string is a zero time there, so valid.
fn is_date_time(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    let Some(mut i) = date(b) else {
        return false;
    };
    if !matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        return false;
    }
    i += 1;
    let two = |at: usize, max: u32| -> bool {
        b.get(at..at + 2).is_some_and(|d| {
            d.iter().all(u8::is_ascii_digit)
                && u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0') <= max
        })
    };
    if !(two(i, 23) && b.get(i + 2) == Some(&b':') && two(i + 3, 59)) {
        return false;
    }
    i += 5;
    if b.get(i) == Some(&b':') {
        if !two(i + 1, 59) {
            return false;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            let frac = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if frac == 0 {
                return false;
            }
            i += 1 + frac;
        }
    }
    match b.get(i) {
        None => true,
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let rest = &b[i + 1..];
            let hours = |d: &[u8]| d.len() == 2 && d.iter().all(u8::is_ascii_digit);
            match rest.len() {
                5 => rest[2] == b':' && hours(&rest[..2]) && hours(&rest[3..]),
                4 => hours(&rest[..2]) && hours(&rest[2..]),
                _ => false,
            }
        }
        _ => false,
    }
}

/// 8-4-4-4-12 hexadecimal digits, or 32 without the dashes (any case).
fn is_uuid(s: &str) -> bool {
    let hex = |p: &str, n: usize| p.len() == n && p.bytes().all(|c| c.is_ascii_hexdigit());
    if !s.contains('-') {
        return hex(s, 32);
    }
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5 && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| hex(p, n))
}

/// Four decimal parts up to 255; leading zeros are accepted, as Kubernetes' sloppy parser
/// does.
fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

fn is_cidr(s: &str) -> bool {
    let Some((addr, bits)) = s.split_once('/') else {
        return false;
    };
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let bits: u32 = bits.parse().unwrap_or(u32::MAX);
    if is_ipv4(addr) {
        return bits <= 32;
    }
    addr.contains(':') && addr.parse::<Ipv6Addr>().is_ok() && bits <= 128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_accept_what_the_api_server_accepts() {
        let cases: &[(CrdFormat, &[&str], &[&str])] = &[
            (
                CrdFormat::Date,
                &["2024-02-29", "1999-12-31"],
                &[
                    "2023-02-29",
                    "2024-13-01",
                    "2024-1-1",
                    "2024-01-01T00:00:00Z",
                    "",
                ],
            ),
            (
                CrdFormat::DateTime,
                &[
                    "",
                    "2006-01-02T15:04:05Z",
                    "2006-01-02T15:04:05.123+07:00",
                    "2006-01-02T15:04:05-0700",
                    "2006-01-02T15:04:05",
                    "2006-01-02T15:04Z",
                    "2006-01-02T15:04",
                    "2006-01-02 15:04:05",
                ],
                &[
                    "2006-01-02",
                    "yesterday",
                    "2006-01-02T25:00:00Z",
                    "2006-01-02T15:04:05Q",
                ],
            ),
            (
                CrdFormat::Uuid,
                &[
                    "123e4567-e89b-12d3-a456-426614174000",
                    "123E4567E89B12D3A456426614174000",
                ],
                &["123e4567-e89b-12d3-a456", "not-a-uuid", ""],
            ),
            (
                CrdFormat::Ipv4,
                &["10.0.0.1", "010.000.000.001"],
                &["10.0.0", "256.1.1.1", "::1", "a.b.c.d", "1.2.3.4 "],
            ),
            (
                CrdFormat::Ipv6,
                &["::1", "fe80::1", "::ffff:1.2.3.4"],
                &["1.2.3.4", "fe80::1%eth0", "gggg::1"],
            ),
            (
                CrdFormat::Cidr,
                &["10.0.0.0/8", "fd00::/64", "0.0.0.0/0"],
                &[
                    "10.0.0.0",
                    "10.0.0.0/33",
                    "fd00::/129",
                    "10.0.0.0/+8",
                    "x/8",
                ],
            ),
        ];
        for (f, good, bad) in cases {
            for s in *good {
                assert!(is_crd_format(*f, s), "{f:?} {s:?}");
            }
            for s in *bad {
                assert!(!is_crd_format(*f, s), "{f:?} {s:?}");
            }
        }
    }
}
