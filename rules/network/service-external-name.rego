# METADATA
# title: Service of type ExternalName
# description: >-
#   An ExternalName Service turns an in-cluster name into a DNS alias for an arbitrary host.
#   Whoever can create one can redirect clients that trust cluster DNS to a host of their
#   choice, and some ingress controllers and proxies forward traffic to it, which has been used
#   to reach internal or node-local addresses. Worth a review whenever one appears.
# custom:
#   id: network/service-external-name
#   severity: info
#   enabled: true
#   kinds: [Service]
#   remediation: Prefer a selector-based Service or an explicit EndpointSlice; if the alias is intended, make sure the target host is trusted and not an internal or link-local address.
#   references: [https://kubernetes.io/docs/concepts/services-networking/service/#externalname]
#   peers: {trivy: KSV-0108}
package kubeward.rules.network.service_external_name

import rego.v1

_target := sprintf(" for %q", [input.spec.externalName]) if {
	is_string(input.spec.externalName)
} else := ""

deny contains finding if {
	input.spec.type == "ExternalName"
	finding = {
		"msg": sprintf("%s is an ExternalName alias%s: clients of this name are sent to a host outside the cluster's control", [data.kubeward.lib.k8s.describe, _target]),
		"path": ["spec", "type"],
	}
}
