# METADATA
# title: Pod mounts the container runtime socket
# description: >-
#   Whoever can talk to the container runtime's socket (Docker, containerd, CRI-O, Podman) can
#   start a privileged container with the host's filesystem mounted: it is root on the node,
#   outside every Kubernetes control. A hostPath volume on the socket exposes it, and so does one
#   on any directory above it: /run/containerd, /var/run/crio, /var/run/docker (which holds the
#   containerd socket dockerd starts), /run, /var/run and /. Paths are normalised (repeated and
#   trailing slashes, `.`, `..`), and /var/run is read as /run, the symlink the kubelet follows
#   on the node on current distributions. /var holds the MicroK8s containerd socket, and on
#   nodes where /var/run is still a directory rather than that symlink, every socket under it.
#   The message names the sockets exposed and their runtimes. Windows named pipes of Docker and
#   containerd count too. The socket list is the parameter sockets.
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

# Runtime sockets and who listens on them, as the runtimes place them (/var/run/docker.sock is
# /run/docker.sock: sockets are compared normalised, with /var/run read as /run).
default_sockets := {
	"/var/run/docker.sock": "Docker",
	"/var/run/docker/containerd/containerd.sock": "the containerd dockerd starts itself",
	"/var/run/docker/libcontainerd/docker-containerd.sock": "the containerd of older Docker releases",
	"/run/containerd/containerd.sock": "containerd",
	"/var/run/crio/crio.sock": "CRI-O",
	"/run/podman/podman.sock": "Podman",
	"/var/run/cri-dockerd.sock": "cri-dockerd",
	"/var/run/dockershim.sock": "dockershim",
	"/run/k3s/containerd/containerd.sock": "the containerd of K3s and RKE2",
	"/var/snap/microk8s/common/run/containerd.sock": "the containerd of MicroK8s",
}

# A file with one of these names is a runtime socket wherever it lives.
socket_names := {
	"docker.sock": "Docker",
	"containerd.sock": "containerd",
	"docker-containerd.sock": "containerd",
	"crio.sock": "CRI-O",
	"podman.sock": "Podman",
	"cri-dockerd.sock": "cri-dockerd",
	"dockershim.sock": "dockershim",
}

# Windows named pipes (compared lower-case, with backslashes).
windows_pipes := {`\\.\pipe\docker_engine`, `\\.\pipe\containerd-containerd`}

_params := p if {
	p = data.kubeward.config.params["pod-security/runtime-socket"]
	is_object(p)
} else := {}

# The sockets (normalised path -> runtime): the parameter `sockets` (a list of paths) replaces
# the default list.
sockets := {n: _runtime(n) |
	some s in _params.sockets
	is_array(_params.sockets)
	n := pods.normalise_host_path(s)
	n != ""
} if {
	is_array(_params.sockets)
} else := {n: r | some s, r in default_sockets; n := pods.normalise_host_path(s)}

_default_runtimes := {pods.normalise_host_path(s): r | some s, r in default_sockets}

_runtime(n) := r if {
	r = _default_runtimes[n]
} else := r if {
	r = socket_names[_file_name(n)]
} else := "configured"

_file_name(p) := parts[count(parts) - 1] if {
	parts := split(p, "/")
}

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
	"%s mounts the container runtime socket %s (%s), which gives full control of the node's containers (root on the node)",
	[label, k8s.quote(h.host_path), _socket_runtime(h.normalised)],
) if {
	_is_socket(h.normalised)
}

# A directory that holds known sockets, on the node as the kubelet resolves it.
_message(label, h) := sprintf(
	"%s mounts the node's %s, which exposes the container runtime socket%s %s%s: whoever reaches one controls the node's containers (root on the node)",
	[label, k8s.quote(h.host_path), _plural(exposed), _listing(_shown(exposed, pods.clean_host_path(h.host_path))), _symlink_note(h)],
) if {
	not _is_socket(h.normalised)
	count(_legacy(h)) == 0
	exposed = _below(h.normalised)
	count(exposed) > 0
}

# A directory that holds /var/run itself (/var): inside the container the /var/run symlink
# points to the container's own /run, so the sockets under /run are only exposed on nodes where
# /var/run is still a directory; sockets stored under /var (MicroK8s) always are.
_message(label, h) := sprintf(
	"%s mounts the node's %s, which %s: whoever reaches one controls the node's containers (root on the node)",
	[label, k8s.quote(h.host_path), _var_exposure(_below(h.normalised), _legacy(h))],
) if {
	not _is_socket(h.normalised)
	count(_legacy(h)) > 0
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
	sockets[p]
}

_is_socket(p) if {
	p != ""
	socket_names[_file_name(p)]
}

_socket_runtime(p) := r if {
	r = sockets[p]
	r != "configured"
} else := r if {
	r = socket_names[_file_name(p)]
} else := "a configured runtime socket"

# The known sockets strictly below the normalised directory p.
_below(p) := {s | some s, _ in sockets; s != p; pods.path_covers(p, s)}

# The sockets under /run a directory above /var/run (but not above /run) would expose through a
# /var/run directory: empty unless the path is such a directory.
_legacy(h) := {s |
	clean = pods.clean_host_path(h.host_path)
	clean != "/var/run"
	pods.path_covers(clean, "/var/run")
	not pods.path_covers(h.normalised, "/run")
	some s, _ in sockets
	pods.path_covers("/run", s)
}

_var_exposure(direct, legacy) := sprintf(
	"holds the container runtime socket%s %s, and also exposes %s on nodes where /var/run is a directory rather than the usual symlink to /run",
	[_plural(direct), _listing(_shown(direct, "/")), _listing(_shown(legacy, "/var/run"))],
) if {
	count(direct) > 0
} else := sprintf(
	"holds /var/run: on nodes where /var/run is a directory rather than the usual symlink to /run, that exposes the container runtime sockets %s",
	[_listing(_shown(legacy, "/var/run"))],
)

# How a socket is shown: under /var/run when the author wrote the path that way (or the socket
# is only reached through a /var/run directory), with its runtime; as [rank, text], so that
# listings start with the sockets most nodes have.
_shown(exposed, written) := {[_rank(s), _show(s, written)] | some s in exposed}

_ranks := {"/run/docker.sock": 0, "/run/containerd/containerd.sock": 1, "/run/crio/crio.sock": 2}

_rank(s) := object.get(_ranks, s, 3)

_show(s, written) := sprintf("%s (%s)", [concat("", ["/var", s]), _socket_runtime(s)]) if {
	pods.path_covers("/var/run", written)
	pods.path_covers("/run", s)
} else := sprintf("%s (%s)", [s, _socket_runtime(s)])

_symlink_note(h) := " (/var/run is a symlink to /run, which the kubelet follows on the node)" if {
	pods.path_covers("/var/run", pods.clean_host_path(h.host_path))
} else := ""

_plural(xs) := "s" if count(xs) > 1

_plural(xs) := "" if count(xs) <= 1

# At most three sockets ([rank, text] pairs, best ranked first), then how many more.
_listing(xs) := concat(", ", _texts(xs)) if count(xs) <= 3

_listing(xs) := sprintf("%s and %d more", [concat(", ", array.slice(_texts(xs), 0, 3)), count(xs) - 3]) if count(xs) > 3

_texts(xs) := [x[1] | some x in sort(xs)]
