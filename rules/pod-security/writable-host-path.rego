# METADATA
# title: hostPath volume mounted read-write
# description: >-
#   A writable hostPath mount lets the pod change files on the node: plant binaries or cron
#   jobs the node later runs, tamper with other pods' data, or fill the node's disk. Read-only
#   is set per mount, with readOnly true on the container's volumeMount (a readOnly on the
#   volume is not an API field); each mount of the volume is checked, subPath mounts included,
#   since they still write to the node. A readOnly the API rejects (a quoted "true", for one)
#   is reported by schema/invalid-type, not by this rule.
# custom:
#   id: pod-security/writable-host-path
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set readOnly to true on every volumeMount of a hostPath volume (with recursiveReadOnly Enabled or IfPossible to cover sub-mounts), or replace the hostPath volume.
#   references: [https://kubernetes.io/docs/concepts/storage/volumes/#hostpath, https://kubernetes.io/docs/concepts/storage/volumes/#read-only-mounts]
#   peers: {kube-linter: writable-host-mount, kubescape: C-0045}
package kubeward.rules.pod_security.writable_host_path

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	mounts = c.value.volumeMounts
	is_array(mounts)
	mount = mounts[j]
	is_object(mount)
	some h in data.kubeward.lib.pods.host_path_volumes
	h.name != ""
	mount.name == h.name
	value = object.get(mount, "readOnly", null)
	value in {null, false}
	finding = {
		"msg": _message(c, mount, h),
		"path": _path(c, j, value),
	}
}

_path(c, j, value) := array.concat(c.path, ["volumeMounts", j, "readOnly"]) if value != null

_path(c, j, value) := array.concat(c.path, ["volumeMounts", j]) if value == null

# (readOnly that is not a boolean, e.g. a quoted "true", is a value the API rejects:
# schema/invalid-type reports it, and this rule does not call the mount read-write.)
_message(c, mount, h) := sprintf(
	"%s mounts hostPath volume %q (%s) read-write at %s%s%s",
	[c.label, h.name, k8s.quote(h.host_path), _mount_path(mount), _sub_path(mount), _hints(mount, h)],
)

_mount_path(mount) := k8s.quote(mount.mountPath) if {
	is_string(mount.mountPath)
} else := "(no mountPath)"

_sub_path(mount) := sprintf(" (subPath %s, still on the node)", [k8s.quote(mount.subPath)]) if {
	is_string(mount.subPath)
	mount.subPath != ""
} else := ""

_hints(mount, h) := concat("", [_volume_hint(h), _recursive_hint(mount)])

# readOnly written on the volume (or inside hostPath) is not an API field.
_volume_hint(h) := "; readOnly on the volume is not an API field, set it on the volumeMount" if {
	_volume_read_only(h)
} else := ""

_volume_read_only(h) if object.get(h.value, "readOnly", null) != null

_volume_read_only(h) if k8s.get(h.value.hostPath, "readOnly", null) != null

# recursiveReadOnly without readOnly: true is rejected by the API and makes nothing read-only.
_recursive_hint(mount) := "; recursiveReadOnly only takes effect together with readOnly: true" if {
	object.get(mount, "recursiveReadOnly", null) != null
} else := ""
