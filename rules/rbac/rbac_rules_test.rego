# Rule-level tests for what the fixtures cannot express: the release namespace
# (data.kubeward.config.namespace), rule parameters and malformed input shapes.
package kubeward.rules.rbac.rbac_rules_test

import rego.v1

_pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

_containers := [{"name": "app", "image": "app:1"}]

test_cluster_admin_binding_roles_parameter if {
	b := {
		"kind": "ClusterRoleBinding",
		"metadata": {"name": "b"},
		"roleRef": {"kind": "ClusterRole", "name": "edit"},
		"subjects": [{"kind": "User", "name": "jane"}],
	}
	none := data.kubeward.rules.rbac.cluster_admin_binding.deny with input as b
	count(none) == 0
	d := data.kubeward.rules.rbac.cluster_admin_binding.deny with input as b
		with data.kubeward.config.params as {"rbac/cluster-admin-binding": {"roles": ["cluster-admin", "edit"]}}
	count(d) == 1
}

test_missing_service_account_allowed_parameter if {
	p := _pod({"serviceAccountName": "external", "containers": _containers})
	inv := [{"kind": "ServiceAccount", "metadata": {"name": "other"}}]
	d := data.kubeward.rules.rbac.missing_service_account.deny with input as p with data.kubeward.inventory as inv
	count(d) == 1
	a := data.kubeward.rules.rbac.missing_service_account.deny with input as p with data.kubeward.inventory as inv
		with data.kubeward.config.params as {"rbac/missing-service-account": {"allowed": ["external"]}}
	count(a) == 0
}

test_missing_service_account_release_namespace_join if {
	# The pod has no namespace; with the release namespace "a" it joins the SA of "a" only.
	p := _pod({"serviceAccountName": "api", "containers": _containers})
	inv := [{"kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "b"}}]
	unknown := data.kubeward.rules.rbac.missing_service_account.deny with input as p with data.kubeward.inventory as inv
	count(unknown) == 0
	d := data.kubeward.rules.rbac.missing_service_account.deny with input as p with data.kubeward.inventory as inv
		with data.kubeward.config.namespace as "a"
	count(d) == 1
}

test_automount_serviceaccount_in_release_namespace if {
	p := _pod({"serviceAccountName": "api", "containers": _containers})
	inv := [{"kind": "ServiceAccount", "metadata": {"name": "api"}, "automountServiceAccountToken": false}]
	d := data.kubeward.rules.rbac.automount_token.deny with input as p with data.kubeward.inventory as inv
		with data.kubeward.config.namespace as "a"
	count(d) == 0
}

test_critical_configmap_role_in_release_kube_system if {
	r := {
		"kind": "Role",
		"metadata": {"name": "r"},
		"rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["update"]}],
	}
	none := data.kubeward.rules.rbac.critical_configmap_write.deny with input as r
	count(none) == 0
	d := data.kubeward.rules.rbac.critical_configmap_write.deny with input as r
		with data.kubeward.config.namespace as "kube-system"
	count(d) == 1
}

test_malformed_shapes_do_not_fail if {
	role := {"kind": "ClusterRole", "metadata": "x", "rules": [{"verbs": "get", "resources": null, "apiGroups": [1]}, 3]}
	w := data.kubeward.rules.rbac.wildcard.deny with input as role
	count(w) == 0
	s := data.kubeward.rules.rbac.secrets_read.deny with input as role
	count(s) == 0
	binding := {"kind": "RoleBinding", "roleRef": "x", "subjects": {"kind": "User"}}
	a := data.kubeward.rules.rbac.anonymous_binding.deny with input as binding
	count(a) == 0
	c := data.kubeward.rules.rbac.cluster_admin_binding.deny with input as binding
	count(c) == 0
	pod := {"kind": "Pod", "spec": {"serviceAccountName": ["x"], "automountServiceAccountToken": null, "containers": "x"}}
	t := data.kubeward.rules.rbac.automount_token.deny with input as pod
	count(t) == 0
	m := data.kubeward.rules.rbac.missing_service_account.deny with input as pod with data.kubeward.inventory as "junk"
	count(m) == 0
}

test_parameters_of_the_wrong_shape if {
	b := {
		"kind": "ClusterRoleBinding",
		"metadata": {"name": "b"},
		"roleRef": {"kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": [{"kind": "User", "name": "jane"}],
	}
	d := data.kubeward.rules.rbac.cluster_admin_binding.deny with input as b
		with data.kubeward.config.params as {"rbac/cluster-admin-binding": {"roles": "cluster-admin"}}
	count(d) == 1
	e := data.kubeward.rules.rbac.cluster_admin_binding.deny with input as b
		with data.kubeward.config.params as "junk"
	count(e) == 1
	p := _pod({"serviceAccountName": "x", "containers": _containers})
	m := data.kubeward.rules.rbac.missing_service_account.deny with input as p
		with data.kubeward.inventory as [{"kind": "ServiceAccount", "metadata": {"name": "y"}}]
		with data.kubeward.config.params as {"rbac/missing-service-account": {"allowed": {"x": true}}}
	count(m) == 1
}
