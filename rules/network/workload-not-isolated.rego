# METADATA
# title: Workload not isolated by a NetworkPolicy
# description: >-
#   Pods that no NetworkPolicy selects accept connections from every pod in the cluster, so one
#   compromised workload can reach them directly. The rule looks for a policy of the same
#   namespace whose podSelector matches the pod template labels and that applies to Ingress
#   (policyTypes contains Ingress, or is absent); with param `strict: true` it also requires
#   one for Egress. Cilium policies count too (param `policy_kinds`). When the linted files
#   contain no policy at all, policies applied from elsewhere cannot be ruled out, so the
#   finding is downgraded to info and says isolation could not be verified. A hostNetwork pod
#   is reported whatever the policies say: it uses the node's network, which NetworkPolicies do
#   not govern, so no policy can isolate it. Pods owned by another controller and PodTemplates
#   (which run nothing themselves) are skipped.
# custom:
#   id: network/workload-not-isolated
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Add a NetworkPolicy in the workload's namespace whose podSelector matches its pod labels, e.g. a namespace-wide default-deny (podSelector {} with policyTypes Ingress and Egress) plus policies that allow the traffic it needs.
#   references: [https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies]
#   peers: {kube-linter: non-isolated-pod, polaris: missingNetworkPolicy, kube-score: pod-networkpolicy, checkov: CKV2_K8S_6, kubescape: [C-0260, C-0030]}
package kubeward.rules.network.workload_not_isolated

import rego.v1

import data.kubeward.lib.netpol
import data.kubeward.lib.selectors

_id := "network/workload-not-isolated"

_params := p if {
	p = data.kubeward.config.params[_id]
	is_object(p)
} else := {}

_strict if _params.strict == true

_ns := selectors.namespace_of(input)

_policies := netpol.counted_in(_id, _ns)

_owned if {
	refs = input.metadata.ownerReferences
	is_array(refs)
	count(refs) > 0
}

_candidate if {
	input.kind != "PodTemplate"
	data.kubeward.lib.pods.spec
	not _owned
}

_host_network if data.kubeward.lib.pods.spec.hostNetwork == true

_applies if {
	_candidate
	not _host_network
}

# A hostNetwork pod shares the node's network namespace: NetworkPolicies only govern traffic of
# the pod network, so none can isolate it, however the policies of the run select it.
deny contains finding if {
	_candidate
	_host_network
	finding = {
		"msg": sprintf(
			"pods of %s use the node's network (hostNetwork: true), which no NetworkPolicy can isolate: policies only govern the pod network, so anything that reaches the node can connect to them",
			[data.kubeward.lib.k8s.describe],
		),
		"path": array.concat(data.kubeward.lib.pods.spec_path, ["hostNetwork"]),
	}
}

# The counted policies that select these pods, computed once: each selection test is a
# selector match, and the directions and the message below all read this list.
_selecting := [p |
	some p in _policies
	netpol.selects(p, data.kubeward.lib.pods.labels, _ns)
]

_isolated(direction) if {
	some p in _selecting
	p[direction] == true
}

_other_direction(direction) := sort([p.name |
	some p in _selecting
	not p[direction] == true
])

_path := array.concat(data.kubeward.lib.pods.meta_path, ["labels"])

_labels_text := selectors.labels_text(data.kubeward.lib.pods.labels)

_word := {"ingress": "Ingress", "egress": "Egress"}

_effect := {
	"ingress": "any pod in the cluster can connect to them",
	"egress": "they can connect anywhere",
}

_directions contains "ingress"

_directions contains "egress" if _strict

_reason(direction) := sprintf(
	"the policies that select them (%s) do not apply to %s",
	[concat(", ", others), _word[direction]],
) if {
	others = _other_direction(direction)
	count(others) > 0
} else := sprintf("no NetworkPolicy in %s selects them for %s", [selectors.namespace_label(_ns), _word[direction]])

# Whether the run has any counted policy at all, evaluated once rather than in each body.
_any_counted if netpol.any_counted(_id)

deny contains finding if {
	_applies
	_any_counted
	some direction in _directions
	not _isolated(direction)
	finding = {
		"msg": sprintf(
			"pods of %s (%s) are not isolated: %s, so %s",
			[data.kubeward.lib.k8s.describe, _labels_text, _reason(direction), _effect[direction]],
		),
		"path": _path,
	}
}

deny contains finding if {
	_applies
	not _any_counted
	finding = {
		"msg": sprintf(
			"pods of %s (%s) cannot be verified as isolated: %s no NetworkPolicy; unless one is applied from elsewhere, any pod in the cluster can connect to them",
			[data.kubeward.lib.k8s.describe, _labels_text, data.kubeward.lib.k8s.scope_contains],
		),
		"path": _path,
		"severity": "info",
	}
}
