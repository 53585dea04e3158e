# METADATA
# title: Binding grants cluster-admin
# description: >-
#   Binding the built-in cluster-admin ClusterRole gives its subjects every permission: through a
#   ClusterRoleBinding on the whole cluster (error), through a RoleBinding on everything in that
#   namespace, Secrets, RBAC and workloads included (warning). Bindings whose subjects are all
#   Kubernetes components (system:* names other than the broad groups such as
#   system:authenticated) are Kubernetes' own and skipped. The roles to report can be extended
#   with parameter `roles` (default [cluster-admin]; admin and edit are common additions).
# custom:
#   id: rbac/cluster-admin-binding
#   severity: error
#   enabled: true
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Bind a role that lists only the permissions the subjects need; keep cluster-admin for break-glass accounts managed outside application manifests.
#   references: [https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles, https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege]
#   peers: {kube-linter: cluster-admin-role-binding, polaris: [clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole, rolebindingClusterAdminRole], trivy: KSV-0111, kubescape: [C-0035, C-0185]}
package kubeward.rules.rbac.cluster_admin_binding

import rego.v1

import data.kubeward.lib.rbac

default _roles := {"cluster-admin"}

_roles := {r | some r in l; is_string(r)} if {
	l = data.kubeward.config.params["rbac/cluster-admin-binding"].roles
	is_array(l)
}

_people contains s if {
	some s in data.kubeward.lib.rbac.subjects
	not rbac.is_component_subject(s)
}

deny contains finding if {
	ref = data.kubeward.lib.rbac.role_ref
	ref.kind == "ClusterRole"
	ref.name in _roles
	count(_people) > 0
	finding = object.union(
		{
			"msg": sprintf(
				"%s binds ClusterRole %q to %s: %s",
				[data.kubeward.lib.k8s.describe, ref.name, _who, _effect(ref.name)],
			),
			"path": ["roleRef", "name"],
		},
		_severity,
	)
}

_who := concat(", ", sort([s.label | some s in _people]))

_effect(name) := "every permission on every resource of the cluster" if {
	input.kind == "ClusterRoleBinding"
	name == "cluster-admin"
}

_effect(name) := "full control of everything in the namespace, Secrets and RBAC included" if {
	input.kind == "RoleBinding"
	name == "cluster-admin"
}

_effect(name) := "broad write access, Secrets included" if {
	name != "cluster-admin"
	input.kind == "ClusterRoleBinding"
}

_effect(name) := "broad write access in the namespace, Secrets included" if {
	name != "cluster-admin"
	input.kind == "RoleBinding"
}

_severity := {} if input.kind == "ClusterRoleBinding"

_severity := {"severity": "warning"} if input.kind == "RoleBinding"
