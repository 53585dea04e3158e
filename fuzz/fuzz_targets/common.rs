//! Shared by the fuzz targets: the panic policy and the span invariants (every
//! span the loader reports must be a valid slice of the text it came from).

use kubeward::yaml::{Node, NodeKind, Span};
use std::sync::Once;

/// libfuzzer-sys aborts on every panic, even one that is caught. libyaml-safer 0.3
/// panics on a few malformed inputs and the loader deliberately catches those
/// (src/yaml/libyaml.rs) and reports `yaml/syntax`, as `kubeward` itself does
/// (main.rs silences the same panics). Any other panic is still a crash.
pub fn tolerate_parser_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !kubeward::yaml::is_parser_panic(info) {
                abort(info);
            }
        }));
    });
}

/// Panics (a fuzz failure) unless `span` is ordered, inside `text` and on char
/// boundaries, so `&text[span.start..span.end]` cannot panic anywhere downstream.
pub fn check(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

/// Checks every value, key and item span of a tree.
pub fn check_tree(text: &str, node: &Node) {
    // Iterative: trees may be as deep as the loader's depth limit.
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        check(text, n.span, "node");
        match &n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items.iter()),
            NodeKind::Map(entries) => {
                for e in entries {
                    check(text, e.key_span, "key");
                    stack.push(&e.value);
                }
            }
        }
    }
}
