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
	inv = data.kubeward.inventory
	is_array(inv)
	ns = inv[_].metadata.namespace
	is_string(ns)
	ns != ""
} | {data.kubeward.lib.selectors.release_namespace}

# Each namespace's views are computed on its own bucket of the inventory, not on the whole run
# (which made this quadratic: namespaces x entries). The engine groups the entries
# (data.kubeward.inventory_by_ns, src/lib.rs run_data): "namespaces" maps each non-empty string
# namespace to {"all": entries in run order, "by_kind": kind -> entries in run order}, "unset"
# holds the entries whose namespace is absent, empty or not a string (same shape); entries
# without a metadata object belong to no namespace and are in neither. A bucket holds every
# entry of its namespace, and the *_of functions filter by namespace (selectors.entries_in)
# exactly as the whole-run ones do, so each view is the same value, in the same order.
index := {
	"workload_entries_in": _workload_entries,
	"workloads_in": {ns: selectors.workloads_of(es, ns) | some ns, es in _workload_entries},
	"workload_ids_in": {ns: selectors.workload_ids_of(es) | some ns, es in _workload_entries},
	"custom_resources_in": {ns: selectors.custom_resources_of(b.all, ns) | some ns, b in _buckets},
	"policies_in": {ns: netpol.policies_of(b.by_kind, ns) | some ns, b in _buckets},
	"service_accounts_named": _service_accounts_named,
}

# The run's ServiceAccounts by metadata.name (string names only), for rbac.service_account_named:
# every workload looks its service account up, and scanning all of them cost ~0.1 ms each.
_service_accounts_named := {name: [sa | some sa in sas; sa.metadata.name == name] |
	sas = selectors.of_kind("ServiceAccount")
	some name in {n | n := sas[_].metadata.name; is_string(n)}
}

_workload_entries := {ns: es |
	some ns, b in _buckets
	es = _workload_entries_of(b.by_kind, ns)
}

# Without the grouping (by_kind null) the views are computed on the whole run.
_workload_entries_of(by_kind, ns) := selectors.workload_entries_in(ns) if {
	is_null(by_kind)
} else := selectors.workload_entries_of(by_kind, ns)

_buckets := {ns: _bucket(ns) | some ns in _namespaces}

_bucket(ns) := b if {
	groups = data.kubeward.inventory_by_ns
	is_object(groups)
	b = _own_bucket(groups, ns)
} else := {"all": _inventory, "by_kind": null}

_inventory := inv if {
	inv = data.kubeward.inventory
	is_array(inv)
} else := []

_empty := {"all": [], "by_kind": {}}

# The release namespace (null when unknown) also holds the unset entries.
_own_bucket(groups, ns) := object.get(groups.namespaces, ns, _empty) if {
	ns != data.kubeward.lib.selectors.release_namespace
}

_own_bucket(groups, ns) := groups.unset if {
	ns == data.kubeward.lib.selectors.release_namespace
	not is_string(ns)
}

_own_bucket(groups, ns) := _merged(object.get(groups.namespaces, ns, _empty), groups.unset) if {
	ns == data.kubeward.lib.selectors.release_namespace
	is_string(ns)
}

_merged(a, b) := {
	"all": array.concat(a.all, b.all),
	"by_kind": {kind: array.concat(object.get(a.by_kind, kind, []), object.get(b.by_kind, kind, [])) |
		some kind in {k | some k, _ in a.by_kind} | {k | some k, _ in b.by_kind}
	},
}
