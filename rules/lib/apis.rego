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
table := {
	"extensions/v1beta1": {
		"Deployment": _e(8, 16, "apps/v1"),
		"DaemonSet": _e(8, 16, "apps/v1"),
		"ReplicaSet": _e(8, 16, "apps/v1"),
		"NetworkPolicy": _e(9, 16, "networking.k8s.io/v1"),
		"PodSecurityPolicy": _e(11, 16, "policy/v1beta1 (itself removed in 1.25; use Pod Security Admission)"),
		"Ingress": _e(14, 22, "networking.k8s.io/v1"),
	},
	"apps/v1beta1": {
		"Deployment": _e(8, 16, "apps/v1"),
		"StatefulSet": _e(8, 16, "apps/v1"),
		"ControllerRevision": _e(8, 16, "apps/v1"),
	},
	"apps/v1beta2": {
		"Deployment": _e(9, 16, "apps/v1"),
		"StatefulSet": _e(9, 16, "apps/v1"),
		"DaemonSet": _e(9, 16, "apps/v1"),
		"ReplicaSet": _e(9, 16, "apps/v1"),
		"ControllerRevision": _e(9, 16, "apps/v1"),
	},
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": _e(16, 22, "admissionregistration.k8s.io/v1"),
		"ValidatingWebhookConfiguration": _e(16, 22, "admissionregistration.k8s.io/v1"),
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": _e(16, 22, "apiextensions.k8s.io/v1")},
	"apiregistration.k8s.io/v1beta1": {"APIService": _e(19, 22, "apiregistration.k8s.io/v1")},
	"authentication.k8s.io/v1beta1": {"TokenReview": _e(19, 22, "authentication.k8s.io/v1")},
	"authorization.k8s.io/v1beta1": {
		"LocalSubjectAccessReview": _e(19, 22, "authorization.k8s.io/v1"),
		"SelfSubjectAccessReview": _e(19, 22, "authorization.k8s.io/v1"),
		"SubjectAccessReview": _e(19, 22, "authorization.k8s.io/v1"),
		"SelfSubjectRulesReview": _e(19, 22, "authorization.k8s.io/v1"),
	},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": _e(19, 22, "certificates.k8s.io/v1")},
	"coordination.k8s.io/v1beta1": {"Lease": _e(19, 22, "coordination.k8s.io/v1")},
	"networking.k8s.io/v1beta1": {
		"Ingress": _e(19, 22, "networking.k8s.io/v1"),
		"IngressClass": _e(19, 22, "networking.k8s.io/v1"),
	},
	"rbac.authorization.k8s.io/v1beta1": {
		"ClusterRole": _e(17, 22, "rbac.authorization.k8s.io/v1"),
		"ClusterRoleBinding": _e(17, 22, "rbac.authorization.k8s.io/v1"),
		"Role": _e(17, 22, "rbac.authorization.k8s.io/v1"),
		"RoleBinding": _e(17, 22, "rbac.authorization.k8s.io/v1"),
	},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": _e(14, 22, "scheduling.k8s.io/v1")},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": _e(19, 22, "storage.k8s.io/v1"),
		"CSINode": _e(17, 22, "storage.k8s.io/v1"),
		"StorageClass": _e(19, 22, "storage.k8s.io/v1"),
		"VolumeAttachment": _e(19, 22, "storage.k8s.io/v1"),
		"CSIStorageCapacity": _e(24, 27, "storage.k8s.io/v1"),
	},
	"batch/v1beta1": {"CronJob": _e(21, 25, "batch/v1")},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": _e(21, 25, "discovery.k8s.io/v1")},
	"events.k8s.io/v1beta1": {"Event": _e(22, 25, "events.k8s.io/v1")},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": _e(22, 25, "autoscaling/v2")},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": _e(23, 26, "autoscaling/v2")},
	"policy/v1beta1": {
		"PodDisruptionBudget": _e(21, 25, "policy/v1"),
		"PodSecurityPolicy": _e(21, 25, ""),
	},
	"node.k8s.io/v1beta1": {"RuntimeClass": _e(22, 25, "node.k8s.io/v1")},
	"flowcontrol.apiserver.k8s.io/v1beta1": {
		"FlowSchema": _e(23, 26, "flowcontrol.apiserver.k8s.io/v1"),
		"PriorityLevelConfiguration": _e(23, 26, "flowcontrol.apiserver.k8s.io/v1"),
	},
	"flowcontrol.apiserver.k8s.io/v1beta2": {
		"FlowSchema": _e(26, 29, "flowcontrol.apiserver.k8s.io/v1"),
		"PriorityLevelConfiguration": _e(26, 29, "flowcontrol.apiserver.k8s.io/v1"),
	},
	"flowcontrol.apiserver.k8s.io/v1beta3": {
		"FlowSchema": _e(29, 32, "flowcontrol.apiserver.k8s.io/v1"),
		"PriorityLevelConfiguration": _e(29, 32, "flowcontrol.apiserver.k8s.io/v1"),
	},
}

_e(deprecated, removed, replacement) := {"deprecated": deprecated, "removed": removed, "replacement": replacement}

# entry(api_version, kind): the table entry, undefined for APIs the table does not list.
entry(api_version, kind) := table[api_version][kind] if {
	is_string(api_version)
	is_string(kind)
}

# removed(api_version, kind, minor): the entry when the API is no longer served in 1.<minor>.
removed(api_version, kind, minor) := e if {
	e := entry(api_version, kind)
	minor >= e.removed
}

# deprecated(api_version, kind, minor): the entry when the API is deprecated but still served.
deprecated(api_version, kind, minor) := e if {
	e := entry(api_version, kind)
	minor >= e.deprecated
	minor < e.removed
}

# The same for `input`, at the target version (data.kubeward.config.kube_minor).
input_removed := removed(k8s.api_version, k8s.kind, k8s.kube_minor)

input_deprecated := deprecated(k8s.api_version, k8s.kind, k8s.kube_minor)

# replacement_phrase(e): "; use apps/v1", or for an API without a successor (only
# PodSecurityPolicy) "; it has no replacement".
replacement_phrase(e) := sprintf("; use %s", [e.replacement]) if e.replacement != ""

replacement_phrase(e) := "; it has no replacement (Pod Security Admission took over its role)" if {
	e.replacement == ""
}

# target: the target version as messages show it, e.g. "1.35".
target := sprintf("1.%d", [k8s.kube_minor])
