//! The kustomization fields that change every resource they apply to:
//! `namespace`, `namePrefix`/`nameSuffix`, `labels`/`commonLabels`,
//! `commonAnnotations`, `replicas`, `images`. Each sets values at the field
//! specs of [`super::fieldspec`]; what it sets carries the origin of the
//! kustomization field that set it (the label's value, the image's
//! `newTag`, ...), and a map or field it had to create carries it too.

use super::acc::Acc;
use super::fieldspec::{visit, Create, FieldSpec};
use super::kust::{string_map_of, Kust};
use super::resid::Gvk;
use super::tree::{Node, Origin, Value};
use super::{ids, Ctx};
use crate::yaml::Scalar;

/// Whether `fs` is for this resource's current apiVersion and kind.
fn applies(fs: &FieldSpec, node: &Node) -> bool {
    fs.applies_to(
        node.str_at(&["apiVersion"]).unwrap_or_default(),
        node.str_at(&["kind"]).unwrap_or_default(),
    )
}

/// `namespace:`: every namespaced resource gets it (a custom resource too:
/// kustomize cannot know it is cluster-scoped), as do the few fields that
/// name a namespace; RoleBinding subjects named `default` too.
pub(crate) fn namespace(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let Some((ns, at)) = k.string(ctx, "namespace") else {
        return;
    };
    if ns.is_empty() {
        return;
    }
    let specs = acc.config.namespace.clone();
    for i in 0..acc.map.list.len() {
        let r = &mut acc.map.list[i];
        if r.is_empty() {
            continue;
        }
        r.store_previous_id();
        let api = r.api_version().to_string();
        let gvk = r.gvk();
        if !gvk.is_cluster_scoped() {
            r.set_namespace(ns.clone(), at);
        }
        let kind = gvk.kind.clone();
        let binding = kind == "RoleBinding" || kind == "ClusterRoleBinding";
        if binding {
            if let Some(subjects) = r.node.get_mut("subjects").and_then(Node::items_mut) {
                for s in subjects.iter_mut() {
                    if s.str_at(&["name"]) == Some("default") {
                        s.set("namespace", Node::string(ns.clone(), at), at);
                    }
                }
            }
        }
        for fs in &specs {
            if fs.path_is(&["metadata", "namespace"]) {
                continue;
            }
            if api != "v1" && fs.path_is(&["metadata", "name"]) {
                continue;
            }
            if binding && fs.path_is(&["subjects", "namespace"]) {
                continue;
            }
            if !applies(fs, &r.node) {
                continue;
            }
            visit(&mut r.node, fs, Create::Scalar, at, &mut |n| {
                *n = Node::string(ns.clone(), at);
            });
        }
        let id = acc.map.list[i].cur_id();
        let same = acc.map.list.iter().filter(|o| o.cur_id().same(&id)).count();
        if same > 1 {
            ctx.problem(
                ids::CONFLICTING_ID,
                format!("the namespace makes two resources {}", id.display()),
                at,
            );
        }
    }
}

/// Kinds whose names a prefix or suffix never changes.
fn skips_rename(gvk: &Gvk) -> bool {
    gvk.selected_by("", "", "CustomResourceDefinition")
        || gvk.selected_by("apiregistration.k8s.io", "", "APIService")
        || gvk.selected_by("", "", "Namespace")
}

/// `namePrefix` and `nameSuffix` (in that order, like kustomize).
pub(crate) fn prefix_suffix(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for (field, is_prefix) in [("namePrefix", true), ("nameSuffix", false)] {
        let Some((affix, affix_at)) = k.string(ctx, field) else {
            continue;
        };
        if affix.is_empty() {
            continue;
        }
        let specs = if is_prefix {
            acc.config.name_prefix.clone()
        } else {
            acc.config.name_suffix.clone()
        };
        for r in &mut acc.map.list {
            let org = r.org_id();
            if skips_rename(&org.gvk) {
                continue;
            }
            for fs in &specs {
                if !org.gvk.selected_by(&fs.group, &fs.version, &fs.kind) {
                    continue;
                }
                if fs.path_is(&["metadata", "name"]) {
                    if is_prefix {
                        r.prefixes.push(affix.clone());
                    } else {
                        r.suffixes.push(affix.clone());
                    }
                    r.store_previous_id();
                }
                if !applies(fs, &r.node) {
                    continue;
                }
                // The name stays attributed to where it was written: the
                // affix is the kustomization's, the name the author's.
                visit(&mut r.node, fs, Create::Scalar, affix_at, &mut |n| {
                    let cur = n.scalar_text().unwrap_or_default();
                    let v = if is_prefix {
                        format!("{affix}{cur}")
                    } else {
                        format!("{cur}{affix}")
                    };
                    n.value = Value::Scalar(Scalar::Str(v));
                });
            }
        }
    }
}

/// One label (or annotation) to set: key, value, where its value is written.
type Pair = (String, String, Origin);

fn set_pairs(acc: &mut Acc, pairs: &[Pair], specs: &[FieldSpec]) {
    let mut pairs = pairs.to_vec();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    for r in &mut acc.map.list {
        for (key, value, at) in &pairs {
            for fs in specs {
                if !applies(fs, &r.node) {
                    continue;
                }
                visit(&mut r.node, fs, Create::Map, *at, &mut |n| {
                    if n.is_null() {
                        *n = Node::map(*at);
                    }
                    if n.is_map() {
                        n.set(key, Node::string(value.clone(), *at), *at);
                    }
                });
            }
        }
    }
}

fn with_spec(mut specs: Vec<FieldSpec>, more: &[FieldSpec]) -> Vec<FieldSpec> {
    for fs in more {
        if !specs.iter().any(|x| {
            x.kind == fs.kind && x.group == fs.group && x.version == fs.version && x.path == fs.path
        }) {
            specs.push(fs.clone());
        }
    }
    specs
}

/// `labels` (each entry with its own reach) then `commonLabels` (labels,
/// selectors and templates).
pub(crate) fn labels(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.maps(ctx, "labels") {
        let pairs: Vec<Pair> = entry
            .get("pairs")
            .map(|p| string_map_of(ctx, p, "labels.pairs"))
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v, _, at)| (k, v, at))
            .collect();
        let flag = |f: &str| {
            matches!(
                entry.get(f).map(|n| &n.value),
                Some(Value::Scalar(Scalar::Bool(true)))
            )
        };
        let mut specs: Vec<FieldSpec> = entry
            .get("fields")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|f| {
                let s = |k: &str| f.text_at(k);
                let path = s("path");
                (!path.is_empty()).then(|| FieldSpec {
                    group: s("group"),
                    version: s("version"),
                    kind: s("kind"),
                    path: super::fieldspec::split_path(&path),
                    create: matches!(
                        f.get("create").map(|n| &n.value),
                        Some(Value::Scalar(Scalar::Bool(true)))
                    ),
                })
            })
            .collect();
        specs = with_spec(specs, &acc.config.labels);
        if flag("includeSelectors") {
            specs = with_spec(specs, &acc.config.common_labels);
        } else {
            if flag("includeTemplates") {
                specs = with_spec(specs, &acc.config.template_labels);
            }
            if flag("includeVolumeClaimTemplates") {
                specs = with_spec(specs, &acc.config.volume_claim_template_labels);
            }
            specs = with_spec(specs, &[FieldSpec::new("", "metadata/labels", true)]);
        }
        set_pairs(acc, &pairs, &specs);
    }
    let common: Vec<Pair> = k
        .string_map(ctx, "commonLabels")
        .into_iter()
        .map(|(k, v, _, at)| (k, v, at))
        .collect();
    if !common.is_empty() {
        let specs = acc.config.common_labels.clone();
        set_pairs(acc, &common, &specs);
    }
}

pub(crate) fn annotations(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let pairs: Vec<Pair> = k
        .string_map(ctx, "commonAnnotations")
        .into_iter()
        .map(|(k, v, _, at)| (k, v, at))
        .collect();
    if !pairs.is_empty() {
        let specs = acc.config.common_annotations.clone();
        set_pairs(acc, &pairs, &specs);
    }
}

/// `replicas: [{name, count}]`: the count of the workloads with that name
/// (current or original).
pub(crate) fn replicas(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.maps(ctx, "replicas") {
        let name = entry
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or_default();
        let Some(count_node) = entry.get("count") else {
            ctx.problem(
                ids::INVALID_KUSTOMIZATION,
                "a `replicas` entry needs a count".into(),
                entry.origin,
            );
            continue;
        };
        let count = match &count_node.value {
            Value::Scalar(Scalar::Int(i)) => *i,
            _ => {
                ctx.problem(
                    ids::INVALID_KUSTOMIZATION,
                    "`count` must be an integer".into(),
                    count_node.origin,
                );
                continue;
            }
        };
        let at = count_node.origin;
        let specs = acc.config.replicas.clone();
        let mut found = false;
        for fs in &specs {
            for r in &mut acc.map.list {
                if !r.any_id(&|id| {
                    id.name == name && id.gvk.selected_by(&fs.group, &fs.version, &fs.kind)
                }) {
                    continue;
                }
                found = true;
                if !applies(fs, &r.node) {
                    continue;
                }
                visit(&mut r.node, fs, Create::Scalar, at, &mut |n| {
                    *n = Node::scalar(Scalar::Int(count), at);
                });
            }
        }
        if !found {
            ctx.problem(
                ids::TRANSFORMER,
                format!("no Deployment, ReplicationController, ReplicaSet or StatefulSet is named {name:?}"),
                entry.get("name").map_or(entry.origin, |n| n.origin),
            );
        }
    }
}

/// One `images` entry.
struct Image {
    pattern: Option<regex::Regex>,
    new_name: String,
    new_tag: String,
    digest: String,
    tag_suffix: String,
    at: Origin,
}

impl Image {
    fn rewrite(&self, value: &str) -> Option<String> {
        if !self.pattern.as_ref()?.is_match(value) {
            return None;
        }
        let (mut name, mut tag, mut digest) = split_image(value);
        if !self.new_name.is_empty() {
            name = self.new_name.clone();
        }
        if !self.new_tag.is_empty() && !self.digest.is_empty() {
            tag = self.new_tag.clone();
            digest = self.digest.clone();
        } else if !self.new_tag.is_empty() {
            tag = self.new_tag.clone();
            digest.clear();
        } else if !self.digest.is_empty() {
            tag.clear();
            digest = self.digest.clone();
        } else if !self.tag_suffix.is_empty() {
            tag.push_str(&self.tag_suffix);
            digest.clear();
        }
        let mut out = name;
        if !tag.is_empty() {
            out = format!("{out}:{tag}");
        }
        if !digest.is_empty() {
            out = format!("{out}@{digest}");
        }
        Some(out)
    }

    fn apply(&self, n: &mut Node) {
        if let Some(v) = n.as_str().and_then(|s| self.rewrite(s)) {
            *n = Node::string(v, self.at);
        }
    }
}

/// name, tag, digest of an image reference, kustomize's way (a `:` after
/// the first `/`-separated part is a tag, `@` starts the digest).
fn split_image(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@').map(|i| i + slash);
    let colon = search.find(':').map(|i| i + slash);
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (
            image[..d].to_string(),
            String::new(),
            image[d + 1..].to_string(),
        ),
        (Some(c), Some(d)) => (
            image[..c].to_string(),
            image[c + 1..d].to_string(),
            image[d + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..c].to_string(),
            image[c + 1..].to_string(),
            String::new(),
        ),
        (None, Some(_)) => (image.to_string(), String::new(), String::new()),
    }
}

/// `images`: every container and init container image anywhere in a
/// resource (kustomize's legacy walk) and the image field specs; the new
/// value is attributed to the entry's `newTag`, `digest` or `newName`.
pub(crate) fn images(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let mut entries = k.maps(ctx, "images");
    entries.extend(k.maps(ctx, "imageTags"));
    for entry in entries {
        let s = |key: &str| entry.text_at(key);
        let name = s("name");
        let at = ["newTag", "digest", "newName", "tagSuffix", "name"]
            .iter()
            .find_map(|f| entry.get(f).filter(|n| !n.is_null()).map(|n| n.origin))
            .unwrap_or(entry.origin);
        // kustomize matches the name as a regular expression, unescaped.
        let pattern = regex::Regex::new(&format!(
            "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
        ))
        .ok();
        let image = Image {
            pattern,
            new_name: s("newName"),
            new_tag: s("newTag"),
            digest: s("digest"),
            tag_suffix: s("tagSuffix"),
            at,
        };
        let specs = acc.config.images.clone();
        for r in &mut acc.map.list {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            legacy_containers(&mut r.node, &image);
            for fs in &specs {
                if applies(fs, &r.node) {
                    visit(&mut r.node, fs, Create::No, at, &mut |n| image.apply(n));
                }
            }
        }
    }
}

/// Every `containers` and `initContainers` list anywhere in the tree.
fn legacy_containers(node: &mut Node, image: &Image) {
    match &mut node.value {
        Value::Map(entries) => {
            for e in entries.iter_mut() {
                legacy_containers(&mut e.value, image);
                if e.key == "containers" || e.key == "initContainers" {
                    if let Some(items) = e.value.items_mut() {
                        for c in items {
                            if let Some(img) = c.get_mut("image") {
                                image.apply(img);
                            }
                        }
                    }
                }
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|i| legacy_containers(i, image)),
        Value::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::split_image;

    #[test]
    fn image_references_split_like_kustomize() {
        let s = |i: &str| {
            let (n, t, d) = split_image(i);
            format!("{n}|{t}|{d}")
        };
        assert_eq!(s("nginx"), "nginx||");
        assert_eq!(s("nginx:1.2"), "nginx|1.2|");
        assert_eq!(s("localhost:5000/app:v1"), "localhost:5000/app|v1|");
        assert_eq!(s("app@sha256:abc"), "app||sha256:abc");
        assert_eq!(s("reg.io/app:v1@sha256:abc"), "reg.io/app|v1|sha256:abc");
    }
}
