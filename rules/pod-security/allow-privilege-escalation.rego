# METADATA
# title: Container may gain more privileges than its parent process
# description: >-
#   Unless allowPrivilegeEscalation is explicitly false, the kernel's no_new_privs flag is not
#   set and a process in the container can gain privileges through setuid binaries or file
#   capabilities. The field is per container (a pod-level value is not part of the API), it
#   defaults to allowing escalation, and Pod Security Restricted requires false on every
#   container, init and ephemeral ones included. Windows pods are exempt (target 1.25+).
#   Values the API rejects (a quoted "false", or false together with privileged: true or
#   CAP_SYS_ADMIN) are reported by the schema/* checks, not by this rule.
# custom:
#   id: pod-security/allow-privilege-escalation
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set securityContext.allowPrivilegeEscalation to false on every container (and do not run it privileged or with CAP_SYS_ADMIN).
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted, https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
#   pss: restricted
#   peers: {kube-linter: privilege-escalation-container, polaris: privilegeEscalationAllowed, trivy: KSV-0001, checkov: CKV_K8S_20, kubescape: C-0016}
package kubeward.rules.pod_security.allow_privilege_escalation

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

_field_path(c) := array.concat(c.sc_path, ["allowPrivilegeEscalation"])

# Explicitly true: an error (the rule's default severity is for an unset field). A value that
# is not a boolean (a quoted "false" from Helm) is one the API rejects: schema/invalid-type
# reports it, and this rule neither counts it as true nor as unset.
deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	value = c.sc.allowPrivilegeEscalation
	v = k8s.bool_violation(value, _field_path(c), c.label, "allowPrivilegeEscalation", "allows privilege escalation")
	finding = object.union(v, {"severity": "error"})
}

# Unset (or null): escalation is allowed by default.
deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	c.sc_ok
	object.get(c.sc, "allowPrivilegeEscalation", null) == null
	finding = {
		"msg": sprintf(
			"%s does not set allowPrivilegeEscalation: false, so setuid binaries can gain privileges%s",
			[c.label, _pod_level_hint],
		),
		"path": pods.sc_anchor(c),
	}
}

# false together with privileged: true or an added CAP_SYS_ADMIN is a combination API
# validation rejects: schema/invalid-value reports it, with the API's message. The container
# sets false, so this rule has nothing to add (pod-security/privileged and
# capabilities-baseline report the privilege itself).

# A pod-level allowPrivilegeEscalation is not an API field: say so when someone relied on it.
_pod_level_hint := " (the pod-level allowPrivilegeEscalation is not an API field and is ignored)" if {
	object.get(data.kubeward.lib.pods.pod_sc, "allowPrivilegeEscalation", null) != null
} else := ""
