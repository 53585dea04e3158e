//! A compact byte encoding of a span tree, for documents kept out of memory as
//! trees (`crate::evict`). It is about a twentieth of the tree's size because
//! most strings are not stored: a plain scalar or key is exactly its text in
//! the file, so its span says it all. Decoding rebuilds the identical tree
//! without scanning YAML again (several times faster than loading it anew).
//!
//! Layout, depth first: per node a tag byte, its span (start as a signed delta
//! from the previous span's start, then its length, as LEB128 varints), then
//!   - Int: zigzag varint; UInt: varint; Float: 8 bytes little-endian;
//!   - Str stored: length and bytes (a Str whose text is its span has no body);
//!   - Seq: item count, then the items;
//!   - Map: entry count, then per entry a key tag (stored or spanned), the key
//!     span, the key bytes if stored, then the value.

use super::{Entry, Node, NodeKind, Scalar, Span};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const UINT: u8 = 4;
const FLOAT: u8 = 5;
const STR_SPANNED: u8 = 6;
const STR_STORED: u8 = 7;
const SEQ: u8 = 8;
const MAP: u8 = 9;

/// Encodes `root`, whose spans index `text`.
pub fn encode(root: &Node, text: &str) -> Vec<u8> {
    let mut e = Encoder {
        out: Vec::new(),
        text,
        prev: 0,
    };
    e.node(root);
    e.out.shrink_to_fit();
    e.out
}

/// Decodes what [`encode`] produced for the same `text`; None if the bytes
/// are not such an encoding.
pub fn decode(bytes: &[u8], text: &str) -> Option<Node> {
    let mut d = Decoder {
        bytes,
        at: 0,
        text,
        prev: 0,
    };
    let root = d.node()?;
    (d.at == bytes.len()).then_some(root)
}

struct Encoder<'t> {
    out: Vec<u8>,
    text: &'t str,
    prev: usize,
}

impl Encoder<'_> {
    fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }

    fn span(&mut self, span: Span) {
        let delta = span.start as i64 - self.prev as i64;
        self.varint(((delta << 1) ^ (delta >> 63)) as u64);
        self.varint(span.end.saturating_sub(span.start) as u64);
        self.prev = span.start;
    }

    fn spanned(&self, span: Span, s: &str) -> bool {
        self.text.get(span.start..span.end) == Some(s)
    }

    fn bytes(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn node(&mut self, node: &Node) {
        let tag = match &node.kind {
            NodeKind::Scalar(Scalar::Null) => NULL,
            NodeKind::Scalar(Scalar::Bool(false)) => FALSE,
            NodeKind::Scalar(Scalar::Bool(true)) => TRUE,
            NodeKind::Scalar(Scalar::Int(_)) => INT,
            NodeKind::Scalar(Scalar::UInt(_)) => UINT,
            NodeKind::Scalar(Scalar::Float(_)) => FLOAT,
            NodeKind::Scalar(Scalar::Str(s)) if self.spanned(node.span, s) => STR_SPANNED,
            NodeKind::Scalar(Scalar::Str(_)) => STR_STORED,
            NodeKind::Seq(_) => SEQ,
            NodeKind::Map(_) => MAP,
        };
        self.out.push(tag);
        self.span(node.span);
        match &node.kind {
            NodeKind::Scalar(Scalar::Int(i)) => self.varint(((i << 1) ^ (i >> 63)) as u64),
            NodeKind::Scalar(Scalar::UInt(u)) => self.varint(*u),
            NodeKind::Scalar(Scalar::Float(f)) => self.out.extend_from_slice(&f.to_le_bytes()),
            NodeKind::Scalar(Scalar::Str(s)) if tag == STR_STORED => self.bytes(s),
            NodeKind::Seq(items) => {
                self.varint(items.len() as u64);
                for item in items {
                    self.node(item);
                }
            }
            NodeKind::Map(entries) => {
                self.varint(entries.len() as u64);
                for e in entries {
                    let spanned = self.spanned(e.key_span, &e.key);
                    self.out
                        .push(if spanned { STR_SPANNED } else { STR_STORED });
                    self.span(e.key_span);
                    if !spanned {
                        self.bytes(&e.key);
                    }
                    self.node(&e.value);
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }
}

struct Decoder<'b, 't> {
    bytes: &'b [u8],
    at: usize,
    text: &'t str,
    prev: usize,
}

impl Decoder<'_, '_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn zigzag(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn span(&mut self) -> Option<Span> {
        let start = usize::try_from(self.prev as i64 + self.zigzag()?).ok()?;
        let len = usize::try_from(self.varint()?).ok()?;
        self.prev = start;
        Some(Span::new(start, start.checked_add(len)?))
    }

    fn stored(&mut self) -> Option<String> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.at.checked_add(len)?;
        let s = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(s.to_string())
    }

    fn spanned(&self, span: Span) -> Option<String> {
        self.text.get(span.start..span.end).map(str::to_string)
    }

    fn node(&mut self) -> Option<Node> {
        let tag = self.byte()?;
        let span = self.span()?;
        let kind = match tag {
            NULL => NodeKind::Scalar(Scalar::Null),
            FALSE => NodeKind::Scalar(Scalar::Bool(false)),
            TRUE => NodeKind::Scalar(Scalar::Bool(true)),
            INT => NodeKind::Scalar(Scalar::Int(self.zigzag()?)),
            UINT => NodeKind::Scalar(Scalar::UInt(self.varint()?)),
            FLOAT => {
                let raw = self.bytes.get(self.at..self.at + 8)?;
                self.at += 8;
                NodeKind::Scalar(Scalar::Float(f64::from_le_bytes(raw.try_into().ok()?)))
            }
            STR_SPANNED => NodeKind::Scalar(Scalar::Str(self.spanned(span)?)),
            STR_STORED => NodeKind::Scalar(Scalar::Str(self.stored()?)),
            SEQ => {
                let n = usize::try_from(self.varint()?).ok()?;
                // Each item takes at least two bytes: no huge allocation on bad input.
                let mut items = Vec::with_capacity(n.min(self.bytes.len() / 2));
                for _ in 0..n {
                    items.push(self.node()?);
                }
                NodeKind::Seq(items)
            }
            MAP => {
                let n = usize::try_from(self.varint()?).ok()?;
                let mut entries = Vec::with_capacity(n.min(self.bytes.len() / 4));
                for _ in 0..n {
                    let key_tag = self.byte()?;
                    let key_span = self.span()?;
                    let key = match key_tag {
                        STR_SPANNED => self.spanned(key_span)?,
                        STR_STORED => self.stored()?,
                        _ => return None,
                    };
                    let value = self.node()?;
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                }
                NodeKind::Map(entries)
            }
            _ => return None,
        };
        Some(Node { kind, span })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    fn round_trip(text: &str) {
        for doc in load(text).documents {
            let bytes = encode(&doc.root, text);
            assert_eq!(decode(&bytes, text).as_ref(), Some(&doc.root), "{text}");
        }
    }

    #[test]
    fn every_kind_of_node_round_trips() {
        round_trip(
            "a: 1\nb: -7\nc: 18446744073709551615\nd: 1.5\ne: .inf\nf: yes\ng: off\nh: ~\n\
             i: plain\nj: \"quoted \\u00e9\"\nk: 'single'\nl: |\n  block\n  text\n\
             m: >\n  folded\n  text\n\"quoted key\": 1\n0x10: hex key\nyes: bool key\n\
             n: [1, two, {three: 3}]\no:\n  - &a {x: 1}\n  - *a\np:\n  <<: *a\n  y: 2\n",
        );
        round_trip("{\"json\": [1, 2.5, \"s\", null, true], \"k\": {}}");
        round_trip("---\nfirst: 1\n---\n- second\n- ümlaut\n");
    }

    #[test]
    fn fixtures_round_trip() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(root).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "yaml") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    round_trip(&text);
                    seen += 1;
                }
            }
        }
        assert!(seen > 100, "the rule fixtures were read");
    }

    #[test]
    fn bad_bytes_decode_to_nothing() {
        let text = "a: [1, 2]\n";
        let doc = &load(text).documents[0];
        let bytes = encode(&doc.root, text);
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut], text), None);
        }
        assert_eq!(decode(&[42], text), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, text), None);
    }

    #[test]
    fn plain_strings_are_not_stored() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a-fairly-long-name\n";
        let doc = &load(text).documents[0];
        let bytes = encode(&doc.root, text);
        assert!(bytes.len() < text.len() / 2, "{} bytes", bytes.len());
    }
}
