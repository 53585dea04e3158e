# METADATA
# title: Pod spec uses the deprecated serviceAccount field
# description: >-
#   PodSpec.serviceAccount is a deprecated alias of serviceAccountName. When only the alias is
#   set, the API copies it over; when both are set and differ, serviceAccountName wins and the
#   alias is silently ignored, so a reader of the manifest may believe the pod runs as an
#   account it does not use (reported as a warning). An equal pair in a dump of a live object
#   is skipped: the API server writes both fields itself.
# custom:
#   id: rbac/deprecated-sa-field
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Replace serviceAccount with serviceAccountName.
#   references: [https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context]
#   peers: {kube-linter: deprecated-service-account-field, kubescape: C-0294}
package kubeward.rules.rbac.deprecated_sa_field

import rego.v1

import data.kubeward.lib.k8s

_path := array.concat(data.kubeward.lib.pods.spec_path, ["serviceAccount"])

_name_value := v if {
	v = data.kubeward.lib.pods.spec.serviceAccountName
	is_string(v)
	v != ""
}

# The API server fills serviceAccount in from serviceAccountName on every object it returns,
# so an equal pair in a dump of a live object is not the author's doing.
_live_object if input.metadata.uid

_live_object if input.metadata.resourceVersion

_live_object if input.metadata.creationTimestamp

deny contains finding if {
	alias = data.kubeward.lib.pods.spec.serviceAccount
	not is_null(alias)
	alias != ""
	not _name_value
	finding = {
		"msg": sprintf(
			"%s sets the deprecated field serviceAccount (%s); write serviceAccountName instead",
			[data.kubeward.lib.k8s.describe, k8s.quote(alias)],
		),
		"path": _path,
	}
}

deny contains finding if {
	alias = data.kubeward.lib.pods.spec.serviceAccount
	not is_null(alias)
	alias != ""
	alias == _name_value
	not _live_object
	finding = {
		"msg": sprintf(
			"%s sets the deprecated field serviceAccount next to serviceAccountName (both %q); remove serviceAccount",
			[data.kubeward.lib.k8s.describe, _name_value],
		),
		"path": _path,
	}
}

deny contains finding if {
	alias = data.kubeward.lib.pods.spec.serviceAccount
	not is_null(alias)
	alias != ""
	alias != _name_value
	finding = {
		"msg": sprintf(
			"%s sets serviceAccount %s but serviceAccountName %q: the pod runs as %q and the deprecated serviceAccount is ignored",
			[data.kubeward.lib.k8s.describe, k8s.quote(alias), _name_value, _name_value],
		),
		"path": _path,
		"severity": "warning",
	}
}
