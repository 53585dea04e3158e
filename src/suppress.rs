//! Silencing findings at the exact place, with a reason: `# kubeward:ignore`
//! comments (a node and everything under it), `# kubeward:ignore-file`,
//! `kubeward.io/ignore` annotations (a resource) and config `ignore:` entries
//! (resources by kind / namespace / name / labels). Suppressions that silence
//! nothing, carry no reason or name unknown rules are findings themselves.

use crate::config::Ignore;
use crate::finding::{Finding, Severity, Suppression};
use crate::resource::Resource;
use crate::rules_builtin::{SUPPRESSION_WITHOUT_REASON, UNKNOWN_RULE, UNUSED_SUPPRESSION};
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind, Span};

const ANNOTATION: &str = "kubeward.io/ignore";
const ANNOTATION_REASON: &str = "kubeward.io/ignore-reason";

/// One suppression: which rules, where, why, and whether it silenced anything.
#[derive(Debug, Clone)]
struct Directive {
    file: usize,
    kind: &'static str,
    /// Where the directive is written (reported for unused / reasonless ones).
    at: Span,
    ids: Vec<String>,
    reason: Option<String>,
    /// Byte range it covers; None = the whole file.
    range: Option<(usize, usize)>,
    used: Vec<bool>,
}

/// What the run knows about rule ids, for validating directives.
pub struct RuleIds<'a> {
    /// Whether an id (or `category/` prefix) exists.
    pub known: &'a dyn Fn(&str) -> bool,
    pub suggest: &'a dyn Fn(&str) -> Option<String>,
    /// Whether the rule (or some rule under a prefix) ran in this run, so an
    /// unused suppression of it is really unused.
    pub ran: &'a dyn Fn(&str) -> bool,
    /// Whether hygiene findings may be reported (not under `--only` unless listed).
    pub report: &'a dyn Fn(&str) -> bool,
}

fn selects(pattern: &str, id: &str) -> bool {
    pattern == id || (pattern.ends_with('/') && id.starts_with(pattern))
}

/// Parses `kubeward:ignore[-file] <ids> [-- <reason>]` comments of one file.
fn comment_directives(file: usize, src: &SourceFile) -> Vec<(Directive, bool)> {
    let text = &*src.text;
    let mut out = Vec::new();
    if !text.contains("kubeward:ignore") {
        return out;
    }
    let mut offset = 0;
    for line in text.split_inclusive(['\n', '\r']) {
        let start = offset;
        offset += line.len();
        let Some(pos) = line.find("kubeward:ignore") else {
            continue;
        };
        // The directive must be a YAML comment: `#` then optional spaces, and the
        // `#` at line start or after whitespace (not inside a plain scalar).
        let before = &line[..pos];
        let Some(hash) = before.rfind('#') else {
            continue;
        };
        if !before[hash + 1..].trim().is_empty() {
            continue;
        }
        if hash > 0 && !before[..hash].ends_with([' ', '\t']) {
            continue;
        }
        let standalone = before[..hash].trim().is_empty();
        let rest = line[pos + "kubeward:ignore".len()..].trim_end_matches(['\n', '\r']);
        let (whole_file, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue; // `kubeward:ignored`, not ours
        }
        let (ids_text, reason) = match rest.split_once("--") {
            Some((ids, reason)) => (ids, Some(reason.trim().to_string())),
            None => (rest, None),
        };
        let ids: Vec<String> = ids_text
            .split([',', ' ', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let at = Span::new(
            start + hash,
            start + line.trim_end_matches(['\n', '\r']).len(),
        );
        let used = vec![false; ids.len()];
        out.push((
            Directive {
                file,
                kind: "comment",
                at,
                ids,
                reason: reason.filter(|r| !r.is_empty()),
                range: None,
                used,
            },
            // Standalone comments target the next line; trailing ones their own.
            standalone && !whole_file,
        ));
        if let Some((d, _)) = out.last_mut() {
            if !whole_file {
                d.range = Some((usize::MAX, 0)); // resolved against the tree below
            }
        }
    }
    out
}

/// Byte ranges of every mapping entry (key through value) and sequence item.
fn node_ranges(node: &Node, out: &mut Vec<(usize, usize)>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    // A value reached through an alias lives elsewhere in the file;
                    // the entry then covers only its key.
                    let end = if e.value.span.start >= e.key_span.start {
                        e.value.span.end.max(e.key_span.end)
                    } else {
                        e.key_span.end
                    };
                    out.push((e.key_span.start, end));
                    if e.value.span.start >= e.key_span.start {
                        stack.push(&e.value);
                    }
                }
            }
            NodeKind::Seq(items) => {
                for i in items {
                    out.push((i.span.start, i.span.end));
                    stack.push(i);
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }
}

/// The outermost node starting on `line` (1-based), if any.
fn outermost_on_line(
    src: &SourceFile,
    ranges: &[(usize, usize)],
    line: usize,
    before: Option<usize>,
) -> Option<(usize, usize)> {
    ranges
        .iter()
        .filter(|(s, _)| src.position(*s).line == line && before.is_none_or(|b| *s < b))
        .max_by_key(|(s, e)| (e - s, std::cmp::Reverse(*s)))
        .copied()
}

/// The first line after `line` that holds YAML content (not blank, not a comment).
fn next_content_line(src: &SourceFile, line: usize) -> Option<usize> {
    let text = &*src.text;
    text.split_inclusive(['\n', '\r'])
        .enumerate()
        .skip(line)
        .find(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, _)| i + 1)
}

/// Applies every suppression and returns the hygiene findings it produced.
/// A finding's `owner` is the index into `resources` of the resource it is about.
pub fn apply(
    findings: &mut [Finding],
    files: &[SourceFile],
    resources: &[Resource],
    ignores: &dyn Fn(usize) -> Vec<Ignore>,
    ids: &RuleIds,
) -> Vec<Finding> {
    let mut directives = comment_directives_of(files, resources);
    let annotation_of = annotation_directives(resources, &mut directives);
    mark_suppressed(
        findings,
        &mut directives,
        &annotation_of,
        resources,
        ignores,
    );
    hygiene(&directives, files, ids)
}

/// The suppression comments of every file, resolved against the node tree of
/// their file (a comment covers the outermost node on its line, or on the next
/// content line when it stands alone).
fn comment_directives_of(files: &[SourceFile], resources: &[Resource]) -> Vec<Directive> {
    let mut directives: Vec<Directive> = Vec::new();
    // Comments, resolved against the node tree of their file.
    for (fi, src) in files.iter().enumerate() {
        let parsed = comment_directives(fi, src);
        if parsed.is_empty() {
            continue;
        }
        let mut ranges = Vec::new();
        for r in resources.iter().filter(|r| r.file == fi) {
            let tree = r.tree();
            ranges.push((tree.span.start, tree.span.end));
            node_ranges(&tree, &mut ranges);
        }
        for (mut d, standalone) in parsed {
            if d.range.is_some() {
                let line = src.position(d.at.start).line;
                d.range = if standalone {
                    next_content_line(src, line)
                        .and_then(|l| outermost_on_line(src, &ranges, l, None))
                } else {
                    outermost_on_line(src, &ranges, line, Some(d.at.start))
                };
                if d.range.is_none() {
                    // Attached to nothing a rule can report on: it can only be unused.
                    d.range = Some((d.at.start, d.at.start));
                }
            }
            directives.push(d);
        }
    }
    directives
}

/// The `kubeward.io/ignore` annotation of each resource, appended to
/// `directives`; returns, per resource, the index of its directive.
fn annotation_directives(
    resources: &[Resource],
    directives: &mut Vec<Directive>,
) -> Vec<Option<usize>> {
    // Annotations on the resource itself.
    let mut annotation_of: Vec<Option<usize>> = vec![None; resources.len()];
    for (ri, r) in resources.iter().enumerate() {
        let Some(ann) = r.metadata().and_then(|m| m.get("annotations")) else {
            continue;
        };
        let Some(entry) = ann.entry(ANNOTATION) else {
            continue;
        };
        let ids: Vec<String> = entry
            .value
            .as_str()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let reason = ann
            .get(ANNOTATION_REASON)
            .and_then(Node::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        annotation_of[ri] = Some(directives.len());
        let used = vec![false; ids.len()];
        directives.push(Directive {
            file: r.file,
            kind: "annotation",
            at: entry.key_span,
            ids,
            reason,
            range: None, // matched by owner below
            used,
        });
    }
    annotation_of
}

/// Marks each finding a directive or a config `ignore:` covers, and the
/// directive's id as used.
fn mark_suppressed(
    findings: &mut [Finding],
    directives: &mut [Directive],
    annotation_of: &[Option<usize>],
    resources: &[Resource],
    ignores: &dyn Fn(usize) -> Vec<Ignore>,
) {
    // Each finding is checked against its own file's comments only.
    let mut comments_of: std::collections::HashMap<usize, Vec<usize>> =
        std::collections::HashMap::new();
    for (di, d) in directives.iter().enumerate() {
        if d.kind == "comment" {
            comments_of.entry(d.file).or_default().push(di);
        }
    }
    for f in findings.iter_mut() {
        if f.suppressed.is_some() {
            continue;
        }
        let owner = f.owner;
        // Comments first (the most specific), then annotations, then config.
        let mut hit: Option<(usize, usize)> = None;
        for &di in comments_of.get(&f.file).map_or(&[][..], Vec::as_slice) {
            let d = &directives[di];
            let covers = match d.range {
                None => true,
                Some((s, e)) => f.start >= s && f.start <= e && s < e,
            };
            if !covers {
                continue;
            }
            if let Some(k) = d.ids.iter().position(|p| selects(p, &f.rule)) {
                hit = Some((di, k));
                break;
            }
        }
        if hit.is_none() {
            if let Some(di) = owner.and_then(|o| annotation_of.get(o).copied().flatten()) {
                if let Some(k) = directives[di].ids.iter().position(|p| selects(p, &f.rule)) {
                    hit = Some((di, k));
                }
            }
        }
        if let Some((di, k)) = hit {
            let d = &mut directives[di];
            d.used[k] = true;
            f.suppressed = Some(Suppression {
                kind: d.kind,
                reason: d.reason.clone(),
            });
            continue;
        }
        if let Some(o) = owner.and_then(|o| resources.get(o)) {
            if let Some(ig) = ignores(f.file)
                .into_iter()
                .find(|ig| ig.rules.iter().any(|p| selects(p, &f.rule)) && matches(ig, o))
            {
                f.suppressed = Some(Suppression {
                    kind: "config",
                    reason: Some(ig.reason),
                });
            }
        }
    }
}

/// Hygiene findings: reasonless, unknown and unused suppressions.
fn hygiene(directives: &[Directive], files: &[SourceFile], ids: &RuleIds) -> Vec<Finding> {
    // Hygiene: reasonless, unknown and unused suppressions.
    let mut out = Vec::new();
    // "Did you mean" costs an edit distance per known rule: once per distinct id.
    let mut suggestions: std::collections::HashMap<&str, Option<String>> =
        std::collections::HashMap::new();
    for d in directives {
        let Some(src) = files.get(d.file) else {
            continue;
        };
        // Every finding of one directive points at the directive: its position
        // is computed once (a comment may list thousands of ids on one long
        // line, and each position counts the characters before it).
        let at = crate::locate::located(d.file, src, d.at, "", Severity::Info, String::new());
        let mut emit = |rule: &'static str, severity: Severity, message: String| {
            if (ids.report)(rule) {
                out.push(Finding {
                    rule: rule.to_string(),
                    severity,
                    message,
                    ..at.clone()
                });
            }
        };
        let what = if d.kind == "comment" {
            "suppression comment"
        } else {
            "kubeward.io/ignore annotation"
        };
        if d.ids.is_empty() {
            emit(
                UNUSED_SUPPRESSION,
                Severity::Warning,
                format!("{what} names no rule id"),
            );
            continue;
        }
        if d.reason.is_none() {
            let how = if d.kind == "comment" {
                "add `-- <reason>` after the ids"
            } else {
                "add a kubeward.io/ignore-reason annotation"
            };
            emit(
                SUPPRESSION_WITHOUT_REASON,
                Severity::Info,
                format!("{what} gives no reason; {how}"),
            );
        }
        for (k, id) in d.ids.iter().enumerate() {
            if !(ids.known)(id) {
                let hint = suggestions
                    .entry(id.as_str())
                    .or_insert_with(|| (ids.suggest)(id))
                    .as_ref()
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                emit(
                    UNKNOWN_RULE,
                    Severity::Warning,
                    format!("unknown rule id {id:?} in {what}{hint}"),
                );
            } else if !d.used[k] && (ids.ran)(id) {
                emit(
                    UNUSED_SUPPRESSION,
                    Severity::Warning,
                    format!("{what} for {id} suppresses nothing; remove it"),
                );
            }
        }
    }
    out
}

fn matches(ig: &Ignore, r: &Resource) -> bool {
    let eq =
        |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| Some(w) == have);
    if !eq(&ig.kind, Some(r.id.kind.as_str()))
        || !eq(&ig.namespace, r.id.namespace.as_deref())
        || !eq(&ig.name, r.id.name.as_deref())
    {
        return false;
    }
    if ig.labels.is_empty() {
        return true;
    }
    let labels = r.metadata().and_then(|m| m.get("labels"));
    ig.labels
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)).and_then(Node::as_str) == Some(v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comment_directives() {
        let src = SourceFile::new(
            "a.yaml",
            "a: 1 # kubeward:ignore x/y, x/z -- because\n# kubeward:ignore-file q/r\nb: \"# kubeward:ignore not/a-comment\"\nc: 2 #kubeward:ignore x/y\n",
        );
        let d = comment_directives(0, &src);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[0].0.ids, vec!["x/y", "x/z"]);
        assert_eq!(d[0].0.reason.as_deref(), Some("because"));
        assert!(!d[0].1);
        assert_eq!(d[1].0.range, None, "ignore-file covers the file");
        assert_eq!(d[1].0.reason, None);
        assert_eq!(d[2].0.ids, vec!["x/y"]);
    }
}
