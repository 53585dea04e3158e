//! Checks that only make sense for Helm-rendered resources: an image whose tag
//! came out empty because a value was left unset, and namespaced resources
//! that go into the release namespace while it is unknown (no metadata.namespace,
//! or the one a chart rendered without --namespace gives them, see
//! `helm::namespace`).

use crate::finding::{Finding, PathSeg};
use crate::kinds::Workload;
use crate::resource::{Generator, Resource};
use crate::rules_builtin::{HELM_IMAGE_TAG_UNSET, HELM_NAMESPACE_UNKNOWN};
use crate::source::SourceFile;
use crate::yaml::{Node, NodeKind};

/// Findings about rendered resources (each knows its resource: `owner`).
pub fn check(
    files: &[SourceFile],
    resources: &[Resource],
    workloads: &[Workload],
    namespace_known: &dyn Fn(usize) -> bool,
    unset_tag: &dyn Fn(usize) -> Option<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ri, r) in resources.iter().enumerate() {
        if !r
            .origin
            .as_ref()
            .is_some_and(|o| o.generator == Generator::Helm)
        {
            continue;
        }
        for (path, image) in images(r, workloads) {
            let message = empty_tag(image)
                .map(|why| format!("image {image:?} {why}: a chart value (such as image.tag) was probably left unset"))
                .or_else(|| {
                    floating_tag(image)
                        .then(|| unset_tag(r.file))
                        .flatten()
                        .map(|key| format!("image {image:?} has no fixed tag, so it pulls `latest`: the values leave {key} unset"))
                });
            if let Some(message) = message {
                let f = crate::locate::resource_finding(
                    files,
                    r,
                    HELM_IMAGE_TAG_UNSET.to_string(),
                    crate::finding::Severity::Warning,
                    message,
                    path,
                );
                out.push(f.owned_by(ri));
            }
        }
        let namespaced = !crate::resource::is_cluster_scoped(&r.id.kind);
        if namespaced && r.id.namespace.is_none() && !namespace_known(r.file) {
            let f = crate::locate::resource_finding(
                files,
                r,
                HELM_NAMESPACE_UNKNOWN.to_string(),
                crate::finding::Severity::Info,
                format!(
                    "{} {:?} goes into the release namespace, which is unknown (no --namespace): namespace and cross-resource rules cannot judge where it lands; pass --namespace",
                    r.id.kind,
                    r.id.name.as_deref().unwrap_or("")
                ),
                vec![PathSeg::Key("metadata".into())],
            );
            out.push(f.owned_by(ri));
        }
    }
    out
}

/// Whether an image reference has no tag and no digest, or the tag `latest`.
fn floating_tag(image: &str) -> bool {
    let name = image.trim().rsplit('/').next().unwrap_or_default();
    if name.contains('@') {
        return false;
    }
    match name.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

/// Why a rendered image reference shows an unset value, if it does.
fn empty_tag(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() {
        return Some("is empty");
    }
    if image.contains("<nil>") || image.contains("%!") {
        return Some("contains a Go nil value");
    }
    // `repo:` or `repo@`: the tag or digest after the separator rendered empty
    // (a registry port is always followed by a path, so it never ends a reference).
    if image.ends_with(':') || image.ends_with('@') {
        return Some("has an empty tag");
    }
    None
}

/// Every container image of a pod-bearing resource, with its field path.
fn images<'r>(r: &'r Resource, workloads: &[Workload]) -> Vec<(Vec<PathSeg>, &'r str)> {
    let mut out = Vec::new();
    let Some(template) = crate::kinds::pod_template(r, workloads) else {
        return out;
    };
    let Some(keys) = crate::kinds::pod_template_path(r, workloads) else {
        return out;
    };
    let mut base: Vec<PathSeg> = keys.into_iter().map(PathSeg::Key).collect();
    base.push(PathSeg::Key("spec".into()));
    let Some(spec) = template.get("spec") else {
        return out;
    };
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let Some(NodeKind::Seq(items)) = spec.get(list).map(|n| &n.kind) else {
            continue;
        };
        for (i, c) in items.iter().enumerate() {
            if let Some(image) = c.get("image").and_then(Node::as_str) {
                let mut p = base.clone();
                p.extend([
                    PathSeg::Key(list.into()),
                    PathSeg::Index(i),
                    PathSeg::Key("image".into()),
                ]);
                out.push((p, image));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_unset_tags() {
        assert_eq!(empty_tag("nginx:"), Some("has an empty tag"));
        assert_eq!(
            empty_tag("repo/app:%!s(<nil>)"),
            Some("contains a Go nil value")
        );
        assert_eq!(empty_tag(""), Some("is empty"));
        assert_eq!(empty_tag("localhost:5000/app"), None);
        assert_eq!(empty_tag("nginx"), None);
        assert_eq!(empty_tag("nginx:1.27"), None);
    }
}
