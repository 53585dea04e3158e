//! One user Rego module: which Rego version it is written in, its package and
//! rule heads, and regorus errors turned into located `PolicyError`s.
//!
//! Version per file (v0 policies are most of what conftest and Gatekeeper users
//! have): `import rego.v1` means v1; `import future.keywords` is v0's way of
//! borrowing v1 keywords, so such a file is read as v0 first (in v1 mode
//! `deny[msg] if` would silently become an object rule); otherwise v1 is tried,
//! then v0. `--rego-version` forces one.

use super::PolicyError;
use crate::source::SourceFile;
use regorus::unstable::{Parser, Rule, RuleHead, Source};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegoVersion {
    V0,
    V1,
}

impl RegoVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            RegoVersion::V0 => "v0",
            RegoVersion::V1 => "v1",
        }
    }
}

/// A rule defined in a module: its name (the head's first segment) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// A parsed user module, ready to be added to any number of engines.
#[derive(Debug, Clone)]
pub struct Module {
    /// The name regorus reports errors under (the file path).
    pub path: String,
    pub text: String,
    pub version: RegoVersion,
    /// Without the `data.` prefix.
    pub package: String,
    pub heads: Vec<Head>,
    /// For Rego embedded in YAML (Gatekeeper): how to map module positions
    /// back to the YAML file.
    pub embedded: Option<Embedded>,
}

/// Rego text that lives inside another file (a ConstraintTemplate's `rego: |`).
#[derive(Debug, Clone)]
pub struct Embedded {
    pub file: SourceFile,
    /// 1-based line of the module's first line in `file`.
    pub first_line: usize,
    /// Columns the block is indented by.
    pub indent: usize,
}

impl Module {
    pub fn has_rule(&self, name: &str) -> bool {
        self.heads.iter().any(|h| h.name == name)
    }

    /// Adds the module to an engine in its own Rego version.
    pub fn add_to(&self, engine: &mut regorus::Engine) -> Result<(), PolicyError> {
        engine.set_rego_v0(self.version == RegoVersion::V0);
        let added = engine.add_policy(self.path.clone(), self.text.clone());
        engine.set_rego_v0(false);
        added
            .map(|_| ())
            .map_err(|e| self.error(&e.to_string(), None))
    }

    /// A regorus error message (`--> file:line:col` ... `error: msg`) located
    /// in this module's file (or the YAML file embedding it).
    pub fn error(&self, text: &str, note: Option<String>) -> PolicyError {
        let (line, column, message) = split_error(text, &self.path);
        self.error_at(line, column, message, note)
    }

    /// An error at `line:column` of the module's text, located in its file
    /// (or the YAML file embedding it).
    pub fn error_at(
        &self,
        line: usize,
        column: usize,
        message: String,
        note: Option<String>,
    ) -> PolicyError {
        match &self.embedded {
            Some(e) => PolicyError::at(
                e.file.clone(),
                e.first_line + line.saturating_sub(1),
                column + e.indent,
                message,
                note,
            ),
            None => PolicyError::at(
                SourceFile::new(self.path.clone(), self.text.clone()),
                line,
                column,
                message,
                note,
            ),
        }
    }
}

/// regorus parses a `[` or `{` twice when what follows is not a comprehension
/// (first as one, then as a collection), so nesting costs 2^depth: 20 nested
/// brackets take seconds, 30 hours — a hang at load time from one line of a
/// policy in the repository. Before regorus sees a module, the work it would
/// do is estimated (each character counts 2^its bracket depth) and a module
/// over this is refused, at the character where the estimate crosses it. Real
/// policies stay far below it: kubeward's rules nest at most 8 deep, ~2^14
/// per character at worst.
const MAX_PARSE_WORK: u64 = 1 << 25;

/// Where a module's estimated parse work crosses [`MAX_PARSE_WORK`]: the
/// 1-based line and column, and the bracket depth there.
fn parse_too_costly(text: &str) -> Option<(usize, usize, u32)> {
    let mut work: u64 = 0;
    let mut depth: u32 = 0;
    let (mut line, mut column) = (1usize, 0usize);
    // Inside a string ("...", with escapes) or a raw string (`...`), or a comment.
    let (mut string, mut raw, mut comment, mut escaped) = (false, false, false, false);
    for c in text.chars() {
        column += 1;
        if c == '\n' {
            line += 1;
            column = 0;
            comment = false;
        }
        if comment {
            continue;
        }
        if string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => string = false,
                _ => {}
            }
        } else if raw {
            raw = c != '`';
        } else {
            match c {
                '#' => comment = true,
                '"' => string = true,
                '`' => raw = true,
                '[' | '{' => depth = depth.saturating_add(1),
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if !c.is_whitespace() {
            work = work.saturating_add(1u64 << depth.min(62));
            if work > MAX_PARSE_WORK {
                return Some((line, column, depth));
            }
        }
    }
    None
}

/// Parses a module, choosing its Rego version (see the module docs).
pub fn parse(path: &str, text: &str, forced: Option<RegoVersion>) -> Result<Module, PolicyError> {
    if let Some((line, column, depth)) = parse_too_costly(text) {
        let module = Module {
            path: path.to_string(),
            text: text.to_string(),
            version: forced.unwrap_or(RegoVersion::V1),
            package: String::new(),
            heads: Vec::new(),
            embedded: None,
        };
        return Err(module.error_at(
            line,
            column,
            format!(
                "brackets nested {depth} deep: the Rego parser's work doubles with every level, \
                 and this module would take too long to parse"
            ),
            None,
        ));
    }
    let order: Vec<RegoVersion> = match forced {
        Some(v) => vec![v],
        None if imports(text, "rego.v1") => vec![RegoVersion::V1],
        None if imports(text, "future.keywords") => vec![RegoVersion::V0, RegoVersion::V1],
        None => vec![RegoVersion::V1, RegoVersion::V0],
    };
    let mut errors = Vec::new();
    for &version in &order {
        match parse_as(path, text, version) {
            Ok((package, heads)) => {
                return Ok(Module {
                    path: path.to_string(),
                    text: text.to_string(),
                    version,
                    package,
                    heads,
                    embedded: None,
                })
            }
            Err(e) => errors.push((version, e)),
        }
    }
    // Neither version parses: show the error of the version the file looks
    // like it is written in, and say so.
    let uses_v1 = forced.is_none() && uses_v1_keywords(text);
    let pick = errors
        .iter()
        .find(|(v, _)| forced.is_some() || (*v == RegoVersion::V1) == uses_v1)
        .or(errors.first());
    let (version, message) = match pick {
        Some((v, m)) => (*v, m.clone()),
        None => (RegoVersion::V1, "does not parse".to_string()),
    };
    let why = match forced {
        Some(_) => "forced by --rego-version".to_string(),
        None if imports(text, "rego.v1") => "the file imports rego.v1".to_string(),
        None if version == RegoVersion::V1 => {
            "the file uses v1 keywords (if/contains); it does not parse as v0 either".to_string()
        }
        None => "it does not parse as v1 either".to_string(),
    };
    let note = format!(
        "parsed as Rego {} ({why}); --rego-version v0|v1 forces a version",
        version.as_str()
    );
    let module = Module {
        path: path.to_string(),
        text: text.to_string(),
        version,
        package: String::new(),
        heads: Vec::new(),
        embedded: None,
    };
    Err(module.error(&message, Some(note)))
}

fn parse_as(path: &str, text: &str, version: RegoVersion) -> Result<(String, Vec<Head>), String> {
    let source =
        Source::from_contents(path.to_string(), text.to_string()).map_err(|e| e.to_string())?;
    let mut parser = Parser::new(&source).map_err(|e| e.to_string())?;
    if version == RegoVersion::V1 {
        parser.enable_rego_v1().map_err(|e| e.to_string())?;
    }
    let module = parser.parse().map_err(|e| e.to_string())?;
    let package = module
        .package
        .refr
        .span()
        .text()
        .trim()
        .trim_start_matches("data.")
        .to_string();
    let heads = module
        .policy
        .iter()
        .map(|rule| {
            let (span, refr) = match rule.as_ref() {
                Rule::Spec { span, head, .. } => (
                    span,
                    match head {
                        RuleHead::Compr { refr, .. }
                        | RuleHead::Set { refr, .. }
                        | RuleHead::Func { refr, .. } => refr,
                    },
                ),
                Rule::Default { span, refr, .. } => (span, refr),
            };
            let name = refr
                .span()
                .text()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            Head {
                name,
                line: span.line as usize,
                column: span.col as usize,
            }
        })
        .collect();
    Ok((package, heads))
}

/// Whether a line `import <what>...` is present (comments are whole lines in
/// practice; a false positive only changes the order versions are tried in).
fn imports(text: &str, what: &str) -> bool {
    text.lines().any(|l| {
        l.trim_start()
            .strip_prefix("import ")
            .is_some_and(|rest| rest.trim_start().starts_with(what))
    })
}

/// `if` or `contains` as words outside comments: the file was written for v1.
fn uses_v1_keywords(text: &str) -> bool {
    text.lines().any(|l| {
        let code = l.split('#').next().unwrap_or("");
        code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w == "if" || w == "contains")
    })
}

/// `(line, column, message)` out of a regorus error text; errors without a
/// position (rare: limits, I/O) point at the start of the file.
pub fn split_error(text: &str, path: &str) -> (usize, usize, String) {
    let mut line = 1;
    let mut column = 1;
    for l in text.lines() {
        if let Some(loc) = l.trim_start().strip_prefix("--> ") {
            // `path:line:col`; the path may itself contain colons.
            let mut parts = loc.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.trim().parse().ok());
            let ln = parts.next().and_then(|c| c.trim().parse().ok());
            if let (Some(ln), Some(col), Some(_)) = (ln, col, parts.next()) {
                line = ln;
                column = col;
            }
        }
    }
    let message = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| {
            text.lines()
                .find(|l| !l.trim().is_empty() && !l.contains(path))
                .unwrap_or(text)
                .trim()
                .to_string()
        });
    (line, column, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_brackets_are_refused_before_regorus_parses_them() {
        let nested =
            |n: usize| format!("package main\n\nx := {}1{}\n", "[".repeat(n), "]".repeat(n));
        // 16 levels parse (0.2 s in regorus); 40 would take days.
        assert!(parse("ok.rego", &nested(16), None).is_ok());
        let e = parse("deep.rego", &nested(40), None).expect_err("refused");
        assert!(e.message.contains("nested"), "{}", e.message);
        assert_eq!(e.line, 3);
        // Brackets in strings, raw strings and comments do not count.
        let quoted = format!(
            "package main\n\n# {0}\nx := \"{0}\"\ny := `{0}`\n",
            "[".repeat(60)
        );
        assert!(parse("quoted.rego", &quoted, None).is_ok());
        // Every bundled rule and library stays far below the limit.
        let catalog = crate::engine::Catalog::bundled().expect("bundled");
        let sources = catalog
            .libs
            .iter()
            .chain(catalog.rules.iter().map(|r| &r.source));
        for f in sources {
            assert!(parse_too_costly(&f.text).is_none(), "{}", f.path);
        }
    }

    #[test]
    fn versions_are_chosen_per_file() {
        let v0 = "package main\n\ndeny[msg] {\n  input.kind == \"Pod\"\n  msg := \"x\"\n}\n";
        let m = parse("a.rego", v0, None).expect("v0 parses");
        assert_eq!(m.version, RegoVersion::V0);
        assert_eq!(m.package, "main");
        assert_eq!(m.heads[0].name, "deny");
        assert_eq!((m.heads[0].line, m.heads[0].column), (3, 1));

        let v1 = "package main\n\ndeny contains msg if {\n  msg := \"x\"\n}\n";
        assert_eq!(
            parse("b.rego", v1, None).expect("v1").version,
            RegoVersion::V1
        );

        let fk = "package main\nimport future.keywords.if\ndeny[msg] if { msg := \"x\" }\n";
        assert_eq!(
            parse("c.rego", fk, None).expect("fk").version,
            RegoVersion::V0
        );

        let err = parse("d.rego", v0, Some(RegoVersion::V1)).expect_err("forced v1");
        assert!(
            err.note.as_deref().unwrap_or("").contains("forced"),
            "{err:?}"
        );
        assert_eq!(err.line, 3);
    }

    #[test]
    fn errors_are_located_and_say_which_version() {
        let bad = "package main\n\ndeny contains msg if {\n  msg := \n}\n";
        let err = parse("bad.rego", bad, None).expect_err("does not parse");
        assert_eq!(err.source.path, "bad.rego");
        assert!(err.line >= 4, "{err:?}");
        let note = err.note.clone().unwrap_or_default();
        assert!(note.contains("Rego v1"), "{note}");
        let old = "package main\n\ndeny[msg] {\n  msg := \n}\n";
        let err = parse("old.rego", old, None).expect_err("does not parse");
        assert!(err.note.clone().unwrap_or_default().contains("Rego v0"));
    }
}
