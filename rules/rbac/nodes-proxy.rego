# METADATA
# title: Role can reach the kubelet through nodes/proxy
# description: >-
#   nodes/proxy forwards requests to the kubelet API of a node, which runs commands in any
#   container on it (/exec, /run), reads every pod's logs and bypasses admission control and the
#   audit trail of pods/exec. Even get alone is enough, because the kubelet authorizes websocket
#   upgrades as get. Any verb counts, `*` and `*/proxy` resources included, and resourceNames
#   naming nodes still hands over those nodes.
# custom:
#   id: rbac/nodes-proxy
#   severity: error
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Remove nodes/proxy from the role; monitoring agents can read metrics from the kubelet's /metrics endpoints through nodes/metrics and nodes/stats instead.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes, https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/]
#   peers: {trivy: KSV-0047, checkov: CKV2_K8S_2, kubescape: C-0279}
package kubeward.rules.rbac.nodes_proxy

import rego.v1

import data.kubeward.lib.rbac

# Every verb the API server or the kubelet maps a request on nodes/proxy to.
_verbs := {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy"}

_targets := {["", "nodes/proxy"]}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants_ignoring_names(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s on %s%s%s: its subjects can call the kubelet API and run commands in any container on the nodes",
			[data.kubeward.lib.k8s.describe, item.label, rbac.quoted_list(x.verb_values), rbac.quoted_list(x.resource_values), _group_note(x), _covers(x)],
		),
		"path": x.entry.path,
	}
}

_group_note(x) := sprintf(" (apiGroups %s)", [rbac.quoted_list(x.group_values)]) if "*" in x.group_values

_group_note(x) := "" if not "*" in x.group_values

_covers(x) := "" if x.resource_values == {"nodes/proxy"}

_covers(x) := ", which covers nodes/proxy" if x.resource_values != {"nodes/proxy"}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects reach the kubelet API")
	finding = f
}
