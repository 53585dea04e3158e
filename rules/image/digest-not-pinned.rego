# METADATA
# title: Image not pinned by digest
# description: >-
#   Even a version tag is only a pointer that can be re-pushed; only a digest
#   (`@sha256:<64 hex>` or `@sha512:<128 hex>`) names exactly one image, so a compromised or
#   careless push to the registry cannot change what runs. A digest that is malformed
#   (upper-case or short hex, an algorithm such as blake3 that runtimes do not verify) is
#   reported too, since the pull would fail. Opt-in, because digest pinning needs tooling to
#   keep the digests current.
# custom:
#   id: image/digest-not-pinned
#   severity: info
#   enabled: false
#   kinds: [pod-bearing]
#   remediation: Append the image digest to the reference (name:tag@sha256:...), and let a tool such as Renovate or Dependabot keep it up to date.
#   references: [https://kubernetes.io/docs/concepts/containers/images/#image-names, https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests]
#   peers: {checkov: CKV_K8S_43, kubescape: C-0306}
#   implied-by: [image/latest-or-missing-tag]
package kubeward.rules.image.digest_not_pinned

import rego.v1

import data.kubeward.lib.images

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
	not r.has_digest
	finding = {
		"msg": sprintf("%s uses image %q, which is not pinned by digest", [c.label, r.ref]),
		"path": array.concat(c.path, ["image"]),
	}
}

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
	r.has_digest
	problem = images.digest_problem(r.digest)
	finding = {
		"msg": sprintf("%s uses image %q with a malformed digest: %s", [c.label, r.ref, problem]),
		"path": array.concat(c.path, ["image"]),
	}
}
