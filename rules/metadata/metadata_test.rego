# Rule-level tests for what the fixtures cannot express: the release namespace
# (data.kubeward.config.namespace, from --namespace) and rule parameters.
package kubeward.rules.metadata.metadata_test

import rego.v1

_deploy(meta) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": meta,
	"spec": {"template": {"metadata": {"labels": {"app": "x"}}, "spec": {"containers": [{"name": "x", "image": "x:1"}]}}},
}

test_default_namespace_from_release_namespace if {
	d := data.kubeward.rules.metadata.default_namespace.deny with input as _deploy({"name": "web"})
		with data.kubeward.config.namespace as "default"
	count(d) == 1
	some f in d
	f.path == ["metadata"]
}

test_default_namespace_explicit_beats_release if {
	d := data.kubeward.rules.metadata.default_namespace.deny with input as _deploy({"name": "web", "namespace": "shop"})
		with data.kubeward.config.namespace as "default"
	count(d) == 0
}

test_default_namespace_unknown if {
	d := data.kubeward.rules.metadata.default_namespace.deny with input as _deploy({"name": "web"})
	count(d) == 0
}

test_default_namespace_skips_cluster_scoped_with_release if {
	d := data.kubeward.rules.metadata.default_namespace.deny with input as {"kind": "ClusterRole", "metadata": {"name": "x"}}
		with data.kubeward.config.namespace as "default"
	count(d) == 0
}

test_kube_system_from_release_namespace if {
	d := data.kubeward.rules.metadata.kube_system_namespace.deny with input as _deploy({"name": "agent"})
		with data.kubeward.config.namespace as "kube-system"
	count(d) == 1
	some f in d
	f.path == ["metadata"]
}

test_recommended_labels_parameter if {
	d := data.kubeward.rules.metadata.recommended_labels.deny with input as _deploy({"name": "web", "labels": {"app.kubernetes.io/name": "web"}})
		with data.kubeward.config.params as {"metadata/recommended-labels": {"labels": ["app.kubernetes.io/name", "app.kubernetes.io/part-of"]}}
	count(d) == 2
}

test_invalid_label_malformed_input if {
	d := data.kubeward.rules.metadata.invalid_label.deny with input as {"kind": "Pod", "metadata": {"labels": ["a"]}, "spec": {"selector": "x"}}
	count(d) == 0
}

test_namespace_label_malformed_input if {
	d := data.kubeward.rules.metadata.namespace_pss_label.deny with input as {"kind": "Namespace", "metadata": {"name": "x", "labels": "junk"}}
	count(d) == 1
}
