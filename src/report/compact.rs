//! `path:line:col: severity: message [rule-id]`, one finding per line, the shape
//! gcc-style problem matchers (vim, Emacs, VS Code) already parse.

use crate::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    for f in outcome.active() {
        let path = outcome
            .files
            .get(f.file)
            .map(|s| s.path.as_str())
            .unwrap_or("-");
        // A message is one line by contract; a rule's embedded newline must not
        // break the format for line-based matchers.
        let message = super::message_with_source(f).replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{path}:{}:{}: {}: {message} [{}]",
            f.line, f.column, f.severity, f.rule
        )?;
    }
    Ok(())
}
