//! Field path -> node -> byte span (DESIGN.md §4). Rules never compute lines:
//! they return a path, and this resolves it to the deepest node that exists.

use crate::finding::{Finding, PathSeg, ResourceRef, Severity};
use crate::resource::Resource;
use crate::source::{Position, SourceFile};
use crate::yaml::{Entry, Node, NodeKind, Span};
use std::collections::HashMap;

/// Where a path landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub span: Span,
    /// How many path segments were found; less than the path length means the
    /// finding points at the nearest existing ancestor.
    pub depth: usize,
}

/// Resolves `path` inside `root`: a mapping entry points at its key, a sequence
/// item at the item's start, and the empty path at the resource's `kind:` key
/// (or the document start when there is none).
pub fn locate(root: &Node, path: &[PathSeg]) -> Located {
    Locator::new(root).locate(path)
}

/// Locates many paths in one resource. A mapping's entries are searched in
/// order, which is fine for the few keys of a manifest; but a ConfigMap may
/// have a million keys and a finding on each, so mappings larger than
/// [`INDEXED_MAP`] are indexed by key the first time a path goes through them.
pub struct Locator<'n> {
    root: &'n Node,
    /// Key -> entry position, per large mapping (by node address).
    index: HashMap<*const Node, HashMap<&'n str, usize>>,
}

/// Mappings with more entries than this are indexed (see [`Locator`]).
const INDEXED_MAP: usize = 32;

impl<'n> Locator<'n> {
    pub fn new(root: &'n Node) -> Locator<'n> {
        Locator {
            root,
            index: HashMap::new(),
        }
    }

    fn entry(&mut self, node: &'n Node, key: &str) -> Option<&'n Entry> {
        let NodeKind::Map(entries) = &node.kind else {
            return None;
        };
        if entries.len() <= INDEXED_MAP {
            return entries.iter().find(|e| e.key == key);
        }
        let index = self.index.entry(node as *const Node).or_insert_with(|| {
            let mut index = HashMap::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                // The first of equal keys, as `Node::entry` finds it.
                index.entry(e.key.as_str()).or_insert(i);
            }
            index
        });
        index.get(key).and_then(|&i| entries.get(i))
    }

    /// The node `path` leads to, when every segment of it exists.
    pub fn node(&mut self, path: &[PathSeg]) -> Option<&'n Node> {
        let mut node = self.root;
        for seg in path {
            node = match (seg, &node.kind) {
                (PathSeg::Key(k), NodeKind::Map(_)) => &self.entry(node, k)?.value,
                (PathSeg::Index(i), NodeKind::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    pub fn locate(&mut self, path: &[PathSeg]) -> Located {
        let root = self.root;
        let mut node = root;
        let mut span = root
            .entry("kind")
            .map(|e| e.key_span)
            .unwrap_or(Span::new(root.span.start, root.span.start));
        let mut depth = 0;
        for seg in path {
            let next = match (seg, &node.kind) {
                (PathSeg::Key(k), NodeKind::Map(_)) => {
                    self.entry(node, k).map(|e| (e.key_span, &e.value))
                }
                (PathSeg::Index(i), NodeKind::Seq(items)) => {
                    items.get(*i).map(|n| (item_span(n), n))
                }
                _ => None,
            };
            match next {
                Some((s, n)) => {
                    span = s;
                    node = n;
                    depth += 1;
                }
                None => break,
            }
        }
        Located { span, depth }
    }
}

/// A sequence item's span, trimmed to its first line so a whole container
/// mapping is not underlined.
fn item_span(n: &Node) -> Span {
    match &n.kind {
        NodeKind::Map(entries) => entries
            .first()
            .map(|e| Span::new(n.span.start, e.key_span.end.max(n.span.start)))
            .unwrap_or(n.span),
        _ => n.span,
    }
}

/// A finding on a resource at a field path, located as DESIGN.md §4 says.
pub fn resource_finding(
    files: &[SourceFile],
    r: &Resource,
    rule: String,
    severity: Severity,
    message: String,
    path: Vec<PathSeg>,
) -> Finding {
    let full = r.tree();
    let mut locator = Locator::new(&full);
    finding_at(files, r, &mut locator, (rule, severity, message), path)
}

/// A finding at `path` in `r`, found with a `locator` of its whole tree
/// (`Resource::tree`).
pub fn finding_at(
    files: &[SourceFile],
    r: &Resource,
    locator: &mut Locator,
    (rule, severity, message): (String, Severity, String),
    path: Vec<PathSeg>,
) -> Finding {
    let located = locator.locate(&path);
    let source = files.get(r.file);
    let pos = |o: usize| {
        source
            .map(|s| s.position(o))
            .unwrap_or(Position { line: 1, column: 1 })
    };
    let start = pos(located.span.start);
    let end = pos(located.span.end);
    Finding {
        rule,
        severity,
        message,
        file: r.file,
        start: located.span.start,
        end: located.span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: Some(ResourceRef::clone(&r.id)),
        path,
        suppressed: None,
        source: None,
        owner: None,
    }
}

/// A file-level finding at a span (no resource, no path): the one shape shared
/// by loader issues and suppression hygiene.
pub fn located(
    file: usize,
    src: &SourceFile,
    span: Span,
    rule: &str,
    severity: Severity,
    message: String,
) -> Finding {
    let start = src.position(span.start);
    let end = src.position(span.end);
    Finding {
        rule: rule.to_string(),
        severity,
        message,
        file,
        start: span.start,
        end: span.end,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: None,
        path: Vec::new(),
        suppressed: None,
        source: None,
        owner: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    fn k(s: &str) -> PathSeg {
        PathSeg::Key(s.to_string())
    }

    #[test]
    fn resolves_keys_items_and_falls_back_to_ancestor() {
        let text = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      privileged: true\n";
        let loaded = load(text);
        let root = &loaded.documents[0].root;
        let path = [
            k("spec"),
            k("containers"),
            PathSeg::Index(1),
            k("securityContext"),
            k("privileged"),
        ];
        let l = locate(root, &path);
        assert_eq!(&text[l.span.start..l.span.end], "privileged");
        assert_eq!(l.depth, 5);

        let l = locate(
            root,
            &[
                k("spec"),
                k("containers"),
                PathSeg::Index(0),
                k("securityContext"),
            ],
        );
        assert_eq!(l.depth, 3);
        assert!(text[l.span.start..].starts_with("name: a"));

        let l = locate(root, &[]);
        assert_eq!(&text[l.span.start..l.span.end], "kind");
    }

    #[test]
    fn large_mappings_are_searched_by_index_with_the_same_result() {
        let mut text = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n");
        for i in 0..100 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        let loaded = load(&text);
        let root = &loaded.documents[0].root;
        let mut locator = Locator::new(root);
        for key in ["k0", "k57", "k99", "nope"] {
            let path = [k("data"), k(key)];
            assert_eq!(locator.locate(&path), locate(root, &path), "{key}");
            let linear = root
                .get("data")
                .and_then(|d| d.entry(key))
                .map(|e| e.key_span);
            assert_eq!(locator.locate(&path).depth == 2, linear.is_some());
            if let Some(span) = linear {
                assert_eq!(locator.locate(&path).span, span);
            }
        }
    }

    #[test]
    fn alias_values_point_at_the_anchor_text() {
        let text = "apiVersion: v1\nkind: Pod\nx: &sc\n  privileged: true\nspec:\n  containers:\n  - name: a\n    securityContext: *sc\n";
        let loaded = load(text);
        let root = &loaded.documents[0].root;
        let path = [
            k("spec"),
            k("containers"),
            PathSeg::Index(0),
            k("securityContext"),
            k("privileged"),
        ];
        let l = locate(root, &path);
        assert_eq!(l.depth, 5);
        // Line 4 is where `privileged: true` was written.
        assert_eq!(&text[l.span.start..l.span.end], "privileged");
        assert_eq!(text[..l.span.start].matches('\n').count(), 3);
    }
}
