# METADATA
# title: hostPath volume exposes a sensitive node directory
# description: >-
#   Some node directories hold what an attacker needs to take over the node or the cluster:
#   kubelet and runtime state (other pods' secrets and filesystems), /etc (node and Kubernetes
#   credentials), /proc, /sys and /dev (the kernel and devices), home directories and cloud
#   credential files. A hostPath volume on such a path, or on one of its parent directories,
#   exposes it to the pod. Paths are normalised (trailing and repeated slashes, . and ..)
#   before matching; the list is the parameter paths (extra_paths adds to the default list).
# custom:
#   id: pod-security/sensitive-host-path
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove the hostPath volume, or narrow it to the specific non-sensitive file or directory the workload needs, mounted read-only.
#   references: [https://kubernetes.io/docs/concepts/storage/volumes/#hostpath, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {kube-linter: sensitive-host-mounts, trivy: KSV-0121, kubescape: C-0020}
package kubeward.rules.pod_security.sensitive_host_path

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

# Sensitive node paths and what they hold.
default_paths := {
	"/": "everything on the node",
	"/boot": "the kernel and boot loader",
	"/dev": "the node's devices",
	"/etc": "node configuration and credentials",
	"/lib": "system libraries",
	"/proc": "host processes and kernel settings",
	"/sys": "kernel and cgroup settings",
	"/usr": "system binaries and libraries",
	"/root": "root's home directory",
	"/home": "users' home directories",
	"/var/lib/kubelet": "kubelet state, including other pods' secrets",
	"/var/lib/docker": "Docker state, including other containers' filesystems",
	"/var/lib/containerd": "containerd state, including other containers' filesystems",
	"/etc/kubernetes": "Kubernetes node configuration and credentials",
	"/etc/kubernetes/pki": "cluster certificates and keys",
	"/var/lib/kubelet/pki": "the kubelet's client certificates",
	"/var/log": "node and pod logs",
	"/etc/kubernetes/azure.json": "Azure cloud credentials",
	"/etc/kubernetes/cloud.conf": "cloud provider credentials",
	"/.aws": "AWS credentials",
	"/.azure": "Azure credentials",
	"/.config/gcloud": "Google Cloud credentials",
}

# Directory names that hold credentials wherever they are (e.g. /home/ubuntu/.aws).
credential_dirs := {
	".aws": "AWS credentials",
	".azure": "Azure credentials",
	".kube": "kubeconfig credentials",
	".docker": "registry credentials",
	".ssh": "SSH keys",
}

_params := p if {
	p = data.kubeward.config.params["pod-security/sensitive-host-path"]
	is_object(p)
} else := {}

# The configured paths: `paths` replaces the default list, `extra_paths` extends it.
_base := {pods.normalise_host_path(p): _reason(p) |
	ps = _params.paths
	is_array(ps)
	some p in ps
	pods.normalise_host_path(p) != ""
} if {
	is_array(_params.paths)
} else := {pods.normalise_host_path(p): r | some p, r in default_paths}

_extra := {pods.normalise_host_path(p): _reason(p) |
	ps = _params.extra_paths
	is_array(ps)
	some p in ps
	pods.normalise_host_path(p) != ""
	not _base[pods.normalise_host_path(p)]
}

sensitive := object.union(_base, _extra)

_reason(p) := r if {
	r = default_paths[pods.normalise_host_path(p)]
} else := "configured as sensitive"

deny contains finding if {
	some h in data.kubeward.lib.pods.host_path_volumes
	h.normalised != ""
	exposed = _exposed(h.normalised)
	count(exposed) > 0
	finding = {
		"msg": sprintf("%s mounts the node's %s, %s", [pods.volume_label(h), k8s.quote(h.host_path), _what(h.normalised, exposed)]),
		"path": array.concat(h.path, ["hostPath", "path"]),
	}
}

# Sensitive paths the host path is, or is a parent of, plus credential directories in it.
_exposed(p) := {s | some s, _ in sensitive; pods.path_covers(p, s)} | {d | some d in _credential_segments(p)}

_credential_segments(p) := {s | some s in split(p, "/"); credential_dirs[s]}

_what(p, exposed) := sprintf("which holds %s", [sensitive[p]]) if {
	sensitive[p]
}

_what(p, exposed) := sprintf("which holds %s", [credential_dirs[d]]) if {
	not sensitive[p]
	dirs = {x | some x in exposed; credential_dirs[x]}
	count(dirs) > 0
	d = min(dirs)
}

_what(p, exposed) := sprintf("a parent of %s", [concat(", ", sort(_outermost(exposed)))]) if {
	not sensitive[p]
	count({d | some d in exposed; credential_dirs[d]}) == 0
}

# The exposed paths that are not below another exposed path (/var/lib/kubelet, not also
# /var/lib/kubelet/pki).
_outermost(exposed) := {s |
	some s in exposed
	not _below_another(s, exposed)
}

_below_another(s, exposed) if {
	some other in exposed
	other != s
	pods.path_covers(other, s)
}
