# METADATA
# title: Replicated workload without a PodDisruptionBudget
# description: >-
#   Without a PodDisruptionBudget, a node drain, cluster upgrade or autoscaler scale-down may
#   evict all replicas of a Deployment or StatefulSet at once, turning routine maintenance into
#   an outage. The rule applies to workloads that run more than one pod (spec.replicas, or the
#   minReplicas of a HorizontalPodAutoscaler that targets them) and looks for a PDB of the same
#   namespace whose selector matches the pod template labels (policy/v1 `selector: {}` matches
#   every pod, policy/v1beta1 `{}` none). When the linted files hold no PDB at all, a budget
#   deployed separately cannot be ruled out: the finding (info, like the rule) then says it
#   could not be verified.
# custom:
#   id: reliability/pdb-missing
#   severity: info
#   enabled: true
#   kinds: [Deployment, StatefulSet]
#   remediation: Add a policy/v1 PodDisruptionBudget in the same namespace whose selector matches the pod template labels, e.g. with maxUnavailable 1.
#   references: [https://kubernetes.io/docs/tasks/run-application/configure-pdb/]
#   peers: {polaris: missingPodDisruptionBudget, kube-score: [deployment-has-poddisruptionbudget, statefulset-has-poddisruptionbudget]}
package kubeward.rules.reliability.pdb_missing

import rego.v1

import data.kubeward.lib.selectors

_pdbs := [p | p := selectors.of_kind("PodDisruptionBudget")[_]; is_object(p)]

_ns := selectors.namespace_of(input)

_covered if {
	some pdb in _pdbs
	selectors.namespace_of(pdb) == _ns
	selectors.pdb_selects(pdb, data.kubeward.lib.pods.labels)
}

_path := ["spec", "replicas"] if data.kubeward.lib.replicas.input_replicas != null

_path := ["spec"] if data.kubeward.lib.replicas.input_replicas == null

_runs := sprintf("runs %v replicas", [n]) if {
	count(data.kubeward.lib.replicas.input_hpas) == 0
	n = data.kubeward.lib.replicas.input_floor
} else := sprintf("runs at least %v replicas (HorizontalPodAutoscaler minReplicas)", [data.kubeward.lib.replicas.input_floor])

_message := sprintf(
	"%s %s but no PodDisruptionBudget in %s selects its pods: a node drain may evict them all at once",
	[data.kubeward.lib.k8s.describe, _runs, selectors.namespace_label(_ns)],
) if {
	count(_pdbs) > 0
} else := sprintf(
	"%s %s and %s no PodDisruptionBudget, so its protection against voluntary disruptions cannot be verified; without one, a node drain may evict them all at once",
	[data.kubeward.lib.k8s.describe, _runs, data.kubeward.lib.k8s.scope_contains],
)

deny contains finding if {
	data.kubeward.lib.replicas.input_floor > 1
	not _covered
	finding = {
		"msg": _message,
		"path": _path,
	}
}
