# METADATA
# title: Role can change cluster-critical ConfigMaps
# description: >-
#   Some ConfigMaps configure the cluster itself: coredns (DNS answers for every pod), kube-proxy,
#   kubeadm-config and kubelet-config in kube-system, and aws-auth, which maps IAM identities to
#   Kubernetes users and groups on EKS (a write there can map anyone to system:masters). Reported
#   for write verbs (create, update, patch, delete, deletecollection, `*`) on configmaps in a Role
#   of kube-system, on those ConfigMaps by name, and in a ClusterRole that the manifests bind
#   cluster-wide or in kube-system (an unbound ClusterRole is not judged).
# custom:
#   id: rbac/critical-configmap-write
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Do not grant write access to ConfigMaps in kube-system or to aws-auth; manage those objects through the cluster's provisioning tooling.
#   references: [https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/, https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html]
#   peers: {trivy: [KSV-0049, KSV-0115], kubescape: C-0037}
package kubeward.rules.rbac.critical_configmap_write

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create", "update", "patch", "delete", "deletecollection"}

_targets := {["", "configmaps"]}

_critical_names := {
	"aws-auth",
	"coredns",
	"kube-proxy",
	"kubeadm-config",
	"kubelet-config",
	"extension-apiserver-authentication",
	"cluster-info",
}

_critical(n) if n in _critical_names

_critical(n) if startswith(n, "kubelet-config-")

_critical_in(item) := {n | some n in rbac.resource_names(item); _critical(n)}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants_on_names(item, _verbs, _targets)
	count(found) > 0
	why = _why(item)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s %s: its subjects can rewrite cluster configuration such as CoreDNS or the aws-auth identity mapping",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x), why],
		),
		"path": x.entry.path,
	}
}

# A Role in kube-system: every ConfigMap there is a cluster component's, unless resourceNames
# names only others.
_why(item) := "in kube-system" if {
	input.kind == "Role"
	data.kubeward.lib.scope.namespace == "kube-system"
	not rbac.narrowed(item)
}

# Named critical ConfigMaps, in a Role of kube-system (or of an unknown namespace) or a
# ClusterRole.
_why(item) := sprintf("named %s", [rbac.quoted_list(_critical_in(item))]) if {
	count(_critical_in(item)) > 0
	_may_reach_kube_system
}

_may_reach_kube_system if input.kind == "ClusterRole"

_may_reach_kube_system if {
	input.kind == "Role"
	data.kubeward.lib.scope.namespace_or_unknown in {"kube-system", ""}
}

# A ClusterRole without resourceNames that the manifests bind where kube-system is reached.
_why(item) := "in every namespace, kube-system included (a ClusterRoleBinding binds it)" if {
	input.kind == "ClusterRole"
	not rbac.narrowed(item)
	data.kubeward.lib.rbac.cluster_bound
}

_why(item) := "in kube-system (a RoleBinding there binds it)" if {
	input.kind == "ClusterRole"
	not rbac.narrowed(item)
	not data.kubeward.lib.rbac.cluster_bound
	rbac.bound_in_namespace("kube-system")
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	_may_reach_kube_system
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects change ConfigMaps")
	finding = f
	_near_relevant(item)
}

_near_relevant(item) if count(_critical_in(item)) > 0

_near_relevant(_) if {
	input.kind == "Role"
	data.kubeward.lib.scope.namespace == "kube-system"
}
