# METADATA
# title: Pod not managed by a controller
# description: >-
#   A Pod created directly, without a Deployment, StatefulSet, DaemonSet or Job owning it, is
#   not recreated when its node fails, when it is evicted or when it is deleted during
#   maintenance, and it cannot be scaled or rolled out. A Pod counts as managed when it lists
#   metadata.ownerReferences (as pods dumped from a cluster do); static pods are mirrored by
#   the kubelet and carry the kubernetes.io/config.mirror annotation, so they are skipped.
# custom:
#   id: reliability/naked-pod
#   severity: info
#   enabled: true
#   kinds: [Pod]
#   remediation: Run the pod through a controller (a Deployment for services, a Job for one-off tasks) instead of creating it directly.
#   references: [https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs]
#   peers: {kubescape: C-0073}
package kubeward.rules.reliability.naked_pod

import rego.v1

import data.kubeward.lib.k8s

_owned if {
	refs = input.metadata.ownerReferences
	is_array(refs)
	count(refs) > 0
}

_mirror if {
	annotations = input.metadata.annotations
	is_object(annotations)
	k8s.get(annotations, "kubernetes.io/config.mirror", null) != null
}

deny contains finding if {
	input.kind == "Pod"
	not _owned
	not _mirror
	finding = {
		"msg": sprintf("%s is not managed by a controller: nothing recreates it when its node fails or it is evicted", [data.kubeward.lib.k8s.describe]),
		"path": [],
	}
}
