# METADATA
# title: Mutable image pulled with IfNotPresent or Never
# description: >-
#   With imagePullPolicy IfNotPresent or Never, a node keeps using whatever image it cached the
#   first time it saw a mutable reference (no tag, or a floating tag such as latest), so
#   replicas on different nodes silently run different builds. When the policy is unset, the API
#   defaults it to Always for `:latest` and untagged images, and to IfNotPresent for every other
#   tag (including `stable` or `main`), which is what this rule evaluates. With the parameter
#   `strict: true` it also reports, as info, every container whose effective policy is not
#   Always. A policy the API rejects (`always`) is reported by schema/invalid-value, not here.
# custom:
#   id: image/pull-policy
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Pin the image to an immutable tag or digest; if it must float, set imagePullPolicy to Always.
#   references: [https://kubernetes.io/docs/concepts/containers/images/#updating-images, https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting]
#   peers: {polaris: pullPolicyNotAlways, checkov: CKV_K8S_15, kubescape: C-0075, kube-score: container-image-pull-policy}
package kubeward.rules.image.pull_policy

import rego.v1

import data.kubeward.lib.images

_valid_policies := {"Always", "IfNotPresent", "Never"}

default _strict := false

_strict if data.kubeward.config.params["image/pull-policy"].strict == true

_policy_path(c) := array.concat(c.path, ["imagePullPolicy"])

# {policy, path, explicit} for a container whose image parses and whose policy is valid or unset.
# A policy the API rejects (they are case-sensitive: "always" is invalid) is reported by
# schema/invalid-value; such a container is neither judged by its policy nor by the default.
_effective(c, r) := {"policy": p, "path": _policy_path(c), "explicit": true} if {
	p = c.value.imagePullPolicy
	p in _valid_policies
}

_effective(c, r) := {"policy": images.default_pull_policy(r), "path": c.path, "explicit": false} if {
	object.get(c.value, "imagePullPolicy", null) == null
}

_checked contains [c, r, e] if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	not r.templated
	r.valid
	e = _effective(c, r)
}

_violates(r, e) if {
	images.is_floating(r)
	e.policy in {"IfNotPresent", "Never"}
}

deny contains finding if {
	some [c, r, e] in _checked
	_violates(r, e)
	finding = {"msg": _message(c.label, r, e), "path": e.path}
}

_message(label, r, e) := sprintf(
	"%s pulls the mutable image %q with imagePullPolicy %s, so each node keeps the first image it cached",
	[label, r.ref, e.policy],
) if {
	e.explicit
}

_message(label, r, e) := sprintf(
	"%s pulls the mutable image %q without imagePullPolicy, which defaults to IfNotPresent for any tag but \"latest\", so each node keeps the first image it cached",
	[label, r.ref],
) if {
	not e.explicit
}

# Strict mode (params["image/pull-policy"].strict: true): any policy other than Always.
deny contains finding if {
	_strict
	some [c, r, e] in _checked
	not _violates(r, e)
	e.policy != "Always"
	finding = {"msg": _strict_message(c.label, r, e), "path": e.path, "severity": "info"}
}

_strict_message(label, r, e) := sprintf("%s pulls image %q with imagePullPolicy %s, not Always", [label, r.ref, e.policy]) if {
	e.explicit
}

_strict_message(label, r, e) := sprintf("%s pulls image %q without imagePullPolicy, which defaults to %s, not Always", [label, r.ref, e.policy]) if {
	not e.explicit
}
