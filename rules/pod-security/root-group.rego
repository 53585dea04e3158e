# METADATA
# title: Pod or container runs with the root group
# description: >-
#   Group 0 owns many sensitive files on the node and in images, so a process with GID 0 (as
#   primary group, supplemental group or fsGroup) can read or write them even when its UID is
#   not root. Older Pod Security Standards listed non-root groups as an optional Restricted
#   control. runAsGroup is read where it takes effect (a container value overrides the pod's);
#   supplementalGroups and fsGroup exist only at pod level. A value the API rejects (a quoted
#   "0", for one) is reported by the schema/* checks, not by this rule.
# custom:
#   id: pod-security/root-group
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Use a non-zero runAsGroup, fsGroup and supplementalGroups (e.g. 10001).
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {trivy: KSV-0116, kube-linter: run-as-non-root, kubescape: C-0013}
package kubeward.rules.pod_security.root_group

import rego.v1

_pod_label := sprintf("%s (pod securityContext)", [data.kubeward.lib.k8s.describe])

# runAsGroup 0 on a container.
deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	e = c.effective.runAsGroup
	e.level == "container"
	finding = _violation(e.value, e.path, c.label, "runAsGroup", "runs with group root")
}

# runAsGroup 0 at pod level, inherited by at least one container (one finding for the pod).
deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	e = c.effective.runAsGroup
	e.level == "pod"
	finding = _violation(e.value, e.path, _pod_label, "runAsGroup", "runs its containers with group root")
}

deny contains finding if {
	data.kubeward.lib.pods.spec
	value = object.get(data.kubeward.lib.pods.pod_sc, "fsGroup", null)
	value != null
	path = array.concat(data.kubeward.lib.pods.pod_sc_path, ["fsGroup"])
	finding = _violation(value, path, _pod_label, "fsGroup", "gives group root ownership of its volumes")
}

deny contains finding if {
	groups = data.kubeward.lib.pods.pod_sc.supplementalGroups
	is_array(groups)
	value = groups[i]
	path = array.concat(data.kubeward.lib.pods.pod_sc_path, ["supplementalGroups", i])
	finding = _violation(value, path, _pod_label, sprintf("supplementalGroups[%d]", [i]), "adds the root group to its processes")
}

_violation(value, path, subject, field, effect) := {
	"msg": sprintf("%s sets %s to 0, so it %s", [subject, field, effect]),
	"path": path,
} if {
	value == 0
}

# A quoted "0" (Helm's `quote`) or another value that is not an integer from 0 to 2147483647
# is one the API rejects: schema/invalid-type and schema/invalid-value report it, not this rule.
