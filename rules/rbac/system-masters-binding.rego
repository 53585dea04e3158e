# METADATA
# title: Binding names the system:masters group
# description: >-
#   Members of system:masters bypass authorization entirely, and membership comes from client
#   certificates that cannot be revoked. A binding to it adds nothing for its members; in a
#   manifest it usually means credentials are being issued or expected in that group, which
#   should never be needed outside cluster bootstrap. Kubernetes' own cluster-admin binding is
#   skipped.
# custom:
#   id: rbac/system-masters-binding
#   severity: error
#   enabled: true
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Remove the system:masters subject; give administrators a dedicated group bound to the roles they need, with credentials that can be revoked.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege, https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles]
#   peers: {trivy: KSV-0123, kubescape: C-0246}
package kubeward.rules.rbac.system_masters_binding

import rego.v1

deny contains finding if {
	not data.kubeward.lib.rbac.is_bootstrap_default
	some s in data.kubeward.lib.rbac.subjects
	s.kind == "Group"
	s.name == "system:masters"
	finding = {
		"msg": sprintf(
			"%s binds %s to the group system:masters, whose members bypass RBAC with certificates that cannot be revoked",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.rbac.role_ref.label],
		),
		"path": array.concat(s.path, ["name"]),
	}
}
