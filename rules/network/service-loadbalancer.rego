# METADATA
# title: LoadBalancer Service open to any source
# description: >-
#   A LoadBalancer Service asks the cloud for an external load balancer, which by default
#   accepts connections from the whole Internet. Unless the Service limits the sources with
#   loadBalancerSourceRanges (not 0.0.0.0/0) or asks for an internal load balancer with the
#   cloud's annotation (AWS, GKE, Azure, OCI, OpenStack, IBM, Alibaba; param
#   `internal_annotations` to change the list), the pods are exposed publicly; the node ports a
#   LoadBalancer also allocates (unless allocateLoadBalancerNodePorts is false) stay open on
#   every node as well.
# custom:
#   id: network/service-loadbalancer
#   severity: warning
#   enabled: true
#   kinds: [Service]
#   remediation: Restrict spec.loadBalancerSourceRanges to the client ranges that need access, or request an internal load balancer with your cloud's annotation (e.g. networking.gke.io/load-balancer-type Internal).
#   references: [https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer, https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer]
#   peers: {kube-linter: exposed-services, kubescape: C-0256}
package kubeward.rules.network.service_loadbalancer

import rego.v1

import data.kubeward.lib.exposure

_id := "network/service-loadbalancer"

_node_ports_note := "" if {
	input.spec.allocateLoadBalancerNodePorts == false
} else := "; its node ports are open on every node too"

deny contains finding if {
	exposure.service_type(input) == "LoadBalancer"
	not exposure.internal_annotation(input, _id)
	count(exposure.source_ranges(input)) == 0
	finding = {
		"msg": sprintf(
			"%s is an external LoadBalancer without loadBalancerSourceRanges, so it accepts connections from any address%s",
			[data.kubeward.lib.k8s.describe, _node_ports_note],
		),
		"path": ["spec", "type"],
	}
}

deny contains finding if {
	exposure.service_type(input) == "LoadBalancer"
	not exposure.internal_annotation(input, _id)
	ranges = exposure.source_ranges(input)
	count(ranges) > 0
	not exposure.source_restricted(input)
	finding = {
		"msg": sprintf(
			"%s is an external LoadBalancer whose source ranges (%s) include the whole Internet%s",
			[data.kubeward.lib.k8s.describe, concat(", ", ranges), _node_ports_note],
		),
		"path": _ranges_path,
	}
}

_ranges_path := ["spec", "loadBalancerSourceRanges"] if {
	is_array(input.spec.loadBalancerSourceRanges)
	count(input.spec.loadBalancerSourceRanges) > 0
} else := ["metadata", "annotations", "service.beta.kubernetes.io/load-balancer-source-ranges"]
