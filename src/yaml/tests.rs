//! Loader behaviour end to end: spans, duplicates and merges, aliases and their
//! limits, deep nesting, streams. Scalar typing and key stringification have their own
//! tests next to their code (`scalar.rs`, `keys.rs`, `gonum.rs`).

use super::*;

fn doc(text: &str) -> Node {
    let loaded = load(text);
    assert!(
        loaded.issues.iter().all(|i| i.rule != "yaml/syntax"),
        "unexpected syntax error: {:?}",
        loaded.issues
    );
    match loaded.documents.into_iter().next() {
        Some(d) => d.root,
        None => panic!("no document in {text:?}"),
    }
}

fn get<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
    path.iter().fold(node, |n, k| match n.get(k) {
        Some(v) => v,
        None => panic!("no key {k:?} in {n:?}"),
    })
}

fn entry<'a>(node: &'a Node, path: &[&str], key: &str) -> &'a Entry {
    match get(node, path).entry(key) {
        Some(e) => e,
        None => panic!("no key {key:?}"),
    }
}

fn text_at(text: &str, span: Span) -> &str {
    text.get(span.start..span.end).unwrap_or("<bad span>")
}

fn rules(loaded: &Loaded) -> Vec<&'static str> {
    loaded.issues.iter().map(|i| i.rule).collect()
}

fn syntax_message(text: &str) -> String {
    let loaded = load(text);
    assert!(
        loaded.documents.is_empty(),
        "document not rejected: {text:?}"
    );
    match loaded.issues.as_slice() {
        [issue] if issue.rule == "yaml/syntax" => issue.message.clone(),
        other => panic!("expected one yaml/syntax issue, got {other:?}"),
    }
}

fn json(text: &str) -> serde_json::Value {
    to_json(&doc(text))
}

// ---------------------------------------------------------------- spans

#[test]
fn key_and_value_spans_of_a_nested_key() {
    let text = "apiVersion: v1\nspec:\n  containers:\n  - name: app\n    securityContext:\n      privileged: yes\n";
    let root = doc(text);
    let containers = get(&root, &["spec", "containers"]);
    let NodeKind::Seq(items) = &containers.kind else {
        panic!("not a sequence");
    };
    assert_eq!(
        text_at(text, items[0].span),
        "name: app\n    securityContext:\n      privileged: yes"
    );
    let e = entry(&items[0], &["securityContext"], "privileged");
    assert_eq!(text_at(text, e.key_span), "privileged");
    assert_eq!(e.key_span.start, text.find("privileged").unwrap_or(0));
    assert_eq!(text_at(text, e.value.span), "yes");
    assert_eq!(e.value.kind, NodeKind::Scalar(Scalar::Bool(true)));
    // A block mapping's span runs from its first key to the end of its last value.
    assert_eq!(text_at(text, get(&root, &["spec"]).span).lines().count(), 4);
}

#[test]
fn flow_collections_span_their_brackets() {
    let text = "v: {a: [1, 2], b: x}\n";
    let root = doc(text);
    assert_eq!(text_at(text, get(&root, &["v"]).span), "{a: [1, 2], b: x}");
    assert_eq!(text_at(text, get(&root, &["v", "a"]).span), "[1, 2]");
}

#[test]
fn values_reached_through_aliases_point_at_the_anchor() {
    // (A key `y` would be the boolean true.)
    let text = "x: &sc {privileged: true}\nz: *sc\n";
    let root = doc(text);
    let z = entry(&root, &[], "z");
    assert_eq!(text_at(text, z.key_span), "z");
    assert_eq!(text_at(text, z.value.span), "&sc {privileged: true}");
    let p = entry(&root, &["z"], "privileged");
    assert_eq!(p.key_span.start, text.find("privileged").unwrap_or(0));
    assert_eq!(text_at(text, p.value.span), "true");
}

#[test]
fn merged_entries_point_at_the_anchored_text() {
    let text = "base: &b\n  image: nginx\n  privileged: true\nc:\n  <<: *b\n  name: app\n";
    let root = doc(text);
    let image = entry(&root, &["c"], "image");
    assert_eq!(image.key_span.start, text.find("image").unwrap_or(0));
    assert_eq!(text_at(text, image.value.span), "nginx");
    let name = entry(&root, &["c"], "name");
    assert_eq!(text_at(text, name.key_span), "name");
}

#[test]
fn spans_are_byte_offsets_after_multibyte_text() {
    let text = "é: «ü»\nnote: 日本語\nv: yes\n";
    let root = doc(text);
    let v = entry(&root, &[], "v");
    assert_eq!(text_at(text, v.key_span), "v");
    assert_eq!(text_at(text, v.value.span), "yes");
    assert_eq!(text_at(text, get(&root, &["note"]).span), "日本語");
    // An error position after non-ASCII text is a byte offset too.
    let bad = "é: «ü»\nb: @x\n";
    let loaded = load(bad);
    assert_eq!(loaded.issues.first().map(|i| i.span.start), bad.find('@'));
}

#[test]
fn spans_skip_a_leading_byte_order_mark() {
    let text = "\u{FEFF}a: 1\nb: x\n";
    let root = doc(text);
    assert_eq!(text_at(text, entry(&root, &[], "a").key_span), "a");
    assert_eq!(text_at(text, get(&root, &["b"]).span), "x");
    let after_sep = "a: 1\n---\n\u{FEFF}b: 2\n";
    let loaded = load(after_sep);
    let second = &loaded.documents[1].root;
    assert_eq!(text_at(after_sep, entry(second, &[], "b").key_span), "b");
}

#[test]
fn crlf_and_cr_only_line_endings() {
    let text = "a: 1\r\nb:\r\n  c: |\r\n    x\r\n    y\r\n";
    let root = doc(text);
    assert_eq!(text_at(text, entry(&root, &["b"], "c").key_span), "c");
    assert_eq!(get(&root, &["b", "c"]).as_str(), Some("x\ny\n"));
    let cr = "a: 1\rb: two\r";
    let root = doc(cr);
    assert_eq!(text_at(cr, get(&root, &["b"]).span), "two");
}

#[test]
fn empty_values_point_at_their_key() {
    let text = "a:\nb: 1\n";
    let root = doc(text);
    let a = entry(&root, &[], "a");
    assert!(a.value.is_null());
    assert_eq!(a.value.span, Span::new(1, 1));
}

// ---------------------------------------------------------------- documents

#[test]
fn documents_keep_their_chunk_index_and_offset() {
    let text = "a: 1\n---\n# only a comment\n---\n~\n---\nhello\n---\n- x\n";
    let loaded = load(text);
    let got: Vec<(usize, usize)> = loaded
        .documents
        .iter()
        .map(|d| (d.index, d.start))
        .collect();
    assert_eq!(
        got,
        [
            (0, 0),
            (3, text.find("hello").unwrap_or(0)),
            (4, text.find("- x").unwrap_or(0))
        ]
    );
    assert!(loaded.issues.is_empty());
}

#[test]
fn content_after_document_end_marker_is_reported() {
    let text = "a: 1\n...\n# comment\nb: 2\nc: 3\n";
    let loaded = load(text);
    assert_eq!(loaded.documents.len(), 1);
    assert_eq!(rules(&loaded), ["yaml/ignored-content"]);
    assert_eq!(text_at(text, loaded.issues[0].span), "b: 2\nc: 3");
    // A second `...` or comments alone are not content.
    assert!(load("a: 1\n...\n...\n# c\n").issues.is_empty());
}

#[test]
fn bad_separator_is_a_located_syntax_issue() {
    let text = "a: 1\n---\nb: 2\n--- {c: 3}\nd: 4\n";
    let loaded = load(text);
    assert_eq!(loaded.documents.len(), 1);
    assert_eq!(rules(&loaded), ["yaml/syntax"]);
    assert_eq!(text_at(text, loaded.issues[0].span), "--- {c: 3}");
    assert!(loaded.issues[0].message.contains("--- {c: 3}"));
}

#[test]
fn syntax_errors_reject_only_their_document() {
    let text = "a: 1\n---\nb: [\n---\nc: 3\n";
    let loaded = load(text);
    let indexes: Vec<usize> = loaded.documents.iter().map(|d| d.index).collect();
    assert_eq!(indexes, [0, 2]);
    assert_eq!(rules(&loaded), ["yaml/syntax"]);
}

#[test]
fn json_streams_are_read_value_by_value() {
    let text =
        "{\"kind\": \"A\", \"n\": 1.0}\n{\"kind\": \"B\", \"kind\": \"C\"}\nnull {\"x\": 1e999}";
    let loaded = load(text);
    let kinds: Vec<_> = loaded.documents.iter().map(|d| to_json(&d.root)).collect();
    assert_eq!(
        kinds,
        [
            serde_json::json!({"kind": "A", "n": 1}),
            serde_json::json!({"kind": "C"})
        ]
    );
    assert_eq!(loaded.documents[1].index, 1);
    assert_eq!(
        loaded.documents[1].start,
        text.find("{\"kind\": \"B\"").unwrap_or(0)
    );
    assert_eq!(rules(&loaded), ["yaml/duplicate-key", "yaml/syntax"]);
    let second_kind = text.rfind("\"kind\"").unwrap_or(0);
    assert_eq!(
        loaded.issues[0].span,
        Span::new(second_kind, second_kind + 6)
    );
    // Not JSON: kubectl's JSON decoder rejects YAML-isms in a stream starting with '{'.
    assert_eq!(rules(&load("{a: 1}")), ["yaml/syntax"]);
}

// ---------------------------------------------------------------- keys

#[test]
fn duplicate_keys_keep_the_last_value_in_first_position() {
    let text = "a: 1\nb: 2\na: 3\n";
    let loaded = load(text);
    assert_eq!(rules(&loaded), ["yaml/duplicate-key"]);
    assert_eq!(loaded.issues[0].span, Span::new(10, 11));
    assert_eq!(
        loaded.issues[0].message,
        "duplicate key \"a\" (Kubernetes keeps the last value; strict decoding rejects it)"
    );
    let root = &loaded.documents[0].root;
    let NodeKind::Map(entries) = &root.kind else {
        panic!("not a map");
    };
    let keys: Vec<_> = entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b"]);
    assert_eq!(entries[0].key_span, Span::new(10, 11));
    assert_eq!(to_json(root), serde_json::json!({"a": 3, "b": 2}));
    // Same Go key written differently.
    assert_eq!(rules(&load("a: 1\n'a': 2\n")), ["yaml/duplicate-key"]);
    assert_eq!(rules(&load("1: a\n01: b\n")), ["yaml/duplicate-key"]);
    assert_eq!(rules(&load("on: a\ny: b\n")), ["yaml/duplicate-key"]);
}

#[test]
fn duplicate_detection_scales_to_large_maps() {
    // 8-byte keys that differ only in their last bytes once made the index quadratic.
    let mut text = String::new();
    for i in 10_000..60_000 {
        text.push_str(&format!("key{i}: {i}\n"));
    }
    text.push_str("key10007: again\n");
    let started = std::time::Instant::now();
    let loaded = load(&text);
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(rules(&loaded), ["yaml/duplicate-key"]);
    assert_eq!(
        get(&loaded.documents[0].root, &["key10007"]).as_str(),
        Some("again")
    );
}

#[test]
fn keys_colliding_after_stringification() {
    for text in ["1: a\n'1': b\n", "true: a\n\"true\": b\n", "1.0: a\n1: b\n"] {
        let loaded = load(text);
        assert_eq!(rules(&loaded), ["yaml/key-collision"], "{text}");
        let root = &loaded.documents[0].root;
        assert_eq!(to_json(root).as_object().map(|o| o.len()), Some(1));
        assert_eq!(
            loaded.issues[0].span.start,
            text.find('\n').map_or(0, |i| i + 1)
        );
    }
}

#[test]
fn keys_kubernetes_cannot_convert() {
    assert!(syntax_message("~: a\n").contains("null key"));
    assert!(syntax_message("18446744073709551615: a\n").contains("int64"));
    assert!(syntax_message("? [a, b]\n: c\n").contains("cannot be a mapping key"));
    assert!(syntax_message("? {a: 1}\n: c\n").contains("cannot be a mapping key"));
    assert_eq!(
        json("yes: a\n0x10: b\n1e3: c\n3.14159265358979: d\n.inf: e\n"),
        serde_json::json!({"true": "a", "16": "b", "1000": "c", "3.1415927": "d", ".inf": "e"})
    );
}

// ---------------------------------------------------------------- merges

#[test]
fn merge_applies_at_its_position() {
    let after = "base: &b {a: 1, b: 2}\nv:\n  <<: *b\n  b: 3\n";
    let loaded = load(after);
    assert!(loaded.issues.is_empty(), "{:?}", loaded.issues);
    assert_eq!(
        to_json(get(&loaded.documents[0].root, &["v"])),
        serde_json::json!({"a": 1, "b": 3})
    );

    let before = "base: &b {a: 1, b: 2}\nv:\n  b: 3\n  <<: *b\n";
    let loaded = load(before);
    assert_eq!(
        to_json(get(&loaded.documents[0].root, &["v"])),
        serde_json::json!({"a": 1, "b": 2})
    );
    assert_eq!(rules(&loaded), ["yaml/duplicate-key"]);
    assert_eq!(text_at(before, loaded.issues[0].span), "<<");
    assert!(loaded.issues[0].message.contains("replaces key \"b\""));
}

#[test]
fn merge_lists_and_repeated_merges() {
    let list = "x: &x {a: 1}\nz: &z {a: 2, c: 3}\nv:\n  <<: [*x, *z]\n";
    assert_eq!(
        to_json(get(&doc(list), &["v"])),
        serde_json::json!({"a": 1, "c": 3})
    );
    let inline = "v:\n  <<: [{a: 1}, {a: 2, b: 2}]\n";
    assert_eq!(
        to_json(get(&doc(inline), &["v"])),
        serde_json::json!({"a": 1, "b": 2})
    );
    let two = "v:\n  <<: {a: 1}\n  <<: {a: 2, b: 2}\n";
    let loaded = load(two);
    assert!(loaded.issues.is_empty());
    assert_eq!(
        to_json(get(&loaded.documents[0].root, &["v"])),
        serde_json::json!({"a": 2, "b": 2})
    );
    let tagged = "v:\n  !!merge <<: {a: 1}\n";
    assert_eq!(
        to_json(get(&doc(tagged), &["v"])),
        serde_json::json!({"a": 1})
    );
    let quoted = "v:\n  '<<': {a: 1}\n";
    assert_eq!(
        to_json(get(&doc(quoted), &["v"])),
        serde_json::json!({"<<": {"a": 1}})
    );
}

#[test]
fn merge_needs_mappings() {
    assert!(syntax_message("s: &s foo\nv:\n  <<: *s\n").contains("merge"));
    assert!(syntax_message("v:\n  <<: [a]\n").contains("merge"));
    assert!(syntax_message("v:\n  <<:\n").contains("merge"));
    assert!(syntax_message("l: &l [{a: 1}]\nv:\n  <<: *l\n").contains("merge"));
}

#[test]
fn merge_into_sequence_items_with_override() {
    let text =
        "d: &d {image: nginx, privileged: false}\ncontainers:\n- <<: *d\n  privileged: yes\n";
    let loaded = load(text);
    assert!(loaded.issues.is_empty());
    assert_eq!(
        to_json(&loaded.documents[0].root)["containers"][0],
        serde_json::json!({"image": "nginx", "privileged": true})
    );
}

// ---------------------------------------------------------------- anchors and aliases

#[test]
fn anchors_and_aliases() {
    assert_eq!(
        json("a: &x 0644\nb: *x\n"),
        serde_json::json!({"a": 420, "b": 420})
    );
    assert_eq!(
        json("a: &x 1\nb: &x 2\nc: *x\n"),
        serde_json::json!({"a": 1, "b": 2, "c": 2})
    );
    assert_eq!(
        json("a: &x [&x 1, *x]\nb: *x\n"),
        serde_json::json!({"a": [1, 1], "b": 1})
    );
    assert!(syntax_message("a: *nope\n").contains("*nope"));
    assert!(syntax_message("a: &r [*r]\n").contains("recursive"));
    assert!(syntax_message("a: &r {b: *r}\n").contains("recursive"));
}

#[test]
fn parse_errors_win_over_decode_errors() {
    // go-yaml parses the whole document before decoding it.
    assert!(syntax_message("a: !!int abc\nb: *nope\n").contains("*nope"));
    assert!(syntax_message("a: !!int abc\nb: [\n").contains("YAML syntax error"));
    assert!(syntax_message("a: !!int abc\nb: 1\n").contains("!!int"));
}

#[test]
fn infinities_reject_the_document_unless_replaced() {
    let msg = syntax_message("a:\n  b: [1, .inf]\n");
    assert!(msg.contains(".inf is not a valid JSON number"), "{msg}");
    let text = "a:\n  b: [1, -.inf]\n";
    assert_eq!(
        load(text).issues[0].span.start,
        text.find("-.inf").unwrap_or(0)
    );
    assert!(syntax_message("a: .nan\n").contains(".nan"));
    // A later duplicate replaces it before json.Marshal sees it.
    let loaded = load("a: .inf\na: 1\n");
    assert_eq!(rules(&loaded), ["yaml/duplicate-key"]);
    // As a key it is just a string.
    assert_eq!(json(".inf: a\n"), serde_json::json!({".inf": "a"}));
}

#[test]
fn alias_bomb_is_rejected_quickly() {
    let mut text = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 10].join(",");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    let started = std::time::Instant::now();
    assert!(syntax_message(&text).contains("excessive aliasing"));
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn moderate_alias_use_is_fine() {
    let mut text =
        String::from("base: &b {image: nginx, pullPolicy: Always, ports: [80, 443]}\nitems:\n");
    for _ in 0..300 {
        text.push_str("- *b\n");
    }
    let loaded = load(&text);
    assert!(loaded.issues.is_empty(), "{:?}", loaded.issues);
}

#[test]
fn hard_alias_caps() {
    let text = "a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n";
    let nodes = Limits {
        max_alias_nodes: 10,
        ..Limits::default()
    };
    assert_eq!(rules(&load_with(text, &nodes)), ["yaml/syntax"]);
    let big = format!("a: &a {}\nb: [*a, *a, *a]\n", "x".repeat(1000));
    let bytes = Limits {
        max_alias_bytes: 2500,
        ..Limits::default()
    };
    assert_eq!(rules(&load_with(&big, &bytes)), ["yaml/syntax"]);
    assert!(load(&big).issues.is_empty());
}

// ---------------------------------------------------------------- depth

fn in_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    if handle.join().is_err() {
        panic!("thread failed");
    }
}

#[test]
fn ten_thousand_levels_do_not_overflow_a_2mib_stack() {
    in_small_stack(|| {
        let n = 10_000;
        let flow = format!("v: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert!(syntax_message(&flow).contains("nested too deeply"));
        let block = format!("{}a\n", "- ".repeat(n));
        assert!(syntax_message(&block).contains("nested too deeply"));
        let mut map = String::new();
        for i in 0..2_000 {
            map.push_str(&" ".repeat(i));
            map.push_str("k:\n");
        }
        assert!(syntax_message(&map).contains("nested too deeply"));
        let json = format!("{}{}", "{\"a\":".repeat(n), "}".repeat(n));
        assert!(syntax_message(&json).contains("nested too deeply"));
    });
}

#[test]
fn nesting_up_to_the_limit_is_accepted_and_usable() {
    in_small_stack(|| {
        let n = Limits::default().max_depth;
        let flow = format!("{}1{}\n", "[".repeat(n), "]".repeat(n));
        let root = doc(&flow);
        let value = to_json(&root);
        drop(value);
        drop(root);
        let block = format!("{}a\n", "- ".repeat(n));
        drop(doc(&block));
        let over = format!("{}1{}\n", "[".repeat(n + 1), "]".repeat(n + 1));
        assert!(syntax_message(&over).contains("nested too deeply"));
        // Aliases count with the depth of what they expand to.
        let deep = format!(
            "a: &a {}1{}\nb: [*a]\n",
            "[".repeat(n - 1),
            "]".repeat(n - 1)
        );
        assert!(syntax_message(&deep).contains("nested too deeply"));
    });
}

// ---------------------------------------------------------------- libyaml-safer vs go-yaml v2

#[test]
fn colon_before_flow_indicator_stays_in_the_scalar() {
    // libyaml-safer: "found unexpected ':'"; go-yaml v2 keeps the colon.
    assert_eq!(
        json("v: [fe80::, 1.2.3.4, x::]\nw: {a: b:}\n"),
        serde_json::json!({"v": ["fe80::", "1.2.3.4", "x::"], "w": {"a": "b:"}})
    );
    let text = "v: [fe80::]\nw: [a:]\n";
    let root = doc(text);
    assert_eq!(text_at(text, get(&root, &["w"]).span), "[a:]");
}

#[test]
fn escaped_single_quote_in_double_quotes() {
    // libyaml-safer rejects `\'`; go-yaml v2 reads a quote.
    assert_eq!(
        json("v: \"it\\'s \\'x\\'\"\nw: [\"a\\'b\", \"\\a\"]\n"),
        serde_json::json!({"v": "it's 'x'", "w": ["a'b", "\u{7}"]})
    );
}

#[test]
fn question_mark_in_flow_plain_scalar_is_rejected() {
    // go-yaml v2 ends a plain scalar at '?' in flow context.
    let text = "args: [--url=http://x/?a=b]\n";
    let loaded = load(text);
    assert_eq!(rules(&loaded), ["yaml/syntax"]);
    assert_eq!(loaded.issues[0].span.start, text.find('?').unwrap_or(0));
    // Not in block context, not quoted, and not in a tag.
    assert_eq!(
        json("a: http://x/?a=b\n"),
        serde_json::json!({"a": "http://x/?a=b"})
    );
    assert_eq!(json("a: ['x?y']\n"), serde_json::json!({"a": ["x?y"]}));
    assert_eq!(json("a: [!x?y z]\n"), serde_json::json!({"a": ["z"]}));
}

#[test]
fn slash_escape_is_not_yaml_for_go() {
    let text = "a: \"http:\\/\\/x\"\n";
    let loaded = load(text);
    assert_eq!(rules(&loaded), ["yaml/syntax"]);
    assert_eq!(loaded.issues[0].span.start, text.find('\\').unwrap_or(0));
    assert_eq!(
        json("a: 'x\\/y'\nb: \"\\\\/\"\n"),
        serde_json::json!({"a": "x\\/y", "b": "\\/"})
    );
    // JSON streams are read by encoding/json, where \/ is fine.
    assert_eq!(json("{\"a\": \"x\\/y\"}"), serde_json::json!({"a": "x/y"}));
}

// ---------------------------------------------------------------- robustness

#[test]
fn tag_before_comma_in_flow_is_an_error_not_a_panic() {
    // libyaml-safer panics here (go-yaml v2 would read the comma into the tag).
    let text = "a: 1\nv: [!foo, x]\n";
    let loaded = load(text);
    assert_eq!(rules(&loaded), ["yaml/syntax"]);
    assert_eq!(loaded.issues[0].span.start, text.find(',').unwrap_or(0));
    assert!(loaded.issues[0].message.contains("tag followed by ','"));
}

#[test]
fn block_scalar_at_end_of_input_without_newline() {
    // libyaml-safer panics unless the input ends with a line break (kubectl adds one).
    assert_eq!(json("v: |\n  abc"), serde_json::json!({"v": "abc\n"}));
    let loaded = load("a: 1\n---\nv: >\n  x\n  y");
    assert!(loaded.issues.is_empty());
    assert_eq!(
        to_json(&loaded.documents[1].root),
        serde_json::json!({"v": "x y\n"})
    );
}

/// Mutated versions of tricky inputs: nothing may panic (a caught parser panic shows up
/// as "the parser failed") or hang.
#[test]
fn mutated_inputs_never_panic() {
    let seeds = [
        "a: &x {b: [1, 2]}\nc: *x\nd:\n  <<: *x\n  e: |\n    text\n",
        "- ? [a, b]\n  : c\n- !!binary aGVsbG8=\n- \"\\u00e9\\x41\"\n",
        "{\"a\": [1, {\"b\": null}], \"c\": \"\\ud83d\\ude00\"}\n",
        "a: 1\n...\n%YAML 1.1\n---\nb: >-\n  x\n\n  y\n",
        "k: 'it''s'\nl: \"multi\n  line\"\nm: !foo bar\n",
        "\u{FEFF}a: é\r\nb: [x,\ty]\r\n",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"-?:,[]{}#&*!|>'\"%@` \t\n\r.0123456789abcxyz<~\\";
    for _ in 0..3_000 {
        let seed = seeds[usize::try_from(next() % 6).unwrap_or(0)];
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..=(next() % 4) {
            let at = usize::try_from(next()).unwrap_or(0) % (bytes.len() + 1);
            let c = alphabet[usize::try_from(next()).unwrap_or(0) % alphabet.len()];
            match next() % 3 {
                0 => bytes.insert(at, c),
                1 if at < bytes.len() => bytes[at] = c,
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => bytes.push(c),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let loaded = load(&text);
        for issue in &loaded.issues {
            assert!(
                !issue.message.contains("parser failed"),
                "panic on {text:?}"
            );
            assert!(
                issue.span.start <= issue.span.end && issue.span.end <= text.len(),
                "{text:?} {issue:?}"
            );
        }
    }
}
