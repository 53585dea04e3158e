# Network policy helpers for the network rules: which policies of the run select a pod, and
# whether they isolate it for ingress and egress.
#
# Policy kinds understood (each normalised by `policies` below):
# - NetworkPolicy, networking.k8s.io (and the removed extensions/v1beta1): spec.podSelector
#   (absent = `{}` = every pod of the namespace); spec.policyTypes, or when it is absent
#   Ingress always and Egress only when spec.egress has rules.
# - NetworkPolicy, projectcalico.org/v3 (Calico; same kind name): spec.selector is a Calico
#   selector expression; a simple subset is evaluated (`all()`, `k == 'v'`, `k != 'v'`,
#   `has(k)`, `!has(k)`, `k in {'a', 'b'}`, joined by `&&`); any other expression is assumed to
#   select the pod, so it never causes a finding. spec.types, or when absent: Egress when there
#   are egress rules, Ingress when there are ingress rules or no egress rules.
# - CiliumNetworkPolicy (namespaced) and CiliumClusterwideNetworkPolicy (every namespace):
#   spec and/or specs[*], each with an endpointSelector (LabelSelector, keys may carry a
#   `k8s:` / `any:` source prefix; the namespace is the label io.kubernetes.pod.namespace); a
#   rule isolates ingress when it has an `ingress` or `ingressDeny` section (unless
#   enableDefaultDeny.ingress is false), egress likewise. nodeSelector (host) rules are ignored.
#
# Which kinds count is configurable per rule (param `policy_kinds`, default all three).
#
# Everything here is total: no input shape raises a runtime error.
package kubeward.lib.netpol

import rego.v1

import data.kubeward.lib.selectors

default_policy_kinds := ["NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"]

# is_k8s_policy(p): p is a networking.k8s.io NetworkPolicy (the shape the network rules read).
is_k8s_policy(p) if {
	p.kind == "NetworkPolicy"
	is_string(p.apiVersion)
	startswith(p.apiVersion, "networking.k8s.io/")
}

is_k8s_policy(p) if {
	p.kind == "NetworkPolicy"
	is_string(p.apiVersion)
	startswith(p.apiVersion, "extensions/")
}

_is_calico(p) if {
	p.kind == "NetworkPolicy"
	is_string(p.apiVersion)
	startswith(p.apiVersion, "projectcalico.org/")
}

_is_calico(p) if {
	p.kind == "NetworkPolicy"
	is_string(p.apiVersion)
	startswith(p.apiVersion, "crd.projectcalico.org/")
}

# ---------------------------------------------------------------------------------------------
# Normalised policies
# ---------------------------------------------------------------------------------------------

# policies_in(ns): one object per policy rule that can apply to pods of namespace ns (the
# namespaced policies of ns and every cluster-wide one):
#   {"kind", "name", "ns" (effective namespace, null for cluster-wide or unknown),
#    "cluster_wide": bool, "flavour": "k8s" | "calico" | "cilium",
#    "selector": the selector (LabelSelector, or a Calico expression string),
#    "ingress": bool, "egress": bool (the policy isolates the selected pods in that direction)}
# Only the policies of ns are normalised: this runs once per workload.
policies_in(ns) := ps if {
	ps = data.kubeward.precomputed.policies_in[ns]
} else := policies_of(null, ns)

# policies_of(by_kind, ns): policies_in(ns) computed from `by_kind` (kind -> entries in run
# order), which must hold every namespaced entry of namespace ns and may hold others (the run
# index passes each namespace's own bucket, see lib/precompute.rego); null reads the whole run.
# Cluster-wide policies are always read from the whole run.
policies_of(by_kind, ns) := (_k8s_policies(by_kind, ns) | _calico_policies(by_kind, ns)) | _cilium_policies(by_kind, ns)

_namespaced(by_kind, kind, ns) := selectors.entries_in(selectors.of_kind(kind), ns) if {
	is_null(by_kind)
} else := selectors.entries_in(_list(object.get(by_kind, kind, [])), ns)

_k8s_policies(by_kind, ns) := {p |
	some raw in _namespaced(by_kind, "NetworkPolicy", ns)
	is_k8s_policy(raw)
	types = k8s_types(raw)
	p = {
		"kind": "NetworkPolicy",
		"name": _name(raw),
		"ns": ns,
		"cluster_wide": false,
		"flavour": "k8s",
		"selector": selectors.netpol_pod_selector(raw),
		"ingress": "Ingress" in types,
		"egress": "Egress" in types,
	}
}

_calico_policies(by_kind, ns) := {p |
	some raw in _namespaced(by_kind, "NetworkPolicy", ns)
	_is_calico(raw)
	types = _calico_types(raw)
	p = {
		"kind": "NetworkPolicy",
		"name": _name(raw),
		"ns": ns,
		"cluster_wide": false,
		"flavour": "calico",
		"selector": _calico_selector(raw),
		"ingress": "Ingress" in types,
		"egress": "Egress" in types,
	}
}

_cilium_policies(by_kind, ns) := {p |
	some kind in ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"]
	some raw in _cilium_raw(by_kind, kind, ns)
	is_object(raw)
	some rule in _cilium_rules(raw)
	sel = rule.endpointSelector
	is_object(sel)
	p = {
		"kind": kind,
		"name": _name(raw),
		"ns": _cilium_ns(kind, ns),
		"cluster_wide": kind == "CiliumClusterwideNetworkPolicy",
		"flavour": "cilium",
		"selector": _cilium_selector(sel),
		"ingress": _cilium_direction(rule, "ingress"),
		"egress": _cilium_direction(rule, "egress"),
	}
}

_cilium_raw(by_kind, "CiliumNetworkPolicy", ns) := _namespaced(by_kind, "CiliumNetworkPolicy", ns)

_cilium_raw(_, "CiliumClusterwideNetworkPolicy", _) := selectors.of_kind("CiliumClusterwideNetworkPolicy")

_name(raw) := n if {
	n = raw.metadata.name
	is_string(n)
} else := ""

# k8s_types(raw): the policyTypes of a networking.k8s.io NetworkPolicy, or the API default when
# absent (Ingress, plus Egress when spec.egress has rules).
k8s_types(raw) := {t | t := raw.spec.policyTypes[_]; is_string(t)} if {
	is_array(raw.spec.policyTypes)
} else := {"Ingress", "Egress"} if {
	_non_empty(raw.spec.egress)
} else := {"Ingress"}

_non_empty(v) if {
	is_array(v)
	count(v) > 0
}

_calico_types(raw) := {t | t := raw.spec.types[_]; is_string(t)} if {
	is_array(raw.spec.types)
} else := {"Ingress", "Egress"} if {
	_non_empty(raw.spec.ingress)
	_non_empty(raw.spec.egress)
} else := {"Egress"} if {
	_non_empty(raw.spec.egress)
} else := {"Ingress"}

_calico_selector(raw) := s if {
	s = raw.spec.selector
	is_string(s)
} else := "all()"

_cilium_rules(raw) := array.concat(_spec_rule(raw), _specs_rules(raw))

_spec_rule(raw) := [raw.spec] if is_object(raw.spec)

_spec_rule(raw) := [] if not is_object(raw.spec)

_specs_rules(raw) := [r | r := raw.specs[_]; is_object(r)] if is_array(raw.specs)

_specs_rules(raw) := [] if not is_array(raw.specs)

_cilium_ns("CiliumNetworkPolicy", ns) := ns

_cilium_ns("CiliumClusterwideNetworkPolicy", _) := null

_cilium_direction(rule, direction) := true if {
	_cilium_isolates(rule, direction)
} else := false

_cilium_isolates(rule, direction) if {
	some section in {direction, sprintf("%sDeny", [direction])}
	is_array(rule[section])
	not rule.enableDefaultDeny[direction] == false
}

# Cilium label keys may carry a source prefix (`k8s:app`, `any:app`): strip it.
_cilium_key(k) := substring(k, 4, -1) if {
	is_string(k)
	startswith(k, "k8s:")
} else := substring(k, 4, -1) if {
	is_string(k)
	startswith(k, "any:")
} else := k

# The endpointSelector with prefixes stripped; matchLabels become In expressions so that
# `k8s:app` and `app` in one selector cannot collide.
_cilium_selector(sel) := sel if {
	selectors.problem(sel)
} else := {"matchExpressions": array.concat(
	[{"key": _cilium_key(k), "operator": "In", "values": [v]} | some k, v in _object(object.get(sel, "matchLabels", {}))],
	[_cilium_expression(e) | e := _list(object.get(sel, "matchExpressions", []))[_]],
)}

_cilium_expression(e) := object.union(e, {"key": _cilium_key(e.key)})

_object(v) := v if is_object(v)

_object(v) := {} if not is_object(v)

_list(v) := v if is_array(v)

_list(v) := [] if not is_array(v)

# ---------------------------------------------------------------------------------------------
# Selection
# ---------------------------------------------------------------------------------------------

# policy_kinds(rule_id): the policy kinds a rule counts (param `policy_kinds`).
policy_kinds(rule_id) := {k | k := _list(object.get(_params(rule_id), "policy_kinds", default_policy_kinds))[_]}

_params(rule_id) := p if {
	p = data.kubeward.config.params[rule_id]
	is_object(p)
} else := {}

# counted_in(rule_id, ns): the policies of policies_in(ns) of the kinds the rule counts.
counted_in(rule_id, ns) := {p | some p in policies_in(ns); p.kind in kinds} if {
	# Computed once per call, not once per policy.
	kinds = policy_kinds(rule_id)
}

# any_counted(rule_id): the run contains at least one policy of a kind the rule counts.
any_counted(rule_id) if {
	some kind in policy_kinds(rule_id)
	count(selectors.of_kind(kind)) > 0
}

# selects(p, labels, ns): policy p applies to a pod with `labels` in namespace ns.
selects(p, labels, ns) if {
	not p.cluster_wide
	p.ns == ns
	_selects_labels(p, labels, ns)
}

selects(p, labels, ns) if {
	p.cluster_wide
	_selects_labels(p, labels, ns)
}

_selects_labels(p, labels, _) if {
	p.flavour == "k8s"
	selectors.matches(p.selector, labels)
}

_selects_labels(p, labels, _) if {
	p.flavour == "calico"
	calico_selects(p.selector, labels)
}

_selects_labels(p, labels, ns) if {
	p.flavour == "cilium"
	selectors.matches(p.selector, _cilium_labels(labels, ns))
}

_cilium_labels(labels, ns) := object.union(_object(labels), {"io.kubernetes.pod.namespace": ns}) if {
	is_string(ns)
} else := _object(labels)

# covers_namespace(p, ns): policy p is "in" namespace ns: a namespaced policy of ns, or a
# cluster-wide one whose selector constrains nothing but (possibly) the namespace and matches ns.
covers_namespace(p, ns) if {
	not p.cluster_wide
	p.ns == ns
}

covers_namespace(p, ns) if {
	p.cluster_wide
	_selects_labels(p, {}, ns)
}

# ---------------------------------------------------------------------------------------------
# Calico selector subset
# ---------------------------------------------------------------------------------------------

# calico_selects(expr, labels): the Calico selector expression selects `labels`. Expressions
# outside the supported subset are assumed to select (never a false "not isolated").
calico_selects(expr, labels) if {
	terms = _calico_terms(expr)
	every t in terms {
		_calico_term_holds(t, _object(labels))
	}
}

calico_selects(expr, _) if {
	some t in _calico_terms(expr)
	not _calico_term_known(t)
}

_calico_terms(expr) := [trim_space(t) | some t in split(expr, "&&")] if {
	is_string(expr)
	trim_space(expr) != ""
} else := []

_calico_term_known(t) if t == "all()"

_calico_term_known(t) if regex.match(`^!?has\(\s*[A-Za-z0-9_./-]+\s*\)$`, t)

_calico_term_known(t) if regex.match(`^[A-Za-z0-9_./-]+\s*(==|!=)\s*('[^']*'|"[^"]*")$`, t)

_calico_term_known(t) if regex.match(`^[A-Za-z0-9_./-]+\s+(not\s+)?in\s*\{[^}]*\}$`, t)

_calico_term_holds(t, _) if t == "all()"

_calico_term_holds(t, _) if not _calico_term_known(t)

_calico_term_holds(t, labels) if {
	regex.match(`^has\(`, t)
	key = trim_space(trim_suffix(trim_prefix(t, "has("), ")"))
	_has_key(labels, key)
}

_calico_term_holds(t, labels) if {
	regex.match(`^!has\(`, t)
	key = trim_space(trim_suffix(trim_prefix(t, "!has("), ")"))
	not _has_key(labels, key)
}

_calico_term_holds(t, labels) if {
	regex.match(`^[A-Za-z0-9_./-]+\s*==`, t)
	parts = split(t, "==")
	key = trim_space(parts[0])
	value = _unquote(trim_space(parts[1]))
	labels[key] == value
}

_calico_term_holds(t, labels) if {
	regex.match(`^[A-Za-z0-9_./-]+\s*!=`, t)
	parts = split(t, "!=")
	key = trim_space(parts[0])
	value = _unquote(trim_space(parts[1]))
	not labels[key] == value
}

_calico_term_holds(t, labels) if {
	regex.match(`^[A-Za-z0-9_./-]+\s+in\s*\{`, t)
	key = trim_space(split(t, " ")[0])
	labels[key] in _calico_set(t)
}

_calico_term_holds(t, labels) if {
	regex.match(`^[A-Za-z0-9_./-]+\s+not\s+in\s*\{`, t)
	key = trim_space(split(t, " ")[0])
	not labels[key] in _calico_set(t)
}

_calico_set(t) := {_unquote(trim_space(v)) |
	inner = trim_suffix(split(t, "{")[1], "}")
	some v in split(inner, ",")
	trim_space(v) != ""
}

_unquote(s) := trim(s, `'"`)

_has_key(obj, key) if {
	some k, _ in obj
	k == key
}
