package kubeward.lib.netpol_test

import rego.v1

import data.kubeward.lib.netpol

_k8s(name, ns, spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": name, "namespace": ns}, "spec": spec}

test_k8s_types_default if {
	t1 := netpol.k8s_types({"spec": {"podSelector": {}}})
	t1 == {"Ingress"}
	t2 := netpol.k8s_types({"spec": {"egress": [{}]}})
	t2 == {"Ingress", "Egress"}
	t3 := netpol.k8s_types({"spec": {"egress": []}})
	t3 == {"Ingress"}
	t4 := netpol.k8s_types({"spec": {"policyTypes": ["Egress"], "ingress": [{}]}})
	t4 == {"Egress"}
}

test_is_k8s_policy if {
	netpol.is_k8s_policy({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy"})
	netpol.is_k8s_policy({"apiVersion": "extensions/v1beta1", "kind": "NetworkPolicy"})
	not netpol.is_k8s_policy({"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy"})
	not netpol.is_k8s_policy({"apiVersion": 3, "kind": "NetworkPolicy"})
}

test_policies_normalised if {
	inv := [
		_k8s("deny", "prod", {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}),
		_k8s("web", "prod", {"podSelector": {"matchLabels": {"app": "web"}}, "egress": [{}]}),
		{"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "c", "namespace": "prod"}, "spec": {"endpointSelector": {"matchLabels": {"k8s:app": "api"}}, "ingress": [{}]}},
		{"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy", "metadata": {"name": "cc"}, "specs": [{"endpointSelector": {}, "egressDeny": [{}]}, {"nodeSelector": {}}]},
		{"apiVersion": "projectcalico.org/v3", "kind": "NetworkPolicy", "metadata": {"name": "cal", "namespace": "prod"}, "spec": {"selector": "app == 'db'", "egress": [{}]}},
		"garbage",
	]
	ps := netpol.policies_in("prod") with data.kubeward.inventory as inv
	summary := {[p.kind, p.name, p.ns, p.flavour, p.ingress, p.egress] | some p in ps}
	summary == {
		["NetworkPolicy", "deny", "prod", "k8s", true, true],
		["NetworkPolicy", "web", "prod", "k8s", true, true],
		["CiliumNetworkPolicy", "c", "prod", "cilium", true, false],
		["CiliumClusterwideNetworkPolicy", "cc", null, "cilium", false, true],
		["NetworkPolicy", "cal", "prod", "calico", false, true],
	}
	other := netpol.policies_in("staging") with data.kubeward.inventory as inv
	{p.name | some p in other} == {"cc"}
}

test_selects if {
	inv := [
		_k8s("web", "prod", {"podSelector": {"matchLabels": {"app": "web"}}}),
		{"apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy", "metadata": {"name": "jobs"}, "spec": {"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "jobs"}}, "ingress": [{}]}},
	]
	ps := netpol.policies_in("prod") with data.kubeward.inventory as inv
	web := [p | some p in ps; p.name == "web"][0]
	netpol.selects(web, {"app": "web"}, "prod")
	not netpol.selects(web, {"app": "web"}, "staging")
	not netpol.selects(web, {"app": "api"}, "prod")
	jobs := [p | some p in ps; p.name == "jobs"][0]
	netpol.selects(jobs, {"app": "x"}, "jobs")
	not netpol.selects(jobs, {"app": "x"}, "prod")
	not netpol.selects(jobs, {"app": "x"}, null)
	netpol.covers_namespace(jobs, "jobs")
	not netpol.covers_namespace(jobs, "prod")
	netpol.covers_namespace(web, "prod")
	not netpol.covers_namespace(web, "jobs")
}

test_cilium_enable_default_deny_false if {
	inv := [{"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "c", "namespace": "x"}, "spec": {"endpointSelector": {}, "ingress": [{}], "enableDefaultDeny": {"ingress": false}}}]
	ps := netpol.policies_in("x") with data.kubeward.inventory as inv
	[p.ingress | some p in ps] == [false]
}

test_calico_selects if {
	netpol.calico_selects("all()", {})
	netpol.calico_selects("", {})
	netpol.calico_selects("app == 'web'", {"app": "web"})
	netpol.calico_selects(`app == "web" && has(tier)`, {"app": "web", "tier": "fe"})
	not netpol.calico_selects("app == 'web' && has(tier)", {"app": "web"})
	not netpol.calico_selects("app == 'web'", {"app": "api"})
	netpol.calico_selects("app != 'web'", {"app": "api"})
	netpol.calico_selects("!has(legacy)", {"app": "api"})
	not netpol.calico_selects("!has(app)", {"app": "api"})
	netpol.calico_selects("app in {'web', 'api'}", {"app": "api"})
	not netpol.calico_selects("app in {'web', 'api'}", {"app": "db"})
	netpol.calico_selects("app not in {'web'}", {"app": "db"})

	# outside the supported subset: assumed to select
	netpol.calico_selects("app starts with 'w' || tier == 'x'", {"app": "db"})
}

test_any_counted if {
	inv := [{"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "c", "namespace": "x"}, "spec": {}}]
	netpol.any_counted("network/x") with data.kubeward.inventory as inv
	not netpol.any_counted("network/x") with data.kubeward.inventory as inv with data.kubeward.config.params as {"network/x": {"policy_kinds": ["NetworkPolicy"]}}
	not netpol.any_counted("network/x") with data.kubeward.inventory as []
}

test_policy_kinds_param if {
	k1 := netpol.policy_kinds("network/x")
	k1 == {"NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}
	k2 := netpol.policy_kinds("network/x") with data.kubeward.config.params as {"network/x": {"policy_kinds": ["NetworkPolicy"]}}
	k2 == {"NetworkPolicy"}
}
