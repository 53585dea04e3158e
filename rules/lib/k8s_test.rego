package kubeward.lib.k8s_test

import rego.v1

import data.kubeward.lib.k8s

test_identity if {
	r := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "prod"}}
	k8s.kind == "Deployment" with input as r
	k8s.name == "api" with input as r
	k8s.namespace == "prod" with input as r
	k8s.api_version == "apps/v1" with input as r
	k8s.api_group == "apps" with input as r
}

test_identity_core_group if {
	k8s.api_group == "" with input as {"apiVersion": "v1", "kind": "Pod"}
}

test_identity_missing_or_malformed if {
	r := {"kind": 3, "metadata": "x"}
	k8s.kind == "" with input as r
	k8s.name == "" with input as r
	k8s.namespace == "" with input as r
	k8s.api_version == "" with input as r
	k8s.api_group == "" with input as r
}

test_describe if {
	k8s.describe == `Deployment "api"` with input as {"kind": "Deployment", "metadata": {"name": "api"}}
	k8s.describe == "Pod" with input as {"kind": "Pod"}
	k8s.describe == "resource" with input as {}
}

test_kube_minor_from_config if {
	k8s.kube_minor == 31 with data.kubeward.config as {"kube_version": "1.31", "kube_minor": 31}
}

test_kube_minor_default if {
	k8s.kube_minor == k8s.newest_minor with data.kubeward.config as {}
	k8s.kube_minor == k8s.newest_minor with data.kubeward.config as {"kube_minor": "1.30"}
}

test_quote if {
	k8s.quote("a") == `"a"`
	k8s.quote(1) == "1"
	k8s.quote(true) == "true"
	k8s.quote(null) == "null"
}

test_str if {
	k8s.str("a") == "a"
	k8s.str(1) == ""
	k8s.str(null) == ""
}

test_bool_violation_true if {
	f := k8s.bool_violation(true, ["spec", "hostPID"], `Pod "a"`, "hostPID", "shares the host PID namespace")
	f == {"msg": `Pod "a" shares the host PID namespace (hostPID: true)`, "path": ["spec", "hostPID"]}
}

test_bool_violation_other_types_are_silent if {
	# Values the API rejects are the schema checks' findings, not the rule's.
	not k8s.bool_violation("true", ["p"], "s", "privileged", "runs privileged")
	not k8s.bool_violation("yes", ["p"], "s", "privileged", "runs privileged")
	not k8s.bool_violation(1, ["p"], "s", "privileged", "runs privileged")
	not k8s.bool_violation({}, ["p"], "s", "privileged", "runs privileged")
}

test_bool_violation_passes if {
	not k8s.bool_violation(false, ["p"], "s", "f", "e")
	not k8s.bool_violation(null, ["p"], "s", "f", "e")
}

test_get if {
	k8s.get({"a": 1}, "a", 0) == 1
	k8s.get({"a": 1}, "b", 0) == 0
	k8s.get({"a": {"b": 2}}, ["a", "b"], 0) == 2
	k8s.get({"a": "x"}, ["a", "b"], 0) == 0
	k8s.get(null, "a", 0) == 0
	k8s.get("s", "a", 0) == 0
	k8s.get([1], "a", 0) == 0
}
