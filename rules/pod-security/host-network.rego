# METADATA
# title: Pod shares the host network namespace
# description: >-
#   With hostNetwork the pod uses the node's network stack: it can bind any node port, reach
#   services listening on the node's loopback interface and observe or interfere with other
#   pods' traffic. NetworkPolicies no longer isolate it. Pod Security Baseline forbids it.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type,
#   not by this rule.
# custom:
#   id: pod-security/host-network
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove hostNetwork or set it to false; expose the workload through a Service instead.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: host-network, polaris: hostNetworkSet, trivy: KSV-0009, checkov: CKV_K8S_19, kubescape: C-0041}
package kubeward.rules.pod_security.host_network

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	value = data.kubeward.lib.pods.spec.hostNetwork
	finding = k8s.bool_violation(
		value,
		array.concat(data.kubeward.lib.pods.spec_path, ["hostNetwork"]),
		data.kubeward.lib.k8s.describe,
		"hostNetwork",
		"shares the host network namespace",
	)
}
