# METADATA
# title: Image from the frozen k8s.gcr.io registry
# description: >-
#   The Kubernetes project froze k8s.gcr.io in April 2023 and now publishes its images only on
#   registry.k8s.io: new versions and security fixes never reach the old name, and the legacy
#   registry may stop serving altogether. Images that still reference it are stuck on old
#   builds.
# custom:
#   id: image/deprecated-registry
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Replace k8s.gcr.io with registry.k8s.io in the image reference (same path and tag).
#   references: [https://kubernetes.io/blog/2023/02/06/k8s-gcr-io-freeze-announcement/, https://kubernetes.io/blog/2023/03/10/image-registry-redirect/]
#   peers: {kubescape: C-0253}
package kubeward.rules.image.deprecated_registry

import rego.v1

_frozen(registry) if registry == "k8s.gcr.io"

_frozen(registry) if endswith(registry, ".k8s.gcr.io")

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
	_frozen(r.registry)
	finding = {
		"msg": sprintf(
			"%s uses image %q from the frozen k8s.gcr.io registry; use registry.k8s.io/%s instead",
			[c.label, r.ref, _rest(r)],
		),
		"path": array.concat(c.path, ["image"]),
	}
}

# The reference without its registry host.
_rest(r) := substring(r.ref, indexof(r.ref, "/") + 1, -1)
