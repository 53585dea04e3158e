# METADATA
# title: Image without a tag, or with a floating tag
# description: >-
#   An image without a tag means `:latest`, and tags such as latest, stable or main move: the
#   same manifest then runs different code on different nodes and after every reschedule, and a
#   rollback cannot return to what ran before. A digest (`@sha256:...`) pins the image whatever
#   the tag says; floating tags are configurable with the `floating_tags` parameter and compared
#   case-insensitively. References no runtime can parse are reported too; an image the API
#   rejects (empty, typically an unset Helm value, padded with whitespace, or not a string) is
#   reported by the schema/* checks instead, as is a container without any image field (not on
#   Kustomize patch files, which legitimately omit it).
# custom:
#   id: image/latest-or-missing-tag
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Reference an explicit, immutable version tag (e.g. nginx:1.27.3) or, better, pin the digest (nginx:1.27.3@sha256:...).
#   references: [https://kubernetes.io/docs/concepts/containers/images/#image-names, https://kubernetes.io/docs/concepts/configuration/overview/#container-images]
#   peers: {kube-linter: latest-tag, polaris: tagNotSpecified, trivy: KSV-0013, checkov: CKV_K8S_14, kubescape: C-0075, kube-score: container-image-tag}
package kubeward.rules.image.latest_or_missing_tag

import rego.v1

import data.kubeward.lib.images

_image_path(c) := array.concat(c.path, ["image"])

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
	images.is_floating(r)
	finding = {"msg": _message(c.label, r), "path": _image_path(c)}
}

_message(label, r) := sprintf(
	"%s uses image %q without a tag, which pulls whatever \":latest\" points to at the time",
	[label, r.ref],
) if {
	not r.has_tag
}

_message(label, r) := sprintf(
	"%s uses image %q with the floating tag %q, which can point to a different image at every pull",
	[label, r.ref, r.tag],
) if {
	r.has_tag
}

# An empty image (an unset Helm value renders `image:` or `image: ""`), one with leading or
# trailing whitespace, or one that is not a string is a value the API rejects: the schema/*
# checks report it (schema/invalid-value, schema/invalid-type), and this rule says nothing
# about its tag. (The image library parses none of them as a valid reference.)

# No image key at all is the API's "Required value" (schema/missing-required, not reported on
# Kustomize patch files, which merge onto a base that has one): not this rule's finding.

# A reference container runtimes cannot parse (empty tag, upper-case repository, stray
# characters, typically from half-rendered templates).
deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	trim_space(r.ref) == r.ref
	problem = images.name_problem(r)
	finding = {
		"msg": sprintf("%s uses image %q, which is not a valid image reference (%s)", [c.label, r.ref, problem]),
		"path": _image_path(c),
	}
}
