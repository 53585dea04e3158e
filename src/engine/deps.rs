//! Which Rego modules a set of rules needs: regorus parses and analyses every
//! module added to an engine (about 0.4 ms each), so a run whose resources
//! need a few rules should not prepare the whole catalogue.
//!
//! Dependencies are read from the text: every `data.<path>` reference (imports
//! included) pulls in each module whose package is that path, lies under it, or
//! contains it. A reference in a comment or string also counts, so the set can
//! only be too large, never too small.

/// A module's package (`a.b.c` from its `package a.b.c` line), or None when it
/// has no package line (regorus would reject it anyway).
pub fn package_of(text: &str) -> Option<&str> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package")?;
        let name = rest.trim();
        (rest.starts_with([' ', '\t']) && !name.is_empty()).then_some(name)
    })
}

/// The dotted paths after `data.` in `text`, e.g. `kubeward.lib.pods` from
/// `import data.kubeward.lib.pods` or `data.kubeward.lib.pods.containers[_]`.
fn data_refs(text: &str) -> impl Iterator<Item = &str> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices("data.").filter_map(move |(at, _)| {
        if text[..at].chars().next_back().is_some_and(ident) {
            return None; // `metadata.name`, not a data reference
        }
        let rest = &text[at + "data.".len()..];
        let end = rest
            .find(|c: char| !(ident(c) || c == '.'))
            .unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        (!path.is_empty()).then_some(path)
    })
}

/// Whether a reference to `data.<reference>` may read the package `package`.
fn reaches(reference: &str, package: &str) -> bool {
    let under = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    under(package, reference) || under(reference, package)
}

/// The modules needed to evaluate `roots`: the roots and, transitively, every
/// module one of them references. `modules` are (package, text); the result
/// is a flag per module.
pub fn closure(modules: &[(Option<&str>, &str)], roots: &[usize]) -> Vec<bool> {
    let mut needed = vec![false; modules.len()];
    let mut todo: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&i| i < modules.len())
        .collect();
    for &i in &todo {
        needed[i] = true;
    }
    while let Some(i) = todo.pop() {
        for reference in data_refs(modules[i].1) {
            for (j, (package, _)) in modules.iter().enumerate() {
                if !needed[j] && package.is_some_and(|p| reaches(reference, p)) {
                    needed[j] = true;
                    todo.push(j);
                }
            }
        }
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_package_line() {
        assert_eq!(
            package_of("# c\npackage kubeward.lib.pods\n\nimport rego.v1\n"),
            Some("kubeward.lib.pods")
        );
        assert_eq!(package_of("# packages\nx := 1\n"), None);
    }

    #[test]
    fn follows_references_transitively_and_by_prefix() {
        let modules = [
            (Some("r.a"), "package r.a\nimport data.lib.x\n"),
            (Some("lib.x"), "package lib.x\ny := data.lib.z.v\n"),
            (Some("lib.z"), "package lib.z\nv := 1\n"),
            (Some("lib.unused"), "package lib.unused\n"),
            // Reads a whole subtree: every package under it.
            (Some("r.b"), "package r.b\nall := data.r\n"),
            (Some("r.c"), "package r.c\nn := input.metadata.name\n"),
        ];
        let got = |roots: &[usize]| closure(&modules, roots);
        assert_eq!(got(&[0]), [true, true, true, false, false, false]);
        assert_eq!(got(&[4]), [true, true, true, false, true, true]);
        // `metadata.` is not a data reference.
        assert_eq!(got(&[5]), [false, false, false, false, false, true]);
    }
}
