# METADATA
# title: Container may gain more privileges than its parent process
# description: >-
#   Unless allowPrivilegeEscalation is explicitly false, the kernel's no_new_privs flag is not
#   set and a process in the container can gain privileges through setuid binaries or file
#   capabilities. The field is per container (a pod-level value is not part of the API), it
#   defaults to allowing escalation, and Pod Security Restricted requires false on every
#   container, init and ephemeral ones included. Windows pods are exempt (target 1.25+).
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

# Explicitly true (error), a quoted "true" (error, schema hint) or another non-boolean value
# (schema error, warning).
deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	value = c.sc.allowPrivilegeEscalation
	value != false
	v = k8s.bool_violation(value, _field_path(c), c.label, "allowPrivilegeEscalation", "allows privilege escalation")
	finding = object.union(v, _explicit_severity(v))
}

_explicit_severity(v) := {} if v.severity

_explicit_severity(v) := {"severity": "error"} if not v.severity

# Unset (or null): escalation is allowed by default.
deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	object.get(c.sc, "allowPrivilegeEscalation", null) == null
	finding = {
		"msg": sprintf(
			"%s does not set allowPrivilegeEscalation: false, so setuid binaries can gain privileges%s",
			[c.label, _pod_level_hint],
		),
		"path": pods.sc_anchor(c),
	}
}

# false, but privileged or CAP_SYS_ADMIN: escalation is possible anyway, and API validation
# rejects the combination. The API only recognises the exact spelling CAP_SYS_ADMIN; with
# `SYS_ADMIN` the pod is admitted and passes this Restricted control (no_new_privs is still
# set), and capabilities-baseline reports the capability itself.
deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	c.sc.allowPrivilegeEscalation == false
	c.sc.privileged == true
	finding = _contradiction(c, "runs privileged")
}

deny contains finding if {
	not data.kubeward.lib.pods.windows_exempt
	some c in data.kubeward.lib.pods.containers
	c.sc.allowPrivilegeEscalation == false
	adds = c.sc.capabilities.add
	is_array(adds)
	"CAP_SYS_ADMIN" in adds
	finding = _contradiction(c, "adds CAP_SYS_ADMIN")
}

_contradiction(c, reason) := {
	"msg": sprintf(
		"%s sets allowPrivilegeEscalation: false but %s, which always allows escalation (the API rejects this combination)",
		[c.label, reason],
	),
	"path": _field_path(c),
}

# A pod-level allowPrivilegeEscalation is not an API field: say so when someone relied on it.
_pod_level_hint := " (the pod-level allowPrivilegeEscalation is not an API field and is ignored)" if {
	object.get(data.kubeward.lib.pods.pod_sc, "allowPrivilegeEscalation", null) != null
} else := ""
