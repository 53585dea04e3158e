//! The rule catalogue for people: `kubeward rules` (table or JSON),
//! `kubeward explain <id>`, and the generated `docs/rules.md`.

use crate::engine::{Catalog, RuleMeta};
use crate::rules_builtin::BUILTIN;
use serde::Serialize;

/// One row of `kubeward rules --format json`.
#[derive(Debug, Serialize)]
pub struct RuleInfo<'a> {
    pub id: &'a str,
    pub severity: &'a str,
    pub enabled: bool,
    pub title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pss: Option<&'a str>,
    pub kinds: Vec<&'a str>,
    /// Rules whose finding at the same field makes this rule's redundant.
    #[serde(rename = "implied_by", skip_serializing_if = "Vec::is_empty")]
    pub implied_by: Vec<&'a str>,
}

/// Bundled Rego rules and the loader's own checks, sorted by id.
pub fn rule_infos(catalog: &Catalog) -> Vec<RuleInfo<'_>> {
    let mut out: Vec<RuleInfo> = catalog
        .rules
        .iter()
        .map(|r| RuleInfo {
            id: &r.meta.id,
            severity: r.meta.severity.as_str(),
            enabled: r.meta.enabled,
            title: &r.meta.title,
            pss: r.meta.pss.as_deref(),
            kinds: r.meta.kinds.iter().map(String::as_str).collect(),
            implied_by: r.meta.implied_by.iter().map(String::as_str).collect(),
        })
        .chain(BUILTIN.iter().map(|b| RuleInfo {
            id: b.id,
            severity: b.severity.as_str(),
            enabled: !b.opt_in,
            title: b.title,
            pss: None,
            kinds: vec!["*"],
            implied_by: Vec::new(),
        }))
        .collect();
    out.sort_by(|a, b| a.id.cmp(b.id));
    out
}

/// `kubeward rules`: one aligned line per rule.
pub fn rules_table(catalog: &Catalog) -> String {
    let infos = rule_infos(catalog);
    let width = infos.iter().map(|i| i.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for i in &infos {
        let state = if i.enabled { "" } else { " (opt-in)" };
        out.push_str(&format!(
            "{:width$}  {:7}  {}{state}\n",
            i.id, i.severity, i.title
        ));
    }
    out.push_str(&format!(
        "\n{} rules ({} enabled by default). `kubeward explain <id>` tells more.\n",
        infos.len(),
        infos.iter().filter(|i| i.enabled).count()
    ));
    out
}

/// `kubeward explain <id>`, or None for an unknown id.
pub fn explain(catalog: &Catalog, id: &str) -> Option<String> {
    if let Some(rule) = catalog.rule(id) {
        return Some(explain_rule(&rule.meta, &implies(catalog, id)));
    }
    let b = BUILTIN.iter().find(|b| b.id == id)?;
    let kind = match b.opt_in {
        true => "built in, opt-in: `--only` or a config enables it",
        false => "built into the loader",
    };
    Some(format!(
        "{}  ({}, {kind})\n\n{}\n\nHow to fix: {}\n",
        b.id, b.severity, b.title, b.remediation
    ))
}

/// The rules whose findings `id`'s findings imply (the reverse of `implied-by`).
fn implies<'c>(catalog: &'c Catalog, id: &str) -> Vec<&'c str> {
    catalog
        .rules
        .iter()
        .filter(|r| r.meta.implied_by.iter().any(|a| a == id))
        .map(|r| r.meta.id.as_str())
        .collect()
}

/// What `implied-by` means, in the words `explain` and docs/rules.md use.
const IMPLIED_NOTE: &str = "Not reported where such a rule reports the same field of the same resource at the same or a higher severity: that finding already says this. Reported as usual where none of them runs (--only, config, opt-in); suppressing the implying finding accepts this one too.";

fn explain_rule(m: &RuleMeta, implies: &[&str]) -> String {
    let mut s = format!("{}  ({}", m.id, m.severity);
    if !m.enabled {
        s.push_str(", opt-in");
    }
    s.push_str(")\n");
    s.push_str(&format!("{}\n\n{}\n\n", m.title, m.description));
    s.push_str(&format!("How to fix: {}\n\n", m.remediation));
    s.push_str(&format!("Applies to: {}\n", m.kinds.join(", ")));
    if !m.implied_by.is_empty() {
        s.push_str(&format!(
            "Implied by: {}. {IMPLIED_NOTE}\n",
            m.implied_by.join(", ")
        ));
    }
    if !implies.is_empty() {
        s.push_str(&format!(
            "Implies: {}: their findings at the same field are not reported beside this rule's.\n",
            implies.join(", ")
        ));
    }
    if let Some(pss) = &m.pss {
        s.push_str(&format!("Pod Security Standards: {pss}\n"));
    }
    if !m.peers.is_empty() {
        let peers: Vec<String> = m
            .peers
            .iter()
            .map(|(tool, ids)| format!("{tool} {}", ids.join(", ")))
            .collect();
        s.push_str(&format!("Peer checks: {}\n", peers.join("; ")));
    }
    if !m.references.is_empty() {
        s.push_str("References:\n");
        for r in &m.references {
            s.push_str(&format!("  - {r}\n"));
        }
    }
    s
}

/// `docs/rules.md`, generated: a test fails when the checked-in copy is stale.
pub fn markdown(catalog: &Catalog) -> String {
    let mut s = String::from(
        "# kubeward rules\n\n<!-- Generated by `kubeward rules --format markdown`; do not edit by hand. -->\n\n",
    );
    let infos = rule_infos(catalog);
    s.push_str(&format!(
        "{} rules, {} enabled by default. Severities are defaults; opt-in rules are off unless enabled.\n\n",
        infos.len(),
        infos.iter().filter(|i| i.enabled).count()
    ));
    s.push_str("| id | severity | default | PSS | title |\n|---|---|---|---|---|\n");
    for i in &infos {
        s.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} | {} |\n",
            i.id,
            anchor(i.id),
            i.severity,
            if i.enabled { "on" } else { "opt-in" },
            i.pss.unwrap_or("–"),
            i.title.replace('|', "\\|")
        ));
    }
    let pairs: Vec<(&str, &str)> = infos
        .iter()
        .flat_map(|i| i.implied_by.iter().map(move |a| (i.id, *a)))
        .collect();
    if !pairs.is_empty() {
        s.push_str(
            "\n**One finding per problem.** Where a rule's finding says everything another's would at \
             the same field of the same resource, only the first is reported (`implied-by` in the \
             rule's METADATA). The implied finding comes back where the implying rule does not run \
             (`--only`, config, opt-in) or reports at a lower severity; suppressing the implying \
             finding accepts the implied one too. Pod Security controls are never implied: each \
             control a pod breaks is reported, as Pod Security Admission does.\n\n\
             | finding | not reported beside |\n|---|---|\n",
        );
        for (b, a) in &pairs {
            s.push_str(&format!(
                "| [`{b}`](#{}) | [`{a}`](#{}) |\n",
                anchor(b),
                anchor(a)
            ));
        }
    }
    for i in &infos {
        s.push_str(&format!("\n## {}\n\n", i.id));
        match catalog.rule(i.id) {
            Some(rule) => {
                let m = &rule.meta;
                s.push_str(&format!("**{}** — {}", m.title, m.severity));
                if !m.enabled {
                    s.push_str(", opt-in");
                }
                if let Some(pss) = &m.pss {
                    s.push_str(&format!(", PSS {pss}"));
                }
                s.push_str(&format!(
                    "\n\n{}\n\n**How to fix.** {}\n\n**Applies to:** {}\n",
                    m.description,
                    m.remediation,
                    m.kinds.join(", ")
                ));
                if !m.implied_by.is_empty() {
                    let by: Vec<String> = m.implied_by.iter().map(|a| format!("`{a}`")).collect();
                    s.push_str(&format!(
                        "\n**Implied by:** {}. {IMPLIED_NOTE}\n",
                        by.join(", ")
                    ));
                }
                let implies = implies(catalog, &m.id);
                if !implies.is_empty() {
                    let of: Vec<String> = implies.iter().map(|b| format!("`{b}`")).collect();
                    s.push_str(&format!(
                        "\n**Implies:** {}: their findings at the same field are not reported beside this rule's.\n",
                        of.join(", ")
                    ));
                }
                if !m.peers.is_empty() {
                    let peers: Vec<String> = m
                        .peers
                        .iter()
                        .map(|(tool, ids)| format!("{tool} `{}`", ids.join("`, `")))
                        .collect();
                    s.push_str(&format!("\n**Peer checks:** {}\n", peers.join(" · ")));
                }
                if !m.references.is_empty() {
                    s.push_str("\n**References:**\n");
                    for r in &m.references {
                        s.push_str(&format!("- <{r}>\n"));
                    }
                }
            }
            None => {
                if let Some(b) = BUILTIN.iter().find(|b| b.id == i.id) {
                    s.push_str(&format!(
                        "**{}** — {}, built into the loader\n\n**How to fix.** {}\n",
                        b.title, b.severity, b.remediation
                    ));
                }
            }
        }
    }
    s
}

/// GitHub's heading anchors: lower-case, punctuation other than `-` dropped.
fn anchor(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_lowercase()
}

/// The closest known rule id to a mistyped one, for "did you mean": a rule
/// name without its category (`privileged` -> `pod-security/privileged`, or
/// several ids joined with " or " when the name is in more than one category),
/// else the nearest id (or `category/` prefix) by edit distance, else the id
/// whose name is nearest to a bare name (`privilegd`).
pub fn suggest(catalog: &Catalog, id: &str) -> Option<String> {
    let infos = rule_infos(catalog);
    let name_of = |known: &'_ str| known.rsplit('/').next().unwrap_or(known).to_string();
    let bare = !id.is_empty() && !id.contains('/');
    if bare {
        let same: Vec<&str> = infos
            .iter()
            .filter(|i| name_of(i.id).eq_ignore_ascii_case(id))
            .map(|i| i.id)
            .collect();
        if !same.is_empty() {
            return Some(same.join(" or "));
        }
    }
    // Ids, and the category prefixes `--only` and config accept.
    let mut candidates: Vec<String> = infos.iter().map(|i| i.id.to_string()).collect();
    let mut categories: Vec<String> = infos
        .iter()
        .filter_map(|i| i.id.split_once('/').map(|(c, _)| format!("{c}/")))
        .collect();
    categories.dedup();
    candidates.extend(categories);
    if let Some(near) = nearest(id, candidates.iter().map(|c| (c.as_str(), c.as_str()))) {
        return Some(near.to_string());
    }
    if bare {
        let names: Vec<(String, &str)> = infos.iter().map(|i| (name_of(i.id), i.id)).collect();
        return nearest(id, names.iter().map(|(n, full)| (n.as_str(), *full))).map(str::to_string);
    }
    None
}

/// The candidate whose key is nearest to `id` by edit distance, when near
/// enough: (key compared, what to suggest).
fn nearest<'a>(id: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    let near = |known: &str| 3.max(known.len() / 4);
    let chars = id.chars().count();
    candidates
        // The distance is at least the difference in length: skip the
        // quadratic computation for ids that cannot be near (a hostile
        // suppression comment can hold a megabyte-long "id").
        .filter(|(key, _)| key.chars().count().abs_diff(chars) <= near(key))
        .map(|(key, shown)| (crate::suggest::edit_distance(key, id), shown, key))
        .filter(|(d, _, key)| *d <= near(key))
        .min()
        .map(|(_, shown, _)| shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids() {
        let catalog = Catalog::bundled().expect("bundled");
        assert_eq!(
            suggest(&catalog, "pod-security/privileged-container").as_deref(),
            None
        );
        assert_eq!(
            suggest(&catalog, "pod-security/priviledged").as_deref(),
            Some("pod-security/privileged")
        );
        assert_eq!(crate::suggest::edit_distance("abc", "abd"), 1);
        // A rule name without its category, exact or mistyped.
        assert_eq!(
            suggest(&catalog, "privileged").as_deref(),
            Some("pod-security/privileged")
        );
        assert_eq!(
            suggest(&catalog, "host-netwrk").as_deref(),
            Some("pod-security/host-network")
        );
        // A mistyped category prefix.
        assert_eq!(
            suggest(&catalog, "pod-securty/").as_deref(),
            Some("pod-security/")
        );
        assert_eq!(suggest(&catalog, "zzzzzzzzzzzz").as_deref(), None);
    }

    #[test]
    fn explain_covers_bundled_and_loader_rules() {
        let catalog = Catalog::bundled().expect("bundled");
        let text = explain(&catalog, "pod-security/privileged").expect("known");
        assert!(text.contains("How to fix:") && text.contains("Pod Security Standards: baseline"));
        assert!(explain(&catalog, "yaml/syntax").is_some());
        assert!(explain(&catalog, "nope/nope").is_none());
    }
}
