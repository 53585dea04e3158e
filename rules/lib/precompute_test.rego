package kubeward.lib.precompute_test

import rego.v1

import data.kubeward.lib.precompute

# The run index computed on namespace buckets (as the engine groups them) must equal the index
# computed on the whole run, for every kind of namespace an entry can have.
_deploy(name, meta) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": object.union({"name": name}, meta), "pod_labels": {"app": name}}

_cr(name, meta) := {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": object.union({"name": name, "labels": {"app": name}}, meta)}

_np(name, meta) := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": object.union({"name": name}, meta), "spec": {"podSelector": {}}}

_inv := [
	_deploy("a", {"namespace": "prod"}),
	_deploy("b", {}),
	_cr("c", {"namespace": "prod"}),
	_deploy("d", {"namespace": ""}),
	_np("e", {"namespace": "prod"}),
	_deploy("f", {"namespace": 7}),
	_cr("g", {}),
	_np("h", {}),
	_deploy("i", {"namespace": "dev"}),
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": "broken"},
]

_by_kind := {
	"Deployment": [_inv[0], _inv[1], _inv[3], _inv[5], _inv[8], _inv[9]],
	"Widget": [_inv[2], _inv[6]],
	"NetworkPolicy": [_inv[4], _inv[7]],
}

_by_ns := {
	"namespaces": {
		"prod": {"all": [_inv[0], _inv[2], _inv[4]], "by_kind": {"Deployment": [_inv[0]], "Widget": [_inv[2]], "NetworkPolicy": [_inv[4]]}},
		"dev": {"all": [_inv[8]], "by_kind": {"Deployment": [_inv[8]]}},
	},
	"unset": {
		"all": [_inv[1], _inv[3], _inv[5], _inv[6], _inv[7]],
		"by_kind": {"Deployment": [_inv[1], _inv[3], _inv[5]], "Widget": [_inv[6]], "NetworkPolicy": [_inv[7]]},
	},
}

_same_with_release(release) if {
	bucketed := precompute.index with data.kubeward.inventory as _inv
		with data.kubeward.inventory_by_kind as _by_kind
		with data.kubeward.inventory_by_ns as _by_ns
		with data.kubeward.config.namespace as release
	whole := precompute.index with data.kubeward.inventory as _inv
		with data.kubeward.inventory_by_kind as _by_kind
		with data.kubeward.inventory_by_ns as null
		with data.kubeward.config.namespace as release
	bucketed == whole
}

test_buckets_give_the_whole_run_index if {
	_same_with_release("")
	_same_with_release("prod")
	_same_with_release("elsewhere")
}

test_unset_namespace_views if {
	idx := precompute.index with data.kubeward.inventory as _inv
		with data.kubeward.inventory_by_kind as _by_kind
		with data.kubeward.inventory_by_ns as _by_ns
		with data.kubeward.config.namespace as ""
	[e.metadata.name | e := idx.workload_entries_in[null][_]] == ["b", "d", "f"]
	idx.workload_ids_in.prod == [["Deployment", "a"]]
	[e.metadata.name | e := idx.custom_resources_in[null][_]] == ["g"]
	{p.name | some p in idx.policies_in[null]} == {"h"}
	rel := precompute.index with data.kubeward.inventory as _inv
		with data.kubeward.inventory_by_kind as _by_kind
		with data.kubeward.inventory_by_ns as _by_ns
		with data.kubeward.config.namespace as "prod"
	[e.metadata.name | e := rel.workload_entries_in.prod[_]] == ["a", "b", "d", "f"]
	[e.metadata.name | e := rel.custom_resources_in.prod[_]] == ["c", "g"]
	{p.name | some p in rel.policies_in.prod} == {"e", "h"}
}
