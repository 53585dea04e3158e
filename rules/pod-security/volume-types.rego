# METADATA
# title: Volume type not allowed by Restricted
# description: >-
#   Pod Security Restricted only allows volume types that cannot reach outside the pod's own
#   storage: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected
#   and secret (and image from Kubernetes 1.33). Everything else (hostPath, nfs, gitRepo, iscsi,
#   in-tree cloud disks, flexVolume, ...) mounts node or network storage directly, bypassing
#   the PersistentVolume layer where administrators control access. A source field the API
#   rejects (misspelled, or not an object) is reported by the schema/* checks, not by this rule.
# custom:
#   id: pod-security/volume-types
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Use one of the allowed volume types; reach network or node storage through a persistentVolumeClaim (or a CSI driver) instead of an inline volume source.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted, https://kubernetes.io/docs/concepts/storage/volumes/]
#   pss: restricted
#   peers: {trivy: KSV-0028}
package kubeward.rules.pod_security.volume_types

import rego.v1

import data.kubeward.lib.pods

# Volume sources Restricted allows at every version.
allowed_sources := {
	"configMap",
	"csi",
	"downwardAPI",
	"emptyDir",
	"ephemeral",
	"persistentVolumeClaim",
	"projected",
	"secret",
}

# `image` volumes (an OCI image mounted read-only) are allowed from Kubernetes 1.33.
image_volume_minor := 33

# Every volume source field of the core/v1 Volume type, to tell a forbidden source from an
# unknown field (which the API rejects: schema/unknown-field reports it).
known_sources := allowed_sources | {
	"awsElasticBlockStore",
	"azureDisk",
	"azureFile",
	"cephfs",
	"cinder",
	"fc",
	"flexVolume",
	"flocker",
	"gcePersistentDisk",
	"gitRepo",
	"glusterfs",
	"hostPath",
	"image",
	"iscsi",
	"nfs",
	"photonPersistentDisk",
	"portworxVolume",
	"quobyte",
	"rbd",
	"scaleIO",
	"storageos",
	"vsphereVolume",
}

_allowed(source) if source in allowed_sources

_allowed("image") if data.kubeward.lib.k8s.kube_minor >= image_volume_minor

# A volume with only a name has no source: the API defaults it to emptyDir, which is allowed.
# A key that is no volume source (a misspelling) is schema/unknown-field's finding, and a source
# that is not an object schema/invalid-type's: values the API rejects, not judged here.
deny contains finding if {
	some v in data.kubeward.lib.pods.volumes
	some source, value in v.value
	source in known_sources
	is_object(value)
	not _allowed(source)
	finding = {
		"msg": _message(pods.volume_label(v), source),
		"path": array.concat(v.path, [source]),
	}
}

_message(label, "image") := sprintf(
	"%s is an image volume, which Restricted only allows from Kubernetes 1.%d (target is 1.%d)",
	[label, image_volume_minor, data.kubeward.lib.k8s.kube_minor],
)

_message(label, source) := sprintf("%s uses volume type %s, which Restricted does not allow", [label, source]) if {
	source != "image"
}
