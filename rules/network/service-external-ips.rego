# METADATA
# title: Service with externalIPs
# description: >-
#   spec.externalIPs makes every node accept traffic for the listed addresses and forward it to
#   the Service. Anyone allowed to create a Service can use it to intercept traffic meant for
#   any IP, inside or outside the cluster (CVE-2020-8554, unpatched by design); a
#   status.loadBalancer.ingress IP on a Service that is not of type LoadBalancer is the other
#   form of that attack. Addresses listed in param `allowed` are accepted; `externalIPs: []`
#   passes. externalIPs the API rejects (a string instead of a list) are reported by
#   schema/invalid-type, not by this rule.
# custom:
#   id: network/service-external-ips
#   severity: error
#   enabled: true
#   kinds: [Service]
#   remediation: Remove spec.externalIPs and expose the Service through a LoadBalancer, Ingress or Gateway; block the field cluster-wide with the DenyServiceExternalIPs admission plugin or a policy.
#   references: [https://github.com/kubernetes/kubernetes/issues/97076, https://kubernetes.io/docs/concepts/services-networking/service/#external-ips]
#   peers: {trivy: KSV-0108}
package kubeward.rules.network.service_external_ips

import rego.v1

import data.kubeward.lib.exposure

_allowed := {ip | ip := data.kubeward.config.params["network/service-external-ips"].allowed[_]; is_string(ip)}

deny contains finding if {
	ips = input.spec.externalIPs
	is_array(ips)
	ip = ips[i]
	is_string(ip)
	ip != ""
	not ip in _allowed
	finding = {
		"msg": sprintf(
			"%s lists externalIP %q: every node forwards traffic for that address to the Service (CVE-2020-8554)",
			[data.kubeward.lib.k8s.describe, ip],
		),
		"path": ["spec", "externalIPs", i],
	}
}

# externalIPs written as a string (`externalIPs: 1.2.3.4`) is a value the API rejects:
# schema/invalid-type reports it, not this rule.

deny contains finding if {
	exposure.service_type(input) != "LoadBalancer"
	entries = input.status.loadBalancer.ingress
	is_array(entries)
	ip = entries[i].ip
	is_string(ip)
	ip != ""
	not ip in _allowed
	finding = {
		"msg": sprintf(
			"%s of type %s carries status.loadBalancer.ingress IP %q: kube-proxy routes that address to it (CVE-2020-8554)",
			[data.kubeward.lib.k8s.describe, exposure.service_type(input), ip],
		),
		"path": ["status", "loadBalancer", "ingress", i, "ip"],
	}
}
