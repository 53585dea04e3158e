# RBAC and service-account helpers shared by the rbac/* rules.
#
# Permission rules read every rule item (PolicyRule) of a Role or ClusterRole and ask whether it
# grants some verbs on some (apiGroup, resource) targets, with Kubernetes' own matching:
#   - verbs:     exact, case-sensitive, or "*";
#   - apiGroups: exact ("" is the core group), or "*";
#   - resources: exact ("pods/exec" for a subresource), "*" (every resource and subresource), or
#                "*/<sub>" (that subresource of every resource). "pods/*" is NOT a wildcard in
#                Kubernetes: it only matches a subresource literally named "*".
#   - resourceNames: a non-empty list narrows every verb to the named objects except list and
#                watch (RULES.md §4.9: listing reveals the whole collection); create and
#                deletecollection requests carry no name, so a narrowed rule never grants them.
# Findings point at the list entry that grants (a `verbs`, `resources` or `apiGroups` item), e.g.
# ["rules", 2, "resources", 0].
#
# Everything here is total: malformed rules (a string where a list belongs, numbers in a list,
# null) are skipped, never a runtime error.
package kubeward.lib.rbac

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.scope

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

is_role if input.kind in role_kinds

is_binding if input.kind in binding_kinds

# ---------------------------------------------------------------------------------------------
# Rule items
# ---------------------------------------------------------------------------------------------

# items: every rule item of the Role/ClusterRole in `input`, as
#   {"value": the PolicyRule object, "index": i, "path": ["rules", i], "label": "rules[i]",
#    "cache": what the helpers below derive from it, computed once per item}.
# The helpers also accept an item without "cache" (as built by hand in tests).
items contains item if {
	is_role
	rs = input.rules
	is_array(rs)
	r = rs[i]
	is_object(r)
	path = ["rules", i]
	item = {"value": r, "index": i, "path": path, "label": sprintf("rules[%d]", [i]), "cache": _cache(r, path)}
}

# misspelled_items: the items that may hold a near miss (some verb, apiGroup or resource entry
# not trimmed and lower case). The permission rules look for near misses in these only: most
# roles have none, and calling near_miss_findings for every item of every rule added up.
misspelled_items contains item if {
	some item in items
	item.cache.lower == false
}

_entry_fields := ["verbs", "apiGroups", "resources", "resourceNames", "nonResourceURLs"]

# regorus recomputes a function on every call, and the grant helpers below loop over entries
# many times per item: the cache holds the entries of each field, their values and whether
# the item is narrowed or spelled in lower case throughout.
_cache(r, path) := c if {
	es = {f: _entries_of(r, path, f) | some f in _entry_fields}
	vals = {f: {e.value | some e in es[f]} | some f in _entry_fields}
	c = {
		"entries": es,
		"values": vals,
		"narrowed": count(vals.resourceNames) > 0,
		"lower": _all_normalised(vals),
	}
}

_entries_of(r, path, field) := {e |
	l = r[field]
	is_array(l)
	v = l[j]
	is_string(v)
	e = {"value": v, "index": j, "path": array.concat(path, [field, j])}
}

# Every verb, apiGroup and resource is already trimmed and lower case (no near miss possible).
# A count, not nested `every`: regorus' RVM lets `every v in vals[f]` hold as soon as one
# entry does (docs/performance.md).
_all_normalised(vals) := count([v |
	some f in ["verbs", "apiGroups", "resources"]
	some v in vals[f]
	v != normalise(v)
]) == 0

# entries(item, field): the string entries of one list field of a rule item ("verbs",
# "apiGroups", "resources", "resourceNames", "nonResourceURLs"), as
#   {"value": v, "index": j, "path": item.path + [field, j]}.
entries(item, field) := item.cache.entries[field] if {
	item.cache.entries[field]
} else := _entries_of(item.value, item.path, field)

# values(item, field): the set of string values of one list field of a rule item.
values(item, field) := item.cache.values[field] if {
	item.cache.values[field]
} else := {e.value | some e in _entries_of(item.value, item.path, field)}

# resource_names(item): the resourceNames of a rule item (empty set when none).
resource_names(item) := values(item, "resourceNames")

# narrowed(item): the rule item is limited to named objects.
narrowed(item) if _narrowed(item) == true

_narrowed(item) := n if {
	n = item.cache.narrowed
	is_boolean(n)
} else := count(resource_names(item)) > 0

# Verbs that resourceNames does not narrow (RULES.md §4.9).
unnarrowed_verbs := {"list", "watch"}

# ---------------------------------------------------------------------------------------------
# Matching (Kubernetes' RBAC authorizer semantics)
# ---------------------------------------------------------------------------------------------

verb_matches(entry, _) if entry == "*"

verb_matches(entry, verb) if entry == verb

group_matches(entry, _) if entry == "*"

group_matches(entry, group) if entry == group

# resource_matches(entry, requested): requested is "pods" or "pods/exec"; a requested
# "userextras/*" stands for every subresource of userextras (impersonation of user extras).
resource_matches(entry, _) if entry == "*"

resource_matches(entry, requested) if entry == requested

resource_matches(entry, requested) if {
	parts = split(requested, "/")
	count(parts) == 2
	parts[1] != "*"
	entry == concat("/", ["*", parts[1]])
}

resource_matches(entry, requested) if {
	endswith(requested, "/*")
	prefix = trim_suffix(requested, "*")
	startswith(entry, prefix)
	count(entry) > count(prefix)
}

# A requested verb survives the rule item's resourceNames.
_not_narrowed(item, _) if not narrowed(item)

_not_narrowed(item, verb) if verb in unnarrowed_verbs

# grants(item, verbs, targets): how one rule item grants any of `verbs` (a set of verb names) on
# any of `targets` (a set of [apiGroup, resource] pairs), ignoring what resourceNames narrows.
# A set of
#   {"verb": requested verb, "group": requested group, "resource": requested resource,
#    "verb_entry": entry, "group_entry": entry, "resource_entry": entry}
# (entries as in `entries`). Empty when the item grants none of them.
grants(item, verbs, targets) := {g |
	some g in grants_ignoring_names(item, verbs, targets)
	_not_narrowed(item, g.verb)
}

# grants_ignoring_names(item, verbs, targets): like grants, but as if resourceNames were absent
# (for rules that judge the names themselves).
grants_ignoring_names(item, verbs, targets) := _grants(item, verbs, targets) if {
	_may_grant(item, verbs, targets)
} else := set()

_grants(item, verbs, targets) := {g |
	some ve in entries(item, "verbs")
	some verb in verbs
	verb_matches(ve.value, verb)
	some target in targets
	some ge in entries(item, "apiGroups")
	group_matches(ge.value, target[0])
	some re in entries(item, "resources")
	resource_matches(re.value, target[1])
	g = {
		"verb": verb,
		"group": target[0],
		"resource": target[1],
		"verb_entry": ve,
		"group_entry": ge,
		"resource_entry": re,
	}
}

# _may_grant: a cheap necessary condition for a non-empty _grants (some verb entry matches some
# requested verb and some apiGroups entry some requested group), so that the cross product is
# only built for the few items that can grant.
_may_grant(item, verbs, targets) if {
	vs = values(item, "verbs")
	_some_in(vs, verbs)
	gs = values(item, "apiGroups")
	_some_in(gs, {t[0] | some t in targets})
}

_some_in(vs, _) if "*" in vs

_some_in(vs, wanted) if {
	some w in wanted
	w in vs
}

# grants_on_names(item, verbs, targets): like grants_ignoring_names, keeping grants that
# resourceNames limits to named objects, but dropping the verbs whose requests carry no object
# name (create and deletecollection on a collection), which a narrowed rule never grants. For
# rules that judge the names themselves (aws-auth, signers, cluster-admin, ...).
grants_on_names(item, verbs, targets) := {g |
	some g in grants_ignoring_names(item, verbs, targets)
	_keeps(item, g)
}

_keeps(item, _) if not narrowed(item)

_keeps(item, g) if {
	narrowed(item)
	not g.verb in {"create", "deletecollection"}
}

_keeps(item, g) if {
	narrowed(item)
	g.verb == "create"
	contains(g.resource, "/")
}

# Near misses: RBAC compares verbs, groups and resources exactly, so `GET`, `Secrets` or
# " get" grant nothing. near_misses(item, verbs, targets) lists what the item WOULD grant if its
# entries were lower-cased and trimmed, when it does not grant that verb on that target as
# written; `wrong` holds the entries that are spelled differently. Same shape as grants plus
# "wrong": [entry, ...].
normalise(s) := lower(trim_space(s))

near_misses(item, verbs, targets) := set() if {
	# An item spelled in lower case throughout has no near miss (checked once per item).
	item.cache.lower == true
} else := {g |
	exact = grants(item, verbs, targets)
	some ve in entries(item, "verbs")
	some verb in verbs
	_norm_verb_matches(ve.value, verb)
	_not_narrowed(item, verb)
	some target in targets
	some ge in entries(item, "apiGroups")
	group_matches(normalise(ge.value), target[0])
	some re in entries(item, "resources")
	resource_matches(normalise(re.value), target[1])
	wrong = [e | some e in [ve, ge, re]; e.value != normalise(e.value)]
	count(wrong) > 0
	not _granted(exact, verb, target)
	g = {
		"verb": verb,
		"group": target[0],
		"resource": target[1],
		"verb_entry": ve,
		"group_entry": ge,
		"resource_entry": re,
		"wrong": wrong,
	}
}

_norm_verb_matches(entry, _) if normalise(entry) == "*"

_norm_verb_matches(entry, verb) if normalise(entry) == verb

_granted(found, verb, target) if {
	some g in found
	g.verb == verb
	g.group == target[0]
	g.resource == target[1]
}

# ---------------------------------------------------------------------------------------------
# Message helpers
# ---------------------------------------------------------------------------------------------

# sorted_list(set_or_array): strings joined with ", " in sorted order.
sorted_list(xs) := concat(", ", sort([x | some x in xs]))

# quoted_list(xs): strings quoted and joined, e.g. `"get", "list"`.
quoted_list(xs) := concat(", ", [sprintf("%q", [x]) | some x in sort([y | some y in xs; is_string(y)])])

# by_resource_entry(found) / by_verb_entry(found): the grants grouped by the resources (or
# verbs) entry that allows them, one finding each:
#   {"entry": that entry, "verbs": requested verbs granted, "resources": requested resources
#    granted, "verb_values" / "resource_values" / "group_values": the entry values involved}
by_resource_entry(found) := {_group(hs, g.resource_entry) |
	some g in found
	hs = {h | some h in found; h.resource_entry == g.resource_entry}
}

by_verb_entry(found) := {_group(hs, g.verb_entry) |
	some g in found
	hs = {h | some h in found; h.verb_entry == g.verb_entry}
}

_group(hs, entry) := {
	"entry": entry,
	"verbs": {h.verb | some h in hs},
	"resources": {h.resource | some h in hs},
	"verb_values": {h.verb_entry.value | some h in hs},
	"resource_values": {h.resource_entry.value | some h in hs},
	"group_values": {h.group_entry.value | some h in hs},
}

# grant_phrase(x): what a group (see by_resource_entry) grants, for messages, e.g.
# `create, get on pods/attach, pods/exec (through resources "*", verbs "*")`.
grant_phrase(x) := sprintf("%s on %s%s", [sorted_list(x.verbs), sorted_list(x.resources), _through(x)])

_through(x) := "" if count(_wild_parts(x)) == 0

_through(x) := sprintf(" (through %s)", [concat(", ", _wild_parts(x))]) if count(_wild_parts(x)) > 0

_wild_parts(x) := [p |
	some part in [
		["resources", x.resource_values],
		["verbs", x.verb_values],
		["apiGroups", x.group_values],
	]
	wild = {v | some v in part[1]; contains(v, "*")}
	count(wild) > 0
	p = sprintf("%s %s", [part[0], quoted_list(wild)])
]

# (regorus 0.14.1: inside a function of this library, a rule of another package must be
# referenced by its full data.* path: through an import alias (k8s.describe) it evaluates to
# undefined when a rule package calls the function. Functions via aliases are fine.)
#
# near_miss_findings(item, verbs, targets, what): info findings for the near misses of one rule
# item, one per misspelled entry; `what` says what the corrected entry would allow, e.g.
# "let its subjects read Secrets".
near_miss_findings(item, verbs, targets, what) := {f |
	misses = near_misses(item, verbs, targets)
	some g in misses
	some e in g.wrong
	f = {
		"msg": sprintf(
			"%s %s has %s entry %q, which grants nothing: Kubernetes compares RBAC names exactly and they are lower-case; written %q it would %s",
			[data.kubeward.lib.k8s.describe, item.label, _field_of(e), e.value, normalise(e.value), what],
		),
		"path": e.path,
		"severity": "info",
	}
}

_field_of(e) := e.path[count(e.path) - 2]

# ---------------------------------------------------------------------------------------------
# Roles: built-ins and bindings
# ---------------------------------------------------------------------------------------------

# is_bootstrap_default: `input` carries the label Kubernetes puts on the RBAC objects it
# creates itself (cluster-admin, system:*, ...), i.e. it is a dump of a built-in object.
is_bootstrap_default if input.metadata.labels["kubernetes.io/bootstrapping"] == "rbac-defaults"

# is_builtin_role: `input` is one of Kubernetes' own roles: the ClusterRoles cluster-admin,
# admin, edit, view, or any Role/ClusterRole named system:*.
is_builtin_role if {
	input.kind == "ClusterRole"
	input.metadata.name in {"cluster-admin", "admin", "edit", "view"}
}

is_builtin_role if {
	is_role
	name = input.metadata.name
	is_string(name)
	startswith(name, "system:")
}

# role_bindings_of_input: the inventory bindings whose roleRef names the Role/ClusterRole in
# `input` (a RoleBinding to a Role must be in the same namespace).
role_bindings_of_input contains b if {
	input.kind == "ClusterRole"
	some kind in binding_kinds
	some b in of_kind(kind)
	b.roleRef.kind == "ClusterRole"
	b.roleRef.name == data.kubeward.lib.k8s.name
}

role_bindings_of_input contains b if {
	input.kind == "Role"
	some b in of_kind("RoleBinding")
	b.roleRef.kind == "Role"
	b.roleRef.name == data.kubeward.lib.k8s.name
	scope.compatible(scope.entry_namespace(b), data.kubeward.lib.scope.namespace_or_unknown)
}

# only_namespace_bound: `input` is a ClusterRole that the run binds, and only through
# RoleBindings, so its permissions apply inside those namespaces only.
only_namespace_bound if {
	input.kind == "ClusterRole"
	count(role_bindings_of_input) > 0
	every b in role_bindings_of_input {
		b.kind == "RoleBinding"
	}
}

# cluster_bound: `input` is a ClusterRole bound cluster-wide by a ClusterRoleBinding of the run.
cluster_bound if {
	some b in role_bindings_of_input
	b.kind == "ClusterRoleBinding"
}

# bound_in_namespace(ns): a RoleBinding of the run in namespace ns binds `input`.
bound_in_namespace(ns) if {
	some b in role_bindings_of_input
	b.kind == "RoleBinding"
	data.kubeward.lib.scope.entry_namespace(b) == ns
}

# ---------------------------------------------------------------------------------------------
# Binding subjects
# ---------------------------------------------------------------------------------------------

# subjects: every subject of the RoleBinding/ClusterRoleBinding in `input`, as
#   {"value", "index", "path": ["subjects", i], "kind", "name", "namespace" ("" when unset),
#    "label": e.g. `Group "system:masters"`}.
subjects contains s if {
	is_binding
	l = input.subjects
	is_array(l)
	v = l[i]
	is_object(v)
	kind = k8s.str(object.get(v, "kind", ""))
	name = k8s.str(object.get(v, "name", ""))
	s = {
		"value": v,
		"index": i,
		"path": ["subjects", i],
		"kind": kind,
		"name": name,
		"namespace": k8s.str(object.get(v, "namespace", "")),
		"label": _subject_label(kind, name),
	}
}

_subject_label(kind, name) := sprintf("%s %q", [kind, name]) if kind != ""

_subject_label(kind, name) := sprintf("subject %q", [name]) if kind == ""

# role_ref: {"kind", "name", "label"} of the binding's roleRef ("" for missing fields).
role_ref := {"kind": kind, "name": name, "label": sprintf("%s %q", [kind, name])} if {
	is_binding
	r = input.roleRef
	is_object(r)
	kind = k8s.str(object.get(r, "kind", ""))
	name = k8s.str(object.get(r, "name", ""))
}

# Groups and users whose name starts with system: but that stand for large populations, not for
# a Kubernetes component.
broad_system_subjects := {
	"system:anonymous",
	"system:unauthenticated",
	"system:authenticated",
	"system:serviceaccounts",
}

# is_component_subject(s): a subject that is a Kubernetes component (system:kube-scheduler,
# system:masters, system:node:<name>, ...), not one of the broad system groups.
is_component_subject(s) if {
	startswith(s.name, "system:")
	not s.name in broad_system_subjects
	not startswith(s.name, "system:serviceaccounts:")
}

# ---------------------------------------------------------------------------------------------
# Service accounts of pods
# ---------------------------------------------------------------------------------------------

_inventory := inv if {
	inv = data.kubeward.inventory
	is_array(inv)
} else := []

# of_kind(kind): the inventory entries of one kind, from the engine's per-kind index
# (data.kubeward.inventory_by_kind) when present, so that joins are not quadratic.
of_kind(kind) := l if {
	by_kind = data.kubeward.inventory_by_kind
	is_object(by_kind)
	l = _array_or_empty(object.get(by_kind, kind, []))
} else := [e |
	some e in _inventory
	e.kind == kind
]

_array_or_empty(x) := x if is_array(x)

_array_or_empty(x) := [] if not is_array(x)

# pod_service_account(spec): the service account a PodSpec runs as, as
#   {"name": name, "field": "serviceAccountName" | "serviceAccount" | "" (not set)}.
# serviceAccountName wins; the deprecated serviceAccount alias counts when it is unset or "";
# "default" when neither is set.
pod_service_account(spec) := {"name": n, "field": "serviceAccountName"} if {
	n = spec.serviceAccountName
	is_string(n)
	n != ""
} else := {"name": n, "field": "serviceAccount"} if {
	n = spec.serviceAccount
	is_string(n)
	n != ""
} else := {"name": "default", "field": ""}

# service_accounts: every ServiceAccount of the run (inventory entries), as an array. (Any
# reference to this library evaluates all of its rules on every resource: an array is taken
# as is, where a set would be rebuilt from every ServiceAccount each time.)
service_accounts := of_kind("ServiceAccount")

# service_account_named(name, ns): the ServiceAccounts of the run called `name` whose
# effective namespace is compatible with ns ("" = unknown).
service_account_named(name, ns) := {sa |
	some sa in _service_accounts_called(name)
	scope.compatible(scope.entry_namespace(sa), ns)
}

# _service_accounts_called(name): the ServiceAccounts of the run called `name`, from the run
# index (lib/precompute.rego) when the engine provides it, else by a scan.
_service_accounts_called(name) := object.get(named, name, []) if {
	is_string(name)
	named = data.kubeward.precomputed.service_accounts_named
	is_object(named)
} else := [sa |
	some sa in service_accounts
	sa.metadata.name == name
]

# service_account_token_dir: where the kubelet mounts the service account token.
service_account_token_dir := "/var/run/secrets/kubernetes.io/serviceaccount"

# is_token_dir(path): a mountPath that is the token directory (a trailing "/" allowed).
is_token_dir(path) if {
	is_string(path)
	trim_right(path, "/") == service_account_token_dir
}
