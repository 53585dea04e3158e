# METADATA
# title: Binding grants a role to a default service account
# description: >-
#   Every namespace has a service account named default, and every pod that names no service
#   account runs as it. A role bound to it is therefore granted to all such pods, present and
#   future, including ones deployed by people who never asked for the permission.
# custom:
#   id: rbac/default-sa-binding
#   severity: warning
#   enabled: true
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Create a dedicated ServiceAccount for the workload that needs the role, bind the role to it and set serviceAccountName in the pod spec.
#   references: [https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts, https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/]
#   peers: {checkov: CKV_K8S_42, kubescape: C-0189}
package kubeward.rules.rbac.default_sa_binding

import rego.v1

deny contains finding if {
	not data.kubeward.lib.rbac.is_bootstrap_default
	some s in data.kubeward.lib.rbac.subjects
	s.kind == "ServiceAccount"
	s.name == "default"
	finding = {
		"msg": sprintf(
			"%s grants %s to the default service account%s, which every pod without serviceAccountName runs as",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.rbac.role_ref.label, _ns(s)],
		),
		"path": array.concat(s.path, ["name"]),
	}
}

_ns(s) := sprintf(" of namespace %q", [s.namespace]) if s.namespace != ""

_ns(s) := "" if s.namespace == ""
