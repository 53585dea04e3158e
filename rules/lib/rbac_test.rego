package kubeward.lib.rbac_test

import rego.v1

import data.kubeward.lib.rbac

_role(rules) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"metadata": {"name": "r", "namespace": "ns"},
	"rules": rules,
}

_item(rule) := {"value": rule, "index": 0, "path": ["rules", 0], "label": "rules[0]"}

# ---- items and entries -----------------------------------------------------------------------

test_items_every_rule_with_paths if {
	r := _role([
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		"not-a-rule",
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]},
	])
	items := rbac.items with input as r
	count(items) == 2
	paths := {i.path | some i in items}
	paths == {["rules", 0], ["rules", 2]}
	labels := {i.label | some i in items}
	labels == {"rules[0]", "rules[2]"}
}

test_items_only_for_roles if {
	items := rbac.items with input as {"kind": "RoleBinding", "rules": [{"verbs": ["*"]}]}
	count(items) == 0
}

test_items_malformed_rules if {
	a := rbac.items with input as {"kind": "ClusterRole", "rules": "everything"}
	count(a) == 0
	b := rbac.items with input as {"kind": "ClusterRole", "rules": null}
	count(b) == 0
	c := rbac.items with input as {"kind": "ClusterRole"}
	count(c) == 0
}

test_entries_skip_non_strings if {
	es := rbac.entries(_item({"verbs": ["get", 1, null, "list"]}), "verbs")
	es == {
		{"value": "get", "index": 0, "path": ["rules", 0, "verbs", 0]},
		{"value": "list", "index": 3, "path": ["rules", 0, "verbs", 3]},
	}
	count(rbac.entries(_item({"verbs": "get"}), "verbs")) == 0
	count(rbac.entries(_item({}), "verbs")) == 0
}

# ---- matching --------------------------------------------------------------------------------

test_verb_matching_is_exact if {
	rbac.verb_matches("get", "get")
	rbac.verb_matches("*", "escalate")
	not rbac.verb_matches("GET", "get")
	not rbac.verb_matches("get ", "get")
}

test_group_matching if {
	rbac.group_matches("", "")
	rbac.group_matches("*", "")
	rbac.group_matches("*", "apps")
	not rbac.group_matches("", "apps")
	not rbac.group_matches("apps", "")
}

test_resource_matching if {
	rbac.resource_matches("*", "pods/exec")
	rbac.resource_matches("pods/exec", "pods/exec")
	rbac.resource_matches("*/exec", "pods/exec")
	not rbac.resource_matches("*/exec", "pods")
	not rbac.resource_matches("pods", "pods/exec")
	not rbac.resource_matches("pods/*", "pods/exec")
	not rbac.resource_matches("*/*", "pods/exec")
	rbac.resource_matches("userextras/scopes", "userextras/*")
	not rbac.resource_matches("userextras/", "userextras/*")
	rbac.resource_matches("*/scopes", "userextras/scopes")
}

test_grants_cross_product_with_entries if {
	item := _item({"apiGroups": ["", "apps"], "resources": ["secrets", "pods/exec"], "verbs": ["get", "create"]})
	found := rbac.grants(item, {"get", "list"}, {["", "secrets"], ["", "pods/exec"]})
	count(found) == 2
	some g in found
	g.resource == "secrets"
	g.verb_entry.path == ["rules", 0, "verbs", 0]
	g.group_entry.path == ["rules", 0, "apiGroups", 0]
	g.resource_entry.path == ["rules", 0, "resources", 0]
}

test_grants_needs_the_group if {
	item := _item({"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]})
	count(rbac.grants(item, {"get"}, {["", "secrets"]})) == 0
	no_groups := _item({"resources": ["secrets"], "verbs": ["get"]})
	count(rbac.grants(no_groups, {"get"}, {["", "secrets"]})) == 0
}

test_resource_names_narrow_get_not_list if {
	item := _item({"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get", "list", "watch"]})
	rbac.narrowed(item)
	verbs := {g.verb | some g in rbac.grants(item, {"get", "list", "watch"}, {["", "secrets"]})}
	verbs == {"list", "watch"}
	ignoring := {g.verb | some g in rbac.grants_ignoring_names(item, {"get", "list", "watch"}, {["", "secrets"]})}
	ignoring == {"get", "list", "watch"}
}

test_resource_names_wildcard_verb if {
	item := _item({"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["*"]})
	verbs := {g.verb | some g in rbac.grants(item, {"get", "list"}, {["", "secrets"]})}
	verbs == {"list"}
}

test_grants_on_names_drops_nameless_create if {
	narrowed := _item({"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["web"], "verbs": ["create", "patch"]})
	verbs := {g.verb | some g in rbac.grants_on_names(narrowed, {"create", "patch"}, {["apps", "deployments"]})}
	verbs == {"patch"}
	sub := _item({"apiGroups": [""], "resources": ["pods/exec"], "resourceNames": ["toolbox"], "verbs": ["create"]})
	count(rbac.grants_on_names(sub, {"create"}, {["", "pods/exec"]})) == 1
	plain := _item({"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]})
	count(rbac.grants_on_names(plain, {"create"}, {["apps", "deployments"]})) == 1
}

test_near_misses if {
	item := _item({"apiGroups": [""], "resources": ["Secrets"], "verbs": ["GET", " list"]})
	misses := rbac.near_misses(item, {"get", "list"}, {["", "secrets"]})
	count(misses) == 2
	wrong := {e.value | some g in misses; some e in g.wrong}
	wrong == {"Secrets", "GET", " list"}
}

test_no_near_miss_when_granted_exactly if {
	item := _item({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "GET"]})
	count(rbac.near_misses(item, {"get"}, {["", "secrets"]})) == 0
}

test_near_miss_findings_point_at_misspelled_entries if {
	r := _role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["GET"]}])
	some item in rbac.items with input as r
	fs := rbac.near_miss_findings(item, {"get"}, {["", "secrets"]}, "let it read Secrets") with input as r
	count(fs) == 1
	some f in fs
	f.path == ["rules", 0, "verbs", 0]
	f.severity == "info"
	contains(f.msg, `Role "r" rules[0] has verbs entry "GET"`)
}

# ---- message helpers -------------------------------------------------------------------------

test_grant_phrase if {
	item := _item({"apiGroups": ["*"], "resources": ["*"], "verbs": ["create", "*"]})
	found := rbac.grants(item, {"create", "get"}, {["", "pods/exec"], ["", "pods/attach"]})
	some x in rbac.by_resource_entry(found)
	rbac.grant_phrase(x) == `create, get on pods/attach, pods/exec (through resources "*", verbs "*", apiGroups "*")`
	exact := rbac.grants(_item({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}), {"create"}, {["", "pods/exec"]})
	some y in rbac.by_resource_entry(exact)
	rbac.grant_phrase(y) == "create on pods/exec"
}

test_grouping_by_entry if {
	item := _item({"apiGroups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["create", "get"]})
	found := rbac.grants(item, {"create", "get"}, {["", "pods/exec"], ["", "pods/attach"]})
	count(rbac.by_resource_entry(found)) == 2
	count(rbac.by_verb_entry(found)) == 2
}

# ---- built-ins and bindings ------------------------------------------------------------------

test_builtin_roles if {
	rbac.is_builtin_role with input as {"kind": "ClusterRole", "metadata": {"name": "cluster-admin"}}
	rbac.is_builtin_role with input as {"kind": "Role", "metadata": {"name": "system:controller:x"}}
	not rbac.is_builtin_role with input as {"kind": "Role", "metadata": {"name": "admin"}}
	not rbac.is_builtin_role with input as {"kind": "ClusterRole", "metadata": {"name": "my-admin"}}
}

_binding(kind, ns, role_kind, role) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": kind,
	"metadata": {"name": "b", "namespace": ns},
	"roleRef": {"kind": role_kind, "name": role},
	"subjects": [{"kind": "Group", "name": "g"}],
}

test_only_namespace_bound if {
	cr := {"kind": "ClusterRole", "metadata": {"name": "reader"}, "rules": []}
	inv := [cr, _binding("RoleBinding", "a", "ClusterRole", "reader"), _binding("RoleBinding", "b", "ClusterRole", "reader")]
	rbac.only_namespace_bound with input as cr with data.kubeward.inventory as inv
	not rbac.cluster_bound with input as cr with data.kubeward.inventory as inv
	rbac.bound_in_namespace("a") with input as cr with data.kubeward.inventory as inv
	inv2 := array.concat(inv, [_binding("ClusterRoleBinding", null, "ClusterRole", "reader")])
	not rbac.only_namespace_bound with input as cr with data.kubeward.inventory as inv2
	rbac.cluster_bound with input as cr with data.kubeward.inventory as inv2
	not rbac.only_namespace_bound with input as cr with data.kubeward.inventory as []
}

test_role_bindings_of_a_role_same_namespace if {
	role := {"kind": "Role", "metadata": {"name": "reader", "namespace": "a"}, "rules": []}
	inv := [_binding("RoleBinding", "a", "Role", "reader"), _binding("RoleBinding", "b", "Role", "reader")]
	bs := rbac.role_bindings_of_input with input as role with data.kubeward.inventory as inv
	count(bs) == 1
}

test_subjects_and_role_ref if {
	b := {
		"kind": "ClusterRoleBinding",
		"metadata": {"name": "x"},
		"roleRef": {"kind": "ClusterRole", "name": "view"},
		"subjects": [{"kind": "User", "name": "jane"}, "junk", {"name": 3}],
	}
	ss := rbac.subjects with input as b
	count(ss) == 2
	some s in ss
	s.label == `User "jane"`
	s.path == ["subjects", 0]
	ref := rbac.role_ref with input as b
	ref.label == `ClusterRole "view"`
}

test_component_subjects if {
	rbac.is_component_subject({"name": "system:kube-scheduler"})
	rbac.is_component_subject({"name": "system:masters"})
	not rbac.is_component_subject({"name": "system:authenticated"})
	not rbac.is_component_subject({"name": "system:serviceaccounts:team-a"})
	not rbac.is_component_subject({"name": "jane"})
}

# ---- service accounts ------------------------------------------------------------------------

test_pod_service_account if {
	rbac.pod_service_account({"serviceAccountName": "api"}) == {"name": "api", "field": "serviceAccountName"}
	rbac.pod_service_account({"serviceAccountName": "", "serviceAccount": "old"}) == {"name": "old", "field": "serviceAccount"}
	rbac.pod_service_account({"serviceAccountName": "api", "serviceAccount": "old"}) == {"name": "api", "field": "serviceAccountName"}
	rbac.pod_service_account({}) == {"name": "default", "field": ""}
	rbac.pod_service_account({"serviceAccountName": 7}) == {"name": "default", "field": ""}
}

test_service_account_named_namespace_join if {
	inv := [
		{"kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "a"}},
		{"kind": "ServiceAccount", "metadata": {"name": "api"}},
		{"kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "b"}},
	]
	a := rbac.service_account_named("api", "a") with data.kubeward.inventory as inv
	count(a) == 2
	b := rbac.service_account_named("api", "b") with data.kubeward.inventory as inv
	count(b) == 1
	unknown := rbac.service_account_named("web", "") with data.kubeward.inventory as inv
	count(unknown) == 1
	none := rbac.service_account_named("web", "a") with data.kubeward.inventory as inv
	count(none) == 0
}

# With the run index (lib/precompute.rego), the ServiceAccounts are looked up by name instead
# of scanned; the answers must be the same.
test_service_account_named_from_the_run_index if {
	inv := [
		{"kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "a"}},
		{"kind": "ServiceAccount", "metadata": {"name": "api"}},
		{"kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "b"}},
		{"kind": "ServiceAccount", "metadata": {"name": 7}},
		{"kind": "ConfigMap", "metadata": {"name": "api", "namespace": "a"}},
	]
	idx := data.kubeward.lib.precompute.index with data.kubeward.inventory as inv
	count(idx.service_accounts_named) == 2
	every name in ["api", "web", "none", 7] {
		every ns in ["a", "b", ""] {
			scanned := rbac.service_account_named(name, ns) with data.kubeward.inventory as inv
			indexed := rbac.service_account_named(name, ns) with data.kubeward.inventory as inv
				with data.kubeward.precomputed as idx
			indexed == scanned
		}
	}
	count(rbac.service_account_named("api", "a")) == 2 with data.kubeward.inventory as inv
		with data.kubeward.precomputed as idx
}

test_token_dir if {
	rbac.is_token_dir("/var/run/secrets/kubernetes.io/serviceaccount")
	rbac.is_token_dir("/var/run/secrets/kubernetes.io/serviceaccount/")
	not rbac.is_token_dir("/var/run/secrets/kubernetes.io")
	not rbac.is_token_dir(3)
}

test_of_kind_uses_the_index_or_scans if {
	inv := [{"kind": "ServiceAccount", "metadata": {"name": "a"}}, {"kind": "Pod", "metadata": {"name": "p"}}]
	scanned := rbac.of_kind("ServiceAccount") with data.kubeward.inventory as inv
	count(scanned) == 1
	indexed := rbac.of_kind("ServiceAccount") with data.kubeward.inventory as inv
		with data.kubeward.inventory_by_kind as {"ServiceAccount": [{"kind": "ServiceAccount", "metadata": {"name": "b"}}]}
	indexed[0].metadata.name == "b"
	missing := rbac.of_kind("Role") with data.kubeward.inventory_by_kind as {"ServiceAccount": []}
	missing == []
	junk := rbac.of_kind("Role") with data.kubeward.inventory_by_kind as {"Role": "x"}
	junk == []
}
