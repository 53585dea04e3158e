# METADATA
# title: Deployment or StatefulSet runs fewer than two replicas
# description: >-
#   A single replica is a single point of failure: a crash, an eviction or a node drain takes
#   the service down until a replacement pod is scheduled and ready, and every rollout causes
#   downtime. A HorizontalPodAutoscaler in the linted files that targets the workload (same
#   kind, name and namespace) takes over the replica count and exempts it; an autoscaler
#   deployed from elsewhere cannot be seen, so the rule still fires then (suppress it, or lint
#   the autoscaler together with the workload). A spec.replicas the API rejects (a quoted "3")
#   is reported by schema/invalid-type, not by this rule.
# custom:
#   id: reliability/min-replicas
#   severity: info
#   enabled: true
#   kinds: [Deployment, StatefulSet]
#   remediation: Set spec.replicas to 2 or more, or let a HorizontalPodAutoscaler with minReplicas of at least 2 manage it.
#   references: [https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#replicas]
#   peers: {kube-linter: minimum-three-replicas, polaris: deploymentMissingReplicas, kube-score: deployment-replicas}
package kubeward.rules.reliability.min_replicas

import rego.v1

import data.kubeward.lib.replicas

_path := ["spec", "replicas"] if data.kubeward.lib.replicas.input_replicas != null

_path := ["spec"] if data.kubeward.lib.replicas.input_replicas == null

# A count that is not an integer (Helm's `quote` makes "3" of it) is a value the API rejects:
# schema/invalid-type reports it, and replicas.count_of leaves it undefined, so it is judged
# neither as a count nor as unset here.
deny contains finding if {
	count(data.kubeward.lib.replicas.input_hpas) == 0
	n = replicas.count_of(data.kubeward.lib.replicas.input_replicas)
	n < 2
	finding = {
		"msg": sprintf(
			"%s %s and no HorizontalPodAutoscaler in %s targets it: %s",
			[data.kubeward.lib.k8s.describe, _runs_text(n), data.kubeward.lib.k8s.scope, _effect(n)],
		),
		"path": _path,
	}
}

_runs_text(n) := "is scaled to zero (spec.replicas: 0)" if {
	n <= 0
} else := sprintf("runs a single replica%s", [_unset_note])

_effect(n) := "it runs no pod at all" if {
	n <= 0
} else := "a crash, eviction or node drain takes it down"

_unset_note := " (spec.replicas is unset and defaults to 1)" if data.kubeward.lib.replicas.input_replicas == null

_unset_note := "" if data.kubeward.lib.replicas.input_replicas != null
