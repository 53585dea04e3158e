# METADATA
# title: Role or ClusterRole uses wildcards
# description: >-
#   A `*` in verbs, resources, apiGroups or nonResourceURLs grants everything that exists now
#   and everything added later (new CRDs, new subresources, new verbs), so the role silently
#   grows past what was reviewed. `*` verbs on `*` resources make the role as powerful as
#   cluster-admin within its scope. Every rule of the role is checked; Kubernetes' own roles
#   (cluster-admin, admin, edit, system:*) are skipped, and an aggregated ClusterRole, whose
#   rules are filled in from other ClusterRoles, is reported for review.
# custom:
#   id: rbac/wildcard
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: List the exact verbs, API groups and resources the subjects need instead of `*`; for a subresource write it out (pods/log) rather than `*/log`.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege, https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources]
#   peers: {kube-linter: wildcard-in-rules, trivy: [KSV-0044, KSV-0045, KSV-0046, KSV-0112], checkov: CKV_K8S_49, kubescape: C-0187}
package kubeward.rules.rbac.wildcard

import rego.v1

import data.kubeward.lib.rbac

# Wildcard entries of one rule item, in the order findings prefer to point at them.
_fields := ["verbs", "resources", "apiGroups", "nonResourceURLs"]

_is_wildcard("verbs", v) if v == "*"

_is_wildcard("resources", v) if v == "*"

_is_wildcard("resources", v) if startswith(v, "*/")

_is_wildcard("apiGroups", v) if v == "*"

_is_wildcard("nonResourceURLs", v) if v in {"*", "/*"}

_wildcards(item) := [{"field": f, "entry": e} |
	some f in _fields
	some e in _sort_entries(rbac.entries(item, f))
	_is_wildcard(f, e.value)
]

# The entries in list order (one per index): keyed by index, so sorting stays n log n.
_sort_entries(es) := [by_index[j] | some j in sort(object.keys(by_index))] if {
	by_index := {x.index: x | some x in es}
}

_full(item) if {
	some v in rbac.entries(item, "verbs")
	v.value == "*"
	some r in rbac.entries(item, "resources")
	r.value == "*"
}

_describe_wildcards(ws) := concat(", ", [sprintf("%s %q", [w.field, w.entry.value]) | some w in ws])

_scope := "cluster-wide" if {
	input.kind == "ClusterRole"
	not data.kubeward.lib.rbac.only_namespace_bound
}

_scope := "in the namespaces of its RoleBindings" if data.kubeward.lib.rbac.only_namespace_bound

_scope := "in its namespace" if input.kind == "Role"

_effect(item) := sprintf(": every verb on every resource %s, the equivalent of cluster-admin", [_scope]) if {
	_full(item)
	_all_groups(item)
}

_effect(item) := sprintf(": every verb on every resource of API groups %s %s", [rbac.quoted_list({e.value | some e in rbac.entries(item, "apiGroups")}), _scope]) if {
	_full(item)
	not _all_groups(item)
}

_all_groups(item) if {
	some g in rbac.entries(item, "apiGroups")
	g.value == "*"
}

_effect(item) := ", so it also covers whatever verbs, resources or API groups are added later" if not _full(item)

_role_note := " (a namespaced Role cannot hold nonResourceURLs: the API rejects it)" if input.kind == "Role"

_role_note := "" if input.kind != "Role"

# The loop lives in its own rule: regorus 0.14.1's RVM never takes an `else` whose body iterates.
_note(ws) := _role_note if _names_non_resource_urls(ws) else := ""

_names_non_resource_urls(ws) if {
	some w in ws
	w.field == "nonResourceURLs"
}

deny contains finding if {
	not data.kubeward.lib.rbac.is_builtin_role
	some item in data.kubeward.lib.rbac.items
	ws = _wildcards(item)
	count(ws) > 0
	finding = object.union(
		{
			"msg": sprintf("%s %s uses wildcards (%s)%s%s", [data.kubeward.lib.k8s.describe, item.label, _describe_wildcards(ws), _effect(item), _note(ws)]),
			"path": ws[0].entry.path,
		},
		_severity(item),
	)
}

_severity(item) := {"severity": "error"} if _full(item)

_severity(item) := {} if not _full(item)

# "pods/*" is not a wildcard for the RBAC authorizer: it only matches a subresource literally
# named "*", i.e. nothing. The author meant something broader; say what actually happens.
deny contains finding if {
	not data.kubeward.lib.rbac.is_builtin_role
	some item in data.kubeward.lib.rbac.items
	some e in rbac.entries(item, "resources")
	endswith(e.value, "/*")
	not startswith(e.value, "*/")
	parent = trim_suffix(e.value, "/*")
	finding = {
		"msg": sprintf(
			"%s %s lists resource %q, which Kubernetes does not expand: only \"*\" and \"*/<subresource>\" are wildcards, so it grants nothing on the subresources of %s; list the subresources needed (e.g. %s/log)",
			[data.kubeward.lib.k8s.describe, item.label, e.value, parent, parent],
		),
		"path": e.path,
		"severity": "info",
	}
}

# An aggregated ClusterRole: the controller replaces its rules with those of every ClusterRole
# its selectors match, so the manifest alone cannot say what it grants.
deny contains finding if {
	input.kind == "ClusterRole"
	not data.kubeward.lib.rbac.is_builtin_role
	agg = input.aggregationRule
	is_object(agg)
	not _empty_selector(agg)
	finding = {
		"msg": sprintf(
			"%s aggregates the rules of every ClusterRole matching its clusterRoleSelectors: what it grants is not written here and grows whenever a matching ClusterRole is added; review the aggregated roles",
			[data.kubeward.lib.k8s.describe],
		),
		"path": ["aggregationRule"],
		"severity": "info",
	}
}

deny contains finding if {
	input.kind == "ClusterRole"
	not data.kubeward.lib.rbac.is_builtin_role
	sels = input.aggregationRule.clusterRoleSelectors
	is_array(sels)
	sel = sels[i]
	_matches_everything(sel)
	finding = {
		"msg": sprintf(
			"%s aggregates with an empty selector (clusterRoleSelectors[%d]), which matches every ClusterRole, cluster-admin included",
			[data.kubeward.lib.k8s.describe, i],
		),
		"path": ["aggregationRule", "clusterRoleSelectors", i],
		"severity": "error",
	}
}

_empty_selector(agg) if {
	sels = agg.clusterRoleSelectors
	is_array(sels)
	some sel in sels
	_matches_everything(sel)
}

_matches_everything(sel) if is_null(sel)

_matches_everything(sel) if {
	is_object(sel)
	_empty(object.get(sel, "matchLabels", null))
	_empty(object.get(sel, "matchExpressions", null))
}

_empty(x) if is_null(x)

_empty(x) if {
	is_object(x)
	count(x) == 0
}

_empty(x) if {
	is_array(x)
	count(x) == 0
}
