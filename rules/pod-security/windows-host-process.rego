# METADATA
# title: Windows HostProcess container
# description: >-
#   A Windows HostProcess container runs directly on the node as a process with host network
#   and file system access, typically as SYSTEM: it is the Windows equivalent of a privileged
#   container. Pod Security Baseline forbids hostProcess at pod level and on every container.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type,
#   not by this rule.
# custom:
#   id: pod-security/windows-host-process
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove windowsOptions.hostProcess or set it to false on the pod and every container.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/]
#   pss: baseline
#   peers: {polaris: hostProcess, trivy: KSV-0103, kubescape: C-0211}
package kubeward.rules.pod_security.windows_host_process

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	some s in data.kubeward.lib.pods.security_contexts
	value = s.sc.windowsOptions.hostProcess
	finding = k8s.bool_violation(
		value,
		array.concat(s.path, ["windowsOptions", "hostProcess"]),
		s.label,
		"windowsOptions.hostProcess",
		"runs as a Windows HostProcess with full access to the node",
	)
}

# All containers of a HostProcess pod must be HostProcess containers: an explicit false under
# a pod-level true is rejected by the API. Kept here although the API rejects it: it is this
# rule's own subject, and no schema/* check reports the mismatch.
deny contains finding if {
	data.kubeward.lib.pods.pod_sc.windowsOptions.hostProcess == true
	some c in data.kubeward.lib.pods.containers
	c.value.securityContext.windowsOptions.hostProcess == false
	finding = {
		"msg": sprintf(
			"%s sets windowsOptions.hostProcess to false in a HostProcess pod, which the API rejects (all containers must match)",
			[c.label],
		),
		"path": array.concat(c.sc_path, ["windowsOptions", "hostProcess"]),
		"severity": "warning",
	}
}
