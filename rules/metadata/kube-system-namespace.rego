# METADATA
# title: Workload is deployed into kube-system
# description: >-
#   kube-system holds the control plane and cluster add-ons, whose service accounts and Secrets
#   are among the most powerful in the cluster and which Pod Security and NetworkPolicies
#   usually leave unrestricted. An application deployed there shares all of that. Workloads
#   that declare themselves cluster components (priorityClassName system-cluster-critical or
#   system-node-critical, or the static-pod label tier: control-plane) are skipped.
# custom:
#   id: metadata/kube-system-namespace
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Deploy application workloads into their own namespace; keep kube-system for the control plane and cluster add-ons.
#   references: [https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces]
#   peers: {trivy: KSV-0037}
package kubeward.rules.metadata.kube_system_namespace

import rego.v1

_component if data.kubeward.lib.pods.spec.priorityClassName in {"system-cluster-critical", "system-node-critical"}

_component if data.kubeward.lib.pods.labels.tier == "control-plane"

deny contains finding if {
	data.kubeward.lib.scope.namespace == "kube-system"
	not _component
	finding = {
		"msg": sprintf("%s is deployed into kube-system%s, next to the control plane and its credentials", [data.kubeward.lib.k8s.describe, _how]),
		"path": _path,
	}
}

_how := "" if data.kubeward.lib.scope.explicit_namespace

_how := " (the release namespace)" if not data.kubeward.lib.scope.explicit_namespace

_path := ["metadata", "namespace"] if data.kubeward.lib.scope.explicit_namespace

_path := ["metadata"] if not data.kubeward.lib.scope.explicit_namespace
