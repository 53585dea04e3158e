# METADATA
# title: Namespace without a NetworkPolicy
# description: >-
#   Kubernetes allows all traffic between pods until a NetworkPolicy selects them, so a
#   namespace without any policy is flat: every pod in it is reachable from every other pod in
#   the cluster. NSA/CISA guidance asks for a default-deny policy per namespace. The rule fires
#   on a Namespace object of the linted files that has no policy, and on a namespace that only
#   holds workloads (reported once, on its first workload by kind and name) when the linted
#   files contain policies elsewhere; when they contain none at all, per-workload isolation is
#   reported as unverifiable by network/workload-not-isolated instead of here. Cilium
#   policies count too (param `policy_kinds`).
# custom:
#   id: network/namespace-no-networkpolicy
#   severity: warning
#   enabled: true
#   kinds: [Namespace, pod-bearing]
#   remediation: Add a default-deny NetworkPolicy to the namespace (podSelector {} with policyTypes Ingress and Egress), then allow the traffic its workloads need.
#   references: [https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {kubescape: [C-0206, C-0054]}
package kubeward.rules.network.namespace_no_networkpolicy

import rego.v1

import data.kubeward.lib.netpol
import data.kubeward.lib.selectors

_id := "network/namespace-no-networkpolicy"

_has_policy(ns) if {
	some p in netpol.counted_in(_id, ns)
	netpol.covers_namespace(p, ns)
}

# A Namespace object of the run carries the finding itself.
deny contains finding if {
	input.kind == "Namespace"
	ns = input.metadata.name
	is_string(ns)
	not _has_policy(ns)
	finding = {
		"msg": sprintf(
			"namespace %q has no NetworkPolicy in %s: all its pods accept traffic from anywhere in the cluster",
			[ns, data.kubeward.lib.k8s.scope],
		),
		"path": ["metadata", "name"],
	}
}

# A namespace known only through its workloads: reported on the first of them.

_ns := selectors.namespace_of(input)

_declared(ns) if {
	is_string(ns)
	some n in selectors.of_kind("Namespace")
	n.metadata.name == ns
}

_members := [id | some id in selectors.workload_ids_in(_ns); id[0] != "PodTemplate"]

_path := ["metadata", "namespace"] if is_string(input.metadata.namespace)

_path := ["metadata"] if not is_string(input.metadata.namespace)

_others := n if {
	n = count(_members) - 1
	n > 0
}

_also := sprintf(" (and %d other workload(s))", [_others]) if _others

_also := "" if not _others

deny contains finding if {
	input.kind != "Namespace"
	input.kind != "PodTemplate"
	netpol.any_counted(_id)
	not _declared(_ns)
	not _has_policy(_ns)
	count(_members) > 0
	_members[0] == [input.kind, data.kubeward.lib.k8s.name]
	finding = {
		"msg": sprintf(
			"%s has workloads, %s%s, but no NetworkPolicy in %s: all their pods accept traffic from anywhere in the cluster",
			[_ns_text, data.kubeward.lib.k8s.describe, _also, data.kubeward.lib.k8s.scope],
		),
		"path": _path,
	}
}

_ns_text := sprintf("namespace %q", [_ns]) if is_string(_ns)

_ns_text := "the (unset) release namespace" if not is_string(_ns)
