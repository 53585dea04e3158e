# METADATA
# title: PodDisruptionBudget allows no voluntary disruption
# description: >-
#   A PodDisruptionBudget with maxUnavailable 0 (or "0%"), minAvailable "100%", or a
#   minAvailable at least as large as the number of pods it selects never allows an eviction.
#   Node drains, cluster upgrades and autoscaler scale-downs then hang until someone deletes
#   the budget or the pods by hand. The pod count is the sum of the replicas of the linted
#   controllers in the same namespace whose pod template labels the selector matches (an
#   autoscaler's minReplicas when one targets them); when a DaemonSet, Job or bare Pod is among
#   them, the count is unknown and only the explicit 0 / 100% forms are reported. A value the
#   API rejects (a quoted "0" that is not a percentage) is reported by schema/invalid-value, not
#   by this rule.
# custom:
#   id: reliability/pdb-blocks-eviction
#   severity: warning
#   enabled: true
#   kinds: [PodDisruptionBudget]
#   remediation: Allow at least one disruption, e.g. maxUnavailable 1, or a minAvailable below the replica count.
#   references: [https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions]
#   peers: {kube-linter: [pdb-max-unavailable, pdb-min-available], polaris: pdbDisruptionsIsZero, kube-score: poddisruptionbudget-has-policy}
package kubeward.rules.reliability.pdb_blocks_eviction

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.replicas
import data.kubeward.lib.selectors

_spec := s if {
	s = input.spec
	is_object(s)
}

# An IntOrString as {"int": n} or {"percent": n}. A string that is not a percentage (a quoted
# "1" from Helm's `quote`) is a value the API rejects: schema/invalid-value reports it, and it
# parses to nothing here.
_parse(v) := {"int": v} if is_number(v)

_parse(v) := {"percent": to_number(trim_suffix(v, "%"))} if {
	is_string(v)
	regex.match(`^[0-9]+%$`, v)
}

deny contains finding if {
	v = _spec.maxUnavailable
	p = _parse(v)
	object.get(p, "int", object.get(p, "percent", -1)) == 0
	finding = {
		"msg": sprintf(
			"%s sets maxUnavailable to %s, so no pod it selects can ever be evicted: node drains and upgrades hang",
			[data.kubeward.lib.k8s.describe, k8s.quote(v)],
		),
		"path": ["spec", "maxUnavailable"],
	}
}

deny contains finding if {
	v = _spec.minAvailable
	p = _parse(v)
	p.percent >= 100
	finding = {
		"msg": sprintf(
			"%s sets minAvailable to %q, so no pod it selects can ever be evicted: node drains and upgrades hang",
			[data.kubeward.lib.k8s.describe, v],
		),
		"path": ["spec", "minAvailable"],
	}
}

# minAvailable >= the number of pods the budget selects.
_ns := selectors.namespace_of(input)

_selected := {w | some w in selectors.workloads_in(_ns); selectors.pdb_selects(input, w.labels)}

_all_replicated if {
	count(_selected) > 0
	every w in _selected {
		w.kind in data.kubeward.lib.replicas.replicated_kinds
		replicas.entry_floor(w)
	}
}

_total := sum([replicas.entry_floor(w) | some w in _selected])

_pods(1) := "a single pod"

_pods(n) := sprintf("%v pods", [n]) if n != 1

_names := concat(", ", sort([sprintf("%s %q runs %v", [w.kind, w.name, replicas.entry_floor(w)]) | some w in _selected]))

deny contains finding if {
	v = _spec.minAvailable
	p = _parse(v)
	n = p.int
	n > 0
	_all_replicated
	n >= _total
	finding = {
		"msg": sprintf(
			"%s requires minAvailable %s while it selects %s (%s), so none can ever be evicted: node drains and upgrades hang",
			[data.kubeward.lib.k8s.describe, k8s.quote(v), _pods(_total), _names],
		),
		"path": ["spec", "minAvailable"],
	}
}
