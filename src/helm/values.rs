//! "set by values.yaml:12": when a finding's field in the rendered output holds a
//! value that a values file sets literally under a matching key path, that
//! values entry is where a person fixes it. Only unambiguous matches count —
//! a wrong pointer is worse than none.

use crate::finding::{PathSeg, ValuesLocation};
use crate::source::SourceFile;
use crate::yaml::{self, Node, NodeKind, Scalar, Span};
use std::path::Path;

/// A values file flattened to its scalar leaves.
pub struct ValuesFile {
    pub source: SourceFile,
    entries: Vec<Leaf>,
}

struct Leaf {
    /// Mapping keys from the top (sequence items contribute no key).
    keys: Vec<String>,
    value: Scalar,
    key_span: Span,
}

impl ValuesFile {
    /// Reads a values file; None when it cannot be read or parsed (rendering
    /// reports those problems; attribution just has nothing to offer).
    pub fn read(path: &Path) -> Option<ValuesFile> {
        let text = std::fs::read_to_string(path).ok()?;
        let source = SourceFile::new(super::chart::tidy(path).display().to_string(), text);
        let loaded = yaml::load(&source.text);
        let mut entries = Vec::new();
        if let Some(doc) = loaded.documents.first() {
            flatten(&doc.root, &mut Vec::new(), None, &mut entries);
        }
        Some(ValuesFile { source, entries })
    }
}

fn flatten(n: &Node, keys: &mut Vec<String>, key_span: Option<Span>, out: &mut Vec<Leaf>) {
    // Deeply nested values files are bounded by the loader's depth limit.
    match &n.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                keys.push(e.key.clone());
                flatten(&e.value, keys, Some(e.key_span), out);
                keys.pop();
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                flatten(item, keys, key_span, out);
            }
        }
        NodeKind::Scalar(s) => {
            if let Some(span) = key_span {
                if !keys.is_empty() && !matches!(s, Scalar::Null) {
                    out.push(Leaf {
                        keys: keys.clone(),
                        value: s.clone(),
                        key_span: span,
                    });
                }
            }
        }
    }
}

/// The first image tag a values file leaves unset: a `tag` key under a key
/// naming an image (`image.tag`, `controller.image.tag`) whose value is empty
/// or null. Templates then render the image without a tag, which pulls `latest`.
pub fn unset_image_tag(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let loaded = yaml::load(&text);
    let mut keys = Vec::new();
    loaded
        .documents
        .first()
        .and_then(|d| unset_tag_in(&d.root, &mut keys))
}

fn unset_tag_in(n: &Node, keys: &mut Vec<String>) -> Option<String> {
    let NodeKind::Map(entries) = &n.kind else {
        return None;
    };
    for e in entries {
        keys.push(e.key.clone());
        let unset = matches!(&e.value.kind, NodeKind::Scalar(Scalar::Null))
            || matches!(&e.value.kind, NodeKind::Scalar(Scalar::Str(s)) if s.is_empty());
        let under_image = keys
            .iter()
            .rev()
            .skip(1)
            .any(|k| k.to_ascii_lowercase().contains("image"));
        let found = if e.key == "tag" && unset && under_image {
            Some(keys.join("."))
        } else {
            unset_tag_in(&e.value, keys)
        };
        keys.pop();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The values files a template sees, each with the key prefix under which it
/// sets that template's values: a subchart `app/charts/db/...` reads the parent's
/// `db:` section, and its own `values.yaml` with no prefix.
pub struct Scoped<'a> {
    pub file: &'a ValuesFile,
    pub prefix: Vec<String>,
}

/// The subchart names a template path passes through:
/// `app/charts/db/charts/cache/templates/x.yaml` → `["db", "cache"]`.
pub fn subchart_scope(template: &str) -> Vec<String> {
    let parts: Vec<&str> = template.split('/').collect();
    parts
        .windows(2)
        .filter(|w| w[0] == "charts")
        .map(|w| w[1].to_string())
        .collect()
}

/// Finds the values entry that set `value` at the rendered field `path`.
/// `files` are in priority order, lowest first (a later file overrides an
/// earlier one for the same key path).
pub fn attribute(files: &[Scoped<'_>], path: &[PathSeg], value: &Scalar) -> Option<ValuesLocation> {
    let field: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            PathSeg::Key(k) => Some(k.as_str()),
            PathSeg::Index(_) => None,
        })
        .collect();
    let last = *field.last()?;
    // (key path inside the template's scope, file, leaf, score)
    let mut best: Vec<(Vec<String>, usize, &Leaf)> = Vec::new();
    let mut best_score = 0;
    for (fi, scoped) in files.iter().enumerate() {
        for leaf in &scoped.file.entries {
            let Some(keys) = leaf.keys.strip_prefix(scoped.prefix.as_slice()) else {
                continue;
            };
            if keys.last().map(String::as_str) != Some(last) || leaf.value != *value {
                continue;
            }
            let suffix = keys
                .iter()
                .rev()
                .zip(field.iter().rev())
                .take_while(|(a, b)| a.as_str() == **b)
                .count();
            // Either the whole values path reappears in the field path
            // (`securityContext.privileged`), or at least two trailing keys do.
            if suffix < keys.len() && suffix < 2 {
                continue;
            }
            if suffix > best_score {
                best_score = suffix;
                best.clear();
            }
            if suffix == best_score {
                // The same key path in a later file overrides the earlier one.
                best.retain(|(k, _, _)| k.as_slice() != keys);
                best.push((keys.to_vec(), fi, leaf));
            }
        }
    }
    match best.as_slice() {
        [(_, fi, leaf)] => {
            let file = files.get(*fi)?.file;
            let pos = file.source.position(leaf.key_span.start);
            Some(ValuesLocation {
                file: file.source.path.clone(),
                line: pos.line,
                column: pos.column,
                key: leaf.keys.join("."),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> ValuesFile {
        let source = SourceFile::new("values.yaml", text);
        let mut entries = Vec::new();
        if let Some(doc) = yaml::load(text).documents.first() {
            flatten(&doc.root, &mut Vec::new(), None, &mut entries);
        }
        ValuesFile { source, entries }
    }

    fn path(s: &str) -> Vec<PathSeg> {
        s.split('.').map(|k| PathSeg::Key(k.into())).collect()
    }

    #[test]
    fn attributes_only_unambiguous_literal_matches() {
        let base = file("image:\n  tag: latest\nsecurityContext:\n  privileged: true\nsidecar:\n  securityContext:\n    privileged: true\n");
        let scoped = [Scoped {
            file: &base,
            prefix: vec![],
        }];
        let field = path("spec.template.spec.containers.securityContext.privileged");
        // Two entries end in securityContext.privileged: ambiguous, no answer.
        assert_eq!(attribute(&scoped, &field, &Scalar::Bool(true)), None);

        let one = file("securityContext:\n  privileged: yes\n");
        let scoped = [Scoped {
            file: &one,
            prefix: vec![],
        }];
        let got = attribute(&scoped, &field, &Scalar::Bool(true)).expect("match");
        assert_eq!(
            (got.line, got.column, got.key.as_str()),
            (2, 3, "securityContext.privileged")
        );
        // A different value is not where the rendered one came from.
        assert_eq!(attribute(&scoped, &field, &Scalar::Bool(false)), None);
    }

    #[test]
    fn later_files_override_and_subcharts_read_their_section() {
        let base = file("securityContext:\n  privileged: true\ndb:\n  hostNetwork: true\n");
        let prod = file("securityContext:\n  privileged: true\n");
        let scoped = [
            Scoped {
                file: &base,
                prefix: vec![],
            },
            Scoped {
                file: &prod,
                prefix: vec![],
            },
        ];
        let got = attribute(
            &scoped,
            &path("spec.securityContext.privileged"),
            &Scalar::Bool(true),
        )
        .expect("match");
        assert_eq!(got.line, 2);
        assert!(std::ptr::eq(scoped[1].file, &prod) && got.file == prod.source.path);

        let sub = [Scoped {
            file: &base,
            prefix: vec!["db".into()],
        }];
        let got = attribute(
            &sub,
            &path("spec.template.spec.hostNetwork"),
            &Scalar::Bool(true),
        )
        .expect("subchart match");
        assert_eq!((got.line, got.key.as_str()), (4, "db.hostNetwork"));
        assert_eq!(
            subchart_scope("app/charts/db/charts/c/templates/x.yaml"),
            vec!["db", "c"]
        );
    }

    #[test]
    fn finds_image_tags_left_unset() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("values.yaml");
        std::fs::write(
            &p,
            "tag: \"\"\nweb:\n  image:\n    repository: nginx\n    tag: ~\n",
        )
        .expect("write");
        assert_eq!(unset_image_tag(&p).as_deref(), Some("web.image.tag"));
        std::fs::write(&p, "image:\n  tag: \"1.2\"\nchart:\n  tag: \"\"\n").expect("write");
        assert_eq!(unset_image_tag(&p), None);
    }

    #[test]
    fn a_single_trailing_key_of_a_longer_path_is_not_enough() {
        let f = file("metrics:\n  enabled: true\n");
        let scoped = [Scoped {
            file: &f,
            prefix: vec![],
        }];
        assert_eq!(
            attribute(&scoped, &path("spec.enabled"), &Scalar::Bool(true)),
            None
        );
    }
}
