# METADATA
# title: Container binds a host port
# description: >-
#   A hostPort opens the port on the node's own IP address, bypassing Services and most
#   NetworkPolicy implementations, and pins the pod to nodes where the port is free. Pod
#   Security Baseline forbids any non-zero hostPort; 0 means "no host port". A hostPort the API
#   rejects (a quoted "8080", for one) is reported by schema/invalid-type, not by this rule.
# custom:
#   id: pod-security/host-port
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove ports[].hostPort (or set it to 0) and expose the container through a Service.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/concepts/configuration/overview/#services]
#   pss: baseline
#   peers: {polaris: hostPortSet, trivy: KSV-0024, checkov: CKV_K8S_26, kubescape: C-0044}
package kubeward.rules.pod_security.host_port

import rego.v1

import data.kubeward.lib.k8s

# Only explicit hostPort fields are reported: the ports a hostNetwork pod implicitly opens on
# the node are pod-security/host-network's finding. A hostPort that is not a number (a quoted
# "8080") is a value the API rejects, reported by schema/invalid-type.
deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	ports = c.value.ports
	is_array(ports)
	port = ports[i]
	is_object(port)
	host_port = port.hostPort
	is_number(host_port)
	host_port != 0
	finding = {
		"msg": _message(c.label, host_port, port),
		"path": array.concat(c.path, ["ports", i, "hostPort"]),
	}
}

_message(label, host_port, port) := sprintf("%s binds host port %v (containerPort %s)", [label, host_port, k8s.quote(port.containerPort)]) if {
	port.containerPort != null
}

_message(label, host_port, port) := sprintf("%s binds host port %v", [label, host_port]) if {
	object.get(port, "containerPort", null) == null
}
