# METADATA
# title: Service of type NodePort
# description: >-
#   A NodePort Service opens its port on every node of the cluster, on every node address,
#   bypassing whatever ingress controller, load balancer firewall or authentication sits in
#   front of the cluster; anything that can reach a node can reach the pods. LoadBalancer
#   Services allocate node ports too (unless allocateLoadBalancerNodePorts is false); they are
#   covered by network/service-loadbalancer.
# custom:
#   id: network/service-nodeport
#   severity: warning
#   enabled: true
#   kinds: [Service]
#   remediation: Use a ClusterIP Service behind an Ingress or Gateway, or an internal LoadBalancer; keep NodePort for clusters whose nodes are not reachable from untrusted networks.
#   references: [https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport]
#   peers: {kube-linter: exposed-services, kube-score: service-type, kubescape: C-0256}
package kubeward.rules.network.service_nodeport

import rego.v1

_node_ports := [sprintf("%v", [p.nodePort]) | p := input.spec.ports[_]; is_number(p.nodePort)]

_pinned := sprintf(" (nodePort %s)", [concat(", ", _node_ports)]) if {
	count(_node_ports) > 0
} else := ""

deny contains finding if {
	input.spec.type == "NodePort"
	finding = {
		"msg": sprintf("%s is of type NodePort: its port%s is open on every node of the cluster", [data.kubeward.lib.k8s.describe, _pinned]),
		"path": ["spec", "type"],
	}
}
