package kubeward.lib.probes_test

import rego.v1

import data.kubeward.lib.probes

_pod(restart, containers) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"restartPolicy": restart, "containers": containers}}

test_long_running if {
	probes.long_running with input as {"kind": "Deployment", "spec": {}}
	probes.long_running with input as _pod(null, [])
	probes.long_running with input as _pod("Always", [])
	not probes.long_running with input as _pod("Never", [])
	not probes.long_running with input as _pod("OnFailure", [])
	not probes.long_running with input as {"kind": "Job", "spec": {"template": {"spec": {}}}}
	not probes.long_running with input as {"kind": "Pod", "spec": "x"}
}

test_has_handler if {
	probes.has_handler({"exec": {"command": ["true"]}})
	probes.has_handler({"grpc": {"port": 9090}})
	not probes.has_handler({})
	not probes.has_handler({"periodSeconds": 5})
	not probes.has_handler("x")
}

test_missing_findings if {
	pod := {
		"apiVersion": "v1",
		"kind": "Pod",
		"metadata": {"name": "p"},
		"spec": {
			"initContainers": [
				{"name": "init", "livenessProbe": {"exec": {"command": ["true"]}}},
				{"name": "side", "restartPolicy": "Always"},
			],
			"containers": [{"name": "ok", "livenessProbe": {"tcpSocket": {"port": 80}}}, {"name": "empty", "livenessProbe": {}}],
		},
	}
	fs := probes.missing_findings("livenessProbe", "") with input as pod
	paths := {f.path | some f in fs}
	paths == {
		["spec", "initContainers", 0, "livenessProbe"],
		["spec", "initContainers", 1],
		["spec", "containers", 1, "livenessProbe"],
	}
}
