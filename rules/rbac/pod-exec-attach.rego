# METADATA
# title: Role allows exec, attach or port-forward into pods
# description: >-
#   `create` on pods/exec or pods/attach runs commands in, or takes over the terminal of, any
#   container the role reaches, with that container's service account token, mounted Secrets
#   and privileges; pods/portforward opens connections to ports that no Service or
#   NetworkPolicy exposes. `get` counts too, because the API server also accepts these
#   requests as websocket GETs. Wildcard verbs, resources (`*`, `*/exec`) and API groups count.
# custom:
#   id: rbac/pod-exec-attach
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Remove pods/exec, pods/attach and pods/portforward from roles given to applications; grant them only to break-glass operator roles, bound in the namespaces that need them.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#exec-attach-and-portforward]
#   peers: {polaris: [clusterrolePodExecAttach, rolePodExecAttach, clusterrolebindingPodExecAttach, rolebindingClusterRolePodExecAttach, rolebindingRolePodExecAttach], trivy: [KSV-0053, KSV-0054], checkov: CKV2_K8S_2, kubescape: [C-0002, C-0063]}
package kubeward.rules.rbac.pod_exec_attach

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create", "get"}

_targets := {["", "pods/exec"], ["", "pods/attach"], ["", "pods/portforward"]}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s: its subjects can %s",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x), _consequence(x.resources)],
		),
		"path": x.entry.path,
	}
}

_consequence(resources) := "run commands in containers and use their service account tokens and Secrets" if {
	some r in resources
	r in {"pods/exec", "pods/attach"}
}

_consequence(resources) := "open connections to any port of the pods, bypassing Services and NetworkPolicies" if {
	not "pods/exec" in resources
	not "pods/attach" in resources
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects exec into, attach to or port-forward to pods")
	finding = f
}
