# METADATA
# title: Container without a liveness probe
# description: >-
#   Without a liveness probe the kubelet only restarts a container whose process exits; one
#   that deadlocks or stops serving keeps running, and keeps its replica slot, until someone
#   notices. The rule covers long-running pods (controllers, and Pods or PodTemplates with
#   restartPolicy Always or unset) and every long-running container, native sidecars included;
#   Jobs and CronJobs are skipped, and a startupProbe does not count as a liveness probe. A
#   probe the API rejects for its type is reported by schema/invalid-type, not by this rule.
# custom:
#   id: reliability/liveness-probe
#   severity: warning
#   enabled: true
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod, PodTemplate, Rollout, DeploymentConfig]
#   remediation: Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process is stuck and a restart would help; keep it cheaper and more lenient than the readiness probe.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/]
#   peers: {kube-linter: no-liveness-probe, polaris: livenessProbeMissing, checkov: CKV_K8S_8, kubescape: C-0056, kube-score: pod-probes}
package kubeward.rules.reliability.liveness_probe

import rego.v1

import data.kubeward.lib.probes

deny contains finding if {
	some finding in probes.missing_findings(
		"livenessProbe",
		", so the kubelet never restarts it when it hangs",
	)
}
