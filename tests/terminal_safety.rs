//! Issue 13, "no terminal injection": text from the linted tree (resource names,
//! policy messages, file names, config and policy files) never reaches a
//! terminal raw, a file name cannot split a compact record, and SARIF URIs name
//! files whose names are not UTF-8. The binary runs end to end on a tree
//! generated here. On Linux every name is made (a refusal fails the test);
//! elsewhere a name the filesystem refuses is left out, with a message.

#![cfg(unix)]

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::{Output, Stdio};

/// A Pod whose name and container name carry OSC (set title), CSI (clear
/// screen), BEL, NUL, a C1 CSI and a bidi override, all as YAML escapes.
const EVIL_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: "p\e]0;PWNED\a\e[2J\x9b2J\u202e"
spec:
  containers:
  - name: "c\e[31m\0"
    image: nginx
    securityContext:
      privileged: true
"#;

/// The Pod's name as decoded, which JSON must carry exactly.
const EVIL_NAME: &str = "p\u{1b}]0;PWNED\u{7}\u{1b}[2J\u{9b}2J\u{202e}";

/// A conftest policy whose message is made of terminal controls.
const EVIL_POLICY: &str = r#"package main

deny[msg] {
	input.kind == "Pod"
	msg := "evil \u001b[2J\u0007 csi\u009b31m bidi\u202e end\u0000nul"
}
"#;

/// The policy's message as compact and human show it.
const EVIL_MESSAGE_SHOWN: &str = r"evil \x1b[2J\x07 csi\x9b31m bidi\u{202e} end\x00nul";

/// Raw control bytes in the file text itself (a YAML syntax error, shown with
/// its source line) and a lone CR, which ends a line for the YAML parser.
const RAW_CONTROLS: &[u8] = b"a: 1 # raw \x1b[2J esc\rb: [\n";

const NEWLINE_NAME: &[u8] = b"new\nline\x1b[2J.yaml";
const LATIN1_NAME: &[u8] = b"caf\xe9.yaml";

/// Characters a terminal acts on instead of showing (line feed and tab are
/// fine): defined here rather than borrowed from the code under test.
fn hostile(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

fn assert_inert(what: &str, out: &str) {
    if let Some((i, c)) = out.char_indices().find(|&(_, c)| hostile(c)) {
        let from = out[..i].char_indices().rev().nth(60).map_or(0, |(j, _)| j);
        panic!("{what}: raw {c:?} at byte {i}, after {:?}", &out[from..i]);
    }
}

struct Tree {
    dir: tempfile::TempDir,
    /// The manifests, as arguments (relative to `dir`).
    files: Vec<Vec<u8>>,
}

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("pol")).expect("mkdir");
        std::fs::write(dir.path().join("pol/evil.rego"), EVIL_POLICY).expect("write");
        std::fs::write(dir.path().join("evil.yaml"), EVIL_POD).expect("write");
        std::fs::write(dir.path().join("raw.yaml"), RAW_CONTROLS).expect("write");
        let mut tree = Tree {
            dir,
            files: vec![b"evil.yaml".to_vec(), b"raw.yaml".to_vec()],
        };
        tree.try_add(NEWLINE_NAME);
        tree.try_add(LATIN1_NAME);
        tree
    }

    /// Writes the Pod under an odd name, or says why the test goes without it.
    fn try_add(&mut self, name: &[u8]) -> bool {
        let path = self.dir.path().join(OsStr::from_bytes(name));
        match std::fs::write(&path, EVIL_POD) {
            Ok(()) => {
                self.files.push(name.to_vec());
                true
            }
            Err(e) => {
                // Linux filesystems take every byte but `/` and NUL: a refusal
                // there is a failure, never a quietly smaller test. Others
                // (APFS refuses names that are not UTF-8) go without the name.
                if cfg!(target_os = "linux") {
                    panic!("cannot create file name {name:?}: {e}");
                }
                eprintln!("file name {name:?} left out: this filesystem refuses it ({e})");
                false
            }
        }
    }

    fn has(&self, name: &[u8]) -> bool {
        self.files.iter().any(|f| f == name)
    }

    fn run(&self, args: &[&str], color: bool) -> Output {
        let mut cmd = common::kubeward_command();
        cmd.args(args)
            .args(self.files.iter().map(|f| OsStr::from_bytes(f)))
            .current_dir(self.dir.path())
            .env_remove("GITHUB_ACTIONS")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if color {
            cmd.env_remove("NO_COLOR");
        } else {
            cmd.env("NO_COLOR", "1");
        }
        cmd.output().expect("binary runs")
    }

    /// One report of the whole tree (with the evil policy), as text.
    fn report(&self, format: &str) -> String {
        let out = self.run(
            &["--no-config", "--policy", "pol", "--format", format],
            false,
        );
        assert_eq!(out.status.code(), Some(1), "{format}: findings expected");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_inert(&format!("{format} stderr"), &stderr);
        String::from_utf8(out.stdout).expect("reports are UTF-8")
    }
}

#[test]
fn no_format_prints_a_terminal_control_from_the_input() {
    let tree = Tree::new();
    for format in [
        "human",
        "compact",
        "github",
        "junit",
        "checkstyle",
        "gitlab",
        "json",
        "sarif",
    ] {
        let out = tree.report(format);
        assert_inert(format, &out);
    }
    // The hostile text was reported, visibly escaped, not dropped.
    let human = tree.report("human");
    assert!(human.contains(EVIL_MESSAGE_SHOWN), "{human}");
    assert!(
        human.contains(r"Pod p\x1b]0;PWNED\x07\x1b[2J\x9b2J\u{202e}"),
        "the resource label under the snippet: {human}"
    );
    // The snippet of raw.yaml shows its ESC escaped, and its lone CR as the
    // line break the YAML parser saw (line 2 is `b: [`).
    assert!(human.contains(r"a: 1 # raw \x1b[2J esc"), "{human}");
    assert!(human.contains("2 │ b: ["), "{human}");
    assert!(tree.report("compact").contains(EVIL_MESSAGE_SHOWN));
    assert!(tree.report("github").contains(EVIL_MESSAGE_SHOWN));
}

#[test]
fn colour_still_works_and_is_the_only_escape_sequence() {
    let tree = Tree::new();
    let out = tree.run(
        &["--no-config", "--policy", "pol", "--color", "always"],
        true,
    );
    let out = String::from_utf8(out.stdout).expect("utf-8");
    assert!(out.contains('\u{1b}'), "--color always colours");
    // Every ESC starts an SGR sequence (`ESC [ digits/; m`) that kubeward wrote;
    // none of the input's (title, clear screen) got through. Text between
    // sequences must be inert.
    for (i, piece) in out.split('\u{1b}').enumerate() {
        let rest = if i == 0 {
            piece
        } else {
            let params = piece
                .strip_prefix('[')
                .unwrap_or_else(|| panic!("non-CSI escape: {piece:?}"));
            let end = params
                .find(|c: char| !c.is_ascii_digit() && c != ';')
                .unwrap_or(params.len());
            assert_eq!(params.get(end..end + 1), Some("m"), "not SGR: {piece:?}");
            &params[end + 1..]
        };
        assert_inert("coloured human", rest);
    }
}

#[test]
fn a_compact_record_is_one_line_whatever_the_file_name() {
    let tree = Tree::new();
    if !tree.has(NEWLINE_NAME) {
        return;
    }
    let json: serde_json::Value = serde_json::from_str(&tree.report("json")).expect("json report");
    let findings = json["findings"].as_array().expect("findings");
    // JSON carries the exact name and resource name.
    let newline_name = String::from_utf8_lossy(NEWLINE_NAME);
    let in_newline_file: Vec<_> = findings
        .iter()
        .filter(|f| f["file"] == *newline_name)
        .collect();
    assert!(!in_newline_file.is_empty(), "JSON names the file exactly");
    assert!(in_newline_file
        .iter()
        .any(|f| f["resource"]["name"] == EVIL_NAME));
    let compact = tree.report("compact");
    assert_eq!(compact.lines().count(), findings.len(), "{compact}");
    let records = compact
        .lines()
        .filter(|l| l.starts_with(r"new\nline\x1b[2J.yaml:"))
        .count();
    assert_eq!(records, in_newline_file.len(), "{compact}");
}

#[test]
fn xml_reports_parse_and_keep_legal_characters() {
    let tree = Tree::new();
    for format in ["junit", "checkstyle"] {
        let out = tree.report(format);
        let doc = roxmltree::Document::parse(&out)
            .unwrap_or_else(|e| panic!("{format} is not XML: {e}\n{out}"));
        // ESC and NUL cannot be in XML 1.0 and became U+FFFD; C1 and bidi
        // controls are legal and kept exactly, as character references.
        let message = "evil \u{FFFD}[2J\u{FFFD} csi\u{9b}31m bidi\u{202e} end\u{FFFD}nul";
        let found = doc
            .descendants()
            .any(|n| n.attribute("message") == Some(message));
        assert!(found, "{format}: {out}");
    }
    if tree.has(NEWLINE_NAME) {
        let out = tree.report("checkstyle");
        let doc = roxmltree::Document::parse(&out).expect("xml");
        let name = "new\nline\u{FFFD}[2J.yaml";
        assert!(
            doc.descendants().any(|n| n.attribute("name") == Some(name)),
            "{out}"
        );
    }
}

/// RFC 3986 percent-decoding, to bytes.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn sarif_uris_name_the_real_files() {
    let tree = Tree::new();
    let sarif: serde_json::Value = serde_json::from_str(&tree.report("sarif")).expect("sarif");
    let uris: std::collections::BTreeSet<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .expect("uri")
        })
        .collect();
    for uri in &uris {
        let name = percent_decode(uri);
        let path = tree.dir.path().join(OsStr::from_bytes(&name));
        assert!(
            Path::new(&path).is_file(),
            "{uri} decodes to {name:?}, not a linted file"
        );
        assert!(tree.has(&name), "{uri}");
    }
    if tree.has(LATIN1_NAME) {
        assert!(uris.contains("caf%E9.yaml"), "{uris:?}");
    }
    if tree.has(NEWLINE_NAME) {
        assert!(uris.contains("new%0Aline%1B%5B2J.yaml"), "{uris:?}");
    }
}

#[test]
fn stderr_diagnostics_are_escaped() {
    let tree = Tree::new();
    let dir = tree.dir.path();
    let stderr = |args: &[&OsStr], cwd: &Path| {
        let out = common::kubeward_command()
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .expect("binary runs");
        assert_eq!(out.status.code(), Some(2));
        let text = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_inert("stderr", &text);
        text
    };
    let os = OsStr::new;
    // A file that cannot be read: `kubeward: error: PATH: reason`.
    let missing = OsStr::from_bytes(b"gone\x1b]0;PWNED\x07.yaml");
    let text = stderr(&[os("--no-config"), missing], dir);
    assert!(text.contains(r"gone\x1b]0;PWNED\x07.yaml"), "{text}");

    // A config error quotes the offending key.
    let cfg = dir.join("cfg");
    std::fs::create_dir(&cfg).expect("mkdir");
    std::fs::write(cfg.join(".kubeward.yaml"), "rules:\n  \"x\\e[2J\": off\n").expect("write");
    std::fs::write(cfg.join("evil.yaml"), EVIL_POD).expect("write");
    let text = stderr(&[os("evil.yaml")], &cfg);
    assert!(text.contains(r"x\x1b[2J"), "{text}");

    // A policy that does not parse, in a file with a hostile name.
    let bad = dir.join("badpol");
    std::fs::create_dir(&bad).expect("mkdir");
    let name = OsStr::from_bytes(b"x\x1b[2J.rego");
    if std::fs::write(bad.join(name), "package main\n\ndeny[msg] {\n  msg := \n").is_ok() {
        let text = stderr(
            &[
                os("--no-config"),
                os("--policy"),
                os("badpol"),
                os("evil.yaml"),
            ],
            dir,
        );
        assert!(text.contains(r"badpol/x\x1b[2J.rego:"), "{text}");
    } else {
        if cfg!(target_os = "linux") {
            panic!("cannot create the policy file name");
        }
        eprintln!("the policy file name is left out: this filesystem refuses it");
    }
}
