# METADATA
# title: Pod shares the host IPC namespace
# description: >-
#   With hostIPC the pod shares System V IPC objects and POSIX message queues with every process
#   on the node, so it can read or tamper with shared memory segments of host processes and
#   other pods that use the host IPC namespace. Pod Security Baseline forbids it.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type,
#   not by this rule.
# custom:
#   id: pod-security/host-ipc
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove hostIPC or set it to false.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: host-ipc, polaris: hostIPCSet, trivy: KSV-0008, checkov: CKV_K8S_18, kubescape: [C-0038, C-0276]}
package kubeward.rules.pod_security.host_ipc

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	value = data.kubeward.lib.pods.spec.hostIPC
	finding = k8s.bool_violation(
		value,
		array.concat(data.kubeward.lib.pods.spec_path, ["hostIPC"]),
		data.kubeward.lib.k8s.describe,
		"hostIPC",
		"shares the host IPC namespace",
	)
}
