# METADATA
# title: Image from a registry outside the configured allow-list
# description: >-
#   Pulling only from registries you control or trust (and scan) keeps typo-squatted,
#   unreviewed or tampered images out of the cluster. This rule needs configuration and is
#   therefore effectively off by default: it reports nothing until
#   `params["image/untrusted-registry"]` gives `allowed` (registries or repository prefixes an
#   image must match) and/or `denied` (ones it must not match); an empty or absent list is
#   ignored. Entries are a registry host (`registry.example.com`, `docker.io` for Docker Hub
#   images written without a host), a wildcard host (`*.example.com`), or a repository prefix
#   (`ghcr.io/acme`).
# custom:
#   id: image/untrusted-registry
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Mirror the image into an allowed registry and reference it there, or add its registry to the allow-list if it is trusted.
#   references: [https://kubernetes.io/docs/concepts/containers/images/, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {trivy: [KSV-0032, KSV-0033, KSV-0034, KSV-0035, KSV-0125], kubescape: [C-0001, C-0078]}
package kubeward.rules.image.untrusted_registry

import rego.v1

import data.kubeward.lib.images

_params := p if {
	p = data.kubeward.config.params["image/untrusted-registry"]
	is_object(p)
}

_list(name) := [e | some e in _params[name]; is_string(e)] if is_array(_params[name])

_allowed := l if {
	l = _list("allowed")
	count(l) > 0
}

_denied := l if {
	l = _list("denied")
	count(l) > 0
}

_images contains [c, r] if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
}

deny contains finding if {
	allowed = _allowed
	some [c, r] in _images
	not _any_match(r, allowed)
	finding = {
		"msg": sprintf(
			"%s pulls %q from %s, which is not in the allowed registries",
			[c.label, r.ref, _where(r)],
		),
		"path": array.concat(c.path, ["image"]),
	}
}

deny contains finding if {
	denied = _denied
	some [c, r] in _images
	some entry in denied
	images.matches_registry(r, entry)
	finding = {
		"msg": sprintf("%s pulls %q from %s, which matches the denied entry %q", [c.label, r.ref, _where(r), entry]),
		"path": array.concat(c.path, ["image"]),
	}
}

_any_match(r, list) if {
	some entry in list
	images.matches_registry(r, entry)
}

_where(r) := sprintf("registry %q", [r.registry]) if r.registry_explicit

_where(r) := "Docker Hub (no registry written)" if not r.registry_explicit
