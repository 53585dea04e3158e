# METADATA
# title: Binding grants access to anonymous users
# description: >-
#   The user system:anonymous and the group system:unauthenticated stand for requests that
#   present no credentials at all. Anything bound to them is open to whoever can reach the API
#   server, and that includes the internet for many managed clusters. Bindings of the public
#   roles system:public-info-viewer (version and health endpoints) and
#   system:service-account-issuer-discovery (OIDC discovery documents), and kubeadm's
#   cluster-info reader in kube-public, are skipped.
# custom:
#   id: rbac/anonymous-binding
#   severity: error
#   enabled: true
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Remove system:anonymous and system:unauthenticated from the binding's subjects; bind the role to authenticated identities instead.
#   references: [https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests, https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege]
#   peers: {trivy: KSV-0122, kubescape: C-0262}
package kubeward.rules.rbac.anonymous_binding

import rego.v1

_anonymous(s) if {
	s.kind == "User"
	s.name == "system:anonymous"
}

_anonymous(s) if {
	s.kind == "Group"
	s.name == "system:unauthenticated"
}

# Roles Kubernetes and kubeadm bind to anonymous users themselves.
_public_roles := {"system:public-info-viewer", "system:service-account-issuer-discovery", "kubeadm:bootstrap-signer-clusterinfo"}

deny contains finding if {
	not data.kubeward.lib.rbac.is_bootstrap_default
	not data.kubeward.lib.rbac.role_ref.name in _public_roles
	some s in data.kubeward.lib.rbac.subjects
	_anonymous(s)
	finding = {
		"msg": sprintf(
			"%s grants %s to %s: anyone who can reach the API server gets it without credentials",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.rbac.role_ref.label, s.label],
		),
		"path": array.concat(s.path, ["name"]),
	}
}
