# METADATA
# title: Container port below 1024
# description: >-
#   Binding a port below 1024 needs root or the NET_BIND_SERVICE capability inside the
#   container, so an image that listens there usually runs as root or keeps a capability it
#   would not otherwise need. Listening on an unprivileged port (8080 instead of 80) and
#   mapping it in the Service keeps the container unprivileged. Pods that lower
#   net.ipv4.ip_unprivileged_port_start to or below the port through a sysctl, and Windows
#   pods, are exempt.
# custom:
#   id: network/privileged-container-port
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Make the process listen on a port of 1024 or above and map the Service's port to it with targetPort.
#   references: [https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/#privileged-ports]
#   peers: {kube-linter: privileged-ports, trivy: KSV-0117}
package kubeward.rules.network.privileged_container_port

import rego.v1

# The first unprivileged port as the pod sets it through a (safe) sysctl; 1024 by default.
_unprivileged_start := n if {
	sysctls = data.kubeward.lib.pods.pod_sc.sysctls
	is_array(sysctls)
	values = [to_number(s.value) |
		s = sysctls[_]
		s.name == "net.ipv4.ip_unprivileged_port_start"
		is_string(s.value)
		regex.match(`^[0-9]+$`, s.value)
	]
	count(values) > 0
	n = min(values)
} else := 1024

deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	ports = c.value.ports
	is_array(ports)
	p = ports[i]
	port = p.containerPort
	is_number(port)
	port > 0
	port < 1024
	port < _unprivileged_start
	finding = {
		"msg": sprintf("%s of %s listens on privileged port %v, which needs root or NET_BIND_SERVICE", [c.label, data.kubeward.lib.k8s.describe, port]),
		"path": array.concat(c.path, ["ports", i, "containerPort"]),
	}
}
