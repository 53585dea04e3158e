package kubeward.lib.selectors_test

import rego.v1

import data.kubeward.lib.selectors

_pod := {"app": "web", "tier": "frontend", "track": "stable"}

# ---- LabelSelector ---------------------------------------------------------------------------

test_empty_selector_selects_all if {
	selectors.matches({}, _pod)
	selectors.matches({}, {})
	selectors.matches({"matchLabels": {}}, _pod)
	selectors.matches({"matchLabels": {}, "matchExpressions": []}, _pod)
	selectors.matches({"matchLabels": null}, _pod)
}

test_match_labels if {
	selectors.matches({"matchLabels": {"app": "web"}}, _pod)
	selectors.matches({"matchLabels": {"app": "web", "tier": "frontend"}}, _pod)
	not selectors.matches({"matchLabels": {"app": "api"}}, _pod)
	not selectors.matches({"matchLabels": {"app": "web", "zone": "a"}}, _pod)
	not selectors.matches({"matchLabels": {"app": "web"}}, {})
	not selectors.matches({"matchLabels": {"app": "web"}}, null)
}

test_match_labels_values_are_exact if {
	not selectors.matches({"matchLabels": {"app": "Web"}}, _pod)
	not selectors.matches({"matchLabels": {"app": ""}}, _pod)
	selectors.matches({"matchLabels": {"empty": ""}}, {"empty": ""})
}

test_in if {
	selectors.matches({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "web"]}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, _pod)
}

test_not_in if {
	selectors.matches({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["canary"]}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "track", "operator": "NotIn", "values": ["stable"]}]}, _pod)

	# a missing key satisfies NotIn
	selectors.matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, _pod)
}

test_exists_and_does_not_exist if {
	selectors.matches({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, _pod)
	selectors.matches({"matchExpressions": [{"key": "tier", "operator": "Exists", "values": []}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, _pod)
	selectors.matches({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, _pod)
}

test_requirements_are_anded if {
	sel := {
		"matchLabels": {"app": "web"},
		"matchExpressions": [
			{"key": "tier", "operator": "In", "values": ["frontend"]},
			{"key": "track", "operator": "NotIn", "values": ["canary"]},
		],
	}
	selectors.matches(sel, _pod)
	not selectors.matches(sel, {"app": "web", "tier": "frontend", "track": "canary"})
	not selectors.matches(sel, {"app": "api", "tier": "frontend"})
}

test_invalid_selectors_select_nothing if {
	not selectors.matches({"matchExpressions": [{"key": "app", "operator": "In", "values": []}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "app", "operator": "In"}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "app", "operator": "in", "values": ["web"]}]}, _pod)
	not selectors.matches({"matchExpressions": [{"key": "app", "operator": "Exists", "values": ["web"]}]}, _pod)
	not selectors.matches({"matchExpressions": [{"operator": "Exists"}]}, _pod)
	not selectors.matches({"matchExpressions": ["app"]}, _pod)
	not selectors.matches({"matchExpressions": {"key": "app", "operator": "Exists"}}, _pod)
	not selectors.matches({"matchLabels": "app=web"}, _pod)
	not selectors.matches("app=web", _pod)
	not selectors.matches(null, _pod)
	not selectors.matches(["app"], _pod)
}

test_problem if {
	# A problem the schema checks report (operator "Foo") comes before one only the API sees.
	p1 := selectors.problem({"matchExpressions": [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "In", "values": []}, {"key": "c", "operator": "Foo"}]})
	p1 == `matchExpressions[2] has operator "Foo" (expected In, NotIn, Exists or DoesNotExist)`
	p0 := selectors.problem({"matchExpressions": [{"key": "a", "operator": "Exists"}, {"key": "b", "operator": "In", "values": []}]})
	p0 == "matchExpressions[1] uses In without values"
	p2 := selectors.problem({"matchExpressions": [{"key": "c", "operator": "Foo"}]})
	p2 == `matchExpressions[0] has operator "Foo" (expected In, NotIn, Exists or DoesNotExist)`
	p3 := selectors.problem("app=web")
	p3 == "the selector is a string, not a map"
	p4 := selectors.problem({"matchLabels": ["a"]})
	p4 == "matchLabels is a list, not a map"
	p5 := selectors.problem({"matchExpressions": [{"key": "a", "operator": "DoesNotExist", "values": ["x"]}]})
	p5 == "matchExpressions[0] uses DoesNotExist with values (they must be empty)"
	not selectors.problem({"matchLabels": {"a": "b"}, "matchExpressions": [{"key": "a", "operator": "Exists"}]})
	not selectors.problem({})
	not selectors.problem(null)
}

test_shape_problem if {
	selectors.shape_problem("app=web") == "the selector is a string, not a map"
	selectors.shape_problem({"matchLabels": {"app": "web", "tier": 1}}) == `matchLabels["tier"] is not a string`
	selectors.shape_problem({"matchExpressions": [{"key": "a", "operator": "In", "values": [1]}]}) == "matchExpressions[0] has a value that is not a string"
	selectors.shape_problem({"matchExpressions": [{"key": "a", "operator": "in", "values": ["x"]}]}) == `matchExpressions[0] has operator "in" (expected In, NotIn, Exists or DoesNotExist)`

	# Values that do not fit the operator: the API rejects them, but no schema check does.
	not selectors.shape_problem({"matchExpressions": [{"key": "a", "operator": "In", "values": []}]})
	not selectors.shape_problem({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})
	not selectors.shape_problem({"matchLabels": {"a": "b"}})
	not selectors.shape_problem(null)
}

test_is_empty if {
	selectors.is_empty({})
	selectors.is_empty({"matchLabels": {}})
	selectors.is_empty({"matchLabels": null, "matchExpressions": []})
	not selectors.is_empty({"matchLabels": {"a": "b"}})
	not selectors.is_empty({"matchExpressions": [{"key": "a", "operator": "Exists"}]})
	not selectors.is_empty(null)
}

# ---- plain maps ------------------------------------------------------------------------------

test_map_matches if {
	selectors.map_matches({"app": "web"}, _pod)
	selectors.map_matches({"app": "web", "tier": "frontend"}, _pod)
	selectors.map_matches({}, _pod)
	not selectors.map_matches({"app": "api"}, _pod)
	not selectors.map_matches({"zone": "a"}, _pod)
	not selectors.map_matches({"app": "web"}, null)
	not selectors.map_matches("app=web", _pod)
	not selectors.map_matches(null, _pod)
}

test_service_selector if {
	s := selectors.service_selector({"spec": {"selector": {"app": "web"}}})
	s == {"app": "web"}
	not selectors.service_selector({"spec": {"selector": {}}})
	not selectors.service_selector({"spec": {}})
	not selectors.service_selector({"spec": {"type": "ExternalName", "selector": {"app": "web"}}})
	not selectors.service_selector({"spec": "x"})
}

# ---- PodDisruptionBudget ---------------------------------------------------------------------

test_pdb_v1_empty_selects_all_absent_selects_none if {
	selectors.pdb_selects({"apiVersion": "policy/v1", "spec": {"selector": {}}}, _pod)
	selectors.pdb_selects({"apiVersion": "policy/v1", "spec": {"selector": {}}}, {})
	not selectors.pdb_selects({"apiVersion": "policy/v1", "spec": {}}, _pod)
	not selectors.pdb_selects({"apiVersion": "policy/v1", "spec": {"selector": null}}, _pod)
	not selectors.pdb_selects({"apiVersion": "policy/v1"}, _pod)
}

test_pdb_v1beta1_empty_selects_none if {
	not selectors.pdb_selects({"apiVersion": "policy/v1beta1", "spec": {"selector": {}}}, _pod)
	not selectors.pdb_selects({"apiVersion": "policy/v1beta1", "spec": {"selector": {"matchLabels": {}}}}, _pod)
	selectors.pdb_selects({"apiVersion": "policy/v1beta1", "spec": {"selector": {"matchLabels": {"app": "web"}}}}, _pod)
}

test_pdb_match_expressions if {
	pdb := {"apiVersion": "policy/v1", "spec": {"selector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}}}
	selectors.pdb_selects(pdb, _pod)
	not selectors.pdb_selects(pdb, {"app": "db"})
}

# ---- NetworkPolicy ---------------------------------------------------------------------------

test_netpol_pod_selector if {
	s1 := selectors.netpol_pod_selector({"spec": {}})
	s1 == {}
	s2 := selectors.netpol_pod_selector({"spec": {"podSelector": null}})
	s2 == {}
	s3 := selectors.netpol_pod_selector({"spec": {"podSelector": {"matchLabels": {"a": "b"}}}})
	s3 == {"matchLabels": {"a": "b"}}
	s4 := selectors.netpol_pod_selector("x")
	s4 == {}
}

# ---- namespaces ------------------------------------------------------------------------------

test_namespace_of if {
	n1 := selectors.namespace_of({"metadata": {"namespace": "prod"}})
	n1 == "prod"
	n2 := selectors.namespace_of({"metadata": {}})
	n2 == null
	n3 := selectors.namespace_of({"metadata": {"namespace": ""}})
	n3 == null
	n4 := selectors.namespace_of("x")
	n4 == null
}

test_namespace_of_release_namespace if {
	n1 := selectors.namespace_of({"metadata": {}}) with data.kubeward.config.namespace as "rel"
	n1 == "rel"
	n2 := selectors.namespace_of({"metadata": {"namespace": "prod"}}) with data.kubeward.config.namespace as "rel"
	n2 == "prod"
}

test_namespace_label if {
	selectors.namespace_label("prod") == `namespace "prod"`
	selectors.namespace_label(null) == "the same (unset) namespace"
}

# ---- inventory -------------------------------------------------------------------------------

_inventory := [
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "pod_labels": {"app": "web"}, "replicas": 3},
	{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"selector": {"app": "web"}}},
	{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"}},
	"garbage",
	{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "pod_labels": "oops"},
]

test_of_kind_scans_inventory if {
	s := selectors.of_kind("Service") with data.kubeward.inventory as _inventory
	count(s) == 1
	s[0].metadata.name == "web"
	none := selectors.of_kind("Ingress") with data.kubeward.inventory as _inventory
	none == []
	missing := selectors.of_kind("Service") with data.kubeward.inventory as "nope"
	missing == []
}

test_of_kind_uses_index if {
	idx := {"Service": [{"kind": "Service", "metadata": {"name": "indexed"}}]}
	s := selectors.of_kind("Service") with data.kubeward.inventory_by_kind as idx
	s[0].metadata.name == "indexed"
	none := selectors.of_kind("Pod") with data.kubeward.inventory_by_kind as idx
	none == []
}

test_workloads_in if {
	prod := selectors.workloads_in("prod") with data.kubeward.inventory as _inventory
	count(prod) == 1
	names := {[w.kind, w.name, w.ns] | some w in prod}
	names == {["Deployment", "web", "prod"]}
	unknown := selectors.workloads_in(null) with data.kubeward.inventory as _inventory
	count(unknown) == 2
	labels := {w.name: w.labels | some w in unknown}
	labels == {"nightly": {}, "p": {}}
	none := selectors.workloads_in("staging") with data.kubeward.inventory as _inventory
	count(none) == 0
}

test_workloads_in_release_namespace if {
	rel := selectors.workloads_in("rel") with data.kubeward.inventory as _inventory with data.kubeward.config.namespace as "rel"
	count(rel) == 2
	unknown := selectors.workloads_in(null) with data.kubeward.inventory as _inventory with data.kubeward.config.namespace as "rel"
	count(unknown) == 0
}

test_workload_ids_in if {
	ids := selectors.workload_ids_in(null) with data.kubeward.inventory as _inventory
	ids == [["CronJob", "nightly"], ["Pod", "p"]]
}

test_workloads_from_index if {
	idx := {"Deployment": [_inventory[0]], "Service": [_inventory[1]]}
	ws := selectors.workloads_in("prod") with data.kubeward.inventory_by_kind as idx
	count(ws) == 1
}

test_is_input if {
	selectors.is_input(_inventory[0]) with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}
	not selectors.is_input(_inventory[0]) with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
	not selectors.is_input(_inventory[0]) with input as {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "prod"}}
}

# ---- messages --------------------------------------------------------------------------------

test_labels_text if {
	selectors.labels_text({"tier": "frontend", "app": "web"}) == "app=web, tier=frontend"
	selectors.labels_text({"enabled": true, "n": 1}) == "enabled=true, n=1"
	selectors.labels_text({}) == "no labels"
	selectors.labels_text(null) == "no labels"
	selectors.labels_text("x") == "no labels"
}

test_configured_workload_kinds if {
	inv := [{"apiVersion": "example.com/v1", "kind": "Worker", "metadata": {"name": "w", "namespace": "ns"}, "pod_labels": {"app": "w"}}]
	ws := selectors.workloads_in("ns") with data.kubeward.inventory as inv with data.kubeward.config.workloads as [{"kind": "Worker", "template": ["spec", "template"]}]
	count(ws) == 1
	none := selectors.workloads_in("ns") with data.kubeward.inventory as inv
	count(none) == 0
}

test_any_workload_matches if {
	inv := [
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "pod_labels": {"app": "web", "tier": "fe"}},
		{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare", "namespace": "prod"}},
	]
	selectors.any_workload_matches("prod", {"matchLabels": {"app": "web"}}) with data.kubeward.inventory as inv
	selectors.any_workload_matches("prod", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]}) with data.kubeward.inventory as inv
	selectors.any_workload_matches("prod", {"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}) with data.kubeward.inventory as inv
	not selectors.any_workload_matches("prod", {"matchLabels": {"app": "api"}}) with data.kubeward.inventory as inv
	not selectors.any_workload_matches("staging", {"matchLabels": {"app": "web"}}) with data.kubeward.inventory as inv
	not selectors.any_workload_matches("prod", {"matchExpressions": [{"key": "tier", "operator": "In", "values": []}]}) with data.kubeward.inventory as inv
	selectors.any_workload_matches_map("prod", {"app": "web", "tier": "fe"}) with data.kubeward.inventory as inv
	not selectors.any_workload_matches_map("prod", {"app": "web", "tier": "be"}) with data.kubeward.inventory as inv
}

test_custom_resources_in if {
	inv := [
		{"apiVersion": "monitoring.coreos.com/v1", "kind": "Prometheus", "metadata": {"name": "k8s", "namespace": "mon", "labels": {"app": "prometheus"}}},
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "mon"}},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "mon"}},
		{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r", "namespace": "mon"}},
	]
	crs := selectors.custom_resources_in("mon") with data.kubeward.inventory as inv
	[e.kind | some e in crs] == ["Prometheus"]
	selectors.operator_labels_match("mon", {"matchLabels": {"app": "prometheus"}}, "label") with data.kubeward.inventory as inv
	selectors.operator_labels_match("mon", {"app": "prometheus"}, "map") with data.kubeward.inventory as inv
	not selectors.operator_labels_match("mon", {"app": "grafana"}, "map") with data.kubeward.inventory as inv
}

test_controller_labels_are_satisfied if {
	inv := [{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "redis", "namespace": "db"}, "pod_labels": {"app": "redis"}}]
	selectors.any_workload_matches_map("db", {"app": "redis", "statefulset.kubernetes.io/pod-name": "redis-0"}) with data.kubeward.inventory as inv
	not selectors.any_workload_matches_map("db", {"app": "cache", "statefulset.kubernetes.io/pod-name": "redis-0"}) with data.kubeward.inventory as inv
	selectors.any_workload_matches("db", {"matchLabels": {"app": "redis"}, "matchExpressions": [{"key": "pod-template-hash", "operator": "In", "values": ["abc"]}]}) with data.kubeward.inventory as inv
}

# A label key is present even when its value is null (YAML `key:` with nothing after it):
# the key tests look the key up directly, they must not treat a null value as absent.
test_null_label_value_is_present if {
	selectors.matches({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"a": null})
	not selectors.matches({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"a": null})
	selectors.matches({"matchExpressions": [{"key": "b", "operator": "DoesNotExist"}]}, {"a": null})
	not selectors.matches({"matchExpressions": [{"key": "b", "operator": "Exists"}]}, {"a": null})
	selectors.map_matches({"a": null}, {"a": null})
	not selectors.map_matches({"a": null}, {"b": null})
	not selectors.map_matches({"a": null}, {})
}

# ---- selectors whose pods live elsewhere ------------------------------------------------------

_spread := [
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "front"}, "pod_labels": {"app": "web"}},
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "edge"}, "pod_labels": {"app": "web"}},
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "back"}, "pod_labels": {"app": "api"}},
	{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "job"}, "pod_labels": {"app": "job"}},
	{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "conf"}},
]

test_run_namespaces if {
	nss := selectors.run_namespaces(0) with data.kubeward.inventory as _spread
	nss == {"front", "edge", "back", "conf"}
	rel := selectors.run_namespaces(0) with data.kubeward.inventory as _spread with data.kubeward.config.namespace as "rel"
	rel == {"front", "edge", "back", "conf", "rel"}
	idx := selectors.run_namespaces(0) with data.kubeward.inventory_by_ns as {"namespaces": {"a": {}, "b": {}}, "unset": {}}
	idx == {"a", "b"}
}

test_pods_elsewhere if {
	web := {"matchLabels": {"app": "web"}}
	selectors.pods_elsewhere("back", web, "label") == ["edge", "front"] with data.kubeward.inventory as _spread
	selectors.pods_elsewhere("back", {"app": "api"}, "map") == [] with data.kubeward.inventory as _spread
	selectors.pods_elsewhere("back", {"app": "nothing"}, "map") == [] with data.kubeward.inventory as _spread

	# The selector's own namespace is unknown: it may be applied next to the pods.
	selectors.pods_elsewhere(null, web, "label") == [] with data.kubeward.inventory as _spread
	selectors.may_select_here(null, web, "label") with data.kubeward.inventory as _spread
	not selectors.may_select_here(null, {"matchLabels": {"app": "job"}}, "label") with data.kubeward.inventory as _spread

	# A matching workload of an unknown namespace may land in "back".
	selectors.pods_elsewhere("back", {"app": "job"}, "map") == [] with data.kubeward.inventory as _spread
	selectors.may_select_here("back", {"app": "job"}, "map") with data.kubeward.inventory as _spread

	# With a release namespace, that workload is known to be there.
	selectors.pods_elsewhere("back", {"app": "job"}, "map") == ["rel"] with data.kubeward.inventory as _spread with data.kubeward.config.namespace as "rel"
	not selectors.may_select_here("back", {"app": "job"}, "map") with data.kubeward.inventory as _spread with data.kubeward.config.namespace as "rel"
}

test_namespaces_text if {
	selectors.namespaces_text(["a"]) == `namespace "a"`
	selectors.namespaces_text(["a", "b"]) == `namespaces "a", "b"`
}
