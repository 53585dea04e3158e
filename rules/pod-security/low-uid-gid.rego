# METADATA
# title: Container runs with a low UID or GID
# description: >-
#   UIDs and GIDs below 10000 overlap the accounts of the node (system users, the first human
#   users), so a process that escapes its container with such an ID may own host files. A high,
#   explicit runAsUser and runAsGroup avoid the overlap and do not depend on the image's USER.
#   Opinionated advice, disabled by default; the thresholds are the parameters min_uid and
#   min_gid (default 10000). Windows pods, which cannot set these fields, are skipped. An ID the
#   API rejects (a quoted "1000", a negative one) is reported by the schema/* checks instead.
# custom:
#   id: pod-security/low-uid-gid
#   severity: info
#   enabled: false
#   kinds: [pod-bearing]
#   remediation: Set runAsUser and runAsGroup to values of 10000 or more (e.g. 10001) at pod level or on each container.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
#   peers: {trivy: [KSV-0020, KSV-0021], checkov: CKV_K8S_40, kube-score: container-security-context-user-group-id}
#   implied-by: [pod-security/run-as-root-user, pod-security/root-group]
package kubeward.rules.pod_security.low_uid_gid

import rego.v1

import data.kubeward.lib.pods

_params := p if {
	p = data.kubeward.config.params["pod-security/low-uid-gid"]
	is_object(p)
} else := {}

_param(key) := v if {
	v = _params[key]
	is_number(v)
} else := 10000

_min := {"runAsUser": _param("min_uid"), "runAsGroup": _param("min_gid")}

_pod_label := sprintf("%s (pod securityContext)", [data.kubeward.lib.k8s.describe])

# Unset everywhere: the image decides.
deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	some field, min in _min
	not c.effective[field]
	c.sc_ok
	data.kubeward.lib.pods.pod_sc_ok
	finding = {
		"msg": sprintf("%s does not set %s (nor does the pod), so the image decides; set %v or more", [c.label, field, min]),
		"path": pods.sc_anchor(c),
	}
}

# Set below the threshold, on the container or inherited from the pod (one finding there).
deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	some field, min in _min
	e = c.effective[field]
	_id(e.value)
	e.value < min
	finding = {
		"msg": sprintf("%s sets %s to %v, below %v", [_subject(c, e), field, e.value, min]),
		"path": e.path,
	}
}

# An ID the API accepts: an integer from 0 to 2147483647. Anything else (a quoted "1000", -1)
# is a value it rejects, which schema/invalid-type or schema/invalid-value reports; the rule
# calls it neither low nor unset.
_id(v) if {
	is_number(v)
	v >= 0
	v <= 2147483647
	v == floor(v)
}

_subject(c, e) := c.label if e.level == "container"

_subject(_, e) := _pod_label if e.level == "pod"
