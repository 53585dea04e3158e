# METADATA
# title: Liveness and readiness probes are identical
# description: >-
#   Readiness and liveness answer different questions: "should this pod get traffic now?"
#   versus "is this process beyond repair?". When both probes are the same, a pod that is only
#   briefly overloaded fails liveness together with readiness and is killed instead of being
#   taken out of rotation, which turns load spikes into restart storms.
# custom:
#   id: reliability/identical-probes
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Make the liveness probe more lenient than the readiness probe (a cheaper check, a higher failureThreshold or periodSeconds), or drop it if a restart would not help.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/]
#   peers: {kube-score: pod-probes-identical}
package kubeward.rules.reliability.identical_probes

import rego.v1

deny contains finding if {
	some c in data.kubeward.lib.pods.run_containers
	liveness = c.value.livenessProbe
	is_object(liveness)
	count(liveness) > 0
	liveness == c.value.readinessProbe
	finding = {
		"msg": sprintf(
			"%s of %s uses the same probe for liveness and readiness, so a pod that is only overloaded is restarted instead of taken out of rotation",
			[c.label, data.kubeward.lib.k8s.describe],
		),
		"path": array.concat(c.path, ["livenessProbe"]),
	}
}
