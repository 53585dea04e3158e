# METADATA
# title: Pod or container runs as UID 0
# description: >-
#   runAsUser 0 explicitly runs the container as root, overriding a non-root USER in the image;
#   a process that escapes the container is then root on the node. Pod Security Restricted
#   forbids the value at pod level and on every container, each checked on its own, so a
#   pod-level 0 fails even when every container overrides it. Pods in a user namespace
#   (hostUsers: false) are exempt from target 1.35. A value the API rejects (a quoted "0", a
#   negative UID) is reported by the schema/* checks, not by this rule.
# custom:
#   id: pod-security/run-as-root-user
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove runAsUser 0 and set a non-zero UID (e.g. 10001) at pod level or on each container, together with runAsNonRoot true.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted, https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
#   pss: restricted
#   peers: {trivy: KSV-0105, kube-linter: run-as-non-root, kubescape: C-0013, checkov: CKV_K8S_23, polaris: runAsRootAllowed}
package kubeward.rules.pod_security.run_as_root_user

import rego.v1

deny contains finding if {
	not data.kubeward.lib.pods.userns_relaxed
	some s in data.kubeward.lib.pods.security_contexts
	value = object.get(s.sc, "runAsUser", null)
	value != null
	finding = _violation(value, array.concat(s.path, ["runAsUser"]), s.label, concat("", [_pod_note(s), _non_root_note(s)]))
}

_violation(value, path, subject, note) := {
	"msg": sprintf("%s sets runAsUser: 0, so it runs as root%s", [subject, note]),
	"path": path,
} if {
	value == 0
}

# Anything but an integer from 0 to 2147483647 (a quoted "0" from Helm's `quote`, -1) is a
# value the API rejects: schema/invalid-type and schema/invalid-value report it, not this rule.

# PSA rejects the pod-level field even when every container overrides it.
_pod_note(s) := " (every container overrides it, but Restricted still rejects the pod-level value)" if {
	s.level == "pod"
	count(data.kubeward.lib.pods.containers) > 0
	every c in data.kubeward.lib.pods.containers {
		c.effective.runAsUser.level == "container"
	}
} else := ""

# runAsNonRoot: true together with UID 0: the kubelet refuses to start the container.
_non_root_note(s) := "; with runAsNonRoot: true as well, the kubelet refuses to start the container" if {
	s.level == "container"
	s.container.effective.runAsNonRoot.value == true
} else := "; with runAsNonRoot: true as well, the kubelet refuses to start containers that inherit it" if {
	s.level == "pod"
	data.kubeward.lib.pods.pod_sc.runAsNonRoot == true
} else := ""
