# Parameter- and config-driven behaviour of the resources/* rules that YAML fixtures cannot set:
# strict mode (plain init containers), the release namespace, and malformed shapes (values the
# API rejects, which the rules leave to the schema checks).
package kubeward.rules.resources.resources_test

import rego.v1

import data.kubeward.rules.resources.cpu_requests
import data.kubeward.rules.resources.ephemeral_storage
import data.kubeward.rules.resources.memory_limits
import data.kubeward.rules.resources.memory_requests
import data.kubeward.rules.resources.namespace_quota

_pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "p"},
	"spec": {
		"initContainers": [
			{"name": "setup", "image": "busybox:1.36"},
			{"name": "proxy", "image": "envoy:1.30", "restartPolicy": "Always"},
		],
		"containers": [{"name": "app", "image": "app:1", "resources": {"limits": {"memory": "1Gi", "cpu": "1"}}}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
	},
}

_paths(fs) := {f.path | some f in fs}

test_init_containers_only_in_strict_mode if {
	p := _pod
	fs := memory_limits.deny with input as p
	_paths(fs) == {["spec", "initContainers", 1, "resources", "limits", "memory"]}
	strict := memory_limits.deny with input as p
		with data.kubeward.config.params as {"resources/memory-limits": {"strict": true}}
	_paths(strict) == {
		["spec", "initContainers", 0, "resources", "limits", "memory"],
		["spec", "initContainers", 1, "resources", "limits", "memory"],
	}
}

test_strict_param_is_per_rule if {
	p := _pod
	fs := memory_limits.deny with input as p
		with data.kubeward.config.params as {"resources/cpu-limits": {"strict": true}}
	count(fs) == 1
}

test_limit_defaults_request if {
	p := _pod
	fs := memory_requests.deny with input as p
	_paths(fs) == {["spec", "initContainers", 1, "resources", "requests", "memory"]}
}

_lr(ns) := {"apiVersion": "v1", "kind": "LimitRange", "metadata": object.union({"name": "d"}, ns), "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m"}}]}}

_bare := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}

test_limitrange_default_counts_for_requests if {
	p := _bare
	inv := [_lr({"namespace": "team"})]
	fs := cpu_requests.deny with input as p
		with data.kubeward.inventory_by_kind as {"LimitRange": inv}
		with data.kubeward.config as {"kube_minor": 35, "namespace": "team"}
	count(fs) == 0
}

test_limitrange_release_namespace_mismatch if {
	p := _bare
	inv := [_lr({"namespace": "other"})]
	fs := cpu_requests.deny with input as p
		with data.kubeward.inventory_by_kind as {"LimitRange": inv}
		with data.kubeward.config as {"kube_minor": 35, "namespace": "team"}
	count(fs) == 1
}

test_limitrange_both_unnamespaced if {
	p := _bare
	inv := [_lr({})]
	fs := cpu_requests.deny with input as p with data.kubeward.inventory_by_kind as {"LimitRange": inv}
	count(fs) == 0
}

test_malformed_shapes_do_not_fail if {
	shapes := [
		{"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": "big"}]}},
		{"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": ["1Gi"]}}]}},
		{"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"memory": null}}}]}},
		{"kind": "Pod", "spec": {"containers": "nope"}},
		{"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"ephemeral-storage": true}}}]}},
	]
	every s in shapes {
		fs := ephemeral_storage.deny with input as s with data.kubeward.inventory as [{"kind": "LimitRange", "metadata": "x", "spec": {"limits": "y"}}]
		is_set(fs)
		gs := memory_limits.deny with input as s
		is_set(gs)
	}
}

# A value the API rejects (a resources or limits block of the wrong type, a quantity that is
# not one) is the schema checks' finding: the rule calls it neither missing nor zero.
test_values_the_api_rejects_are_not_missing if {
	rejected := [
		{"name": "a", "image": "app:1", "resources": "big"},
		{"name": "a", "image": "app:1", "resources": {"limits": ["1Gi"]}},
		{"name": "a", "image": "app:1", "resources": {"limits": {"memory": false}}},
		{"name": "a", "image": "app:1", "resources": {"limits": {"memory": "1GB"}}},
		{"name": "a", "image": "app:1", "resources": {"limits": {"memory": "abc"}}},
	]
	every c in rejected {
		fs := memory_limits.deny with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [c]}}
		count(fs) == 0
	}

	# null is unset, as for the API.
	unset := {"name": "a", "image": "app:1", "resources": {"limits": {"memory": null}}}
	fs := memory_limits.deny with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [unset]}}
	count(fs) == 1
}

test_namespace_quota_release_namespace if {
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}
	inv := {
		"ResourceQuota": [{"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"}}],
		"LimitRange": [{"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"}}],
	}
	fs1 := namespace_quota.deny with input as ns with data.kubeward.inventory_by_kind as inv
	count(fs1) == 0
	fs2 := namespace_quota.deny with input as ns with data.kubeward.inventory_by_kind as inv
		with data.kubeward.config as {"kube_minor": 35, "namespace": "team"}
	count(fs2) == 0
	fs3 := namespace_quota.deny with input as ns with data.kubeward.inventory_by_kind as inv
		with data.kubeward.config as {"kube_minor": 35, "namespace": "elsewhere"}
	some f in fs3
	f.msg == `Namespace "team" has no ResourceQuota and no LimitRange in the linted files`
}
