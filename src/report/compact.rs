//! `path:line:col: severity: message [rule-id]`, one finding per line, the shape
//! gcc-style problem matchers (vim, Emacs, VS Code) already parse. A finding in
//! a chart kubeward rendered is placed on its template file (line 1 and column
//! 1 when the template line is not certain), with the rendered position in the
//! message.

use super::escape;
use crate::outcome::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.active() {
        // Rendered text on no disk: the template file and line instead, the
        // rendered position in the message.
        let place = super::place(outcome, f);
        // Every field is input-derived; a newline or control character in a
        // file name, message or rule id must not split the record or reach the
        // terminal (see `escape`).
        let path = escape::line(&place.path);
        // A message is one line by contract: a rule's embedded line break reads
        // best as a space.
        let message = super::message_with_source_at(f, &place).replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{path}:{}:{}: {}: {} [{}]",
            place.line,
            place.column.unwrap_or(1),
            f.severity,
            escape::line(&message),
            escape::line(&f.rule)
        )?;
    }
    Ok(())
}
