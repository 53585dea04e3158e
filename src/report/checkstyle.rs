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

use super::xml::{escape_attr, DECLARATION};
use crate::finding::Finding;
use crate::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{DECLARATION}")?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    let mut by_file: Vec<Vec<&Finding>> = vec![Vec::new(); outcome.files.len()];
    for f in outcome.active() {
        if let Some(bucket) = by_file.get_mut(f.file) {
            bucket.push(f);
        }
    }
    for (file, findings) in outcome.files.iter().zip(&by_file) {
        let name = escape_attr(&file.path);
        if findings.is_empty() {
            writeln!(out, r#"  <file name="{name}"/>"#)?;
            continue;
        }
        writeln!(out, r#"  <file name="{name}">"#)?;
        for f in findings {
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="{}"/>"#,
                f.line,
                f.column,
                f.severity,
                escape_attr(&f.message),
                escape_attr(&f.rule)
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
