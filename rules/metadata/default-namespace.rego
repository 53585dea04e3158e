# METADATA
# title: Object is placed in the default namespace
# description: >-
#   The default namespace is where everything lands that names no namespace, so workloads there
#   share RBAC, quotas, NetworkPolicies and Pod Security settings with whatever else was
#   deployed carelessly, and cannot be isolated from it. The effective namespace is
#   metadata.namespace, else the release namespace given to the run (--namespace); when both
#   are unknown, as in most Helm charts, nothing is reported. Cluster-scoped kinds, the default
#   ServiceAccount and the API server's own `kubernetes` Service and endpoints are skipped.
# custom:
#   id: metadata/default-namespace
#   severity: warning
#   enabled: true
#   kinds: ["*"]
#   remediation: Deploy into a dedicated namespace (set metadata.namespace, or deploy with --namespace / helm --namespace), with its own RBAC, quotas, NetworkPolicies and Pod Security labels.
#   references: [https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/, https://kubernetes.io/docs/concepts/security/multi-tenancy/#namespaces]
#   peers: {kube-linter: use-namespace, trivy: KSV-0110, checkov: CKV_K8S_21, kubescape: [C-0061, C-0212]}
package kubeward.rules.metadata.default_namespace

import rego.v1

# Objects that exist in the default namespace by design.
_builtin if {
	input.kind == "ServiceAccount"
	data.kubeward.lib.k8s.name == "default"
}

_builtin if {
	input.kind in {"Service", "Endpoints", "EndpointSlice"}
	data.kubeward.lib.k8s.name == "kubernetes"
}

# Each body starts with a cheap guard (the rule runs on every resource).
deny contains finding if {
	input.metadata.namespace == "default"
	data.kubeward.lib.scope.is_namespaced
	not _builtin
	data.kubeward.lib.scope.explicit_namespace == "default"
	finding = {
		"msg": sprintf("%s is placed in the default namespace (metadata.namespace: default)", [data.kubeward.lib.k8s.describe]),
		"path": ["metadata", "namespace"],
	}
}

deny contains finding if {
	data.kubeward.config.namespace == "default"
	data.kubeward.lib.scope.is_namespaced
	not _builtin
	not data.kubeward.lib.scope.explicit_namespace
	data.kubeward.lib.scope.release_namespace == "default"
	finding = {
		"msg": sprintf(
			"%s sets no metadata.namespace and the release namespace is \"default\", so it lands in the default namespace",
			[data.kubeward.lib.k8s.describe],
		),
		"path": ["metadata"],
	}
}
