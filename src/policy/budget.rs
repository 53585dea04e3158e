//! What one evaluation of a user policy may allocate. A policy is code from the
//! repository (with `--gatekeeper`, a ConstraintTemplate in the linted tree is
//! enough), and a few builtins turn a small call into gigabytes:
//! `numbers.range(1, 3e9)`, `sprintf("%0999999999d", [1])`, `replace(s, "",
//! s)`. The time limit does not help: one such call allocates before the
//! interpreter next looks at the clock. So every builtin a user policy calls
//! goes through a guard, registered as a regorus extension under the builtin's
//! own name (regorus looks extensions up before builtins):
//!
//! - calls that can multiply their input (ranges, format widths, replacements)
//!   are measured *before* they run and refused when the result would not fit;
//! - every result is charged to a per-evaluation budget ([`EVAL_BUDGET_BYTES`]),
//!   so chains of calls that each stay small (doubling a string thirty times)
//!   are stopped too.
//!
//! Exceeding the budget is an error of that rule on that resource (a
//! `kubeward/policy-error`); the other rules and resources are unaffected.
//! The guard calls regorus's own builtin, so results are unchanged.

use regorus::unstable::{Expr, Parser, Ref, Source, Span, BUILTINS};
use regorus::{Engine, Value};
use std::cell::Cell;
use std::sync::OnceLock;

/// Bytes of builtin results one evaluation (one rule on one resource) may
/// produce in total.
pub const EVAL_BUDGET_BYTES: u64 = 256 << 20;

/// Go's `fmt` refuses widths and precisions over 10^6 (`%!(BADWIDTH)`); so does
/// kubeward, before regorus formats anything.
pub const MAX_FORMAT_WIDTH: u64 = 1_000_000;

/// What a value's slot costs at least (regorus `Value` plus its collection
/// entry), for charging collections by their length.
const VALUE_BYTES: u64 = 32;

/// Builtins that are not plain functions of their arguments, or that the
/// interpreter handles itself: left alone.
const UNGUARDED: &[&str] = &["print", "trace", "walk", "rand.intn", "time.now_ns"];

thread_local! {
    /// Bytes charged since the current evaluation started (one worker thread
    /// evaluates one rule at a time).
    static SPENT: Cell<u64> = const { Cell::new(0) };
}

/// Starts the budget of a new evaluation on this thread.
pub fn reset() {
    SPENT.with(|s| s.set(0));
}

/// Why a guarded call was refused.
#[derive(Debug)]
struct OverBudget(String);

impl std::fmt::Display for OverBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OverBudget {}

/// Whether an evaluation error is this module's refusal (for tests; reports
/// carry the message as it is).
#[cfg(test)]
fn is_over_budget(error: &str) -> bool {
    error.contains(BUDGET_MARK)
}

const BUDGET_MARK: &str = "evaluation budget";

/// Refuses a call whose result (`bytes`) would not fit in what is left; with
/// `keep`, the bytes are spent.
fn charge(name: &str, bytes: u64, keep: bool) -> anyhow::Result<()> {
    SPENT.with(|s| {
        let total = s.get().saturating_add(bytes);
        if total > EVAL_BUDGET_BYTES {
            return Err(anyhow::Error::new(OverBudget(format!(
                "{name}: the {BUDGET_MARK} of {} MiB for one rule on one resource is exceeded \
                 (a runaway policy?)",
                EVAL_BUDGET_BYTES >> 20
            ))));
        }
        if keep {
            s.set(total);
        }
        Ok(())
    })
}

/// What a result costs: strings by their bytes, collections by their slots.
fn cost(v: &Value) -> u64 {
    let len = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    match v {
        Value::String(s) => len(s.len()),
        Value::Array(a) => len(a.len()).saturating_mul(VALUE_BYTES),
        Value::Set(s) => len(s.len()).saturating_mul(VALUE_BYTES),
        Value::Object(o) => len(o.len()).saturating_mul(VALUE_BYTES * 2),
        _ => 0,
    }
}

/// The span and argument expressions handed to a builtin: regorus's builtins
/// take them for their error messages. Parsed once from a stand-in call.
fn call_site() -> Option<&'static (Span, Vec<Ref<Expr>>)> {
    static SITE: OnceLock<Option<(Span, Vec<Ref<Expr>>)>> = OnceLock::new();
    SITE.get_or_init(|| {
        let text = "package kubeward_builtin\nx := f(a, b, c, d)\n";
        let source = Source::from_contents("<builtin>".into(), text.into()).ok()?;
        let module = Parser::new(&source).ok()?.parse().ok()?;
        let rule = module.policy.first()?;
        let regorus::unstable::Rule::Spec {
            head: regorus::unstable::RuleHead::Compr { assign, .. },
            ..
        } = rule.as_ref()
        else {
            return None;
        };
        match assign.as_ref()?.value.as_ref() {
            Expr::Call { span, params, .. } => Some((span.clone(), params.clone())),
            _ => None,
        }
    })
    .as_ref()
}

/// Registers the guard of every builtin on `engine`.
pub fn install(engine: &mut Engine) {
    let Some((span, params)) = call_site() else {
        return;
    };
    let mut names: Vec<_> = BUILTINS.iter().collect();
    names.sort_by_key(|(name, _)| **name);
    for (&name, &(function, nargs)) in names {
        if UNGUARDED.contains(&name) || usize::from(nargs) > params.len() {
            continue;
        }
        let params = &params[..usize::from(nargs)];
        let guard = move |args: Vec<Value>| -> anyhow::Result<Value> {
            // As the interpreter does for builtins: an undefined argument makes
            // the call undefined.
            if args.iter().any(|a| a == &Value::Undefined) {
                return Ok(Value::Undefined);
            }
            charge(name, estimate(name, &args)?, false)?;
            // kubeward evaluates with non-strict builtin errors (OPA's default):
            // a builtin that fails is undefined.
            let result = function(span, params, &args, false).unwrap_or(Value::Undefined);
            charge(name, cost(&result), true)?;
            Ok(result)
        };
        // A name taken twice cannot happen (the table's keys are unique); if
        // regorus refused, the builtin simply stays unguarded.
        let _ = engine.add_extension(name.to_string(), nargs, Box::new(guard));
    }
}

/// The bytes a call will produce beyond its inputs, known before it runs, for
/// the builtins that can multiply their input; 0 for the others (their result
/// is charged afterwards). An impossible request is refused outright.
fn estimate(name: &str, args: &[Value]) -> anyhow::Result<u64> {
    let int = |v: &Value| match v {
        Value::Number(n) => n.as_i64(),
        _ => None,
    };
    let string = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        _ => None,
    };
    let refuse = |why: String| Err(anyhow::Error::new(OverBudget(format!("{name}: {why}"))));
    match name {
        "numbers.range" | "numbers.range_step" => {
            let (Some(a), Some(b)) = (args.first().and_then(int), args.get(1).and_then(int)) else {
                return Ok(0);
            };
            let step = match args.get(2) {
                Some(s) => int(s).filter(|s| *s > 0).unwrap_or(1),
                None => 1,
            };
            let count = a.abs_diff(b) / step.unsigned_abs() + 1;
            Ok(count.saturating_mul(VALUE_BYTES))
        }
        "sprintf" => {
            let Some(format) = args.first().and_then(string) else {
                return Ok(0);
            };
            let widths = format_widths(&format);
            match widths {
                Err(why) => refuse(why),
                Ok(total) if total > MAX_FORMAT_WIDTH => refuse(format!(
                    "a width or precision of {total} (Go refuses more than {MAX_FORMAT_WIDTH}; \
                     {BUDGET_MARK})"
                )),
                Ok(total) => Ok(total),
            }
        }
        "replace" => {
            let (Some(s), Some(old), Some(new)) = (
                args.first().and_then(string),
                args.get(1).and_then(string),
                args.get(2).and_then(string),
            ) else {
                return Ok(0);
            };
            Ok(replaced_bytes(&s, &old, &new))
        }
        "strings.replace_n" => {
            let (Some(Value::Object(patterns)), Some(s)) =
                (args.first(), args.get(1).and_then(string))
            else {
                return Ok(0);
            };
            Ok(patterns
                .iter()
                .filter_map(|(old, new)| Some((string(old)?, string(new)?)))
                .map(|(old, new)| replaced_bytes(&s, &old, &new))
                .fold(0u64, u64::saturating_add))
        }
        "regex.replace" => {
            // A pattern that matches everywhere (even the empty string) puts
            // the replacement at every position.
            let (Some(s), Some(new)) =
                (args.first().and_then(string), args.get(2).and_then(string))
            else {
                return Ok(0);
            };
            let positions = u64::try_from(s.len()).unwrap_or(u64::MAX).saturating_add(1);
            Ok(positions.saturating_mul(u64::try_from(new.len()).unwrap_or(u64::MAX)))
        }
        _ => Ok(0),
    }
}

/// Upper bound of `replace(s, old, new)`'s length: Go's `strings.Replace`
/// with an empty `old` inserts `new` at every character boundary.
fn replaced_bytes(s: &str, old: &str, new: &str) -> u64 {
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    let matches = if old.is_empty() {
        n(s.chars().count()).saturating_add(1)
    } else {
        n(s.matches(old).count())
    };
    n(s.len()).saturating_add(matches.saturating_mul(n(new.len())))
}

/// The sum of the widths and precisions in a Go format string, or why the
/// format cannot be accepted (regorus reads `%` followed by a Unicode numeral
/// that is not a decimal digit by panicking).
fn format_widths(format: &str) -> Result<u64, String> {
    let mut total = 0u64;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        let mut number = 0u64;
        while let Some(&d) = chars.peek() {
            if d == '.' {
                total = total.saturating_add(number);
                number = 0;
            } else if d.is_ascii_digit() {
                number = number
                    .saturating_mul(10)
                    .saturating_add(u64::from(d) - u64::from('0'));
            } else if d.is_numeric() {
                return Err(format!("{d:?} is not a decimal digit of a width"));
            } else {
                break;
            }
            chars.next();
        }
        total = total.saturating_add(number);
        if chars.peek() == Some(&'%') {
            chars.next();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> anyhow::Result<Value> {
        let mut e = Engine::new();
        e.set_strict_builtin_errors(false);
        install(&mut e);
        e.add_policy("p.rego".into(), format!("package p\nx := {query}\n"))?;
        reset();
        e.eval_rule("data.p.x".into())
    }

    #[test]
    fn guarded_builtins_give_regorus_results() {
        assert_eq!(
            eval(r#"sprintf("%05d|%s|%.2f", [42, "a", 3.14159])"#).expect("ok"),
            Value::from("00042|a|3.14")
        );
        assert_eq!(
            eval("numbers.range(3, 1)").expect("ok"),
            Value::from_json_str("[3, 2, 1]").expect("json")
        );
        assert_eq!(
            eval("numbers.range_step(0, 10, 5)").expect("ok"),
            Value::from_json_str("[0, 5, 10]").expect("json")
        );
        assert_eq!(
            eval(r#"replace("aXb", "X", "--")"#).expect("ok"),
            Value::from("a--b")
        );
        assert_eq!(eval(r#"upper("abc")"#).expect("ok"), Value::from("ABC"));
        // A failing builtin is undefined, as without the guard.
        assert_eq!(eval(r#"to_number("x")"#).expect("ok"), Value::Undefined);
    }

    #[test]
    fn amplifying_calls_are_refused_before_they_run() {
        for q in [
            "numbers.range(1, 3000000000)",
            "numbers.range_step(0, 30000000000, 2)",
            r#"sprintf("%0999999999d", [1])"#,
            r#"sprintf("%.9999999f", [1])"#,
            // 20,001 insertions of a 20,000-character string: 400 MB.
            r#"replace(concat("", [s | numbers.range(1, 20000)[_]; s := "x"]), "", concat("", [s | numbers.range(1, 20000)[_]; s := "y"]))"#,
        ] {
            match eval(q) {
                Err(e) => assert!(is_over_budget(&e.to_string()), "{q}: {e}"),
                Ok(v) => panic!("{q} was evaluated (a {}-byte result)", cost(&v)),
            }
        }
        // regorus would panic on a width written with a non-ASCII numeral.
        let err = eval(r#"sprintf("%½d", [1])"#)
            .expect_err("refused")
            .to_string();
        assert!(err.contains("not a decimal digit"), "{err}");
    }

    #[test]
    fn chains_of_small_calls_share_one_budget() {
        // Each doubling is small; together they pass 256 MiB.
        let mut q = String::from(
            "x0 := concat(\"\", [s | numbers.range(1, 1024)[_]; s := \"xxxxxxxxxxxxxxxx\"])\n",
        );
        for i in 1..=15 {
            q.push_str(&format!("x{i} := concat(\"\", [x{j}, x{j}])\n", j = i - 1));
        }
        let mut e = Engine::new();
        e.set_strict_builtin_errors(false);
        install(&mut e);
        e.add_policy("p.rego".into(), format!("package p\n{q}"))
            .expect("policy");
        reset();
        let err = e.eval_rule("data.p.x15".into()).expect_err("over budget");
        assert!(is_over_budget(&err.to_string()), "{err}");
        // A fresh evaluation starts with the whole budget again.
        reset();
        assert!(e.eval_rule("data.p.x3".into()).is_ok());
    }

    #[test]
    fn format_widths_are_summed() {
        assert_eq!(format_widths("%5d %.3f %%"), Ok(8));
        assert_eq!(format_widths("100%"), Ok(0));
        assert!(format_widths("%٣d").is_err());
    }
}
