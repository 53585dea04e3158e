# METADATA
# title: Privileged container
# description: >-
#   A privileged container gets every Linux capability, access to all host devices and no
#   seccomp, AppArmor or SELinux confinement: root in it is effectively root on the node.
#   Init and ephemeral containers count too. Pod Security Baseline forbids it.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type,
#   not by this rule.
# custom:
#   id: pod-security/privileged
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove securityContext.privileged or set it to false; add only the specific capabilities the container needs.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: privileged-container, polaris: runAsPrivileged, trivy: KSV-0017, checkov: CKV_K8S_16, kubescape: C-0057, kube-score: container-security-context-privileged}
package kubeward.rules.pod_security.privileged

import rego.v1

import data.kubeward.lib.k8s

# `privileged` exists only on containers: a pod-level securityContext.privileged is not an
# API field and is ignored here.
deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	value = c.value.securityContext.privileged
	finding = k8s.bool_violation(
		value,
		array.concat(c.sc_path, ["privileged"]),
		c.label,
		"privileged",
		"runs privileged",
	)
}
