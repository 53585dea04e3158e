//! A kustomization file: found in a directory, loaded with kubeward's YAML
//! loader (so every field has its span), and read field by field. A field of
//! the wrong shape is a problem at that field, never a failed build.

use std::path::{Path, PathBuf};

use super::tree::{FileIdx, Node, Origin};
use super::{ids, Ctx};

/// The names kustomize accepts, in the order it tries them.
pub(crate) const FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Every top-level field kustomize's `Kustomization` type has.
const KNOWN: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// Fields kustomize has that this build does not carry out: reported, and
/// the rest of the kustomization is still built.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("openapi", "custom OpenAPI schemas are not read"),
    ("crds", "CRD schemas for name references are not read"),
    ("generators", "generator plugins are not run"),
    ("transformers", "transformer plugins are not run"),
    ("validators", "validator plugins are not run"),
];

pub(crate) struct Kust {
    pub file: FileIdx,
    /// The directory, as displayed (relative stays relative).
    pub dir: PathBuf,
    pub root: Node,
    pub component: bool,
}

/// A string field's value and where it is.
pub(crate) type Located = (String, Origin);

impl Kust {
    /// The kustomization file of `dir`, loaded; `Err` is the problem to report
    /// (at `at`, the reference that led here) when there is none or it is
    /// unusable.
    pub fn load(ctx: &mut Ctx, dir: &Path, at: Option<Origin>) -> Option<Kust> {
        let found: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|n| super::fs::join(dir, n))
            .filter(|p| ctx.fs.is_file(p))
            .collect();
        let path = match found.as_slice() {
            [] => {
                ctx.problem_opt(
                    ids::NO_KUSTOMIZATION,
                    format!(
                        "{} holds no kustomization.yaml, kustomization.yml or Kustomization",
                        dir.display()
                    ),
                    at,
                );
                return None;
            }
            [one] => one.clone(),
            _ => {
                ctx.problem_opt(
                    ids::NO_KUSTOMIZATION,
                    format!("{} holds more than one kustomization file", dir.display()),
                    at,
                );
                return None;
            }
        };
        let file = ctx.read_file(&path, at)?;
        let docs = ctx.load_docs(file);
        let root = match docs.into_iter().next() {
            Some(r) if r.is_map() => r,
            Some(r) => {
                ctx.problem(
                    ids::INVALID_KUSTOMIZATION,
                    "a kustomization is a mapping".into(),
                    r.origin,
                );
                return None;
            }
            None => {
                ctx.problem(
                    ids::INVALID_KUSTOMIZATION,
                    "the kustomization is empty".into(),
                    Origin::new(file, Default::default()),
                );
                return None;
            }
        };
        let kind = root
            .str_at(&["kind"])
            .unwrap_or("Kustomization")
            .to_string();
        if kind != "Kustomization" && kind != "Component" {
            let at = root.get("kind").map_or(root.origin, |n| n.origin);
            ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                format!("kind should be Kustomization or Component, not {kind:?}"),
                at,
            );
            return None;
        }
        let k = Kust {
            file,
            dir: dir.to_path_buf(),
            root,
            component: kind == "Component",
        };
        k.check_fields(ctx);
        Some(k)
    }

    fn check_fields(&self, ctx: &mut Ctx) {
        let mut meaningful = false;
        for e in self.root.entries().unwrap_or_default() {
            if !KNOWN.contains(&e.key.as_str()) {
                ctx.problem(
                    ids::UNKNOWN_FIELD,
                    format!(
                        "unknown kustomization field {:?} (kustomize refuses the file)",
                        e.key
                    ),
                    e.key_origin,
                );
                continue;
            }
            if !matches!(e.key.as_str(), "apiVersion" | "kind") {
                meaningful = true;
            }
            if let Some((_, why)) = UNSUPPORTED.iter().find(|(k, _)| *k == e.key) {
                if !e.value.is_null() {
                    ctx.problem(
                        ids::UNSUPPORTED,
                        format!(
                            "`{}` is not supported by kubeward's build yet: {why}",
                            e.key
                        ),
                        e.key_origin,
                    );
                }
            }
        }
        if !meaningful {
            ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                "the kustomization is empty (kustomize refuses it)".into(),
                self.root.origin,
            );
        }
    }

    pub fn field(&self, key: &str) -> Option<&Node> {
        self.root.get(key).filter(|n| !n.is_null())
    }

    pub fn key_origin(&self, key: &str) -> Origin {
        self.root
            .entry(key)
            .map_or(self.root.origin, |e| e.key_origin)
    }

    /// A string field.
    pub fn string(&self, ctx: &mut Ctx, key: &str) -> Option<Located> {
        let n = self.field(key)?;
        match n.scalar_text() {
            Some(s) => Some((s, n.origin)),
            None => {
                ctx.problem(
                    ids::INVALID_KUSTOMIZATION,
                    format!("`{key}` must be a string"),
                    n.origin,
                );
                None
            }
        }
    }

    /// A list of strings; items of another shape are reported and skipped.
    pub fn strings(&self, ctx: &mut Ctx, key: &str) -> Vec<Located> {
        self.field(key)
            .map(|n| strings_of(ctx, n, key))
            .unwrap_or_default()
    }

    /// A map of strings (`commonLabels`): (key, value, key origin, value origin).
    pub fn string_map(&self, ctx: &mut Ctx, key: &str) -> Vec<(String, String, Origin, Origin)> {
        self.field(key)
            .map(|n| string_map_of(ctx, n, key))
            .unwrap_or_default()
    }

    /// A list of mappings (`patches`, `images`).
    pub fn maps(&self, ctx: &mut Ctx, key: &str) -> Vec<Node> {
        let Some(n) = self.field(key) else {
            return Vec::new();
        };
        let Some(items) = list_items(ctx, n, key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            if item.is_map() {
                out.push(item.clone());
            } else {
                ctx.problem(
                    ids::INVALID_KUSTOMIZATION,
                    format!("an item of `{key}` must be a mapping"),
                    item.origin,
                );
            }
        }
        out
    }
}

/// The items of list field `key`, or a located problem when it is not a list.
fn list_items<'n>(ctx: &mut Ctx, n: &'n Node, key: &str) -> Option<&'n [Node]> {
    let items = n.items();
    if items.is_none() {
        ctx.problem(
            ids::INVALID_KUSTOMIZATION,
            format!("`{key}` must be a list"),
            n.origin,
        );
    }
    items
}

pub(crate) fn strings_of(ctx: &mut Ctx, n: &Node, key: &str) -> Vec<Located> {
    let Some(items) = list_items(ctx, n, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match item.scalar_text() {
            Some(s) if !item.is_null() => out.push((s, item.origin)),
            _ => ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                format!("an item of `{key}` must be a string"),
                item.origin,
            ),
        }
    }
    out
}

pub(crate) fn string_map_of(
    ctx: &mut Ctx,
    n: &Node,
    key: &str,
) -> Vec<(String, String, Origin, Origin)> {
    let Some(entries) = n.entries() else {
        ctx.problem(
            ids::INVALID_KUSTOMIZATION,
            format!("`{key}` must be a mapping"),
            n.origin,
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries {
        match e.value.scalar_text() {
            Some(v) => out.push((e.key.clone(), v, e.key_origin, e.value.origin)),
            None => ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                format!("values of `{key}` must be strings"),
                e.value.origin,
            ),
        }
    }
    out
}

/// A `resources` entry kustomize would fetch: a URL or a go-getter/git
/// reference. Never fetched here.
pub(crate) fn is_remote(entry: &str) -> bool {
    let e = entry.trim();
    e.contains("://")
        || e.starts_with("git@")
        || e.starts_with("github.com/")
        || e.starts_with("gitlab.com/")
        || e.starts_with("bitbucket.org/")
        || e.contains("?ref=")
        || e.contains(".git//")
        || e.ends_with(".git")
}

#[cfg(test)]
mod tests {
    use super::is_remote;

    #[test]
    fn remote_references_are_recognised() {
        for r in [
            "https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6",
            "github.com/argoproj/argo-cd/manifests/cluster-install?ref=v2.0.0",
            "git@github.com:org/repo.git",
            "ssh://git@gitlab.com/org/repo.git//path",
        ] {
            assert!(is_remote(r), "{r}");
        }
        for l in ["../base", "deployment.yaml", "./github-like/dir"] {
            assert!(!is_remote(l), "{l}");
        }
    }
}
