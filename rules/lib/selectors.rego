# Label selectors, namespaces and the run's inventory: the one place that decides which pods a
# selector picks, for every cross-resource rule (PodDisruptionBudget, NetworkPolicy, Service,
# controller selectors, affinity terms).
#
# Two selector shapes exist in the API:
# - metav1.LabelSelector {matchLabels, matchExpressions} (Deployments, PDBs, NetworkPolicies,
#   affinity terms): every requirement must hold; `{}` selects everything; what an ABSENT
#   selector means depends on the field (see pdb_selects, netpol_pod_selector);
# - a plain map of labels (Service, ReplicationController, DeploymentConfig): every pair must
#   be among the pod's labels.
# A selector the API would reject (unknown operator, `In` without values, a string where a map
# belongs) selects nothing here; `problem(sel)` says why it is invalid, `shape_problem(sel)`
# whether that is a problem the schema/* checks report.
#
# Namespaces: cross-resource joins happen within the namespace each object WILL land in:
# metadata.namespace, else data.kubeward.config.namespace (the Helm release namespace) when
# given, else unknown (null). An unknown namespace is equal only to another unknown one.
#
# Everything here is total: no input shape raises a runtime error.
package kubeward.lib.selectors

import rego.v1

# ---------------------------------------------------------------------------------------------
# metav1.LabelSelector
# ---------------------------------------------------------------------------------------------

# matches(sel, labels): the LabelSelector `sel` selects a pod with `labels`. `{}` (and a selector
# whose matchLabels/matchExpressions are empty) selects every pod. Undefined for a selector that
# is not an object or that the API would reject.
matches(sel, labels) if {
	is_object(sel)
	not problem(sel)

	# Written out here rather than in one helper per part: the network and "dangling" rules
	# call this for every policy or workload of a namespace, and each function call costs more
	# than these expressions. Past `problem`, matchLabels is null or a map and
	# matchExpressions null or a list of valid expressions.
	l = {true: labels, false: {}}[is_object(labels)]
	ml = object.get(sel, "matchLabels", null)
	# `object.get(l, k, [v])`, not `l[k]`: regorus 0.14.1's RVM lets an `every` body that indexes
	# by the loop variable hold for one matching entry. The default [v] never equals v.
	every k, v in {true: ml, false: {}}[is_object(ml)] {
		object.get(l, k, [v]) == v
	}
	me = object.get(sel, "matchExpressions", null)
	every e in {true: me, false: []}[is_array(me)] {
		_expression_holds(e, l)
	}
}

# is_empty(sel): a LabelSelector object without any requirement (`{}`, `{matchLabels: {}}`).
is_empty(sel) if {
	is_object(sel)
	not _has_requirements(sel)
}

_has_requirements(sel) if {
	ml = sel.matchLabels
	is_object(ml)
	count(ml) > 0
}

_has_requirements(sel) if {
	me = sel.matchExpressions
	is_array(me)
	count(me) > 0
}

_labels(labels) := labels if is_object(labels)

_labels(labels) := {} if not is_object(labels)

_expression_holds(e, labels) if {
	e.operator == "In"
	_has_key(labels, e.key)
	labels[e.key] in e.values
}

_expression_holds(e, labels) if {
	e.operator == "NotIn"
	not _has_key(labels, e.key)
}

_expression_holds(e, labels) if {
	e.operator == "NotIn"
	_has_key(labels, e.key)
	not labels[e.key] in e.values
}

_expression_holds(e, labels) if {
	e.operator == "Exists"
	_has_key(labels, e.key)
}

_expression_holds(e, labels) if {
	e.operator == "DoesNotExist"
	not _has_key(labels, e.key)
}

# A direct lookup rather than a scan of every key: a key whose value is null still counts.
_has_key(obj, key) if {
	_ = obj[key]
}

# problem(sel): why the API rejects the LabelSelector `sel` (undefined when it is valid or
# null). Only the first problem is named: one of shape_problem(sel) first, else an expression
# whose values do not fit its operator.
problem(sel) := msg if {
	msg = shape_problem(sel)
} else := msg if {
	is_object(sel)
	me = object.get(sel, "matchExpressions", null)
	is_array(me)
	bad = [i | e := me[i]; _values_problem(e)]
	count(bad) > 0
	msg = sprintf("matchExpressions[%d] %s", [bad[0], _values_problem(me[bad[0]])])
}

# shape_problem(sel): a problem of `sel` that the schema/* checks report (a wrong type, a
# missing key, an operator outside the enum), undefined when there is none. Rules stay silent
# about such a selector: it is the schema checks' finding, not theirs.
shape_problem(sel) := sprintf("the selector is %s, not a map", [_shape(sel)]) if {
	not is_object(sel)
	not is_null(sel)
} else := sprintf("matchLabels is %s, not a map", [_shape(ml)]) if {
	is_object(sel)
	ml = object.get(sel, "matchLabels", null)
	not is_object(ml)
	not is_null(ml)
} else := sprintf("matchLabels[%q] is not a string", [_first_non_string(ml)]) if {
	is_object(sel)
	ml = object.get(sel, "matchLabels", null)
	is_object(ml)
	count([k | some k, v in ml; not is_string(v)]) > 0
} else := sprintf("matchExpressions is %s, not a list", [_shape(me)]) if {
	is_object(sel)
	me = object.get(sel, "matchExpressions", null)
	not is_array(me)
	not is_null(me)
} else := msg if {
	is_object(sel)
	me = object.get(sel, "matchExpressions", null)
	is_array(me)
	bad = [i | e := me[i]; _expression_problem(e)]
	count(bad) > 0
	msg = sprintf("matchExpressions[%d] %s", [bad[0], _expression_problem(me[bad[0]])])
}

_first_non_string(ml) := sort([k | some k, v in ml; not is_string(v)])[0]

_shape(v) := "a string" if is_string(v)

_shape(v) := "a number" if is_number(v)

_shape(v) := "a boolean" if is_boolean(v)

_shape(v) := "a list" if is_array(v)

_shape(v) := "a map" if is_object(v)

_shape(v) := "null" if is_null(v)

_shape(v) := "a set" if is_set(v)

_operators := {"In", "NotIn", "Exists", "DoesNotExist"}

_expression_problem(e) := "is not a map" if {
	not is_object(e)
} else := "has no key" if {
	not is_string(e.key)
} else := sprintf("has operator %s (expected In, NotIn, Exists or DoesNotExist)", [_quote(op)]) if {
	op = object.get(e, "operator", null)
	not op in _operators
} else := "has values that are not a list" if {
	v = object.get(e, "values", null)
	not is_array(v)
	not is_null(v)
} else := "has a value that is not a string" if {
	v = object.get(e, "values", null)
	is_array(v)
	count([x | some x in v; not is_string(x)]) > 0
}

# Of an expression without a shape problem: values that do not fit the operator (API
# validation, which no schema/* check reports).
_values_problem(e) := sprintf("uses %s without values", [e.operator]) if {
	e.operator in {"In", "NotIn"}
	not _non_empty_list(object.get(e, "values", null))
} else := sprintf("uses %s with values (they must be empty)", [e.operator]) if {
	e.operator in {"Exists", "DoesNotExist"}
	_non_empty_list(object.get(e, "values", null))
}

_non_empty_list(v) if {
	is_array(v)
	count(v) > 0
}

_quote(v) := sprintf("%q", [v]) if is_string(v)

_quote(v) := sprintf("%v", [v]) if not is_string(v)

# ---------------------------------------------------------------------------------------------
# Plain label maps (Service, ReplicationController, DeploymentConfig)
# ---------------------------------------------------------------------------------------------

# map_matches(sel, labels): every key/value of the map `sel` is among `labels`. An empty map
# matches everything; callers decide what an empty or absent map means for their field.
map_matches(sel, labels) if {
	is_object(sel)
	l = _labels(labels)
	# `object.get(l, k, [v])`, not `l[k]`: regorus 0.14.1's RVM lets an `every` body that indexes
	# by the loop variable hold for one matching entry. The default [v] never equals v.
	every k, v in sel {
		object.get(l, k, [v]) == v
	}
}

# ---------------------------------------------------------------------------------------------
# Field-specific semantics
# ---------------------------------------------------------------------------------------------

# pdb_selects(pdb, labels): the PodDisruptionBudget object `pdb` covers a pod with `labels`.
# policy/v1: an absent (null) selector selects no pod, `selector: {}` selects every pod of the
# namespace. policy/v1beta1: an absent or empty selector selects no pod.
pdb_selects(pdb, labels) if {
	sel = pdb.spec.selector
	not pdb.apiVersion == "policy/v1beta1"
	matches(sel, labels)
}

pdb_selects(pdb, labels) if {
	sel = pdb.spec.selector
	pdb.apiVersion == "policy/v1beta1"
	not is_empty(sel)
	matches(sel, labels)
}

# netpol_pod_selector(policy): the podSelector of a networking.k8s.io NetworkPolicy. The field
# is a struct, not a pointer, in the API: an absent podSelector decodes as `{}` (all pods).
netpol_pod_selector(policy) := sel if {
	sel = policy.spec.podSelector
	sel != null
} else := {}

# service_selector(svc): the non-empty selector map of a Service. Undefined for a Service
# without a selector, with `selector: {}` (stored as no selector: no endpoints are managed) or
# of type ExternalName (the selector is ignored).
service_selector(svc) := sel if {
	sel = svc.spec.selector
	is_object(sel)
	count(sel) > 0
	not svc.spec.type == "ExternalName"
}

# ---------------------------------------------------------------------------------------------
# Namespaces
# ---------------------------------------------------------------------------------------------

# namespace_of(obj): the namespace `obj` will land in: metadata.namespace, else the configured
# release namespace (data.kubeward.config.namespace), else null (unknown).
namespace_of(obj) := ns if {
	ns = obj.metadata.namespace
	is_string(ns)
	ns != ""
} else := release_namespace

# release_namespace: data.kubeward.config.namespace when given, else null (unknown).
release_namespace := ns if {
	ns = data.kubeward.config.namespace
	is_string(ns)
	ns != ""
} else := null

# namespace_label(ns): how messages name a namespace: `namespace "prod"`, or `the same (unset)
# namespace` when it is unknown.
namespace_label(ns) := sprintf("namespace %q", [ns]) if is_string(ns)

namespace_label(ns) := "the same (unset) namespace" if not is_string(ns)

# ---------------------------------------------------------------------------------------------
# The inventory (data.kubeward.inventory: one entry per resource of the run)
# ---------------------------------------------------------------------------------------------

# Per-namespace views of the inventory (workload_entries_in, workloads_in, workload_ids_in,
# custom_resources_in, netpol.policies_in) are read from data.kubeward.precomputed when the
# engine provides it: lib/precompute.rego computes them once per run for every namespace of
# the run, because regorus recomputes a function on every call and these scan the inventory.
# A namespace the index does not list (and every namespace, without the index) is computed here.

# Kinds that carry a pod template (RULES.md §1.1).
pod_bearing_kinds := {
	"Pod",
	"Deployment",
	"StatefulSet",
	"DaemonSet",
	"ReplicaSet",
	"ReplicationController",
	"Job",
	"CronJob",
	"PodTemplate",
	"Rollout",
	"DeploymentConfig",
}

# of_kind(kind): the inventory entries of one kind, in run order. Uses the engine's index
# data.kubeward.inventory_by_kind (kind -> entries) when it provides one, else scans.
of_kind(kind) := entries if {
	by_kind = data.kubeward.inventory_by_kind
	is_object(by_kind)
	entries = _array(object.get(by_kind, kind, []))
} else := [e |
	inv = data.kubeward.inventory
	is_array(inv)
	e = inv[_]
	is_object(e)
	e.kind == kind
]

_array(v) := v if is_array(v)

_array(v) := [] if not is_array(v)

# pod_bearing_entries(_): every pod-bearing inventory entry (a function, so that it is only
# computed by the rules that need it: in regorus 0.14.1 a reference to any rule of a package
# through an import alias evaluates every rule of that package).
pod_bearing_entries(_) := entries if {
	is_object(data.kubeward.inventory_by_kind)
	entries = [e | some kind in workload_kinds(0); e := of_kind(kind)[_]]
} else := [e |
	kinds = workload_kinds(0)
	inv = data.kubeward.inventory
	is_array(inv)
	e = inv[_]
	is_object(e)
	e.kind in kinds
]

# workload_kinds(_): the pod-bearing kinds plus the custom workload kinds declared in the
# config (data.kubeward.config.workloads[*].kind).
workload_kinds(_) := pod_bearing_kinds | {k | k := data.kubeward.config.workloads[_].kind; is_string(k)}

_str(v) := v if is_string(v)

_str(v) := "" if not is_string(v)

# workloads_in(ns): the workloads (pod-bearing inventory entries) of one effective namespace, as
#   {"kind", "name", "ns", "labels" (pod template labels, {} when absent or malformed),
#    "entry" (the inventory entry)}.
workloads_in(ns) := ws if {
	ws = data.kubeward.precomputed.workloads_in[ns]
} else := workloads_of(workload_entries_in(ns), ns)

# workloads_of(entries, ns): workloads_in(ns) for the workload entries of namespace ns.
workloads_of(entries, ns) := {w |
	e = entries[_]
	w = {
		"kind": e.kind,
		"name": _str(e.metadata.name),
		"ns": ns,
		"labels": _labels(object.get(e, "pod_labels", null)),
		"entry": e,
	}
}

# workload_ids_in(ns): [kind, name] of every workload of namespace ns, sorted.
workload_ids_in(ns) := ids if {
	ids = data.kubeward.precomputed.workload_ids_in[ns]
} else := workload_ids_of(workload_entries_in(ns))

# workload_ids_of(entries): workload_ids_in(ns) for the workload entries of namespace ns.
workload_ids_of(entries) := sort([[e.kind, object.get(e.metadata, "name", "")] | e := entries[_]])

# workload_entries_in(ns): the pod-bearing inventory entries of namespace ns.
workload_entries_in(ns) := es if {
	es = data.kubeward.precomputed.workload_entries_in[ns]
} else := entries_in(pod_bearing_entries(0), ns)

# workload_entries_of(by_kind, ns): workload_entries_in(ns) computed from `by_kind` (kind ->
# entries in run order), which must hold every entry of namespace ns and may hold others (the
# run index passes each namespace's own bucket, see lib/precompute.rego).
workload_entries_of(by_kind, ns) := entries_in(
	[e | some kind in workload_kinds(0); e := _array(object.get(by_kind, kind, []))[_]],
	ns,
)

# entries_in(entries, ns): the entries (objects with a metadata object) whose effective
# namespace is ns. These filters run for every resource of a namespace, so they use builtins
# only: a user-defined function call per entry costs far more than the comparison.
entries_in(entries, ns) := array.concat(
	[e |
		is_string(ns)
		e = entries[_]
		is_object(e.metadata)
		object.get(e.metadata, "namespace", "") == ns
	],
	array.concat(
		[e |
			ns == release_namespace
			e = entries[_]
			is_object(e.metadata)
			object.get(e.metadata, "namespace", "") == ""
		],
		[e |
			ns == release_namespace
			e = entries[_]
			is_object(e.metadata)
			not is_string(object.get(e.metadata, "namespace", ""))
		],
	),
)

# any_workload_matches(ns, sel): some workload of namespace ns has pod labels that the
# LabelSelector sel selects. any_workload_matches_map(ns, sel): the same for a plain label map.
# These run once per Service / NetworkPolicy over every workload of its namespace, so the
# per-workload test is written inline (`every`), without a function call per workload.
any_workload_matches(ns, sel) if {
	is_object(sel)
	not problem(sel)
	ml = object.remove(_object_or_empty(object.get(sel, "matchLabels", null)), controller_labels)
	me = [x | x := _array_or_empty(object.get(sel, "matchExpressions", null))[_]; not x.key in controller_labels]
	e = workload_entries_in(ns)[_]
	labels = object.get(e, "pod_labels", {})
	# `object.get(l, k, [v])`, not `l[k]`: regorus 0.14.1's RVM lets an `every` body that indexes
	# by the loop variable hold for one matching entry. The default [v] never equals v.
	every k, v in ml {
		object.get(labels, k, [v]) == v
	}
	every x in me {
		_expression_holds(x, _labels(labels))
	}
}

any_workload_matches_map(ns, sel) if {
	is_object(sel)
	required = object.remove(sel, controller_labels)
	e = workload_entries_in(ns)[_]
	labels = object.get(e, "pod_labels", {})
	# `object.get(l, k, [v])`, not `l[k]`: regorus 0.14.1's RVM lets an `every` body that indexes
	# by the loop variable hold for one matching entry. The default [v] never equals v.
	every k, v in required {
		object.get(labels, k, [v]) == v
	}
}

# ---------------------------------------------------------------------------------------------
# Selectors whose pods live in other namespaces (the "dangling" rules)
# ---------------------------------------------------------------------------------------------

# run_namespaces(_): the KNOWN effective namespaces of the run: every non-empty string
# metadata.namespace, plus the release namespace when one is given. (A function, like
# pod_bearing_entries, so that only the rules that call it compute it.)
run_namespaces(_) := {ns | some ns, _ in data.kubeward.inventory_by_ns.namespaces; is_string(ns)} | _known_release(0) if {
	is_object(data.kubeward.inventory_by_ns.namespaces)
} else := {ns |
	inv = data.kubeward.inventory
	is_array(inv)
	ns = inv[_].metadata.namespace
	is_string(ns)
	ns != ""
} | _known_release(0)

_known_release(_) := {ns | ns = release_namespace; is_string(ns)}

# matching_namespaces(sel, kind): the known namespaces holding a workload whose pod labels the
# selector selects; kind "label" for a LabelSelector, "map" for a plain label map.
matching_namespaces(sel, kind) := {ns | some ns in run_namespaces(0); _workload_matches(ns, sel, kind)}

_workload_matches(ns, sel, "label") if any_workload_matches(ns, sel)

_workload_matches(ns, sel, "map") if any_workload_matches_map(ns, sel)

# matches_in_unknown_namespace(sel, kind): a workload of an unknown namespace (no
# metadata.namespace and no release namespace) has pod labels the selector selects: it may land
# in any namespace.
matches_in_unknown_namespace(sel, kind) if {
	is_null(release_namespace)
	_workload_matches(null, sel, kind)
}

# pods_elsewhere(ns, sel, kind): for a selector of namespace ns that selects no workload of ns,
# the other namespaces (sorted) where workloads it selects are KNOWN to live. Empty when ns is
# unknown (the object may be applied to any of them) or when a workload of an unknown namespace
# matches (it may land in ns): a selector is only said to point elsewhere when it certainly does.
pods_elsewhere(ns, sel, kind) := [] if {
	not is_string(ns)
} else := [] if {
	matches_in_unknown_namespace(sel, kind)
} else := sort([other | some other in matching_namespaces(sel, kind); other != ns])

# may_select_here(ns, sel, kind): a workload the selector selects might still land in namespace
# ns although none of ns is known to: ns is unknown and some workload matches anywhere, or a
# matching workload's namespace is unknown.
may_select_here(ns, sel, kind) if {
	not is_string(ns)
	count(matching_namespaces(sel, kind)) > 0
}

may_select_here(ns, sel, kind) if {
	is_string(ns)
	matches_in_unknown_namespace(sel, kind)
}

# namespaces_text(nss): `namespace "a"` or `namespaces "a", "b"` (nss sorted, non-empty).
namespaces_text(nss) := sprintf("namespace %q", [nss[0]]) if {
	count(nss) == 1
} else := sprintf("namespaces %s", [concat(", ", [sprintf("%q", [n]) | some n in nss])])

# Labels that controllers add to the pods they create (not in the pod template): a selector
# may require them, e.g. a Service per StatefulSet pod (statefulset.kubernetes.io/pod-name).
# The "dangling" checks treat them as satisfied.
controller_labels := {
	"statefulset.kubernetes.io/pod-name",
	"apps.kubernetes.io/pod-index",
	"controller-revision-hash",
	"pod-template-hash",
	"pod-template-generation",
	"job-name",
	"controller-uid",
	"batch.kubernetes.io/job-name",
	"batch.kubernetes.io/controller-uid",
	"batch.kubernetes.io/job-completion-index",
}

_object_or_empty(v) := v if is_object(v)

_object_or_empty(v) := {} if not is_object(v)

_array_or_empty(v) := v if is_array(v)

_array_or_empty(v) := [] if not is_array(v)

# Built-in API groups ("" is the core group). Resources of other groups are custom resources.
builtin_groups := {
	"",
	"admissionregistration.k8s.io",
	"apiextensions.k8s.io",
	"apiregistration.k8s.io",
	"apps",
	"authentication.k8s.io",
	"authorization.k8s.io",
	"autoscaling",
	"batch",
	"certificates.k8s.io",
	"coordination.k8s.io",
	"discovery.k8s.io",
	"events.k8s.io",
	"extensions",
	"flowcontrol.apiserver.k8s.io",
	"networking.k8s.io",
	"node.k8s.io",
	"policy",
	"rbac.authorization.k8s.io",
	"resource.k8s.io",
	"scheduling.k8s.io",
	"storage.k8s.io",
}

# custom_resources_in(ns): the custom resources (non built-in API group, not a pod-bearing
# kind) of namespace ns in the run. Operators create pods from them and usually copy the
# resource's labels onto those pods, so "dangling" rules treat a selector that matches a custom
# resource's labels as matching pods.
custom_resources_in(ns) := crs if {
	crs = data.kubeward.precomputed.custom_resources_in[ns]
} else := custom_resources_of(_inventory(0), ns)

_inventory(_) := inv if {
	inv = data.kubeward.inventory
} else := []

# custom_resources_of(inv, ns): custom_resources_in(ns) computed from `inv` (inventory entries
# in run order), which must hold every entry of namespace ns and may hold others.
custom_resources_of(inv, ns) := entries_in(
	[e |
		is_array(inv)
		e = inv[_]
		av = e.apiVersion
		contains(av, "/")
		not substring(av, 0, indexof(av, "/")) in builtin_groups
		not e.kind in pod_bearing_kinds
	],
	ns,
)

# operator_labels_match(ns, sel, kind): some custom resource of namespace ns has labels that the
# selector matches (kind "label" = LabelSelector, "map" = plain map).
operator_labels_match(ns, sel, "label") if {
	some e in custom_resources_in(ns)
	_non_empty_object(e.metadata.labels)
	matches(sel, e.metadata.labels)
}

operator_labels_match(ns, sel, "map") if {
	some e in custom_resources_in(ns)
	_non_empty_object(e.metadata.labels)
	map_matches(sel, e.metadata.labels)
}

# is_input(entry): the inventory entry describes `input` itself (same apiVersion, kind, name and
# effective namespace).
is_input(entry) if {
	entry.kind == input.kind
	entry.apiVersion == input.apiVersion
	_str(entry.metadata.name) == _str(input.metadata.name)
	namespace_of(entry) == namespace_of(input)
}

# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

# labels_text(labels): a label map as messages show it, `app=web, tier=frontend` (sorted), or
# `no labels`. Non-string values (a YAML `yes` read as a boolean) show as JSON.
labels_text(labels) := "no labels" if {
	not _non_empty_object(labels)
} else := concat(", ", sort([sprintf("%s=%s", [k, _value_text(v)]) | some k, v in labels]))

_non_empty_object(v) if {
	is_object(v)
	count(v) > 0
}

_value_text(v) := v if is_string(v)

_value_text(v) := sprintf("%v", [v]) if not is_string(v)
