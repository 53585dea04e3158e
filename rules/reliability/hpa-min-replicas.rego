# METADATA
# title: HorizontalPodAutoscaler may scale down to a single pod
# description: >-
#   An autoscaler whose minReplicas is below 2 scales the workload down to one pod when load
#   is low; that pod is then a single point of failure, and a node drain or a crash takes the
#   service down until a replacement starts. An unset minReplicas defaults to 1 and is
#   reported too. A minReplicas the API rejects (a quoted "2") is reported by
#   schema/invalid-type, not by this rule.
# custom:
#   id: reliability/hpa-min-replicas
#   severity: info
#   enabled: true
#   kinds: [HorizontalPodAutoscaler]
#   remediation: Set spec.minReplicas to at least 2 (3 for workloads that must survive a zone or node failure during a rollout).
#   references: [https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/]
#   peers: {kube-linter: hpa-minimum-three-replicas, polaris: hpaMinAvailability, kube-score: horizontalpodautoscaler-replicas}
package kubeward.rules.reliability.hpa_min_replicas

import rego.v1

import data.kubeward.lib.k8s

_spec := s if {
	s = input.spec
	is_object(s)
}

_target := sprintf(" (scales %s %q)", [ref.kind, ref.name]) if {
	ref = _spec.scaleTargetRef
	is_string(ref.kind)
	is_string(ref.name)
} else := ""

deny contains finding if {
	m = _spec.minReplicas
	is_number(m)
	m < 2
	finding = {
		"msg": sprintf("%s%s may scale down to %s (minReplicas: %v)", [data.kubeward.lib.k8s.describe, _target, _pods(m), m]),
		"path": ["spec", "minReplicas"],
	}
}

_pods(m) := "a single pod" if {
	m == 1
} else := "zero pods" if {
	m <= 0
} else := sprintf("%v pods", [m])

deny contains finding if {
	k8s.get(_spec, "minReplicas", null) == null
	finding = {
		"msg": sprintf("%s%s may scale down to a single pod (minReplicas is unset and defaults to 1)", [data.kubeward.lib.k8s.describe, _target]),
		"path": ["spec"],
	}
}

# A minReplicas that is not a number (a quoted "2") is a value the API rejects:
# schema/invalid-type reports it, and this rule calls it neither low nor unset.
