# METADATA
# title: Pod shares the host process namespace
# description: >-
#   With hostPID the pod's containers see every process on the node. A process running as root
#   (or with CAP_SYS_PTRACE) can read other processes' environment and memory, signal them, or
#   enter their namespaces through /proc, which is a direct path to the node. Pod Security
#   Baseline forbids it.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type,
#   not by this rule.
# custom:
#   id: pod-security/host-pid
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove hostPID or set it to false; use shareProcessNamespace to share processes between the pod's own containers.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: host-pid, polaris: hostPIDSet, trivy: KSV-0010, checkov: CKV_K8S_17, kubescape: [C-0038, C-0275]}
package kubeward.rules.pod_security.host_pid

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	value = data.kubeward.lib.pods.spec.hostPID
	finding = k8s.bool_violation(
		value,
		array.concat(data.kubeward.lib.pods.spec_path, ["hostPID"]),
		data.kubeward.lib.k8s.describe,
		"hostPID",
		"shares the host process namespace",
	)
}
