# METADATA
# title: Helm v2 Tiller deployed
# description: >-
#   Tiller, the in-cluster server of Helm v2, listens for unauthenticated gRPC on port 44134 and
#   usually runs with cluster-admin rights, so any pod that can reach it can install anything in
#   the cluster. Helm v2 has been unsupported since November 2020. Workloads running a `tiller`
#   image or labelled `app: helm, name: tiller`, and Services selecting or labelled so, are
#   reported.
# custom:
#   id: components/helm-tiller
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing, Service]
#   remediation: Migrate the releases to Helm 3 (helm-2to3 plugin) and remove the Tiller Deployment, Service and its ServiceAccount binding.
#   references: [https://helm.sh/blog/helm-v2-deprecation-timeline/, https://helm.sh/docs/topics/v2_v3_migration/]
#   peers: {trivy: KSV-0102, checkov: [CKV_K8S_34, CKV_K8S_44, CKV_K8S_45]}
package kubeward.rules.components.helm_tiller

import rego.v1

_tiller_containers contains [c, r] if {
	some c in data.kubeward.lib.pods.containers
	r = data.kubeward.lib.images.parsed[c.path]
	parts = split(r.repository, "/")
	parts[count(parts) - 1] == "tiller"
}

deny contains finding if {
	some [c, r] in _tiller_containers
	finding = {
		"msg": sprintf("%s runs Helm v2's Tiller (image %q), which serves unauthenticated gRPC on port 44134", [c.label, r.ref]),
		"path": array.concat(c.path, ["image"]),
	}
}

_tiller_labels(l) if {
	is_object(l)
	l.app == "helm"
	l.name == "tiller"
}

# Labelled as Tiller but running an image under another name (a mirror, a fork).
deny contains finding if {
	data.kubeward.lib.pods.is_pod_bearing
	count(_tiller_containers) == 0
	path = _labelled_path
	finding = {
		"msg": sprintf("%s is labelled app: helm, name: tiller, the Helm v2 Tiller server", [data.kubeward.lib.k8s.describe]),
		"path": path,
	}
}

_labelled_path := array.concat(data.kubeward.lib.pods.meta_path, ["labels"]) if {
	_tiller_labels(data.kubeward.lib.pods.labels)
} else := ["metadata", "labels"] if {
	_tiller_labels(input.metadata.labels)
}

deny contains finding if {
	input.kind == "Service"
	path = _service_path
	finding = {
		"msg": sprintf("%s exposes Helm v2's Tiller, which serves unauthenticated gRPC on port 44134", [data.kubeward.lib.k8s.describe]),
		"path": path,
	}
}

_service_path := ["spec", "selector"] if {
	_tiller_labels(input.spec.selector)
} else := ["metadata", "labels"] if {
	_tiller_labels(input.metadata.labels)
}
