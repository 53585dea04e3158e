//! `--format checkstyle`: Checkstyle XML, which reviewdog, Jenkins (warnings-ng),
//! SonarQube and many editors import.
//!
//! ```xml
//! <checkstyle version="4.3">
//!   <file name="deploy/api.yaml">
//!     <error line="14" column="13" severity="error" message="..." source="pod-security/privileged"/>
//!   </file>
//! </checkstyle>
//! ```
//!
//! Every linted file gets a `<file>` element (empty when clean, as Checkstyle
//! itself writes it); severity is `error`, `warning` or `info`. Suppressed
//! findings are left out.
//!
//! A chart kubeward rendered exists on no disk: its findings go under the
//! `<file>` of their template (see `report::place`), at the template line (1
//! when not certain) and without a column, the rendered position in the
//! message; the chart itself gets no element unless a finding cannot be
//! placed on a template.

use super::xml::{escape_attr, DECLARATION};
use super::{message_with_source_at, place, Place};
use crate::finding::Finding;
use crate::outcome::Outcome;
use std::collections::HashMap;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{DECLARATION}")?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for (name, errors) in files(outcome) {
        let name = escape_attr(&name);
        if errors.is_empty() {
            writeln!(out, r#"  <file name="{name}"/>"#)?;
            continue;
        }
        writeln!(out, r#"  <file name="{name}">"#)?;
        for (f, at) in errors {
            let column = at
                .column
                .map(|c| format!(r#" column="{c}""#))
                .unwrap_or_default();
            // On the template: where the finding is in the rendered text.
            let message = match at.rendered {
                Some(_) => message_with_source_at(f, &at),
                None => f.message.clone(),
            };
            writeln!(
                out,
                r#"    <error line="{}"{column} severity="{}" message="{}" source="{}"/>"#,
                at.line,
                f.severity,
                escape_attr(&message),
                escape_attr(&f.rule)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

/// The `<file>` elements in order: each linted file (a rendered chart, which
/// is no file, only when a finding stays on it), each followed by the
/// template files its findings are placed on, in order of first appearance;
/// one element per name.
fn files(outcome: &Outcome) -> Vec<(String, Vec<(&Finding, Place)>)> {
    let mut by_file: Vec<Vec<&Finding>> = vec![Vec::new(); outcome.files.len()];
    for f in outcome.active() {
        if let Some(bucket) = by_file.get_mut(f.file) {
            bucket.push(f);
        }
    }
    let mut out: Vec<(String, Vec<(&Finding, Place)>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (file, findings) in outcome.files.iter().zip(by_file) {
        if !file.generated {
            slot(&mut out, &mut index, &file.path);
        }
        for f in findings {
            let at = place(outcome, f);
            let i = slot(&mut out, &mut index, &at.path);
            if let Some((_, errors)) = out.get_mut(i) {
                errors.push((f, at));
            }
        }
    }
    out
}

/// The position of the element named `name`, added when new.
fn slot(
    out: &mut Vec<(String, Vec<(&Finding, Place)>)>,
    index: &mut HashMap<String, usize>,
    name: &str,
) -> usize {
    *index.entry(name.to_string()).or_insert_with(|| {
        out.push((name.to_string(), Vec::new()));
        out.len() - 1
    })
}
