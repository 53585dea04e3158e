# METADATA
# title: Replicas are not spread across nodes
# description: >-
#   Replicas only protect against a node failure when they run on different nodes. Without a
#   pod anti-affinity term or a topology spread constraint that selects the workload's own pods,
#   the scheduler may place every replica on one node (or in one zone), and losing it takes all
#   of them down. The rule applies to controllers that run more than one pod (spec.replicas, or
#   the minReplicas of a HorizontalPodAutoscaler that targets them); an anti-affinity term
#   counts when its topologyKey is kubernetes.io/hostname or a zone key, a spread constraint
#   with any topologyKey counts, and either must select the pod template labels.
# custom:
#   id: reliability/anti-affinity
#   severity: info
#   enabled: true
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, Rollout, DeploymentConfig]
#   remediation: Add a topologySpreadConstraint (topologyKey kubernetes.io/hostname or topology.kubernetes.io/zone) or a preferred podAntiAffinity term whose labelSelector matches the pod template labels.
#   references: [https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/, https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity]
#   peers: {kube-linter: no-anti-affinity, polaris: topologySpreadConstraint, kube-score: [deployment-has-host-podantiaffinity, statefulset-has-host-podantiaffinity, pod-topology-spread-constraints]}
package kubeward.rules.reliability.anti_affinity

import rego.v1

import data.kubeward.lib.selectors

_default_keys := ["kubernetes.io/hostname", "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]

_params := p if {
	p = data.kubeward.config.params["reliability/anti-affinity"]
	is_object(p)
} else := {}

_keys := {k | k := _array(object.get(_params, "topology_keys", _default_keys))[_]}

_array(v) := v if is_array(v)

_array(v) := [] if not is_array(v)

# Controllers created by another one (a Deployment's ReplicaSets in a cluster dump) are judged
# through their owner.
_owned if {
	refs = input.metadata.ownerReferences
	is_array(refs)
	count(refs) > 0
}

_anti := a if {
	a = data.kubeward.lib.pods.spec.affinity.podAntiAffinity
	is_object(a)
}

_terms contains t if {
	terms = _anti.requiredDuringSchedulingIgnoredDuringExecution
	is_array(terms)
	t = terms[_]
	is_object(t)
}

_terms contains t if {
	weighted = _anti.preferredDuringSchedulingIgnoredDuringExecution
	is_array(weighted)
	t = weighted[_].podAffinityTerm
	is_object(t)
}

_constraints contains c if {
	cs = data.kubeward.lib.pods.spec.topologySpreadConstraints
	is_array(cs)
	c = cs[_]
	is_object(c)
}

_spread if {
	some t in _terms
	t.topologyKey in _keys
	selectors.matches(t.labelSelector, data.kubeward.lib.pods.labels)
}

_spread if {
	some c in _constraints
	selectors.matches(c.labelSelector, data.kubeward.lib.pods.labels)
}

_runs := sprintf("runs %v replicas", [n]) if {
	count(data.kubeward.lib.replicas.input_hpas) == 0
	n = data.kubeward.lib.replicas.input_floor
} else := sprintf("runs at least %v replicas (HorizontalPodAutoscaler minReplicas)", [data.kubeward.lib.replicas.input_floor])

_message := sprintf(
	"%s %s with neither a podAntiAffinity term nor a topologySpreadConstraint, so the scheduler may put them all on one node",
	[data.kubeward.lib.k8s.describe, _runs],
) if {
	count(_terms) == 0
	count(_constraints) == 0
} else := sprintf(
	"%s %s, but none of its podAntiAffinity terms (on kubernetes.io/hostname or a zone) or topologySpreadConstraints selects its own pods, so the scheduler may put them all on one node",
	[data.kubeward.lib.k8s.describe, _runs],
)

_path := array.concat(data.kubeward.lib.pods.spec_path, ["affinity"]) if {
	count(_terms) > 0
	count(_constraints) == 0
} else := array.concat(data.kubeward.lib.pods.spec_path, ["topologySpreadConstraints"]) if {
	count(_constraints) > 0
} else := data.kubeward.lib.pods.spec_path

deny contains finding if {
	not _owned
	data.kubeward.lib.pods.spec
	data.kubeward.lib.replicas.input_floor > 1
	not _spread
	finding = {"msg": _message, "path": _path}
}
