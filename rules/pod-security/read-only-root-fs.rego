# METADATA
# title: Container root filesystem is writable
# description: >-
#   A writable root filesystem lets an attacker who gets code execution drop tools, modify
#   binaries or plant persistence inside the container. readOnlyRootFilesystem true makes the
#   image immutable at run time; scratch space comes from emptyDir volumes. The field exists only
#   on containers (a pod-level value is not part of the API). Ephemeral debug containers are
#   reported as info, and Windows pods, which cannot set the field, are skipped. A value the API
#   rejects (a quoted "true", for one) is reported by schema/invalid-type, not by this rule.
# custom:
#   id: pod-security/read-only-root-fs
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set securityContext.readOnlyRootFilesystem to true on every container and mount an emptyDir where the process needs to write (e.g. /tmp).
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {kube-linter: no-read-only-root-fs, polaris: notReadOnlyRootFilesystem, trivy: KSV-0014, checkov: CKV_K8S_22, kubescape: C-0017, kube-score: container-security-context-readonlyrootfilesystem}
package kubeward.rules.pod_security.read_only_root_fs

import rego.v1

import data.kubeward.lib.pods

_field_path(c) := array.concat(c.sc_path, ["readOnlyRootFilesystem"])

# Unset or null.
deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	c.sc_ok
	object.get(c.sc, "readOnlyRootFilesystem", null) == null
	finding = object.union(
		{
			"msg": sprintf("%s does not set readOnlyRootFilesystem: true, so its root filesystem is writable%s", [c.label, _pod_level_hint]),
			"path": pods.sc_anchor(c),
		},
		_severity(c),
	)
}

# Explicitly false.
deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	c.sc.readOnlyRootFilesystem == false
	finding = object.union(
		{
			"msg": sprintf("%s sets readOnlyRootFilesystem: false, so its root filesystem is writable", [c.label]),
			"path": _field_path(c),
		},
		_severity(c),
	)
}

# A value that is not a boolean (e.g. a quoted "true" from Helm) is one the API rejects:
# schema/invalid-type reports it, and this rule counts it neither as true nor as unset.

# Ephemeral debug containers are temporary and often need to write: info only.
_severity(c) := {"severity": "info"} if c.list == "ephemeralContainers"

_severity(c) := {} if c.list != "ephemeralContainers"

_pod_level_hint := " (the pod-level readOnlyRootFilesystem is not an API field and is ignored)" if {
	object.get(data.kubeward.lib.pods.pod_sc, "readOnlyRootFilesystem", null) != null
} else := ""
