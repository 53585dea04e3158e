# Removed and deprecated Kubernetes API versions (RULES.md §5), keyed by (apiVersion, kind):
# the same group/version can hold kinds with different fates (policy/v1beta1
# PodDisruptionBudget has a replacement, policy/v1beta1 PodSecurityPolicy has none).
#
# Sources: the Kubernetes deprecated API migration guide ("removed in" = first minor version
# that no longer serves it) and the `+k8s:prerelease-lifecycle-gen:deprecated` versions of
# kubernetes/kubernetes staging/src/k8s.io/api/*/zz_generated.prerelease-lifecycle.go
# ("deprecated in"). Only the built-in APIs of the guide are listed; third-party CRD groups are
# out of scope.
package kubeward.lib.apis

import rego.v1

import data.kubeward.lib.k8s

# table[apiVersion][kind] = {"deprecated": minor, "removed": minor, "replacement": apiVersion or ""}
# The table lives in rules/data/apis.json (data.kubeward.tables.apis): data is built once per
# engine, while a table written as a Rego rule would be rebuilt for every resource.
default table := {}

table := t if {
	t = data.kubeward.tables.apis
	is_object(t)
}

# entry(api_version, kind): the table entry, undefined for APIs the table does not list.
entry(api_version, kind) := table[api_version][kind] if {
	is_string(api_version)
	is_string(kind)
}

# removed(api_version, kind, minor): the entry when the API is no longer served in 1.<minor>.
removed(api_version, kind, minor) := e if {
	e = entry(api_version, kind)
	minor >= e.removed
}

# deprecated(api_version, kind, minor): the entry when the API is deprecated but still served.
deprecated(api_version, kind, minor) := e if {
	e = entry(api_version, kind)
	minor >= e.deprecated
	minor < e.removed
}

# The same for `input`, at the target version (data.kubeward.config.kube_minor).
# (Written without the functions above: these run on every resource, and the lookup fails
# for nearly all of them.)
_input_entry := table[data.kubeward.lib.k8s.api_version][data.kubeward.lib.k8s.kind]

input_removed := e if {
	e = _input_entry
	data.kubeward.lib.k8s.kube_minor >= e.removed
}

input_deprecated := e if {
	e = _input_entry
	data.kubeward.lib.k8s.kube_minor >= e.deprecated
	data.kubeward.lib.k8s.kube_minor < e.removed
}

# replacement_phrase(e): "; use apps/v1", or for an API without a successor (only
# PodSecurityPolicy) "; it has no replacement".
replacement_phrase(e) := sprintf("; use %s", [e.replacement]) if e.replacement != ""

replacement_phrase(e) := "; it has no replacement (Pod Security Admission took over its role)" if {
	e.replacement == ""
}

# target: the target version as messages show it, e.g. "1.35".
target := sprintf("1.%d", [data.kubeward.lib.k8s.kube_minor])
