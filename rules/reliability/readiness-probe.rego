# METADATA
# title: Container without a readiness probe
# description: >-
#   Without a readiness probe a pod counts as ready as soon as its containers start, so
#   Services send it traffic before it can serve, and keep sending traffic while it is
#   overloaded or broken; rolling updates also proceed without waiting for the new pods. The
#   rule covers long-running pods (controllers, and Pods or PodTemplates with restartPolicy
#   Always or unset) and every long-running container, native sidecars included; Jobs and
#   CronJobs are skipped, and a startupProbe does not count as a readiness probe. A probe the
#   API rejects for its type is reported by schema/invalid-type, not by this rule.
# custom:
#   id: reliability/readiness-probe
#   severity: warning
#   enabled: true
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod, PodTemplate, Rollout, DeploymentConfig]
#   remediation: Add a readinessProbe (httpGet, tcpSocket, grpc or exec) that succeeds only when the container can serve requests.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/]
#   peers: {kube-linter: no-readiness-probe, polaris: readinessProbeMissing, checkov: CKV_K8S_9, kubescape: C-0018, kube-score: pod-probes}
package kubeward.rules.reliability.readiness_probe

import rego.v1

import data.kubeward.lib.probes

deny contains finding if {
	some finding in probes.missing_findings(
		"readinessProbe",
		", so it receives traffic before it is ready and while it is failing",
	)
}
