package kubeward.lib.scope_test

import rego.v1

import data.kubeward.lib.scope

test_cluster_scoped_kinds if {
	scope.is_cluster_scoped with input as {"kind": "ClusterRole"}
	scope.is_cluster_scoped with input as {"kind": "Namespace"}
	scope.is_cluster_scoped with input as {"kind": "ValidatingWebhookConfiguration"}
	not scope.is_cluster_scoped with input as {"kind": "Deployment"}
	scope.is_namespaced with input as {"kind": "Deployment"}
	scope.is_namespaced with input as {"kind": "SomeCustomResource"}
	not scope.is_namespaced with input as {"kind": "PersistentVolume"}
	not scope.is_namespaced with input as {"kind": 3}
	not scope.is_namespaced with input as {}
}

test_effective_namespace_explicit_wins if {
	ns := scope.namespace with input as {"metadata": {"namespace": "shop"}} with data.kubeward.config.namespace as "other"
	ns == "shop"
}

test_effective_namespace_release if {
	ns := scope.namespace with input as {"metadata": {"name": "x"}} with data.kubeward.config.namespace as "other"
	ns == "other"
	empty := scope.namespace with input as {"metadata": {"namespace": ""}} with data.kubeward.config.namespace as "other"
	empty == "other"
}

test_effective_namespace_unknown if {
	not scope.namespace with input as {"metadata": {"name": "x"}}
	u := scope.namespace_or_unknown with input as {"metadata": {"name": "x"}}
	u == ""
	not scope.namespace with input as {"metadata": "junk"}
	not scope.namespace with input as {"metadata": {"name": "x"}} with data.kubeward.config.namespace as 3
}

test_entry_namespace if {
	scope.entry_namespace({"metadata": {"namespace": "a"}}) == "a"
	scope.entry_namespace({"metadata": {}}) == ""
	scope.entry_namespace("junk") == ""
	r := scope.entry_namespace({"metadata": {}}) with data.kubeward.config.namespace as "rel"
	r == "rel"
}

test_compatible if {
	scope.compatible("a", "a")
	scope.compatible("", "a")
	scope.compatible("a", "")
	not scope.compatible("a", "b")
}
