# METADATA
# title: Namespace without a ResourceQuota or LimitRange
# description: >-
#   A ResourceQuota caps what a namespace may consume in total, and a LimitRange gives its
#   containers default requests and limits; without them one team's runaway workload can starve
#   the whole cluster. Only Namespaces defined in the linted files are checked, against the
#   ResourceQuotas and LimitRanges of the same files. A quota or range written without a namespace
#   counts for the release namespace when one is configured, and for every Namespace of the files
#   otherwise, so a bundle applied with `-n` is not reported.
# custom:
#   id: resources/namespace-quota
#   severity: info
#   enabled: true
#   kinds: [Namespace]
#   remediation: Ship a ResourceQuota and a LimitRange in the namespace together with the Namespace object.
#   references: [https://kubernetes.io/docs/concepts/policy/resource-quotas/, https://kubernetes.io/docs/concepts/policy/limit-range/]
#   peers: {trivy: [KSV-0039, KSV-0040]}
package kubeward.rules.resources.namespace_quota

import rego.v1

# The run's resources of one kind, from the engine's per-kind index.
_of_kind(kind) := l if {
	l = data.kubeward.inventory_by_kind[kind]
	is_array(l)
} else := []

# Namespaces that a partner of this kind lands in; "" = unknown (written without namespace and
# no release namespace configured), which matches every Namespace.
_partner_namespaces(kind) := {ns |
	some entry in _of_kind(kind)
	ns = _effective_ns(entry.metadata)
}

_effective_ns(meta) := ns if {
	ns = meta.namespace
	is_string(ns)
	ns != ""
} else := ns if {
	ns = data.kubeward.config.namespace
	is_string(ns)
} else := ""

_covered(kind) if data.kubeward.lib.k8s.name in _partner_namespaces(kind)

_covered(kind) if "" in _partner_namespaces(kind)

_missing := [kind |
	some kind in ["ResourceQuota", "LimitRange"]
	not _covered(kind)
]

deny contains finding if {
	data.kubeward.lib.k8s.name != ""
	count(_missing) > 0
	finding = {
		"msg": sprintf("Namespace %q has no %s in %s", [data.kubeward.lib.k8s.name, concat(" and no ", _missing), data.kubeward.lib.k8s.scope]),
		"path": ["metadata", "name"],
	}
}
