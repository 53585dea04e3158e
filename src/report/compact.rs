//! `path:line:col: severity: message [rule-id]`, one finding per line, the shape
//! gcc-style problem matchers (vim, Emacs, VS Code) already parse.

use super::escape;
use crate::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.active() {
        // Every field is input-derived; a newline or control character in a
        // file name, message or rule id must not split the record or reach the
        // terminal (see `escape`).
        let path = escape::line(super::file_path(outcome, f));
        // A message is one line by contract: a rule's embedded line break reads
        // best as a space.
        let message = super::message_with_source(f).replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{path}:{}:{}: {}: {} [{}]",
            f.line,
            f.column,
            f.severity,
            escape::line(&message),
            escape::line(&f.rule)
        )?;
    }
    Ok(())
}
