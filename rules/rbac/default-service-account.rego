# METADATA
# title: Workload runs as the default service account
# description: >-
#   A pod that names no service account (or names `default`) runs as the namespace's default
#   service account, which every such pod shares: any permission granted to it for one workload
#   is granted to all of them, and the pods cannot be told apart in audit logs. Pods that
#   disable token automounting (on the pod, or on a linted default ServiceAccount) have no API
#   identity and are not reported.
# custom:
#   id: rbac/default-service-account
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Create a ServiceAccount for the workload, bind only the roles it needs to it, and set serviceAccountName in the pod spec; otherwise set automountServiceAccountToken to false.
#   references: [https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts, https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/]
#   peers: {kube-linter: default-service-account, kubescape: C-0189}
package kubeward.rules.rbac.default_service_account

import rego.v1

import data.kubeward.lib.rbac

_sa := rbac.pod_service_account(data.kubeward.lib.pods.spec)

# The pod has no API token: automounting is off on the pod, or unset on the pod and off on a
# linted ServiceAccount "default".
_no_token if data.kubeward.lib.pods.spec.automountServiceAccountToken == false

_no_token if {
	object.get(data.kubeward.lib.pods.spec, "automountServiceAccountToken", null) == null
	some sa in rbac.service_account_named("default", data.kubeward.lib.scope.namespace_or_unknown)
	sa.automountServiceAccountToken == false
}

deny contains finding if {
	_sa.name == "default"
	not _no_token
	finding = {
		"msg": sprintf(
			"%s runs as the namespace's default service account%s, shared by every pod that names none; give it a dedicated ServiceAccount",
			[data.kubeward.lib.k8s.describe, _how],
		),
		"path": _path,
	}
}

_how := " (serviceAccountName is not set)" if {
	_sa.field == ""
	not data.kubeward.lib.pods.spec.serviceAccountName == ""
}

_how := " (serviceAccountName is empty)" if {
	_sa.field == ""
	data.kubeward.lib.pods.spec.serviceAccountName == ""
}

_how := sprintf(" (%s: default)", [_sa.field]) if _sa.field != ""

# Point at the field that names default, or at the spec when none does. An empty
# serviceAccountName counts as unset.
_path := array.concat(data.kubeward.lib.pods.spec_path, [_sa.field]) if _sa.field != ""

_path := array.concat(data.kubeward.lib.pods.spec_path, ["serviceAccountName"]) if {
	_sa.field == ""
	data.kubeward.lib.pods.spec.serviceAccountName == ""
}

_path := data.kubeward.lib.pods.spec_path if {
	_sa.field == ""
	not data.kubeward.lib.pods.spec.serviceAccountName == ""
}
