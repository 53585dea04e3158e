# What cross-resource rules read about the run, computed ONCE per run.
#
# regorus recomputes every rule and function on each evaluation (per resource), and the
# per-namespace views of the inventory scan it: with thousands of resources that made each
# Service, NetworkPolicy and workload cost milliseconds. The engine evaluates `index` below once
# (before any resource, with an empty input) and adds it as data.kubeward.precomputed; the
# functions in selectors.rego and netpol.rego look there first and compute the same value
# themselves for a namespace it does not list. So `index` must not read `input`, and nothing
# here may read data.kubeward.precomputed.
package kubeward.lib.precompute

import rego.v1

import data.kubeward.lib.netpol
import data.kubeward.lib.selectors

# Every effective namespace a resource of the run can have (selectors.namespace_of of each
# inventory entry): the non-empty string namespaces, plus the release namespace (null when
# unknown) for resources without one.
_namespaces := {ns |
	inv := data.kubeward.inventory
	is_array(inv)
	ns := inv[_].metadata.namespace
	is_string(ns)
	ns != ""
} | {selectors.release_namespace}

index := {
	"workload_entries_in": {ns: selectors.workload_entries_in(ns) | some ns in _namespaces},
	"workloads_in": {ns: selectors.workloads_in(ns) | some ns in _namespaces},
	"workload_ids_in": {ns: selectors.workload_ids_in(ns) | some ns in _namespaces},
	"custom_resources_in": {ns: selectors.custom_resources_in(ns) | some ns in _namespaces},
	"policies_in": {ns: netpol.policies_in(ns) | some ns in _namespaces},
}
