# METADATA
# title: Pod mounts a hostPath volume
# description: >-
#   A hostPath volume exposes a directory or file of the node inside the pod. Depending on the
#   path it leaks node credentials, the container runtime socket or other pods' data, and a
#   writable mount lets the pod plant files the node later executes. Pod Security Baseline
#   forbids every hostPath volume, whatever its path or type. A hostPath the API rejects for
#   its type (a bare path string) is reported by schema/invalid-type instead.
# custom:
#   id: pod-security/host-path
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Replace the hostPath volume with a configMap, secret, emptyDir, persistentVolumeClaim or CSI volume.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/concepts/storage/volumes/#hostpath]
#   pss: baseline
#   peers: {polaris: hostPathSet, trivy: KSV-0023, kubescape: C-0048}
package kubeward.rules.pod_security.host_path

import rego.v1

import data.kubeward.lib.k8s

# A hostPath that is not an object is a value the API rejects: schema/invalid-type reports it.
deny contains finding if {
	some v in data.kubeward.lib.pods.volumes
	source = v.value.hostPath
	is_object(source)
	finding = {
		"msg": _message(_volume_label(v), source),
		"path": array.concat(v.path, ["hostPath"]),
	}
}

_volume_label(v) := sprintf("volume %q", [v.name]) if v.name != ""

_volume_label(v) := sprintf("volume #%d", [v.index]) if v.name == ""

_message(label, source) := sprintf("%s mounts the node's path %s", [label, k8s.quote(source.path)]) if {
	is_string(source.path)
}

_message(label, source) := sprintf("%s is a hostPath volume", [label]) if {
	not _has_path(source)
}

_has_path(source) if is_string(source.path)
