//! Scalar typing exactly as go-yaml v2.4 does when it decodes into `interface{}`
//! (`resolve.go` `resolve`, `decode.go` `scalar`), which is what sigs.k8s.io/yaml and
//! therefore kubectl and the API server see: `yes` is `true`, `0644` is 420, `1_000`
//! is 1000, `!!binary` is base64-decoded, unknown tags make a string.

use base64::Engine;

use super::gonum::{is_yaml_style_float, parse_float, parse_int, parse_uint};
use super::timestamp::is_go_timestamp;
use super::Scalar;

const TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// The tags go-yaml treats specially, after libyaml expanded `!!x` to
/// `tag:yaml.org,2002:x` (verbatim `!<tag:yaml.org,2002:x>` gives the same string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// No tag: type by the plain text.
    None,
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    Binary,
    /// `!foo`, `!`, `!!merge`, `!!seq` on a scalar...: go-yaml keeps the text as a string.
    Other,
}

impl Tag {
    fn parse(tag: Option<&str>) -> Tag {
        let Some(tag) = tag else {
            return Tag::None;
        };
        match tag.strip_prefix(TAG_PREFIX) {
            Some("str") => Tag::Str,
            Some("bool") => Tag::Bool,
            Some("int") => Tag::Int,
            Some("float") => Tag::Float,
            Some("null") => Tag::Null,
            Some("timestamp") => Tag::Timestamp,
            Some("binary") => Tag::Binary,
            // libyaml reports an empty tag for `!<>`; go-yaml treats "" as untagged.
            _ if tag.is_empty() => Tag::None,
            _ => Tag::Other,
        }
    }

    fn short(self) -> &'static str {
        match self {
            Tag::None | Tag::Other | Tag::Str => "!!str",
            Tag::Bool => "!!bool",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Null => "!!null",
            Tag::Timestamp => "!!timestamp",
            Tag::Binary => "!!binary",
        }
    }
}

/// A scalar go-yaml refuses to decode; the whole document is rejected.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ScalarError {
    /// `!!int abc`: go-yaml's "cannot decode !!str `abc` as a !!int".
    WrongType {
        value: String,
        found: &'static str,
        wanted: &'static str,
    },
    /// `!!binary` with text that is not base64.
    BadBinary,
}

impl ScalarError {
    pub(crate) fn message(&self) -> String {
        match self {
            ScalarError::WrongType {
                value,
                found,
                wanted,
            } => format!(
                "document rejected by Kubernetes: {wanted} {} is not a valid {wanted} \
                 (go-yaml reads the text as {found})",
                quote_short(value)
            ),
            ScalarError::BadBinary => {
                "document rejected by Kubernetes: !!binary value is not valid base64".to_string()
            }
        }
    }
}

fn quote_short(value: &str) -> String {
    const MAX: usize = 40;
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}", format!("{}…", value.get(..cut).unwrap_or(value))),
        None => format!("{value:?}"),
    }
}

/// True when a mapping key is go-yaml's merge key: `<<` written plain, or tagged
/// `!!merge` (`decode.go` `isMerge`). A quoted `'<<'` is an ordinary key.
pub(crate) fn is_merge_key(value: &str, tag: Option<&str>, implicit: bool) -> bool {
    value == "<<" && (implicit || tag == Some("tag:yaml.org,2002:merge"))
}

/// Types one scalar. `implicit` is libyaml's `plain_implicit` (plain and untagged, or
/// tagged with the non-specific `!`), which go-yaml stores as `node.implicit`.
pub(crate) fn resolve(
    value: String,
    tag: Option<&str>,
    implicit: bool,
) -> Result<Scalar, ScalarError> {
    let tag = Tag::parse(tag);
    // decode.go: `if n.tag == "" && !n.implicit` -> a quoted, untagged scalar is a string.
    if tag == Tag::None && !implicit {
        return Ok(Scalar::Str(value));
    }
    match tag {
        Tag::Binary => decode_binary(&value),
        Tag::Other | Tag::Str => Ok(Scalar::Str(value)),
        _ => {
            let found = resolve_plain(&value, tag);
            check_tag(value, tag, found)
        }
    }
}

/// What go-yaml's `resolve` makes of the text, before the tag check.
enum Found {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Timestamp,
    Str,
}

impl Found {
    fn tag(&self) -> Tag {
        match self {
            Found::Null => Tag::Null,
            Found::Bool(_) => Tag::Bool,
            Found::Int(_) | Found::UInt(_) => Tag::Int,
            Found::Float(_) => Tag::Float,
            Found::Timestamp => Tag::Timestamp,
            Found::Str => Tag::Str,
        }
    }
}

/// `resolve.go` `resolve`, the part after the "any data is accepted as a !!str" check.
fn resolve_plain(s: &str, tag: Tag) -> Found {
    // The first byte picks the candidates (go-yaml's resolveTable hints).
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Found::Str,
    };
    if let Some(found) = lookup_table(s) {
        return found;
    }
    match hint {
        b'.' => match parse_float(s) {
            Ok(f) => Found::Float(f),
            Err(_) => Found::Str,
        },
        b'D' | b'S' => resolve_number(s, tag),
        _ => Found::Str,
    }
}

/// go-yaml's resolveMap: YAML 1.1 booleans, nulls, and the special floats.
fn lookup_table(s: &str) -> Option<Found> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Found::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Found::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Found::Null,
        ".nan" | ".NaN" | ".NAN" => Found::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Found::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Found::Float(f64::NEG_INFINITY),
        // "<<" resolves to the merge tag with the string value "<<".
        "<<" => Found::Str,
        _ => return None,
    })
}

/// Digits or a sign: timestamp (only when asked for), int, uint, float, then go-yaml's
/// old `0b` fallbacks (which still matter: `0b-101` is -5).
fn resolve_number(s: &str, tag: Tag) -> Found {
    if tag == Tag::Timestamp && is_go_timestamp(s) {
        return Found::Timestamp;
    }
    let plain = if s.contains('_') {
        std::borrow::Cow::Owned(s.replace('_', ""))
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    let plain = plain.as_ref();
    if let Ok(i) = parse_int(plain, 0) {
        return Found::Int(i);
    }
    if let Ok(u) = parse_uint(plain, 0) {
        return Found::UInt(u);
    }
    if is_yaml_style_float(plain) {
        if let Ok(f) = parse_float(plain) {
            return Found::Float(f);
        }
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Ok(i) = parse_int(rest, 2) {
            return Found::Int(i);
        }
        if let Ok(u) = parse_uint(rest, 2) {
            return Found::UInt(u);
        }
    } else if let Some(rest) = plain.strip_prefix("-0b") {
        if let Ok(i) = parse_int(&format!("-{rest}"), 2) {
            return Found::Int(i);
        }
    }
    Found::Str
}

/// The deferred check in `resolve`: an explicit tag must agree with what the text
/// resolved to, except that `!!float` accepts an integer.
fn check_tag(value: String, tag: Tag, found: Found) -> Result<Scalar, ScalarError> {
    let found_tag = found.tag();
    let agrees = tag == Tag::None || tag == found_tag;
    let scalar = match found {
        Found::Int(i) if tag == Tag::Float => Scalar::Float(i as f64),
        Found::UInt(_) if tag == Tag::Float => {
            // go-yaml converts only `int`/`int64` results to float; a uint64 under
            // `!!float` fails the tag check below.
            return Err(ScalarError::WrongType {
                value,
                found: "!!int",
                wanted: tag.short(),
            });
        }
        _ if !agrees => {
            return Err(ScalarError::WrongType {
                value,
                found: found_tag.short(),
                wanted: tag.short(),
            })
        }
        Found::Null => Scalar::Null,
        Found::Bool(b) => Scalar::Bool(b),
        Found::Int(i) => Scalar::Int(i),
        Found::UInt(u) => Scalar::UInt(u),
        Found::Float(f) => Scalar::Float(f),
        // Timestamps stay the original text (decode.go: "TODO(v3) Drop this").
        Found::Timestamp | Found::Str => Scalar::Str(value),
    };
    Ok(scalar)
}

/// `!!binary`: Go's `base64.StdEncoding.DecodeString`, which requires padding, skips
/// `\r` and `\n`, and tolerates non-zero trailing bits. Invalid UTF-8 in the result
/// becomes U+FFFD, byte by byte, as Go's JSON encoder writes it.
fn decode_binary(value: &str) -> Result<Scalar, ScalarError> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const GO_STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let cleaned: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    let bytes = GO_STD
        .decode(cleaned.as_bytes())
        .map_err(|_| ScalarError::BadBinary)?;
    Ok(Scalar::Str(go_lossy_utf8(&bytes)))
}

fn go_lossy_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                bytes = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Scalar {
        resolve(s.to_string(), None, true).unwrap_or(Scalar::Str("<error>".into()))
    }

    fn tagged(tag: &str, s: &str, implicit: bool) -> Result<Scalar, ScalarError> {
        resolve(s.to_string(), Some(&format!("{TAG_PREFIX}{tag}")), implicit)
    }

    fn str(s: &str) -> Scalar {
        Scalar::Str(s.to_string())
    }

    #[test]
    fn yaml11_booleans() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        ] {
            assert_eq!(plain(t), Scalar::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        ] {
            assert_eq!(plain(f), Scalar::Bool(false), "{f}");
        }
        for s in ["tRUE", "yES", "oN", "nO"] {
            assert_eq!(plain(s), str(s));
        }
    }

    #[test]
    fn nulls() {
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(n), Scalar::Null, "{n}");
        }
        assert_eq!(plain("nULL"), str("nULL"));
    }

    #[test]
    fn integers_use_go_parse_int_base_0() {
        assert_eq!(plain("0644"), Scalar::Int(420));
        assert_eq!(plain("0o644"), Scalar::Int(420));
        assert_eq!(plain("0x1F"), Scalar::Int(31));
        assert_eq!(plain("0b101"), Scalar::Int(5));
        assert_eq!(plain("-0b101"), Scalar::Int(-5));
        assert_eq!(plain("+0x10"), Scalar::Int(16));
        assert_eq!(plain("1_000"), Scalar::Int(1000));
        assert_eq!(plain("1__0"), Scalar::Int(10));
        assert_eq!(plain("0x_1F"), Scalar::Int(31));
        assert_eq!(plain("00"), Scalar::Int(0));
        assert_eq!(plain("0b-101"), Scalar::Int(-5));
        assert_eq!(plain("9223372036854775807"), Scalar::Int(i64::MAX));
        assert_eq!(plain("9223372036854775808"), Scalar::UInt(1 << 63));
        assert_eq!(plain("0xFFFFFFFFFFFFFFFF"), Scalar::UInt(u64::MAX));
        for s in ["0x", "0x-1", "+-5", "0o8", "1:20", "v1", "1.2.3"] {
            assert_eq!(plain(s), str(s), "{s}");
        }
    }

    #[test]
    fn floats() {
        assert_eq!(plain("08"), Scalar::Float(8.0));
        assert_eq!(plain("1e3"), Scalar::Float(1000.0));
        assert_eq!(plain(".5"), Scalar::Float(0.5));
        assert_eq!(plain("-.5"), Scalar::Float(-0.5));
        assert_eq!(plain("1."), Scalar::Float(1.0));
        assert_eq!(plain("1_0.5"), Scalar::Float(10.5));
        assert_eq!(plain("00.5"), Scalar::Float(0.5));
        assert_eq!(
            plain("-9223372036854775809"),
            Scalar::Float(-9223372036854775809.0)
        );
        assert_eq!(plain("1e400"), str("1e400"));
        assert_eq!(plain("1e"), str("1e"));
        assert_eq!(plain(".inf"), Scalar::Float(f64::INFINITY));
        assert_eq!(plain("-.Inf"), Scalar::Float(f64::NEG_INFINITY));
        assert!(matches!(plain(".NaN"), Scalar::Float(f) if f.is_nan()));
        for s in ["inf", "nan", "NaN", "Infinity", ".", ".x"] {
            assert_eq!(plain(s), str(s), "{s}");
        }
    }

    #[test]
    fn timestamps_stay_strings() {
        assert_eq!(plain("2001-12-14"), str("2001-12-14"));
        assert_eq!(
            tagged("timestamp", "2001-12-14", true),
            Ok(str("2001-12-14"))
        );
        assert!(tagged("timestamp", "yesterday", true).is_err());
    }

    #[test]
    fn quoted_is_string_unless_tagged() {
        assert_eq!(resolve("yes".into(), None, false), Ok(str("yes")));
        assert_eq!(resolve("0644".into(), None, false), Ok(str("0644")));
        assert_eq!(tagged("int", "42", false), Ok(Scalar::Int(42)));
        assert_eq!(tagged("bool", "true", false), Ok(Scalar::Bool(true)));
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(tagged("str", "0644", false), Ok(str("0644")));
        assert_eq!(tagged("str", "", false), Ok(str("")));
        assert_eq!(tagged("int", "0644", false), Ok(Scalar::Int(420)));
        assert_eq!(tagged("float", "1", false), Ok(Scalar::Float(1.0)));
        assert_eq!(tagged("null", "", false), Ok(Scalar::Null));
        assert_eq!(tagged("binary", "aGVsbG8=", false), Ok(str("hello")));
        assert_eq!(tagged("binary", "aGVs\nbG8=\n", false), Ok(str("hello")));
        assert_eq!(
            tagged("binary", "aGVsbG8", false),
            Err(ScalarError::BadBinary)
        );
        assert_eq!(tagged("binary", "/w==", false), Ok(str("\u{FFFD}")));
        assert_eq!(
            tagged("int", "abc", false),
            Err(ScalarError::WrongType {
                value: "abc".into(),
                found: "!!str",
                wanted: "!!int"
            })
        );
        assert!(tagged("int", "1.5", false).is_err());
        assert!(tagged("bool", "1", false).is_err());
        assert!(tagged("float", "1e400", false).is_err());
        // Unknown tags, the non-specific tag and verbatim unknown tags give strings.
        assert_eq!(resolve("1".into(), Some("!foo"), false), Ok(str("1")));
        assert_eq!(resolve("1".into(), Some("!"), true), Ok(str("1")));
        assert_eq!(
            resolve("12".into(), Some("tag:yaml.org,2002:str"), false),
            Ok(str("12"))
        );
    }

    #[test]
    fn merge_key_detection() {
        assert!(is_merge_key("<<", None, true));
        assert!(is_merge_key("<<", Some("tag:yaml.org,2002:merge"), false));
        assert!(!is_merge_key("<<", None, false));
        assert_eq!(plain("<<"), str("<<"));
    }
}
