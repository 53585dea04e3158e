//! A static check of the functions user policies call, run when an engine is
//! built: regorus only looks a function up when the interpreter reaches the
//! call, so a typo (`startswih`), a helper from a package that is not loaded,
//! or an OPA builtin kubeward leaves out (`http.send`) would otherwise surface
//! as a runtime `kubeward/policy-error` on some resources, or never. Here it
//! stops the run (exit 2) with the call's location, before anything is
//! evaluated.
//!
//! A call resolves the way regorus's interpreter resolves it: through an
//! import alias of the module when the target is a defined function, then as
//! a function or `default` rule of the module's package (or an absolute
//! `data.` path), then as `print` or a builtin compiled into this build.
//! Only the modules of one engine count: Gatekeeper templates see their own
//! libs, native and conftest policies also see kubeward's `data.kubeward.lib`.

use super::rego::Module;
use super::PolicyError;
use regorus::unstable::{self as ast, Expr, Literal, Query, Rule, RuleHead, BUILTINS};
use regorus::utils::{gather_functions, get_path_string};
use std::collections::{BTreeMap, BTreeSet};

/// Builtins that reach outside the process (OPA's, and Gatekeeper's
/// `external_data`); never compiled in.
const OFFLINE: &[&str] = &[
    "external_data",
    "http.send",
    "net.lookup_ip_addr",
    "opa.runtime",
];

/// OPA builtins kubeward's Rego engine does not include (or includes only
/// partly: `net.`), for a clearer message than "unknown function". An entry
/// ending in `.` or `_` is a prefix; the deprecated ones are still common in
/// older Gatekeeper and conftest policies.
const OPA_ONLY: &[&str] = &[
    "all",
    "any",
    "cast_",
    "crypto.",
    "graph.",
    "graphql.",
    "io.jwt.",
    "json.patch",
    "net.",
    "providers.",
    "re_match",
    "rego.",
    "set_diff",
    "strings.render_template",
    "time.",
    "uuid.",
];

fn opa_only(path: &str) -> bool {
    OPA_ONLY.iter().any(|o| {
        if o.ends_with('.') || o.ends_with('_') {
            path.starts_with(o)
        } else {
            path == *o
        }
    })
}

/// One call that resolves to nothing.
struct Unknown<'m> {
    module: &'m Module,
    line: usize,
    column: usize,
    message: String,
}

/// Checks every call in `modules` (the user modules of `engine`) against the
/// functions `engine` defines and the builtins of this build. The first
/// unresolved call is the error; the others are listed in its note.
pub fn check(engine: &mut regorus::Engine, modules: &[Module]) -> Result<(), PolicyError> {
    let loaded: Vec<ast::Ref<ast::Module>> = engine.get_modules().clone();
    // A conflicting arity is reported by regorus's own analysis, which has
    // already run; there is nothing more to check here.
    let Ok(functions) = gather_functions(&loaded) else {
        return Ok(());
    };
    let mut defined: BTreeSet<String> = functions.keys().cloned().collect();
    for m in &loaded {
        let Ok(package) = get_path_string(&m.package.refr, Some("data")) else {
            continue;
        };
        for rule in &m.policy {
            if let Rule::Default { refr, .. } = rule.as_ref() {
                if let Ok(p) = get_path_string(refr, Some(&package)) {
                    defined.insert(p);
                }
            }
        }
    }
    let mut unknown: Vec<Unknown> = Vec::new();
    for m in &loaded {
        let file = m.package.refr.span().source.file();
        let Some(user) = modules.iter().find(|u| &u.path == file) else {
            continue;
        };
        let Ok(package) = get_path_string(&m.package.refr, Some("data")) else {
            continue;
        };
        let scope = Scope {
            package: &package,
            imports: imports(m),
            defined: &defined,
        };
        let mut calls = calls(m);
        calls.sort_by_key(|(line, column, _)| (*line, *column));
        for (line, column, path) in calls {
            if !scope.resolves(&path) {
                unknown.push(Unknown {
                    module: user,
                    line,
                    column,
                    message: scope.explain(&path),
                });
            }
        }
    }
    let Some(first) = unknown.first() else {
        return check_recursion(&loaded, modules, &functions, &defined);
    };
    let others: Vec<String> = unknown
        .iter()
        .skip(1)
        .map(|u| {
            let e = u.module.error_at(u.line, u.column, String::new(), None);
            format!("{}:{}:{}: {}", e.source.path, e.line, e.column, u.message)
        })
        .collect();
    let note = (!others.is_empty()).then(|| format!("also:\n{}", others.join("\n")));
    Err(first
        .module
        .error_at(first.line, first.column, first.message.clone(), note))
}

/// One call from a function to a function: callee, and where it is written.
struct Edge {
    callee: String,
    file: String,
    line: usize,
    column: usize,
}

/// Rego forbids recursion, direct or through other functions (OPA rejects it
/// when compiling). regorus does not check it and would overflow the stack
/// evaluating such a policy, aborting the whole process and every file's
/// findings with it; so a cycle among the loaded functions stops the run here,
/// at the call that closes it. (Rules that depend on themselves are caught by
/// regorus at run time as an error, which is a `kubeward/policy-error`.)
fn check_recursion(
    loaded: &[ast::Ref<ast::Module>],
    modules: &[Module],
    functions: &regorus::utils::FunctionTable,
    defined: &BTreeSet<String>,
) -> Result<(), PolicyError> {
    let mut graph: BTreeMap<&str, Vec<Edge>> = BTreeMap::new();
    for m in loaded {
        let Ok(package) = get_path_string(&m.package.refr, Some("data")) else {
            continue;
        };
        let scope = Scope {
            package: &package,
            imports: imports(m),
            defined,
        };
        let file = m.package.refr.span().source.file().to_string();
        for rule in &m.policy {
            let Rule::Spec {
                head: RuleHead::Func { refr, .. },
                ..
            } = rule.as_ref()
            else {
                continue;
            };
            let Ok(name) = get_path_string(refr, Some(&package)) else {
                continue;
            };
            let Some((name, _)) = functions.get_key_value(&name) else {
                continue;
            };
            let edges = graph.entry(name.as_str()).or_default();
            for (line, column, path) in calls_of_rule(rule) {
                if let Some(callee) = scope.target(&path).filter(|c| functions.contains_key(c)) {
                    edges.push(Edge {
                        callee,
                        file: file.clone(),
                        line,
                        column,
                    });
                }
            }
        }
    }
    let Some(cycle) = find_cycle(&graph) else {
        return Ok(());
    };
    let Some(closing) = cycle.last() else {
        return Ok(());
    };
    let names: Vec<&str> = std::iter::once(closing.callee.as_str())
        .chain(cycle.iter().map(|e| e.callee.as_str()))
        .map(|n| n.strip_prefix("data.").unwrap_or(n))
        .collect();
    let message = if cycle.len() == 1 {
        format!(
            "function `{}` calls itself: Rego does not allow recursion",
            names[0]
        )
    } else {
        format!(
            "recursive functions: {} (Rego does not allow recursion)",
            names.join(" -> ")
        )
    };
    Err(match modules.iter().find(|u| u.path == closing.file) {
        Some(user) => user.error_at(closing.line, closing.column, message, None),
        None => PolicyError::file(&closing.file, message),
    })
}

/// A cycle of the call graph as the edges that form it (the last one closes
/// it), or None. Depth-first with an explicit stack: the graph is the policy
/// author's and may be deep.
fn find_cycle<'g>(graph: &'g BTreeMap<&str, Vec<Edge>>) -> Option<Vec<&'g Edge>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Open,
        Done,
    }
    let mut state: BTreeMap<&str, State> = BTreeMap::new();
    for &start in graph.keys() {
        if state.contains_key(start) {
            continue;
        }
        // (function, index of its next edge), and the edge taken into each
        // function after the first.
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        let mut path: Vec<&Edge> = Vec::new();
        state.insert(start, State::Open);
        while let Some((node, next)) = stack.last_mut() {
            let edges = graph.get(*node).map_or(&[][..], Vec::as_slice);
            let Some(edge) = edges.get(*next) else {
                state.insert(node, State::Done);
                stack.pop();
                path.pop();
                continue;
            };
            *next += 1;
            let callee = edge.callee.as_str();
            match state.get(callee) {
                Some(State::Open) => {
                    // Back to a function on the stack: the cycle is the path
                    // from the edge that entered it, plus this edge.
                    let from = stack.iter().position(|(n, _)| *n == callee).unwrap_or(0);
                    let mut cycle: Vec<&Edge> = path[from..].to_vec();
                    cycle.push(edge);
                    return Some(cycle);
                }
                Some(State::Done) => {}
                None => {
                    state.insert(callee, State::Open);
                    stack.push((callee, 0));
                    path.push(edge);
                }
            }
        }
    }
    None
}

/// What a module's calls are resolved against.
struct Scope<'a> {
    /// `data.<package>`.
    package: &'a str,
    /// Import alias -> imported `data.` path.
    imports: BTreeMap<String, String>,
    /// Full paths of functions and `default` rules in the engine.
    defined: &'a BTreeSet<String>,
}

impl Scope<'_> {
    fn resolves(&self, path: &str) -> bool {
        self.target(path).is_some() || path == "print" || BUILTINS.contains_key(path)
    }

    /// The full path of the function or `default` rule a call names, when the
    /// loaded policies define it.
    fn target(&self, path: &str) -> Option<String> {
        let (root, rest) = path.split_at(path.find(['.', '[']).unwrap_or(path.len()));
        if let Some(target) = self.imports.get(root) {
            let full = format!("{target}{rest}");
            if self.defined.contains(&full) {
                return Some(full);
            }
        }
        let full = if root == "data" {
            path.to_string()
        } else {
            format!("{}.{path}", self.package)
        };
        self.defined.contains(&full).then_some(full)
    }

    fn explain(&self, path: &str) -> String {
        if OFFLINE.contains(&path) {
            return format!(
                "`{path}` is not available in kubeward: policies run offline, with no network, filesystem or environment access"
            );
        }
        // Names a call in this module could have meant: builtins and the
        // functions of its own package.
        let own = format!("{}.", self.package);
        let near = BUILTINS
            .keys()
            .copied()
            .chain(self.defined.iter().filter_map(|d| d.strip_prefix(&own)))
            .filter(|c| !c.starts_with("__"))
            .map(|c| (crate::suggest::edit_distance(c, path), c))
            .filter(|(d, _)| *d <= 2 && *d < path.len() / 2)
            .min();
        if let Some((_, name)) = near {
            return format!("unknown function `{path}` (did you mean `{name}`?)");
        }
        if opa_only(path) {
            return format!(
                "`{path}` is an OPA builtin that kubeward's Rego engine does not include"
            );
        }
        format!(
            "unknown function `{path}`: neither a builtin nor a function defined in the loaded policies"
        )
    }
}

/// `import data.a.b` -> `b`, `import data.a.b as c` -> `c`: alias -> `data.a.b`.
fn imports(m: &ast::Module) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for i in &m.imports {
        let Ok(target) = get_path_string(&i.refr, None) else {
            continue;
        };
        if !target.starts_with("data.") {
            continue;
        }
        let alias = match (&i.r#as, i.refr.as_ref()) {
            (Some(a), _) => a.text().to_string(),
            (None, Expr::RefDot { field, .. }) => field.0.text().to_string(),
            (None, Expr::RefBrack { index, .. }) => match index.as_ref() {
                Expr::String { value, .. } => {
                    value.as_string().map(|s| s.to_string()).unwrap_or_default()
                }
                _ => continue,
            },
            _ => continue,
        };
        out.insert(alias, target);
    }
    out
}

/// Every call in a module: (line, column, the function's path as written).
/// The walk uses a work list, not recursion: expression depth is the policy
/// author's to choose.
fn calls(m: &ast::Module) -> Vec<(usize, usize, String)> {
    m.policy.iter().flat_map(|r| calls_of_rule(r)).collect()
}

/// Every call in one rule or function (head and bodies).
fn calls_of_rule(rule: &Rule) -> Vec<(usize, usize, String)> {
    enum Item<'a> {
        Expr(&'a Expr),
        Query(&'a Query),
    }
    // `some k, v in c` and `k, v in c` alike.
    fn membership<'a>(
        key: &'a Option<ast::Ref<Expr>>,
        value: &'a Expr,
        collection: &'a Expr,
    ) -> impl Iterator<Item = Item<'a>> {
        let key = key.as_ref().map(|k| Item::Expr(k));
        key.into_iter()
            .chain([Item::Expr(value), Item::Expr(collection)])
    }
    let mut work: Vec<Item> = Vec::new();
    {
        match rule {
            Rule::Spec { head, bodies, .. } => {
                match head {
                    RuleHead::Compr { refr, assign, .. } => {
                        work.push(Item::Expr(refr));
                        work.extend(assign.iter().map(|a| Item::Expr(&a.value)));
                    }
                    RuleHead::Set { refr, key, .. } => {
                        work.push(Item::Expr(refr));
                        work.extend(key.iter().map(|k| Item::Expr(k)));
                    }
                    RuleHead::Func {
                        refr, args, assign, ..
                    } => {
                        work.push(Item::Expr(refr));
                        work.extend(args.iter().map(|a| Item::Expr(a)));
                        work.extend(assign.iter().map(|a| Item::Expr(&a.value)));
                    }
                }
                for b in bodies {
                    work.extend(b.assign.iter().map(|a| Item::Expr(&a.value)));
                    work.push(Item::Query(&b.query));
                }
            }
            Rule::Default {
                refr, args, value, ..
            } => {
                work.push(Item::Expr(refr));
                work.extend(args.iter().map(|a| Item::Expr(a)));
                work.push(Item::Expr(value));
            }
        }
    }
    let mut out = Vec::new();
    while let Some(item) = work.pop() {
        let e = match item {
            Item::Query(q) => {
                for s in &q.stmts {
                    match &s.literal {
                        Literal::SomeVars { .. } => {}
                        Literal::SomeIn {
                            key,
                            value,
                            collection,
                            ..
                        } => work.extend(membership(key, value, collection)),
                        Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => {
                            work.push(Item::Expr(expr));
                        }
                        Literal::Every { domain, query, .. } => {
                            work.push(Item::Expr(domain));
                            work.push(Item::Query(query));
                        }
                    }
                    for w in &s.with_mods {
                        work.push(Item::Expr(&w.r#as));
                    }
                }
                continue;
            }
            Item::Expr(e) => e,
        };
        match e {
            Expr::Call { fcn, params, .. } => {
                // A callee that is not a plain path fails in regorus as
                // "invalid function expression"; that is left to it.
                if let Ok(path) = get_path_string(fcn, None) {
                    // A ref's span starts at its last `.`: point at its root.
                    let mut root: &Expr = fcn;
                    while let Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } = root {
                        root = refr;
                    }
                    let at = root.span();
                    out.push((at.line as usize, at.col as usize, path));
                }
                work.extend(params.iter().map(|p| Item::Expr(p)));
            }
            Expr::Array { items, .. } | Expr::Set { items, .. } => {
                work.extend(items.iter().map(|i| Item::Expr(i)));
            }
            Expr::Object { fields, .. } => {
                for (_, k, v) in fields {
                    work.push(Item::Expr(k));
                    work.push(Item::Expr(v));
                }
            }
            Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
                work.push(Item::Expr(term));
                work.push(Item::Query(query));
            }
            Expr::ObjectCompr {
                key, value, query, ..
            } => {
                work.push(Item::Expr(key));
                work.push(Item::Expr(value));
                work.push(Item::Query(query));
            }
            Expr::UnaryExpr { expr, .. } => work.push(Item::Expr(expr)),
            Expr::RefDot { refr, .. } => work.push(Item::Expr(refr)),
            Expr::RefBrack { refr, index, .. } => {
                work.push(Item::Expr(refr));
                work.push(Item::Expr(index));
            }
            Expr::BinExpr { lhs, rhs, .. }
            | Expr::BoolExpr { lhs, rhs, .. }
            | Expr::ArithExpr { lhs, rhs, .. }
            | Expr::AssignExpr { lhs, rhs, .. } => {
                work.push(Item::Expr(lhs));
                work.push(Item::Expr(rhs));
            }
            Expr::Membership {
                key,
                value,
                collection,
                ..
            } => work.extend(membership(key, value, collection)),
            // Scalars and variables hold no calls.
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_calls_are_explained() {
        let defined: BTreeSet<String> = ["data.main.is_pod", "data.lib.util.named"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let scope = Scope {
            package: "data.main",
            imports: [("util".to_string(), "data.lib.util".to_string())].into(),
            defined: &defined,
        };
        for ok in [
            "is_pod",
            "data.main.is_pod",
            "util.named",
            "startswith",
            "print",
        ] {
            assert!(scope.resolves(ok), "{ok}");
        }
        for bad in ["is_pdo", "util.nameless", "data.lib.util.x", "re_match"] {
            assert!(!scope.resolves(bad), "{bad}");
        }
        assert!(scope.explain("is_pdo").contains("did you mean `is_pod`"));
        assert!(scope.explain("http.send").contains("offline"));
        assert!(scope.explain("external_data").contains("offline"));
        assert!(scope.explain("re_match").contains("OPA builtin"));
        assert!(scope.explain("net.cidr_merge").contains("OPA builtin"));
        assert!(scope
            .explain("anything_else")
            .starts_with("unknown function"));
        assert!(!opa_only("anyway") && opa_only("any") && opa_only("cast_array"));
    }
}
