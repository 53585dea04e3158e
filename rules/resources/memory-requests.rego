# METADATA
# title: Container without a memory request
# description: >-
#   The scheduler places pods by their requests: a container without a memory request counts as
#   needing none, so nodes get overcommitted and the pod is among the first evicted under memory
#   pressure. A limit without a request defaults the request to that limit, so a container with
#   a non-zero memory limit passes (peers differ; this is what the API does). Regular containers
#   and native sidecars are checked in every workload kind, plain init containers only with the
#   parameter `strict: true`, and a LimitRange of type Container in the same namespace of the
#   linted files that defaults memory requests exempts the container.
#   A quantity the API rejects (`1GB`, `abc`) is reported by the schema/* checks, not by
#   this rule.
# custom:
#   id: resources/memory-requests
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set resources.requests.memory to what the container normally uses (e.g. 256Mi), or give the namespace a LimitRange with a defaultRequest for memory.
#   references: [https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/, https://kubernetes.io/docs/concepts/policy/limit-range/]
#   peers: {kube-linter: unset-memory-requirements, polaris: memoryRequestsMissing, trivy: KSV-0016, checkov: CKV_K8S_12, kubescape: [C-0269, C-0004], kube-score: container-resources}
package kubeward.rules.resources.memory_requests

import rego.v1

import data.kubeward.lib.k8s

_rule_id := "resources/memory-requests"

_resource := "memory"

_section := "requests"

_what := "memory request"

# Missing, and not defaulted from a non-zero limit or a LimitRange. (A request of 0 is a
# deliberate value, not a missing one.)
deny contains finding if {
	some c in _checked
	_unset(c, _section)
	not _limit_defaults_request(c)
	not _limitrange_provides
	finding = {"msg": sprintf("%s has no %s (resources.%s.%s)", [c.label, _what, _section, _resource]), "path": _path(c, _section)}
}

_limit_defaults_request(c) if {
	q = object.get(c.value, ["resources", "limits", _resource], null)
	q != null
	_valid_quantity(q)
	not _is_zero(q)
}

# A quantity the API rejects (`1GB`, `abc`, a boolean) is reported by schema/invalid-value
# or schema/invalid-type, not by this rule, which does not call it missing either.

# ---- shared shape of the resources/* container rules (kept identical across them) -----------

# Containers checked: C_run, plus plain init containers in strict mode. Ephemeral containers
# cannot declare resources.
_checked := data.kubeward.lib.pods.run_containers if {
	not data.kubeward.config.params[_rule_id].strict == true
} else := data.kubeward.lib.pods.run_containers | {c | some c in data.kubeward.lib.pods.containers; c.list == "initContainers"; not c.sidecar}

_path(c, section) := array.concat(c.path, ["resources", section, _resource])

# The quantity written at resources.<section>.<resource> is read inline as
# object.get(c.value, ["resources", section, _resource], null) (null when absent, or when a
# level on the way is not a map). (A helper function per read would cost regorus far more than
# the expression.)

# _unset(c, section): the container sets no quantity at resources.<section>.<resource>, and
# every level on the way is a map or unset. A level of another type (`resources: "lots"`) or a
# quantity of the wrong type (`cpu: false`) is a value the API rejects, which the schema/*
# checks report: it is not a missing quantity.
_unset(c, section) if {
	r = object.get(c.value, "resources", null)
	_map_or_null(r)
	s = k8s.get(r, section, null)
	_map_or_null(s)
	k8s.get(s, _resource, null) == null
}

_map_or_null(v) if v == null

_map_or_null(v) if is_object(v)

# Quantities (k8s.io/apimachinery resource.Quantity): a non-negative number with an optional
# binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent suffix; YAML numbers are accepted.
# Unrendered templates are left alone. Only a LimitRange's quantities (and a limit that
# defaults a request) are judged with it: an invalid one defaults nothing.
_valid_quantity(q) := true if {
	is_number(q)
	q >= 0
} else := true if {
	is_string(q)
	regex.match(`^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$`, q)
} else := true if {
	is_string(q)
	contains(q, "{{")
} else := false

_is_zero(q) := true if {
	is_number(q)
	q == 0
} else := true if {
	is_string(q)
	regex.match(`^\+?(0+(\.0*)?|\.0+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$`, q)
} else := false

# A LimitRange (type Container) in the same namespace of the linted files that defaults this
# resource: `default` (or `max`, which defaults it) for limits; `defaultRequest`, `default`,
# `max` or `min` for requests (the API fills them in that order).
_limitrange_keys := {"limits": ["default", "max"], "requests": ["defaultRequest", "default", "max", "min"]}

_limitrange_provides if {
	some entry in _limitranges
	_effective_ns(entry.metadata) == _effective_ns(k8s.get(input, "metadata", {}))
	items = entry.spec.limits
	is_array(items)
	item = items[_]
	is_object(item)
	item.type == "Container"
	some key in _limitrange_keys[_section]
	q = item[key][_resource]
	_valid_quantity(q)
	not _is_zero(q)
}

# LimitRanges of the run, from the engine's per-kind index (never a scan of every resource).
_limitranges := l if {
	l = data.kubeward.inventory_by_kind.LimitRange
	is_array(l)
} else := []

# The namespace a resource lands in: its own, else the release namespace (config), else "".
_effective_ns(meta) := ns if {
	ns = meta.namespace
	is_string(ns)
	ns != ""
} else := ns if {
	ns = data.kubeward.config.namespace
	is_string(ns)
} else := ""
