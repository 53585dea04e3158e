# METADATA
# title: NetworkPolicy selects no pods
# description: >-
#   A NetworkPolicy whose podSelector matches no pod template of its namespace protects
#   nothing, and a peer podSelector (without namespaceSelector) that matches no pod of the
#   namespace allows nothing; both usually mean a label was renamed on one side only, or that
#   the policy and its pods were put in different namespaces: a NetworkPolicy only ever selects
#   pods of its own namespace, and the message names the namespaces the matching pods are in.
#   An empty podSelector (`{}`, all pods) is never dangling, and labels that controllers add to
#   pods (pod-template-hash, ...) count as present. The rule only fires when the linted files
#   hold a workload of the policy's namespace or the matching pods are known to be elsewhere
#   (else the pods are deployed from elsewhere), and never when the policy's or a matching
#   workload's namespace is unknown (no metadata.namespace and no --namespace: they may be
#   applied together). A custom resource whose labels match counts as a target, since
#   operators usually copy those labels onto the pods they create.
# custom:
#   id: network/dangling-networkpolicy
#   severity: info
#   enabled: true
#   kinds: [NetworkPolicy]
#   remediation: Make the podSelector match the labels of the pod templates the policy is meant for (spec.template.metadata.labels), or delete the stale policy.
#   references: [https://kubernetes.io/docs/concepts/services-networking/network-policies/]
#   peers: {kube-linter: [dangling-networkpolicy, dangling-networkpolicypeer-podselector], kube-score: networkpolicy-targets-pod, kubescape: C-0299}
package kubeward.rules.network.dangling_networkpolicy

import rego.v1

import data.kubeward.lib.netpol
import data.kubeward.lib.selectors

_ns := selectors.namespace_of(input)

_has_candidates if count(selectors.workload_ids_in(_ns)) > 0

# Where the pods a selector matches are, when none is in the policy's namespace (sorted).
_elsewhere(sel) := selectors.pods_elsewhere(_ns, sel, "label")

_dangling(sel) if {
	is_object(sel)
	not selectors.is_empty(sel)
	not selectors.problem(sel)
	not selectors.any_workload_matches(_ns, sel)

	# Pods an operator creates from a custom resource usually carry the resource's labels.
	not selectors.operator_labels_match(_ns, sel, "label")

	# A matching workload whose namespace is unknown (or a policy whose namespace is) may
	# end up next to it.
	not selectors.may_select_here(_ns, sel, "label")
	_evidence(sel)
}

# Linted workloads of the namespace, none of them selected; or the selected pods are known to
# be in other namespaces.
_evidence(_) if _has_candidates

_evidence(sel) if count(_elsewhere(sel)) > 0

_shown(sel) := sprintf(" (%s)", [selectors.labels_text(sel.matchLabels)]) if {
	is_object(sel.matchLabels)
	count(sel.matchLabels) > 0
	object.get(sel, "matchExpressions", []) == []
} else := ""

# "no pod template in namespace "a"", plus where the matching pods are.
_where(sel, why) := sprintf(
	"matches no pod template in %s, only pods of %s (%s)",
	[selectors.namespace_label(_ns), selectors.namespaces_text(_elsewhere(sel)), why],
) if {
	count(_elsewhere(sel)) > 0
} else := sprintf("matches no pod template in %s", [selectors.namespace_label(_ns)])

deny contains finding if {
	netpol.is_k8s_policy(input)
	sel = input.spec.podSelector
	_dangling(sel)
	finding = {
		"msg": sprintf(
			"%s: its podSelector%s %s, so the policy has no effect",
			[data.kubeward.lib.k8s.describe, _shown(sel), _where(sel, "a NetworkPolicy only selects pods of its own namespace")],
		),
		"path": ["spec", "podSelector"],
	}
}

_peer_lists := {"ingress": "from", "egress": "to"}

deny contains finding if {
	netpol.is_k8s_policy(input)
	some direction, key in _peer_lists
	rules = input.spec[direction]
	is_array(rules)
	peers = rules[i][key]
	is_array(peers)
	peer = peers[j]
	is_object(peer)
	object.get(peer, "namespaceSelector", null) == null
	sel = peer.podSelector
	_dangling(sel)
	finding = {
		"msg": sprintf(
			"%s: the podSelector%s of %s[%d] %s, so this peer allows nothing",
			[data.kubeward.lib.k8s.describe, _shown(sel), direction, i, _where(sel, "without a namespaceSelector, a peer only selects pods of the policy's namespace")],
		),
		"path": ["spec", direction, i, key, j, "podSelector"],
	}
}
