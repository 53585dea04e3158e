//! Events -> span tree for one document, decoding as go-yaml v2 decodes into
//! `interface{}` (`decode.go`) and as sigs.k8s.io/yaml then converts to JSON.
//!
//! The builder is iterative (an explicit stack of open collections), so nesting depth
//! costs heap, not call stack. It mirrors go-yaml's two phases in one pass:
//! - parse-phase errors (libyaml errors, an alias to an unknown anchor) win over
//!   everything else, because go-yaml parses the whole document before decoding it;
//!   so after a decode-phase error the rest of the document is still parsed
//!   ("drained") to look for one;
//! - decode-phase errors (bad tagged scalar, invalid key, bad merge, recursive or
//!   excessive aliasing) are reported in document order, first one wins;
//! - conversion errors (null or uint64 keys) and JSON encoding errors (`.inf`/`.nan`
//!   values) come last, and a `.inf` counts only if it survives into the final tree
//!   (a later duplicate key can replace it).

use std::collections::HashMap;
use std::rc::Rc;

use super::events::{Event, EventKind, EventSource};
use super::keys::{self, KeyId};
use super::limits::Limits;
use super::mapping::{KeyMeta, MapBuilder, Replaced};
use super::scalar::{self, is_merge_key};
use super::{LoadIssue, Node, NodeKind, Scalar, Span};

pub(crate) const SYNTAX: &str = "yaml/syntax";
pub(crate) const DUPLICATE_KEY: &str = "yaml/duplicate-key";
pub(crate) const KEY_COLLISION: &str = "yaml/key-collision";

/// The outcome of one document.
pub(crate) struct Built {
    /// The root, unless the document was rejected.
    pub root: Option<Node>,
    /// Why Kubernetes rejects the document (a `yaml/syntax` issue).
    pub failure: Option<LoadIssue>,
    /// Duplicate keys and key collisions (only meaningful when not rejected).
    pub issues: Vec<LoadIssue>,
    /// Where the document ended (after its `...` marker, if any), when it ended
    /// normally; then the event source can be asked what follows.
    pub end: Option<usize>,
}

/// Error phases, in go-yaml's order of precedence (later variants win).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Convert,
    Decode,
    Parse,
}

/// Size of a subtree, for alias budgets. `cost` counts what go-yaml's decoder counts
/// (`decodeCount`: one per node it unmarshals, keys included, merge keys excluded).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    cost: u64,
    nodes: u64,
    bytes: u64,
    depth: usize,
}

impl Stats {
    fn add(&mut self, child: Stats) {
        self.cost = self.cost.saturating_add(child.cost);
        self.nodes = self.nodes.saturating_add(child.nodes);
        self.bytes = self.bytes.saturating_add(child.bytes);
        self.depth = self.depth.max(child.depth);
    }
}

/// A finished value on its way to its parent.
struct Value {
    node: Node,
    stats: Stats,
    /// For a mapping that may be merged: the Go identity of each entry's key.
    keys: Option<Rc<[KeyId]>>,
    /// For a sequence written as a merge value: each element's key identities.
    elem_keys: Option<Vec<Option<Rc<[KeyId]>>>>,
    from_alias: bool,
    /// Where this value is written here (the alias token for an alias).
    here: Span,
    /// A plain `<<` (or `!!merge <<`) scalar: a merge key if it is in key position.
    merge_key: bool,
}

/// What an anchor currently refers to.
enum Slot {
    /// The anchored collection is still open: an alias to it is recursive.
    Open(u64),
    Done(Rc<Anchored>),
    /// Seen while draining after an error; only its existence matters.
    Seen,
}

struct Anchored {
    node: Node,
    stats: Stats,
    keys: Option<Rc<[KeyId]>>,
}

enum PendingKey {
    Key {
        key: String,
        span: Span,
        id: KeyId,
    },
    Merge {
        span: Span,
    },
    /// The key was rejected (already reported); its value is built and dropped.
    Invalid,
}

enum Collection {
    Seq {
        items: Vec<Node>,
        /// Filled only when the sequence is a merge value.
        elem_keys: Vec<Option<Rc<[KeyId]>>>,
    },
    Map {
        map: MapBuilder,
        pending: Option<PendingKey>,
    },
}

struct Frame {
    coll: Collection,
    start: usize,
    last_end: usize,
    flow: bool,
    anchor: Option<(String, u64)>,
    stats: Stats,
    /// Keep key identities when finished (anchored, or a merge source).
    keep_keys: bool,
    /// This collection is (an element of) a `<<` value.
    merge_ctx: bool,
}

pub(crate) struct Builder<'l> {
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<String, Slot>,
    next_anchor_id: u64,
    root: Option<Node>,
    failure: Option<(Phase, LoadIssue)>,
    issues: Vec<LoadIssue>,
    draining: bool,
    drain_depth: usize,
    non_finite_seen: bool,
    decode_count: u64,
    alias_count: u64,
    alias_nodes: u64,
    alias_bytes: u64,
    meta_pool: Vec<Vec<KeyMeta>>,
}

impl<'l> Builder<'l> {
    pub(crate) fn new(limits: &'l Limits) -> Self {
        Builder {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            next_anchor_id: 0,
            root: None,
            failure: None,
            issues: Vec::new(),
            draining: false,
            drain_depth: 0,
            non_finite_seen: false,
            decode_count: 0,
            alias_count: 0,
            alias_nodes: 0,
            alias_bytes: 0,
            meta_pool: Vec::new(),
        }
    }

    /// Consumes events after a `DocumentStart` up to and including its `DocumentEnd`.
    pub(crate) fn build(mut self, src: &mut dyn EventSource) -> Built {
        // go-yaml counts the document node itself.
        self.visit(1, false);
        let end = loop {
            let event = match src.next_event() {
                Ok(event) => event,
                Err(err) => {
                    self.fail(Phase::Parse, err.message, point(err.at));
                    break None;
                }
            };
            if matches!(event.kind, EventKind::DocumentEnd) {
                break Some(event.span.end);
            }
            if self.draining {
                self.drain(event);
            } else {
                self.handle(event);
            }
            if matches!(&self.failure, Some((Phase::Parse, _))) {
                break None;
            }
        };
        self.finish(end)
    }

    fn finish(mut self, end: Option<usize>) -> Built {
        if self.failure.is_none() && self.non_finite_seen {
            if let Some((span, f)) = self.root.as_ref().and_then(find_non_finite) {
                let name = if f.is_nan() {
                    ".nan"
                } else if f > 0.0 {
                    ".inf"
                } else {
                    "-.inf"
                };
                self.fail(
                    Phase::Convert,
                    format!(
                        "document rejected by Kubernetes: {name} is not a valid JSON number \
                         (quote it if it is meant as text)"
                    ),
                    span,
                );
            }
        }
        match self.failure {
            Some((_, failure)) => Built {
                root: None,
                failure: Some(failure),
                issues: Vec::new(),
                end,
            },
            None => Built {
                root: self.root,
                failure: None,
                issues: self.issues,
                end,
            },
        }
    }

    /// Records an error; a higher phase replaces a lower one, otherwise the first stays.
    fn fail(&mut self, phase: Phase, message: String, span: Span) {
        if self.failure.as_ref().is_none_or(|(p, _)| phase > *p) {
            self.failure = Some((
                phase,
                LoadIssue {
                    rule: SYNTAX,
                    message,
                    span,
                },
            ));
        }
        if phase >= Phase::Decode && !self.draining {
            // go-yaml stops decoding here; keep parsing to find parse-phase errors.
            self.draining = true;
            self.drain_depth = self.stack.len();
            self.stack.clear();
        }
    }

    /// go-yaml's excessive-aliasing rule (`decode.go` `unmarshal`/`allowedAliasRatio`),
    /// checked as its counters advance.
    fn visit(&mut self, n: u64, aliased: bool) -> bool {
        self.decode_count = self.decode_count.saturating_add(n);
        if aliased {
            self.alias_count = self.alias_count.saturating_add(n);
        }
        let (d, a) = (self.decode_count, self.alias_count);
        if a > 100 && d > 1000 && (a as f64 / d as f64) > allowed_alias_ratio(d) {
            return false;
        }
        true
    }

    fn handle(&mut self, event: Event) {
        let span = event.span;
        match event.kind {
            EventKind::Scalar {
                anchor,
                tag,
                value,
                implicit,
            } => self.scalar(anchor, tag.as_deref(), value, implicit, span),
            EventKind::Alias { anchor } => self.alias(&anchor, span),
            EventKind::SequenceStart { anchor, flow } => {
                let coll = Collection::Seq {
                    items: Vec::new(),
                    elem_keys: Vec::new(),
                };
                self.open(coll, anchor, flow, span);
            }
            EventKind::MappingStart { anchor, flow } => {
                let meta = self.meta_pool.pop().unwrap_or_default();
                let coll = Collection::Map {
                    map: MapBuilder::with_meta(meta),
                    pending: None,
                };
                self.open(coll, anchor, flow, span);
            }
            EventKind::SequenceEnd | EventKind::MappingEnd => self.close(span),
            EventKind::StreamStart
            | EventKind::StreamEnd
            | EventKind::DocumentStart
            | EventKind::DocumentEnd => self.fail(
                Phase::Parse,
                "YAML syntax error: unexpected event inside a document".to_string(),
                span,
            ),
        }
    }

    /// After a decode-phase error: only look for parse-phase errors.
    fn drain(&mut self, event: Event) {
        match event.kind {
            EventKind::Scalar { anchor, .. } => self.seen(anchor),
            EventKind::SequenceStart { anchor, .. } | EventKind::MappingStart { anchor, .. } => {
                self.seen(anchor);
                self.drain_depth += 1;
                if self.drain_depth > self.limits.max_depth {
                    self.too_deep(event.span);
                }
            }
            EventKind::SequenceEnd | EventKind::MappingEnd => {
                self.drain_depth = self.drain_depth.saturating_sub(1);
            }
            EventKind::Alias { anchor } if !self.anchors.contains_key(&anchor) => {
                self.unknown_anchor(&anchor, event.span);
            }
            _ => {}
        }
    }

    fn seen(&mut self, anchor: Option<String>) {
        if let Some(name) = anchor {
            self.anchors.insert(name, Slot::Seen);
        }
    }

    fn too_deep(&mut self, span: Span) {
        let max = self.limits.max_depth;
        self.fail(
            Phase::Parse,
            format!(
                "document is nested too deeply (more than {max} levels of sequences and \
                 mappings)"
            ),
            span,
        );
    }

    fn unknown_anchor(&mut self, anchor: &str, span: Span) {
        self.fail(
            Phase::Parse,
            format!(
                "document rejected by Kubernetes: alias *{anchor} refers to no anchor \
                 (&{anchor} must be defined before it is used)"
            ),
            span,
        );
    }

    /// Is the next value delivered to the top frame a mapping key?
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                coll: Collection::Map { pending: None, .. },
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        anchor: Option<String>,
        tag: Option<&str>,
        value: String,
        implicit: bool,
        mut span: Span,
    ) {
        let merge_key = self.expecting_key() && is_merge_key(&value, tag, implicit);
        let bytes = value.len() as u64;
        let resolved = match scalar::resolve(value, tag, implicit) {
            // The scanner grows the text one character at a time; the tree keeps every
            // string of every file until the run ends, so drop the growth slack.
            Ok(Scalar::Str(mut s)) => {
                s.shrink_to_fit();
                Scalar::Str(s)
            }
            Ok(s) => s,
            Err(e) => return self.fail(Phase::Decode, e.message(), span),
        };
        // go-yaml does not unmarshal a merge key.
        let cost = u64::from(!merge_key);
        if !self.visit(cost, false) {
            return self.excessive_aliasing(span);
        }
        // libyaml puts an empty value at the next token, possibly lines below; point
        // at the end of its key instead.
        if span.start == span.end {
            if let Some(Frame {
                coll:
                    Collection::Map {
                        pending:
                            Some(PendingKey::Key { span: key, .. } | PendingKey::Merge { span: key }),
                        ..
                    },
                ..
            }) = self.stack.last()
            {
                span = Span::new(key.end, key.end);
            }
        }
        let node = Node {
            kind: NodeKind::Scalar(resolved),
            span,
        };
        let stats = Stats {
            cost,
            nodes: 1,
            bytes,
            depth: 0,
        };
        if let Some(name) = anchor {
            let anchored = Anchored {
                node: node.clone(),
                stats,
                keys: None,
            };
            self.anchors.insert(name, Slot::Done(Rc::new(anchored)));
        }
        self.deliver(Value {
            node,
            stats,
            keys: None,
            elem_keys: None,
            from_alias: false,
            here: span,
            merge_key,
        });
    }

    fn alias(&mut self, anchor: &str, span: Span) {
        let anchored = match self.anchors.get(anchor) {
            None | Some(Slot::Seen) => return self.unknown_anchor(anchor, span),
            Some(Slot::Open(_)) => {
                return self.fail(
                    Phase::Decode,
                    format!(
                        "document rejected by Kubernetes: alias *{anchor} is inside the value \
                         of its own anchor &{anchor} (a recursive alias)"
                    ),
                    span,
                )
            }
            Some(Slot::Done(anchored)) => Rc::clone(anchored),
        };
        if self.stack.len() + anchored.stats.depth > self.limits.max_depth {
            return self.too_deep(span);
        }
        // The alias node itself, then its target's nodes, all decoded again by go-yaml.
        if !self.visit(1, false) || !self.visit(anchored.stats.cost, true) {
            return self.excessive_aliasing(span);
        }
        self.alias_nodes = self.alias_nodes.saturating_add(anchored.stats.nodes);
        self.alias_bytes = self.alias_bytes.saturating_add(anchored.stats.bytes);
        if self.alias_nodes > self.limits.max_alias_nodes
            || self.alias_bytes > self.limits.max_alias_bytes
        {
            let (nodes, bytes) = (self.limits.max_alias_nodes, self.limits.max_alias_bytes);
            return self.fail(
                Phase::Decode,
                format!(
                    "document contains excessive aliasing: aliases expand to more than \
                     kubeward's limit of {nodes} nodes or {bytes} bytes"
                ),
                span,
            );
        }
        let stats = Stats {
            cost: anchored.stats.cost.saturating_add(1),
            ..anchored.stats
        };
        self.deliver(Value {
            node: anchored.node.clone(),
            stats,
            keys: anchored.keys.clone(),
            elem_keys: None,
            from_alias: true,
            here: span,
            merge_key: false,
        });
    }

    fn excessive_aliasing(&mut self, span: Span) {
        self.fail(
            Phase::Decode,
            "document rejected by Kubernetes: document contains excessive aliasing \
             (aliases expand to far more data than the document holds)"
                .to_string(),
            span,
        );
    }

    fn open(&mut self, coll: Collection, anchor: Option<String>, flow: bool, span: Span) {
        if self.stack.len() >= self.limits.max_depth {
            return self.too_deep(span);
        }
        let merge_ctx = match self.stack.last() {
            Some(Frame {
                coll:
                    Collection::Map {
                        pending: Some(PendingKey::Merge { .. }),
                        ..
                    },
                ..
            }) => true,
            Some(Frame {
                coll: Collection::Seq { .. },
                merge_ctx,
                ..
            }) => *merge_ctx,
            _ => false,
        };
        let anchor = anchor.map(|name| {
            let id = self.next_anchor_id;
            self.next_anchor_id += 1;
            self.anchors.insert(name.clone(), Slot::Open(id));
            (name, id)
        });
        self.stack.push(Frame {
            coll,
            start: span.start,
            last_end: span.end,
            flow,
            keep_keys: anchor.is_some() || merge_ctx,
            anchor,
            stats: Stats::default(),
            merge_ctx,
        });
    }

    fn close(&mut self, end: Span) {
        let Some(frame) = self.stack.pop() else {
            return self.fail(
                Phase::Parse,
                "YAML syntax error: unbalanced collection end".to_string(),
                end,
            );
        };
        if !self.visit(1, false) {
            return self.excessive_aliasing(end);
        }
        let span = if frame.flow {
            Span::new(frame.start, end.end.max(frame.start))
        } else {
            Span::new(frame.start, frame.last_end.max(frame.start))
        };
        let mut stats = frame.stats;
        stats.cost = stats.cost.saturating_add(1);
        stats.nodes = stats.nodes.saturating_add(1);
        stats.depth += 1;
        // Collections are shrunk to their length: growth slack (a 1-entry mapping
        // holds room for 4) otherwise doubles the memory of streams of small documents.
        let (kind, keys, elem_keys) = match frame.coll {
            Collection::Seq {
                mut items,
                elem_keys,
            } => {
                items.shrink_to_fit();
                let elem_keys = frame.merge_ctx.then_some(elem_keys);
                (NodeKind::Seq(items), None, elem_keys)
            }
            Collection::Map { map, .. } => {
                let (mut entries, mut meta) = map.finish();
                entries.shrink_to_fit();
                let keys: Option<Rc<[KeyId]>> =
                    frame.keep_keys.then(|| meta.iter().map(|m| m.id).collect());
                meta.clear();
                self.meta_pool.push(meta);
                (NodeKind::Map(entries), keys, None)
            }
        };
        let node = Node { kind, span };
        if let Some((name, id)) = frame.anchor {
            // A nested redefinition of the same name replaced the slot: keep it.
            if matches!(self.anchors.get(&name), Some(Slot::Open(open)) if *open == id) {
                let anchored = Anchored {
                    node: node.clone(),
                    stats,
                    keys: keys.clone(),
                };
                self.anchors.insert(name, Slot::Done(Rc::new(anchored)));
            }
        }
        self.deliver(Value {
            node,
            stats,
            keys,
            elem_keys,
            from_alias: false,
            here: span,
            merge_key: false,
        });
    }

    /// Hands a finished value to the open collection (or makes it the root).
    fn deliver(&mut self, value: Value) {
        if !self.expecting_key() {
            if let NodeKind::Scalar(Scalar::Float(f)) = value.node.kind {
                self.non_finite_seen |= !f.is_finite();
            }
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some(value.node);
            return;
        };
        frame.last_end = frame.last_end.max(value.here.end);
        let pending = match &mut frame.coll {
            Collection::Seq { items, elem_keys } => {
                frame.stats.add(value.stats);
                if frame.merge_ctx {
                    elem_keys.push(value.keys);
                }
                items.push(value.node);
                return;
            }
            Collection::Map { pending, .. } => pending.take(),
        };
        match pending {
            None => self.key(value),
            Some(PendingKey::Key { key, span, id }) => {
                frame.stats.add(value.stats);
                self.set(key, span, id, value.node);
            }
            Some(PendingKey::Merge { span }) => self.merge(value, span),
            Some(PendingKey::Invalid) => frame.stats.add(value.stats),
        }
    }

    /// A value arrived where a mapping expects a key.
    fn key(&mut self, value: Value) {
        let pending = if value.merge_key {
            PendingKey::Merge { span: value.here }
        } else {
            match value.node.kind {
                NodeKind::Scalar(s) => match keys::stringify(s) {
                    Ok((key, id)) => PendingKey::Key {
                        key,
                        span: value.here,
                        id,
                    },
                    Err(e) => {
                        self.fail(Phase::Convert, e.message(), value.here);
                        PendingKey::Invalid
                    }
                },
                NodeKind::Seq(_) | NodeKind::Map(_) => {
                    return self.fail(
                        Phase::Decode,
                        "document rejected by Kubernetes: a sequence or mapping cannot be a \
                         mapping key"
                            .to_string(),
                        value.here,
                    );
                }
            }
        };
        if let Some(Frame {
            coll: Collection::Map { pending: slot, .. },
            stats,
            ..
        }) = self.stack.last_mut()
        {
            stats.add(value.stats);
            *slot = Some(pending);
        }
    }

    /// An explicit `key: value` pair.
    fn set(&mut self, key: String, key_span: Span, id: KeyId, node: Node) {
        let Some(Frame {
            coll: Collection::Map { map, .. },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let meta = KeyMeta { id, merged: false };
        let (replaced, at) = map.set(key, key_span, node, meta);
        let issue = match replaced {
            Replaced::Nothing | Replaced::SameKey { was_merged: true } => return,
            Replaced::SameKey { was_merged: false } => LoadIssue {
                rule: DUPLICATE_KEY,
                message: format!(
                    "duplicate key {:?} (Kubernetes keeps the last value; strict decoding \
                     rejects it)",
                    map.key_at(at)
                ),
                span: key_span,
            },
            Replaced::Collision { earlier } => collision(map.key_at(at), id, earlier, key_span),
        };
        self.issues.push(issue);
    }

    /// `<<: value` (`decode.go` `merge`): a mapping, an alias to a mapping, or a
    /// sequence written in place whose elements are mappings or aliases to mappings.
    /// Applied where it stands: it overrides keys set before it, and keys after it
    /// override it; in a list, earlier sources win.
    fn merge(&mut self, value: Value, merge_span: Span) {
        let Value {
            node,
            stats,
            keys,
            elem_keys,
            from_alias,
            ..
        } = value;
        let mut sources = Vec::new();
        match node.kind {
            NodeKind::Map(entries) => sources.push((entries, keys)),
            NodeKind::Seq(items) if !from_alias => {
                let mut elem_keys = elem_keys.unwrap_or_default().into_iter();
                for item in items {
                    match item.kind {
                        NodeKind::Map(entries) => {
                            sources.push((entries, elem_keys.next().flatten()));
                        }
                        _ => return self.bad_merge(merge_span),
                    }
                }
                sources.reverse();
            }
            _ => return self.bad_merge(merge_span),
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.stats.add(stats);
        }
        for (entries, keys) in sources {
            for (i, entry) in entries.into_iter().enumerate() {
                let id = keys
                    .as_deref()
                    .and_then(|k| k.get(i).copied())
                    .unwrap_or(KeyId::Str);
                self.merge_one(entry, id, merge_span);
            }
        }
    }

    fn merge_one(&mut self, entry: super::Entry, id: KeyId, merge_span: Span) {
        let Some(Frame {
            coll: Collection::Map { map, .. },
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let meta = KeyMeta { id, merged: true };
        let (replaced, at) = map.set(entry.key, entry.key_span, entry.value, meta);
        let issue = match replaced {
            Replaced::Nothing | Replaced::SameKey { was_merged: true } => return,
            Replaced::SameKey { was_merged: false } => LoadIssue {
                rule: DUPLICATE_KEY,
                message: format!(
                    "this << merge replaces key {:?} set earlier in the mapping (go-yaml \
                     applies a merge where it is written, so the explicit value is lost; \
                     strict decoding rejects it)",
                    map.key_at(at)
                ),
                span: merge_span,
            },
            Replaced::Collision { earlier } => collision(map.key_at(at), id, earlier, merge_span),
        };
        self.issues.push(issue);
    }

    fn bad_merge(&mut self, span: Span) {
        self.fail(
            Phase::Decode,
            "document rejected by Kubernetes: a << merge needs a mapping, an alias to a \
             mapping, or a sequence of those as its value"
                .to_string(),
            span,
        );
    }
}

fn collision(key: &str, id: KeyId, earlier: KeyId, span: Span) -> LoadIssue {
    LoadIssue {
        rule: KEY_COLLISION,
        message: format!(
            "key {key:?} collides with an earlier key: this one is {} and the earlier one is \
             {}, both become {key:?} in JSON, and Kubernetes keeps one of them at random",
            id.type_name(),
            earlier.type_name()
        ),
        span,
    }
}

/// go-yaml v2's `allowedAliasRatio`: up to 99% of decoded nodes may come from aliases
/// in small documents, scaling down to 10% for very large ones.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let d = decode_count as f64;
    if d <= LOW {
        0.99
    } else if d >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
    }
}

fn point(at: usize) -> Span {
    Span::new(at, at)
}

/// The first `.inf`/`.nan` value in document order (go's json.Marshal rejects them).
fn find_non_finite(root: &Node) -> Option<(Span, f64)> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Scalar(Scalar::Float(f)) if !f.is_finite() => return Some((node.span, *f)),
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items.iter().rev()),
            NodeKind::Map(entries) => stack.extend(entries.iter().rev().map(|e| &e.value)),
        }
    }
    None
}
