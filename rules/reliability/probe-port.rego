# METADATA
# title: Probe targets a port the container does not declare
# description: >-
#   A probe that names a port (`port: http`) only works when the same container declares a
#   port with that name; otherwise the kubelet cannot resolve it, the probe fails on every
#   attempt, and the container is restarted in a loop or never becomes ready. Named ports are
#   looked up per container, so a name declared by a sibling container does not count. A
#   numeric port that is not among the container's ports is only reported as info, because
#   declaring ports is optional and the process may listen anyway. A port the API rejects (a
#   quoted "8080", a name that is not a valid port name, a named grpc port) is reported by the
#   schema/* checks, not by this rule.
# custom:
#   id: reliability/probe-port
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Point the probe at a port name declared in the same container's ports (or declare it there); for numeric ports, check that the container really listens on that port.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port]
#   peers: {kube-linter: [liveness-port, readiness-port, startup-port]}
package kubeward.rules.reliability.probe_port

import rego.v1

_probe_fields := ["livenessProbe", "readinessProbe", "startupProbe"]

_handlers := ["httpGet", "tcpSocket", "grpc"]

# Every probe port of a long-running container:
#   {"c": container, "probe": field, "handler": handler, "port": value, "path": path to it}
_probe_ports contains p if {
	some c in data.kubeward.lib.pods.run_containers
	some field in _probe_fields
	some handler in _handlers
	port = c.value[field][handler].port
	port != null
	p = {
		"c": c,
		"probe": field,
		"handler": handler,
		"port": port,
		"path": array.concat(c.path, [field, handler, "port"]),
	}
}

_ports(c) := [p | ps := c.value.ports; is_array(ps); p := ps[_]; is_object(p)]

_names(c) := {n | n := _ports(c)[_].name; is_string(n)}

_numbers(c) := {n | n := _ports(c)[_].containerPort; is_number(n)}

# Other containers of the pod that declare the port name (for the message).
_declared_elsewhere(c, name) := [o.label |
	some o in data.kubeward.lib.pods.containers
	o.path != c.path
	name in _names(o)
]

_where(p) := sprintf("%s of %s (%s)", [p.probe, p.c.label, data.kubeward.lib.k8s.describe])

_sibling_hint(c, name) := sprintf(
	" (%s declares it, but named ports are looked up per container)",
	[concat(", ", _declared_elsewhere(c, name))],
) if {
	count(_declared_elsewhere(c, name)) > 0
} else := ""

# A named port that the container does not declare. Only a valid IANA port name counts: any
# other string (a quoted "8080" from Helm's `quote`, `HTTP_PORT`) is a value the API rejects,
# reported by schema/invalid-value, and grpc.port takes a number only (schema/invalid-type).
deny contains finding if {
	some p in _probe_ports
	p.handler != "grpc"
	_port_name(p.port)
	not p.port in _names(p.c)
	finding = {
		"msg": sprintf(
			"%s targets port %q, but no port of that container has that name%s; the probe can never succeed",
			[_where(p), p.port, _sibling_hint(p.c, p.port)],
		),
		"path": p.path,
	}
}

# A port name as the API validates it (IsValidPortName): 1 to 15 lower-case letters, digits and
# "-", with at least one letter, no "-" at either end and no "--".
_port_name(v) if {
	is_string(v)
	count(v) <= 15
	regex.match(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`, v)
	regex.match(`[a-z]`, v)
	not contains(v, "--")
}

# A number that the container does not declare: info, declaring ports is optional.
deny contains finding if {
	some p in _probe_ports
	is_number(p.port)
	count(_numbers(p.c)) > 0
	not p.port in _numbers(p.c)
	finding = {
		"msg": sprintf(
			"%s targets port %v, which is not among the container's declared ports (%s); check that the process listens there",
			[_where(p), p.port, concat(", ", [sprintf("%v", [n]) | some n in _numbers(p.c)])],
		),
		"path": p.path,
		"severity": "info",
	}
}

# A number while the container declares no port at all.
deny contains finding if {
	some p in _probe_ports
	is_number(p.port)
	count(_numbers(p.c)) == 0
	finding = {
		"msg": sprintf(
			"%s targets port %v, but the container declares no ports; check that the process listens there",
			[_where(p), p.port],
		),
		"path": p.path,
		"severity": "info",
	}
}
