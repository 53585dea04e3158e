//! The human format: one miette diagnostic per finding (source snippet, rule id
//! as the code, the rule's remediation as help) and a summary line.

use super::escape::{self, Snippet};
use super::{anchor, plural, remediation};
use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;
use crate::redact;
use crate::source::SourceFile;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode,
    SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    /// Off in snapshots: elapsed time is not deterministic.
    pub show_elapsed: bool,
    /// List suppressed findings too (marked as such).
    pub show_suppressed: bool,
    /// `--quiet`: only the findings, no summary line.
    pub quiet: bool,
    /// `--statistics`: a count per rule instead of each finding.
    pub statistics: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

impl HumanOptions {
    /// Plain text at `width` columns: no colour, no timing, no suppressed
    /// findings, the summary line (snapshots and other reproducible output).
    pub fn plain(width: usize) -> HumanOptions {
        HumanOptions {
            color: false,
            show_elapsed: false,
            show_suppressed: false,
            quiet: false,
            statistics: false,
            width,
        }
    }
}

/// The file text shared with every diagnostic, without copying it.
#[derive(Debug, Clone)]
struct Text(Arc<str>);

impl SourceCode for Text {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        (*self.0).read_span(span, context_lines_before, context_lines_after)
    }
}

/// A file's text as the snippet shows it: secret values masked
/// (`redact::mask`), and, since miette prints source lines raw, text holding
/// characters a terminal acts on shown escaped (`escape::snippet`); spans are
/// moved to match.
struct Shown {
    text: Arc<str>,
    masked: Option<redact::Masked>,
    escaped: Option<Snippet>,
}

impl Shown {
    fn of(file: &SourceFile, hidden: &[redact::Hidden]) -> Shown {
        let mut masked = redact::mask(&file.text, hidden);
        let base: Arc<str> = match &mut masked {
            // The map is kept; the text moves into the shared one.
            Some(m) => std::mem::take(&mut m.text).into(),
            None => file.text.clone(),
        };
        match escape::snippet(&base) {
            Some(s) => Shown {
                text: s.text.clone(),
                masked,
                escaped: Some(s),
            },
            None => Shown {
                text: base,
                masked,
                escaped: None,
            },
        }
    }

    /// `(offset, length)` in the shown text of a span of the file's text.
    fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let at = |o: usize| {
            let o = self.masked.as_ref().map_or(o, |m| m.offset(o));
            self.escaped.as_ref().map_or(o, |s| s.offset(o))
        };
        let start = at(start);
        (start, at(end).saturating_sub(start))
    }
}

#[derive(Debug)]
struct Diag<'a> {
    finding: &'a Finding,
    source: miette::NamedSource<Text>,
    /// The finding's span in the shown text.
    span: (usize, usize),
    help: Option<String>,
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape::block(&self.finding.message))?;
        if let Some(s) = &self.finding.suppressed {
            write!(f, " [suppressed by {}", s.kind)?;
            if let Some(r) = &s.reason {
                write!(f, ": {}", escape::line(r))?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(escape::line(&self.finding.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        // Name the resource under the underline; loader findings have none.
        let label = f.resource.as_ref().map(|r| {
            let label = match &r.name {
                Some(n) => format!("{} {n}", r.kind),
                None => r.kind.clone(),
            };
            escape::line(&label).into_owned()
        });
        let (start, len) = self.span;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            label, start, len,
        ))))
    }
}

pub fn write(outcome: &Outcome, opts: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // The header is written by `header`, not computed by miette from the
    // shown text: rendered input names its template there.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(1)
        .without_primary_span_start();
    if opts.statistics {
        write_statistics(outcome, out)?;
        return writeln!(out, "{}", summary(outcome, opts.show_elapsed));
    }
    // The shown text of the file of the previous finding: findings are sorted
    // by file, so each file's text is checked (and escaped) once.
    let mut shown: Option<(usize, Shown)> = None;
    for f in outcome
        .findings
        .iter()
        .filter(|f| opts.show_suppressed || f.suppressed.is_none())
    {
        let Some(file) = outcome.files.get(f.file) else {
            continue;
        };
        // Rendered input: where the finding came from follows the remediation.
        let help = match (remediation(&outcome.catalog, &f.rule), &f.source) {
            (Some(r), Some(s)) => Some(format!("{r}\n{}", s.note())),
            (None, Some(s)) => Some(s.note()),
            (r, None) => r.map(str::to_string),
        };
        if file.text.is_empty() {
            // Nothing to show (binary or oversized file): a plain located line.
            writeln!(out, "{}: {}\n", f.severity, located(outcome, file, f))?;
            continue;
        }
        let text = match &shown {
            Some((i, t)) if *i == f.file => t,
            _ => {
                let hidden = outcome.redactions.hidden(f.file);
                &shown.insert((f.file, Shown::of(file, hidden))).1
            }
        };
        let diag = Diag {
            finding: f,
            source: named(header(outcome, file, f), text),
            span: text.span(f.start, f.end),
            help: help.map(|h| escape::block(&h).into_owned()),
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diag).is_err() {
            rendered = located(outcome, file, f);
        }
        writeln!(out, "{rendered}")?;
    }
    if opts.quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary(outcome, opts.show_elapsed))
}

/// `path:line:col: message [rule]`, escaped to one line, for a finding whose
/// file has no text to show.
fn located(outcome: &Outcome, file: &SourceFile, f: &Finding) -> String {
    format!(
        "{}: {} [{}]",
        header(outcome, file, f),
        escape::line(&f.message),
        escape::line(&f.rule)
    )
}

/// Where a finding is, as the snippet's header says it (escaped to one line):
/// `path:line:col`; for text kubeward rendered itself (a chart), which exists
/// on no disk, the template file and its line when certain, then the rendered
/// position: `charts/web/templates/api.yaml:21 (rendered at charts/web:40:9)`.
fn header(outcome: &Outcome, file: &SourceFile, f: &Finding) -> String {
    let own = format!("{}:{}:{}", escape::line(&file.path), f.line, f.column);
    let at = anchor(outcome, f);
    if at.own {
        return own;
    }
    let template = escape::line(&at.path);
    match at.line {
        Some(line) => format!("{template}:{line} (rendered at {own})"),
        None => format!("{template} (rendered at {own})"),
    }
}

/// `--statistics`: active findings per rule, most frequent first.
fn write_statistics(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<(&str, Severity), usize> = Default::default();
    for f in outcome.active() {
        *counts.entry((f.rule.as_str(), f.severity)).or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rows: Vec<_> = rows
        .into_iter()
        .map(|((rule, sev), n)| (escape::line(rule), sev, n))
        .collect();
    let width = rows.iter().map(|(r, _, _)| r.len()).max().unwrap_or(0);
    for (rule, sev, n) in rows {
        writeln!(out, "{n:>6}  {rule:width$}  {sev}")?;
    }
    Ok(())
}

/// The snippet source: its header (escaped already), the shown text.
fn named(header: String, text: &Shown) -> miette::NamedSource<Text> {
    miette::NamedSource::new(header, Text(text.text.clone())).with_language("yaml")
}

/// `Linted 3 files (12 resources): 2 errors, 1 warning, 0 infos in 0.04s`.
pub fn summary(outcome: &Outcome, show_elapsed: bool) -> String {
    let mut s = format!(
        "Linted {} ({}): {}, {}, {} info",
        plural(outcome.files.len(), "file"),
        plural(outcome.resources, "resource"),
        plural(outcome.count(Severity::Error), "error"),
        plural(outcome.count(Severity::Warning), "warning"),
        outcome.count(Severity::Info),
    );
    let suppressed = outcome.suppressed();
    if suppressed > 0 {
        let baselined = outcome.baselined;
        if baselined > 0 {
            s.push_str(&format!(
                " ({suppressed} suppressed, of which {baselined} by the baseline)"
            ));
        } else {
            s.push_str(&format!(" ({suppressed} suppressed)"));
        }
    }
    if show_elapsed {
        s.push_str(&format!(" in {:.2}s", outcome.elapsed.as_secs_f64()));
    }
    s
}

/// A user policy that does not parse or compile, rendered like a finding: the
/// policy's source line, the engine's message, which Rego version applied.
pub fn policy_error(e: &crate::policy::PolicyError) -> String {
    let offset = e.offset();
    let err = crate::config::ConfigError {
        source: e.source.clone(),
        span: crate::yaml::Span::new(offset, offset),
        message: match &e.note {
            Some(n) => format!("{}\n  note: {n}", e.message),
            None => e.message.clone(),
        },
    };
    config_error_with_code(&err, "kubeward::policy")
}

/// A config error rendered like a finding: the config's source line, the
/// message under it.
pub fn config_error(e: &crate::config::ConfigError) -> String {
    config_error_with_code(e, "kubeward::config")
}

fn config_error_with_code(e: &crate::config::ConfigError, code: &'static str) -> String {
    /// The error, its shown source and span in it, its code.
    #[derive(Debug)]
    struct D<'a>(
        &'a crate::config::ConfigError,
        miette::NamedSource<Text>,
        (usize, usize),
        &'static str,
    );
    impl fmt::Display for D<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&escape::block(&self.0.message))
        }
    }
    impl std::error::Error for D<'_> {}
    impl Diagnostic for D<'_> {
        fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
            Some(Box::new(self.3))
        }
        fn source_code(&self) -> Option<&dyn SourceCode> {
            Some(&self.1)
        }
        fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
            let (start, len) = self.2;
            Some(Box::new(std::iter::once(LabeledSpan::new(
                None, start, len,
            ))))
        }
    }
    // The config or policy file, and so its name and the message quoting it,
    // may come from the linted repository.
    let plain = || {
        let p = e.source.position(e.span.start);
        format!(
            "kubeward: error: {}:{}:{}: {}",
            escape::line(&e.source.path),
            p.line,
            p.column,
            escape::block(&e.message)
        )
    };
    if e.source.text.is_empty() {
        return plain();
    }
    let shown = Shown::of(&e.source, &[]);
    let span = shown.span(e.span.start, e.span.end);
    let d = D(
        e,
        named(escape::line(&e.source.path).into_owned(), &shown),
        span,
        code,
    );
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    match handler.render_report(&mut out, &d) {
        Ok(()) => out,
        Err(_) => plain(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Masks and terminal escapes together: spans still land on their text.
    #[test]
    fn shown_text_masks_then_escapes() {
        let text = "a: \u{1b}[2J\nv: hunter2-Xq9 # x\nb: 1\n";
        let file = SourceFile::new("f.yaml", text);
        let start = text.find("hunter2").expect("in text");
        let hidden = [redact::Hidden {
            span: crate::yaml::Span::new(start, start + "hunter2-Xq9".len()),
            label: "«redacted, 11 chars»".into(),
        }];
        let shown = Shown::of(&file, &hidden);
        assert_eq!(
            &*shown.text,
            "a: \\x1b[2J\nv: «redacted, 11 chars» # x\nb: 1\n"
        );
        for what in ["b: 1", "# x", "v: "] {
            let at = text.find(what).expect("in text");
            let (s, len) = shown.span(at, at + what.len());
            assert_eq!(&shown.text[s..s + len], what);
        }
        // Nothing hidden, nothing to escape: the file's own text, not a copy.
        let plain = SourceFile::new("g.yaml", "a: 1\n");
        assert!(Arc::ptr_eq(&Shown::of(&plain, &[]).text, &plain.text));
    }
}
