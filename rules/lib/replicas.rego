# Replica counts and HorizontalPodAutoscalers, for the reliability rules that reason about how
# many pods a controller runs (min-replicas, pdb-missing, pdb-blocks-eviction, anti-affinity).
#
# An HPA takes over a controller's replica count when its spec.scaleTargetRef names the
# controller's kind and name in the same (effective) namespace. The number of pods a controller
# can fall to (its "floor") is then the HPA's minReplicas (unset = 1); without an HPA it is
# spec.replicas (unset = 1).
#
# Everything here is total: no input shape raises a runtime error.
package kubeward.lib.replicas

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.selectors

# Kinds whose spec.replicas runs that many interchangeable pods.
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "Rollout", "DeploymentConfig"}

# hpas: every HorizontalPodAutoscaler of the run (any autoscaling/* version).
hpas := [h | h := selectors.of_kind("HorizontalPodAutoscaler")[_]; is_object(h)]

# targeting_hpas(kind, name, ns): the HPAs of namespace ns whose scaleTargetRef is kind/name.
# The target's apiVersion is not compared (an HPA written for extensions/v1beta1 still scales
# the apps/v1 Deployment of that name).
targeting_hpas(kind, name, ns) := [h |
	h = hpas[_]
	ref = h.spec.scaleTargetRef
	ref.kind == kind
	ref.name == name
	selectors.namespace_of(h) == ns
]

# hpa_min(hpa): the HPA's minReplicas, 1 when unset; undefined when it is not a number.
hpa_min(hpa) := 1 if k8s.get(k8s.get(hpa, "spec", null), "minReplicas", null) == null

hpa_min(hpa) := m if {
	m = hpa.spec.minReplicas
	is_number(m)
}

# count_of(v): a spec.replicas value as a number: 1 when unset (null), the number itself, and
# undefined for anything else (a quoted "3" from Helm, which the API rejects).
count_of(null) := 1

count_of(v) := v if is_number(v)

# floor(kind, name, ns, replicas): the fewest pods the controller kind/name in namespace ns
# runs: the lowest minReplicas of the HPAs that target it, else count_of(replicas).
floor(kind, name, ns, replicas) := m if {
	hs = targeting_hpas(kind, name, ns)
	count(hs) > 0
	m = min({hpa_min(h) | h := hs[_]})
} else := count_of(replicas)

# input_hpas / input_floor: the same for `input`.
input_hpas := targeting_hpas(data.kubeward.lib.k8s.kind, data.kubeward.lib.k8s.name, selectors.namespace_of(input))

input_replicas := k8s.get(k8s.get(input, "spec", null), "replicas", null)

input_floor := floor(data.kubeward.lib.k8s.kind, data.kubeward.lib.k8s.name, selectors.namespace_of(input), input_replicas)

# entry_floor(w): the same for a workload of selectors.workloads_in.
entry_floor(w) := floor(w.kind, w.name, w.ns, object.get(w.entry, "replicas", null))
