# METADATA
# title: Update strategy replaces pods without a rolling update
# description: >-
#   A Deployment with strategy Recreate stops every old pod before starting the new ones, so
#   each rollout is an outage; a StatefulSet or DaemonSet with updateStrategy OnDelete never
#   updates its pods until someone deletes them by hand, so template changes silently do not
#   roll out. RollingUpdate, the default, replaces pods gradually.
# custom:
#   id: reliability/rolling-update
#   severity: info
#   enabled: true
#   kinds: [Deployment, StatefulSet, DaemonSet]
#   remediation: Use the RollingUpdate strategy (the default) unless the application cannot run two versions side by side (Recreate) or its pods must be replaced by hand (OnDelete).
#   references: [https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy, https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies]
#   peers: {kube-linter: no-rolling-update-strategy, kube-score: deployment-strategy, kubescape: C-0305}
package kubeward.rules.reliability.rolling_update

import rego.v1

deny contains finding if {
	input.kind == "Deployment"
	input.spec.strategy.type == "Recreate"
	finding = {
		"msg": sprintf("%s uses the Recreate strategy: every rollout stops all old pods before new ones start", [data.kubeward.lib.k8s.describe]),
		"path": ["spec", "strategy", "type"],
	}
}

deny contains finding if {
	input.kind in {"StatefulSet", "DaemonSet"}
	input.spec.updateStrategy.type == "OnDelete"
	finding = {
		"msg": sprintf("%s uses the OnDelete update strategy: template changes reach its pods only when they are deleted by hand", [data.kubeward.lib.k8s.describe]),
		"path": ["spec", "updateStrategy", "type"],
	}
}
