# METADATA
# title: SSH port exposed
# description: >-
#   A container that declares TCP port 22, or a Service that forwards port 22, usually runs an
#   SSH server. SSH inside containers bypasses kubectl exec and its audit trail, adds a
#   long-lived credential to manage and a service to patch, and is a common target for
#   brute-force attacks when the port is reachable from outside.
# custom:
#   id: network/ssh-port
#   severity: info
#   enabled: true
#   kinds: [pod-bearing, Service]
#   remediation: Remove the SSH server and port 22; use kubectl exec or kubectl debug for interactive access.
#   references: [https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/]
#   peers: {kube-linter: ssh-port, kubescape: C-0042}
package kubeward.rules.network.ssh_port

import rego.v1

_tcp(p) if object.get(p, "protocol", null) in {null, "TCP"}

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	ports = c.value.ports
	is_array(ports)
	p = ports[i]
	is_object(p)
	p.containerPort == 22
	_tcp(p)
	finding = {
		"msg": sprintf("%s of %s declares the SSH port 22", [c.label, data.kubeward.lib.k8s.describe]),
		"path": array.concat(c.path, ["ports", i, "containerPort"]),
	}
}

deny contains finding if {
	input.kind == "Service"
	ports = input.spec.ports
	is_array(ports)
	p = ports[i]
	is_object(p)
	_tcp(p)
	field = _ssh_field(p)
	finding = {
		"msg": sprintf("%s forwards the SSH port 22 (%s)", [data.kubeward.lib.k8s.describe, field]),
		"path": ["spec", "ports", i, field],
	}
}

_ssh_field(p) := "port" if {
	p.port == 22
} else := "targetPort" if {
	p.targetPort == 22
}
