# METADATA
# title: Pod mounts the container runtime socket
# description: >-
#   Whoever can talk to the container runtime's socket (Docker, containerd, CRI-O, Podman) can
#   start a privileged container with the host's filesystem mounted: it is root on the node,
#   outside every Kubernetes control. A hostPath volume on the socket, or on a directory that
#   contains it (/run, /var/run, /run/containerd), exposes it. Paths are normalised and /var/run
#   is read as /run; Windows named pipes of Docker and containerd count too. The socket list is
#   the parameter sockets.
# custom:
#   id: pod-security/runtime-socket
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Do not mount the runtime socket; build images with a daemonless builder (BuildKit rootless, kaniko, buildah) and get container metadata from the Kubernetes API or the kubelet instead.
#   references: [https://kubernetes.io/docs/concepts/storage/volumes/#hostpath, https://kubernetes.io/docs/setup/production-environment/container-runtimes/]
#   peers: {kube-linter: docker-sock, trivy: KSV-0006, checkov: CKV_K8S_27, kubescape: C-0074}
package kubeward.rules.pod_security.runtime_socket

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

default_sockets := [
	"/var/run/docker.sock",
	"/run/containerd/containerd.sock",
	"/var/run/crio/crio.sock",
	"/run/podman/podman.sock",
	"/var/run/cri-dockerd.sock",
	"/var/run/dockershim.sock",
	"/run/k3s/containerd/containerd.sock",
]

# A file with one of these names is a runtime socket wherever it lives.
socket_names := {
	"docker.sock",
	"containerd.sock",
	"crio.sock",
	"podman.sock",
	"cri-dockerd.sock",
	"dockershim.sock",
}

# Windows named pipes (compared lower-case, with backslashes).
windows_pipes := {`\\.\pipe\docker_engine`, `\\.\pipe\containerd-containerd`}

_params := p if {
	p = data.kubeward.config.params["pod-security/runtime-socket"]
	is_object(p)
} else := {}

_configured := s if {
	s = _params.sockets
	is_array(s)
} else := default_sockets

sockets := {n | some s in _configured; n := pods.normalise_host_path(s); n != ""}

deny contains finding if {
	some h in data.kubeward.lib.pods.host_path_volumes
	msg = _message(pods.volume_label(h), h)
	finding = {
		"msg": msg,
		"path": array.concat(h.path, ["hostPath", "path"]),
	}
}

# The socket itself (by known path or by file name).
_message(label, h) := sprintf(
	"%s mounts the container runtime socket %s, which gives full control of the node's containers (root on the node)",
	[label, k8s.quote(h.host_path)],
) if {
	_is_socket(h.normalised)
}

# A directory that contains a known socket.
_message(label, h) := sprintf(
	"%s mounts the node's %s, which contains the container runtime socket%s %s (root on the node)",
	[label, k8s.quote(h.host_path), _plural(exposed), _listing(exposed)],
) if {
	not _is_socket(h.normalised)
	exposed = {s | some s in sockets; pods.path_covers(h.normalised, s)}
	count(exposed) > 0
}

# A Windows named pipe of the runtime.
_message(label, h) := sprintf(
	"%s mounts the container runtime's named pipe %s, which gives full control of the node's containers",
	[label, h.host_path],
) if {
	h.normalised == ""
	replace(lower(h.host_path), "/", `\`) in windows_pipes
}

_is_socket(p) if {
	p != ""
	p in sockets
}

_is_socket(p) if {
	p != ""
	parts = split(p, "/")
	parts[count(parts) - 1] in socket_names
}

_plural(xs) := "s" if count(xs) > 1

_plural(xs) := "" if count(xs) <= 1

# At most three paths, then how many more.
_listing(xs) := concat(", ", sort(xs)) if count(xs) <= 3

_listing(xs) := sprintf("%s and %d more", [concat(", ", array.slice(sort(xs), 0, 3)), count(xs) - 3]) if count(xs) > 3
