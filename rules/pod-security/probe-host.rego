# METADATA
# title: Probe or lifecycle hook targets another host
# description: >-
#   The kubelet runs httpGet and tcpSocket probes and lifecycle hooks from the node. Setting
#   `host` makes it connect wherever the manifest says, which turns the kubelet into a proxy
#   towards node-local or internal endpoints the pod could not reach itself. Pod Security
#   Baseline forbids a non-empty host since Kubernetes 1.34.
# custom:
#   id: pod-security/probe-host
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove the host field (the probe then targets the pod's own IP); use an exec or grpc probe for anything else.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {}
package kubeward.rules.pod_security.probe_host

import rego.v1

import data.kubeward.lib.k8s

# The control exists from Kubernetes 1.34.
minimum_minor := 34

# Handlers that can name a host, relative to the container.
handlers := [
	["livenessProbe", "httpGet"],
	["livenessProbe", "tcpSocket"],
	["readinessProbe", "httpGet"],
	["readinessProbe", "tcpSocket"],
	["startupProbe", "httpGet"],
	["startupProbe", "tcpSocket"],
	["lifecycle", "postStart", "httpGet"],
	["lifecycle", "postStart", "tcpSocket"],
	["lifecycle", "preStop", "httpGet"],
	["lifecycle", "preStop", "tcpSocket"],
]

deny contains finding if {
	data.kubeward.lib.k8s.kube_minor >= minimum_minor
	some c in data.kubeward.lib.pods.containers
	some handler in handlers
	c.value[handler[0]] # (a cheap test first: containers set few of these)
	field = array.concat(handler, ["host"])
	host = object.get(c.value, field, null)
	is_string(host)
	host != ""
	finding = {
		"msg": sprintf(
			"%s %s.host is %s; Baseline forbids probes and lifecycle hooks aimed at another host",
			[c.label, concat(".", handler), k8s.quote(host)],
		),
		"path": array.concat(c.path, field),
	}
}
