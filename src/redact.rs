//! No secret in any report (issue 14). Two kinds of text are secret values:
//!
//! - every value under `data` and `stringData` of a Secret (and its
//!   `kubectl.kubernetes.io/last-applied-configuration` annotation, which
//!   repeats them), whether or not any rule reports the Secret;
//! - the value a finding of a `secrets/` rule points at, when that is a scalar
//!   (`env[].value`, a ConfigMap `data` or `binaryData` entry). Findings that
//!   point at a mapping (`secretKeyRef`, a Secret's whole `data`) mask nothing
//!   more than the Secret rule above already does.
//!
//! [`redact`] runs once at the end of the pipeline and works from the spans of
//! the resources' node trees, so every format shares it:
//!
//! - finding messages (every format prints them) have any such value of their
//!   resource replaced by [`REDACTED`]; the bundled rules never quote one, but
//!   a user policy may;
//! - the spans are kept per file ([`Redactions`]) and the human format masks
//!   them in its source snippet ([`mask`]): a single-line value becomes
//!   `«redacted, 12 chars»` and a multi-line one (a PEM block scalar)
//!   `«redacted, 28 lines»`, its other lines left empty, so every line keeps its
//!   number. The whole file is masked, so a context line of another finding
//!   shows no value either.
//!
//! A Secret whose document does not parse has no tree: in such a `---` chunk,
//! the lines under a top-level `data:` or `stringData:` key are masked from the
//! text alone ([`unparsed_secret`]).
//!
//! Other formats print no source text; SARIF regions carry positions only, and
//! baselines and fingerprints hold rule, file, resource and field path, never a
//! value.

use crate::finding::Finding;
use crate::locate::Locator;
use crate::resource::Resource;
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind, Scalar, Span};
use base64::Engine as _;
use std::collections::BTreeMap;

/// What a secret value in a message becomes.
pub const REDACTED: &str = "«redacted»";

/// Values shorter than this (in characters) are masked in snippets but not
/// searched for in messages: replacing every `abc` in a message would garble
/// it and hide nothing worth hiding.
const MIN_SCRUBBED_CHARS: usize = 4;

/// A line of a multi-line value is searched for in messages on its own when it
/// is at least this long (a line of a PEM block, a `KEY=value` line of an env
/// file in a ConfigMap).
const MIN_SCRUBBED_LINE_CHARS: usize = 8;

/// One masked range of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    pub span: Span,
    /// What the snippet shows instead: `«redacted, 12 chars»`.
    pub label: String,
}

/// The masked ranges of every file of a run, by file index (as
/// `Outcome::files`): sorted, disjoint.
#[derive(Debug, Clone, Default)]
pub struct Redactions {
    files: Vec<Vec<Hidden>>,
}

impl Redactions {
    /// The masked ranges of a file (none for an unknown index).
    pub fn hidden(&self, file: usize) -> &[Hidden] {
        self.files.get(file).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Finds the secret values of a run, scrubs them from the findings' messages
/// and returns their spans for the snippets. A finding's `owner` is the index
/// into `resources` of the resource it is about.
pub fn redact(
    files: &[SourceFile],
    resources: &[Resource],
    findings: &mut [Finding],
) -> Redactions {
    let mut hidden: Vec<Vec<Hidden>> = vec![Vec::new(); files.len()];
    // Per resource: the values its findings' messages must not quote.
    let mut values: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    // Secrets rules' findings, by the resource they are about.
    let mut flagged: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if let (true, Some(ri)) = (is_secrets_rule(&f.rule), f.owner) {
            flagged.entry(ri).or_default().push(i);
        }
    }
    for (ri, r) in resources.iter().enumerate() {
        let is_secret = r.id.kind == "Secret";
        let paths = flagged.get(&ri);
        if !is_secret && paths.is_none() {
            continue;
        }
        let (Some(file), Some(out)) = (files.get(r.file), hidden.get_mut(r.file)) else {
            continue;
        };
        let full = r.tree();
        let mut found: Vec<(&Node, bool)> = Vec::new();
        if is_secret {
            for field in ["data", "stringData"] {
                if let Some(NodeKind::Map(entries)) = full.get(field).map(|n| &n.kind) {
                    found.extend(entries.iter().map(|e| (&e.value, field == "data")));
                }
            }
            if let Some(n) = full
                .get("metadata")
                .and_then(|m| m.get("annotations"))
                .and_then(|a| a.get("kubectl.kubernetes.io/last-applied-configuration"))
            {
                found.push((n, false));
            }
        }
        let mut locator = Locator::new(&full);
        for &i in paths.into_iter().flatten() {
            let Some(f) = findings.get(i) else { continue };
            if let Some(n) = locator.node(&f.path) {
                if matches!(n.kind, NodeKind::Scalar(_)) {
                    found.push((n, false));
                }
            }
        }
        let vals = values.entry(ri).or_default();
        for (node, base64) in found {
            let Some(raw) = file.text.get(node.span.start..node.span.end) else {
                continue;
            };
            let value = match &node.kind {
                NodeKind::Scalar(Scalar::Str(s)) => s.as_str(),
                _ => raw,
            };
            out.push(Hidden {
                span: node.span,
                label: label(raw, value),
            });
            push_value(vals, value);
            if base64 {
                if let Some(decoded) = decode_base64(value) {
                    push_value(vals, &decoded);
                }
            }
        }
    }
    // A Secret whose document did not parse is masked from its text.
    let mut parsed: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for r in resources {
        if let Some(starts) = parsed.get_mut(r.file) {
            starts.push(r.span().start);
        }
    }
    for ((file, starts), out) in files.iter().zip(&mut parsed).zip(&mut hidden) {
        if file.text.contains("Secret") {
            starts.sort_unstable();
            out.extend(unparsed_secret(&file.text, starts));
        }
    }
    for list in &mut hidden {
        normalize(list);
    }
    // Messages: a finding's own resource's values; a finding about no resource
    // (loader, suppression hygiene) every value of its file. The findings are
    // grouped by the list that applies to them, and each list is matched
    // against its group's messages only.
    let mut of_resource: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut of_file: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        match f.owner {
            Some(ri) if values.contains_key(&ri) => of_resource.entry(ri).or_default().push(i),
            Some(_) => {}
            None => of_file.entry(f.file).or_default().push(i),
        }
    }
    // The file lists only when some finding is about no resource (they copy
    // every value of the file).
    let mut by_file: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    if !of_file.is_empty() {
        for (ri, v) in &values {
            if let Some(r) = resources.get(*ri).filter(|r| of_file.contains_key(&r.file)) {
                by_file.entry(r.file).or_default().extend(v.iter().cloned());
            }
        }
    }
    let groups = (of_resource
        .into_iter()
        .filter_map(|(ri, g)| Some((values.remove(&ri)?, g))))
    .chain(
        of_file
            .into_iter()
            .filter_map(|(file, g)| Some((by_file.remove(&file)?, g))),
    );
    for (mut list, group) in groups {
        keep_quotable(
            &mut list,
            group
                .iter()
                .filter_map(|&i| findings.get(i))
                .map(|f| f.message.as_str()),
        );
        let Some(scrubber) = Scrubber::new(&list) else {
            continue;
        };
        for &i in &group {
            if let Some(f) = findings.get_mut(i) {
                if let Some(clean) = scrubber.scrub(&f.message) {
                    f.message = clean;
                }
            }
        }
    }
    Redactions { files: hidden }
}

/// Rules whose findings point at a secret value: the `secrets/` category.
pub fn is_secrets_rule(id: &str) -> bool {
    id.starts_with("secrets/")
}

/// `«redacted, 12 chars»` for a value written on one line, `«redacted, 28
/// lines»` for one that spans lines (its resolved text's line count).
fn label(raw: &str, value: &str) -> String {
    if raw.contains(['\n', '\r']) {
        let lines = value.lines().count().max(1);
        if lines == 1 {
            "«redacted, 1 line»".to_string()
        } else {
            format!("«redacted, {lines} lines»")
        }
    } else {
        let chars = value.chars().count();
        if chars == 1 {
            "«redacted, 1 char»".to_string()
        } else {
            format!("«redacted, {chars} chars»")
        }
    }
}

/// Records a value (and the longer lines of a multi-line one) for scrubbing.
fn push_value(vals: &mut Vec<String>, value: &str) {
    // As written (a block scalar's final line break included) and trimmed.
    for v in [value, value.trim()] {
        if v.trim().chars().count() >= MIN_SCRUBBED_CHARS {
            vals.push(v.to_string());
        }
    }
    let value = value.trim();
    if value.contains('\n') {
        for line in value.lines().map(str::trim) {
            if line.chars().count() >= MIN_SCRUBBED_LINE_CHARS {
                vals.push(line.to_string());
            }
        }
    }
}

/// A Secret `data` value's decoded text, when it is base64 of UTF-8 (what a
/// rule would quote after decoding it).
fn decode_base64(value: &str) -> Option<String> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// Leaves in `values` only those that may occur in one of `messages`,
/// deduplicated (order is irrelevant: the scrubber masks every stretch any
/// value covers). A value longer than every message cannot be quoted by one:
/// leaving it out keeps the matcher small (a flagged 5 MB `.env` value would
/// make an automaton of hundreds of MB). Nor can a value with a 4-byte window
/// that no message has: on a ConfigMap of 200,000 flagged keys, building the
/// automaton of all their values cost more than testing each value's windows
/// against a bitmap of the messages' windows (one pass over the messages).
fn keep_quotable<'a>(values: &mut Vec<String>, messages: impl Iterator<Item = &'a str> + Clone) {
    let longest = messages.clone().map(str::len).max().unwrap_or(0);
    values.retain(|v| v.len() <= longest);
    // A few values make a small automaton; the bitmap is for many.
    if values.len() > 64 {
        let windows = Windows::of(messages);
        values.retain(|v| windows.may_hold(v));
    }
    values.sort_unstable();
    values.dedup();
}

/// The 4-byte windows of some texts, hashed into a bitmap: a text whose
/// windows are not all in it occurs in none of them (false positives only).
struct Windows {
    bits: Vec<u64>,
    shift: u32,
}

impl Windows {
    fn of<'a>(texts: impl Iterator<Item = &'a str> + Clone) -> Windows {
        let bytes: usize = texts.clone().map(str::len).sum();
        // About 8 bits per window: few false positives, and a bitmap of at
        // most 4 MiB.
        let log2 = (bytes.max(1) * 8)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, 25);
        let mut w = Windows {
            bits: vec![0; 1 << (log2 - 6)],
            shift: 32 - log2,
        };
        for text in texts {
            for win in text.as_bytes().windows(4) {
                let h = w.hash(win);
                if let Some(word) = w.bits.get_mut(h >> 6) {
                    *word |= 1 << (h & 63);
                }
            }
        }
        w
    }

    fn hash(&self, win: &[u8]) -> usize {
        let mut four = [0u8; 4];
        four.copy_from_slice(win.get(..4).unwrap_or(&[0; 4]));
        (u32::from_le_bytes(four).wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// Whether `text` may occur in one of the texts (always, for one shorter
    /// than a window).
    fn may_hold(&self, text: &str) -> bool {
        text.as_bytes().windows(4).all(|win| {
            let h = self.hash(win);
            self.bits
                .get(h >> 6)
                .is_some_and(|word| word & (1 << (h & 63)) != 0)
        })
    }
}

/// Finds a list of secret values in messages in one pass per message.
struct Scrubber(aho_corasick::AhoCorasick);

impl Scrubber {
    /// None for an empty list (or one the automaton cannot hold: then the
    /// values are masked in snippets still, and messages of bundled rules
    /// never quote them).
    fn new(values: &[String]) -> Option<Scrubber> {
        if values.is_empty() {
            return None;
        }
        aho_corasick::AhoCorasick::new(values).ok().map(Scrubber)
    }

    /// `message` with every stretch that any value covers (occurrences that
    /// overlap are merged, so no part of either survives) replaced by
    /// [`REDACTED`]; None when it quotes none.
    fn scrub(&self, message: &str) -> Option<String> {
        let mut ranges: Vec<(usize, usize)> = self
            .0
            .find_overlapping_iter(message)
            .map(|m| (m.start(), m.end()))
            .collect();
        if ranges.is_empty() {
            return None;
        }
        ranges.sort_unstable();
        let mut out = String::with_capacity(message.len());
        let mut at = 0;
        let mut i = 0;
        while i < ranges.len() {
            let (start, mut end) = ranges[i];
            while let Some(&(_, e)) = ranges.get(i + 1).filter(|(s, _)| *s <= end) {
                end = end.max(e);
                i += 1;
            }
            out.push_str(message.get(at..start).unwrap_or_default());
            out.push_str(REDACTED);
            at = end;
            i += 1;
        }
        out.push_str(message.get(at..).unwrap_or_default());
        Some(out)
    }
}

/// `message` with the values of `values` replaced (see [`Scrubber::scrub`]).
#[cfg(test)]
fn scrub(message: &str, values: &[String]) -> Option<String> {
    Scrubber::new(values)?.scrub(message)
}

/// Sorts ranges and merges the ones that overlap (a Secret value that a rule
/// also flags; an anchored value reached twice). A merged range that is not
/// one of its parts says only `«redacted»`.
fn normalize(list: &mut Vec<Hidden>) {
    list.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end))
            .cmp(&(b.span.start, std::cmp::Reverse(b.span.end)))
    });
    let mut merged: Vec<Hidden> = Vec::with_capacity(list.len());
    for h in list.drain(..) {
        if h.span.end <= h.span.start {
            continue;
        }
        match merged.last_mut() {
            Some(last) if h.span.start < last.span.end => {
                if h.span.end > last.span.end {
                    last.span.end = h.span.end;
                    last.label = REDACTED.to_string();
                }
            }
            _ => merged.push(h),
        }
    }
    *list = merged;
}

/// Ranges to mask in the `---` chunks of `text` that hold a Secret but no
/// parsed resource (`parsed`: where the file's resources start): the values
/// under a top-level `data:` or `stringData:` key of YAML, or everything from
/// the first `"data"`/`"stringData"` key on in JSON. A guess from the text,
/// for documents the loader could not read. `parsed` is sorted.
pub fn unparsed_secret(text: &str, parsed: &[usize]) -> Vec<Hidden> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chunks = Vec::new();
    for (at, line) in lines(text) {
        if at > 0 && is_separator(line) {
            chunks.push((start, at));
            start = at;
        }
    }
    chunks.push((start, text.len()));
    for (start, end) in chunks {
        // Sorted: the first resource start at or after the chunk's.
        let first = parsed.partition_point(|&p| p < start);
        if parsed.get(first).is_some_and(|&p| p < end) {
            continue;
        }
        let Some(chunk) = text.get(start..end) else {
            continue;
        };
        if chunk.trim_start().starts_with('{') {
            if json_secret(chunk) {
                let from = ["\"data\"", "\"stringData\""]
                    .iter()
                    .filter_map(|k| chunk.find(k))
                    .min();
                if let Some(from) = from {
                    out.extend(mask_lines(text, start + from, end));
                }
            }
            continue;
        }
        if !chunk.lines().any(is_secret_kind_line) {
            continue;
        }
        let mut in_data = false;
        for (at, line) in lines(chunk) {
            let content = line.trim_end_matches(['\n', '\r']);
            let body = content.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let indent = content.len() - body.len();
            let line_start = start + at;
            if indent == 0 {
                in_data = false;
                if let Some(rest) = top_level_value(body, &["data", "stringData"]) {
                    let value = rest.trim();
                    if value.is_empty() || value.starts_with('#') {
                        in_data = true;
                    } else {
                        // `data: {a: b}` or `data: x` on the key's line.
                        let from = line_start + (content.len() - rest.trim_start().len());
                        out.push(Hidden {
                            span: Span::new(from, line_start + content.len()),
                            label: REDACTED.to_string(),
                        });
                    }
                }
                continue;
            }
            if !in_data {
                continue;
            }
            // `key: value` under data: mask the value; a line without a key
            // continues a block or quoted value: mask all of it.
            let from = match body.find(": ") {
                Some(i) => indent + i + 2,
                None if body.ends_with(':') => continue,
                None => indent,
            };
            if from < content.len() {
                out.push(Hidden {
                    span: Span::new(line_start + from, line_start + content.len()),
                    label: REDACTED.to_string(),
                });
            }
        }
    }
    out
}

/// Each line of `text` with its start offset (line breaks included).
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line))
    })
}

/// A `---` document separator as kubectl reads it.
fn is_separator(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| {
        let rest = rest.trim();
        rest.is_empty() || rest.starts_with('#')
    })
}

/// `kind: Secret` at the top level of a YAML document.
fn is_secret_kind_line(line: &str) -> bool {
    top_level_value(line, &["kind"]).is_some_and(|v| {
        let v = v.split('#').next().unwrap_or_default().trim();
        v.trim_matches(|c| c == '"' || c == '\'') == "Secret"
    })
}

/// The text after `key:` when `line` starts with one of `keys` (bare or
/// quoted) followed by a colon.
fn top_level_value<'a>(line: &'a str, keys: &[&str]) -> Option<&'a str> {
    let quoted = |k: &str, q: char| {
        line.strip_prefix(q)
            .and_then(|r| r.strip_prefix(k))
            .and_then(|r| r.strip_prefix(q))
    };
    keys.iter().find_map(|k| {
        let rest = line
            .strip_prefix(k)
            .or_else(|| quoted(k, '"'))
            .or_else(|| quoted(k, '\''))?;
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.strip_prefix(':')
            .filter(|r| r.is_empty() || r.starts_with([' ', '\t', '\n', '\r']))
    })
}

/// A JSON chunk that says `"kind": "Secret"`.
fn json_secret(chunk: &str) -> bool {
    let mut rest = chunk;
    while let Some(i) = rest.find("\"kind\"") {
        let after = rest.get(i + 6..).unwrap_or_default().trim_start();
        if let Some(v) = after.strip_prefix(':') {
            if v.trim_start().starts_with("\"Secret\"") {
                return true;
            }
        }
        rest = rest.get(i + 6..).unwrap_or_default();
    }
    false
}

/// `start..end` of `text` as one masked range per line (line breaks kept out).
fn mask_lines(text: &str, start: usize, end: usize) -> Vec<Hidden> {
    let mut out = Vec::new();
    let Some(region) = text.get(start..end) else {
        return out;
    };
    for (at, line) in lines(region) {
        let content = line.trim_end_matches(['\n', '\r']);
        if !content.trim().is_empty() {
            out.push(Hidden {
                span: Span::new(start + at, start + at + content.len()),
                label: REDACTED.to_string(),
            });
        }
    }
    out
}

/// A file's text with ranges replaced by their labels, and the map from the
/// file's offsets to this text's.
#[derive(Debug, Clone)]
pub struct Masked {
    pub text: String,
    /// `(original start, original end, masked start, masked end)` of each
    /// replaced range, in order.
    regions: Vec<(usize, usize, usize, usize)>,
}

/// Replaces each range of `hidden` (sorted, disjoint: see [`Redactions`]) by
/// its label. The range's line breaks stay (its other lines become empty), so
/// every line of the file keeps its number. None when nothing is hidden.
pub fn mask(text: &str, hidden: &[Hidden]) -> Option<Masked> {
    if hidden.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut regions = Vec::with_capacity(hidden.len());
    let mut copied = 0;
    for h in hidden {
        let (Some(before), Some(secret)) = (
            text.get(copied..h.span.start),
            text.get(h.span.start..h.span.end),
        ) else {
            continue;
        };
        out.push_str(before);
        let new_start = out.len();
        out.push_str(&h.label);
        let mut chars = secret.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    out.push_str("\r\n");
                }
                '\r' | '\n' => out.push(c),
                _ => {}
            }
        }
        regions.push((h.span.start, h.span.end, new_start, out.len()));
        copied = h.span.end;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(Masked { text: out, regions })
}

impl Masked {
    /// Where an offset of the file's text is in [`Masked::text`]: an offset
    /// inside a masked range goes to the start of its label.
    pub fn offset(&self, original: usize) -> usize {
        let done = self.regions.partition_point(|r| r.1 <= original);
        if let Some(r) = self.regions.get(done) {
            if r.0 < original {
                return r.2;
            }
        }
        match done.checked_sub(1).and_then(|i| self.regions.get(i)) {
            Some(&(_, end, _, new_end)) => original - end + new_end,
            None => original,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hide(text: &str, what: &str, label: &str) -> Hidden {
        let start = text.find(what).expect("in text");
        Hidden {
            span: Span::new(start, start + what.len()),
            label: label.into(),
        }
    }

    #[test]
    fn masking_keeps_lines_and_maps_offsets() {
        let text = "a: 1\nv: \"supersecret\" # c\nb: |\n  line1\n  line2\nz: 2\n";
        let h1 = hide(text, "\"supersecret\"", "«one»");
        let h2 = hide(text, "|\n  line1\n  line2\n", "«two»");
        let m = mask(text, &[h1, h2]).expect("masked");
        assert_eq!(m.text, "a: 1\nv: «one» # c\nb: «two»\n\n\nz: 2\n");
        assert_eq!(m.text.lines().count(), text.lines().count());
        for what in ["a: 1", "# c", "z: 2", "b: "] {
            let at = text.find(what).expect("in text");
            assert_eq!(&m.text[m.offset(at)..m.offset(at) + what.len()], what);
        }
        // Inside a masked range: the start of its label.
        let inside = text.find("secret\"").expect("in text");
        assert!(m.text[m.offset(inside)..].starts_with("«one»"));
        assert_eq!(m.offset(text.len()), m.text.len());
        assert!(mask(text, &[]).is_none());
    }

    #[test]
    fn crlf_is_kept() {
        let text = "k: |\r\n  s1\r\n  s2\r\nz: 1\r\n";
        let m = mask(text, &[hide(text, "|\r\n  s1\r\n  s2\r\n", "«x»")]).expect("masked");
        assert_eq!(m.text, "k: «x»\r\n\r\n\r\nz: 1\r\n");
    }

    #[test]
    fn overlapping_ranges_merge() {
        let mut list = vec![
            Hidden {
                span: Span::new(10, 20),
                label: "b".into(),
            },
            Hidden {
                span: Span::new(5, 30),
                label: "a".into(),
            },
            Hidden {
                span: Span::new(5, 30),
                label: "a2".into(),
            },
            Hidden {
                span: Span::new(28, 40),
                label: "c".into(),
            },
            Hidden {
                span: Span::new(50, 50),
                label: "empty".into(),
            },
        ];
        normalize(&mut list);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].span, Span::new(5, 40));
        assert_eq!(list[0].label, REDACTED);
    }

    #[test]
    fn labels_count_chars_or_lines() {
        assert_eq!(label("\"abc\"", "abc"), "«redacted, 3 chars»");
        assert_eq!(label("|\n  a\n  b\n", "a\nb\n"), "«redacted, 2 lines»");
        assert_eq!(label("x", "x"), "«redacted, 1 char»");
    }

    #[test]
    fn overlapping_values_are_masked_together() {
        let vals = vec!["bcdef".to_string(), "abcd".to_string()];
        assert_eq!(
            scrub("x abcdef y", &vals).as_deref(),
            Some("x «redacted» y")
        );
        assert_eq!(
            scrub("abcd and bcdef", &vals).as_deref(),
            Some("«redacted» and «redacted»")
        );
        assert_eq!(scrub("nothing here", &vals), None);
    }

    #[test]
    fn values_no_message_can_quote_are_left_out() {
        let mut values: Vec<String> = (0..200).map(|i| format!("secret-value-{i:04}")).collect();
        values.push("abc".to_string());
        values.push("secret-value-0042".to_string());
        let messages = [
            "quotes secret-value-0042 here",
            "and secret-value-0199, abc",
        ];
        keep_quotable(&mut values, messages.iter().copied());
        // Every value a message quotes is kept (once); most others are not.
        for v in ["secret-value-0042", "secret-value-0199", "abc"] {
            assert_eq!(
                values.iter().filter(|x| *x == v).count(),
                1,
                "{v}: {values:?}"
            );
        }
        assert!(values.len() < 20, "{values:?}");
    }

    #[test]
    fn scrubbing_replaces_longest_values_first() {
        let mut vals = Vec::new();
        push_value(&mut vals, "hunter2-Xq9");
        push_value(&mut vals, "hunter2-Xq9-long");
        push_value(&mut vals, "abc");
        push_value(
            &mut vals,
            "-----BEGIN KEY-----\nMIIEvQIBADANBgkq\nshort\n-----END KEY-----\n",
        );
        assert!(!vals.contains(&"abc".to_string()));
        assert!(!vals.contains(&"short".to_string()));
        assert_eq!(
            scrub("pw hunter2-Xq9-long and hunter2-Xq9 abc", &vals).as_deref(),
            Some("pw «redacted» and «redacted» abc")
        );
        assert_eq!(
            scrub("key MIIEvQIBADANBgkq", &vals).as_deref(),
            Some("key «redacted»")
        );
        // A multi-line value quoted whole goes whole, its line break too.
        assert_eq!(
            scrub(
                "is -----BEGIN KEY-----\nMIIEvQIBADANBgkq\nshort\n-----END KEY-----\n!",
                &vals
            )
            .as_deref(),
            Some("is «redacted»!")
        );
        assert_eq!(scrub("nothing here", &vals), None);
        assert_eq!(
            decode_base64("c3VwZXJzZWNyZXQ=").as_deref(),
            Some("supersecret")
        );
        assert_eq!(decode_base64("not base64!"), None);
    }

    #[test]
    fn unparsed_secrets_are_masked_from_the_text() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: visible\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  pw: c2VjcmV0\n  key: |\n    -----BEGIN-----\n    abc\n  bad: [unclosed\nstringData: {x: y}\ntype: Opaque\n";
        let hidden = unparsed_secret(text, &[0]);
        let shown: Vec<&str> = hidden
            .iter()
            .map(|h| &text[h.span.start..h.span.end])
            .collect();
        assert_eq!(
            shown,
            vec![
                "c2VjcmV0",
                "|",
                "-----BEGIN-----",
                "abc",
                "[unclosed",
                "{x: y}"
            ]
        );
        // The ConfigMap chunk parsed (a resource starts in it): left alone.
        assert!(unparsed_secret(text, &[0, text.find("kind: Secret").expect("x")]).is_empty());
        let json = "{\"kind\": \"Secret\", \"metadata\": {\"name\": \"s\"},\n \"data\": {\"pw\": \"c2VjcmV0\"}\n";
        let hidden = unparsed_secret(json, &[]);
        assert_eq!(hidden.len(), 1);
        assert_eq!(
            &json[hidden[0].span.start..hidden[0].span.end],
            "\"data\": {\"pw\": \"c2VjcmV0\"}"
        );
        assert!(unparsed_secret("kind: Secretive\ndata:\n  a: b\n", &[]).is_empty());
        let quoted = "kind: 'Secret'\n\"data\":\n  a: b\n";
        let hidden = unparsed_secret(quoted, &[]);
        assert_eq!(hidden.len(), 1);
        assert_eq!(&quoted[hidden[0].span.start..hidden[0].span.end], "b");
    }
}
