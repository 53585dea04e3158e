# METADATA
# title: Container is not required to run as non-root
# description: >-
#   runAsNonRoot: true makes the kubelet refuse to start a container whose user is root, whatever
#   the image says; without it an image that defaults to root (most do) runs as UID 0, one
#   kernel bug away from root on the node. Pod Security Restricted requires the field to be
#   true for every container, set at pod level or on each container; a non-zero runAsUser alone
#   does not satisfy it. Pods in a user namespace (hostUsers: false) are exempt from target 1.35.
#   A value the API rejects (a quoted "true", for one) is reported by schema/invalid-type, not by
#   this rule, which then does not call the field unset either.
# custom:
#   id: pod-security/run-as-non-root
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set spec.securityContext.runAsNonRoot to true (and do not override it with false on a container); build the image with a numeric non-root USER or set runAsUser.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted, https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
#   pss: restricted
#   peers: {kube-linter: run-as-non-root, polaris: runAsRootAllowed, trivy: KSV-0012, checkov: CKV_K8S_23, kubescape: C-0013, kube-score: container-security-context-user-group-id}
package kubeward.rules.pod_security.run_as_non_root

import rego.v1

import data.kubeward.lib.pods

_pod_value := object.get(data.kubeward.lib.pods.pod_sc, "runAsNonRoot", null)

_pod_label := sprintf("%s (pod securityContext)", [data.kubeward.lib.k8s.describe])

# --- every place that sets false ---
# (A value that is not a boolean, such as a quoted "true", is one the API rejects:
# schema/invalid-type reports it, and this rule counts it neither as set nor as unset.)

deny contains finding if {
	not data.kubeward.lib.pods.userns_relaxed
	data.kubeward.lib.pods.spec
	_pod_value == false
	finding = _bad_value(_pod_value, array.concat(data.kubeward.lib.pods.pod_sc_path, ["runAsNonRoot"]), _pod_label, _pod_effect)
}

deny contains finding if {
	not data.kubeward.lib.pods.userns_relaxed
	some c in data.kubeward.lib.pods.containers
	value = object.get(c.sc, "runAsNonRoot", null)
	value == false
	finding = _bad_value(value, array.concat(c.sc_path, ["runAsNonRoot"]), c.label, _override_hint)
}

# PSA rejects a pod-level false even when every container sets true.
_pod_effect := " (every container overrides it with true, but Restricted still rejects the pod-level value)" if {
	count(data.kubeward.lib.pods.containers) > 0
	every c in data.kubeward.lib.pods.containers {
		c.sc.runAsNonRoot == true
	}
} else := ", so containers that do not set it may run as root"

_override_hint := ", overriding the pod-level runAsNonRoot: true, so it may run as root" if _pod_value == true

_override_hint := ", so it may run as root" if _pod_value != true

_bad_value(value, path, subject, hint) := {
	"msg": sprintf("%s sets runAsNonRoot: false%s", [subject, hint]),
	"path": path,
} if {
	value == false
}

# --- containers that leave it unset while the pod does not set it either ---
# (under a pod-level false the pod-level finding above already covers them; under a pod-level
# value the API rejects, schema/invalid-type does)

deny contains finding if {
	not data.kubeward.lib.pods.userns_relaxed
	_pod_value == null
	data.kubeward.lib.pods.pod_sc_ok
	some c in data.kubeward.lib.pods.containers
	c.sc_ok
	object.get(c.sc, "runAsNonRoot", null) == null
	finding = {
		"msg": sprintf("%s does not set runAsNonRoot: true, nor does the pod securityContext%s%s", [c.label, _uid_hint(c), _windows_hint]),
		"path": pods.sc_anchor(c),
	}
}

# runAsUser: 1000 without runAsNonRoot satisfies several linters but not Pod Security.
_uid_hint(c) := sprintf(
	"; its runAsUser %v is non-root, but Restricted still requires runAsNonRoot: true",
	[uid],
) if {
	uid = c.effective.runAsUser.value
	is_number(uid)
	uid > 0
} else := ""

# On Windows the kubelet checks windowsOptions.runAsUserName instead, but PSS still requires it.
_windows_hint := " (Windows pods need it too: it makes the kubelet refuse ContainerAdministrator)" if {
	data.kubeward.lib.pods.is_windows
} else := ""
