# METADATA
# title: Binding grants a role to every authenticated user
# description: >-
#   The group system:authenticated holds every identity the API server accepts: every user,
#   every service account of every namespace and, on some managed clusters, any account of the
#   cloud provider. A role bound to it is granted to all of them. Bindings of the harmless
#   built-in roles system:basic-user, system:discovery, system:public-info-viewer and
#   system:service-account-issuer-discovery are skipped.
# custom:
#   id: rbac/authenticated-binding
#   severity: warning
#   enabled: true
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Bind the role to the specific groups or service accounts that need it instead of system:authenticated.
#   references: [https://kubernetes.io/docs/reference/access-authn-authz/rbac/#discovery-roles, https://cloud.google.com/kubernetes-engine/docs/how-to/role-based-access-control#default_discovery_roles]
#   peers: {trivy: KSV-01011, kubescape: C-0265}
package kubeward.rules.rbac.authenticated_binding

import rego.v1

# ClusterRoles Kubernetes itself binds to system:authenticated.
_default_roles := {"system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery"}

deny contains finding if {
	not data.kubeward.lib.rbac.is_bootstrap_default
	not _default_role
	some s in data.kubeward.lib.rbac.subjects
	s.kind == "Group"
	s.name == "system:authenticated"
	finding = {
		"msg": sprintf(
			"%s grants %s to the group system:authenticated, i.e. to every user and service account of the cluster",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.rbac.role_ref.label],
		),
		"path": array.concat(s.path, ["name"]),
	}
}

_default_role if {
	data.kubeward.lib.rbac.role_ref.kind == "ClusterRole"
	data.kubeward.lib.rbac.role_ref.name in _default_roles
}
