# METADATA
# title: Pod sets an unsafe sysctl
# description: >-
#   Most kernel parameters are not isolated per pod: setting them from a pod changes the
#   whole node, or can starve it of memory or connections. Pod Security Baseline only allows a
#   short list of namespaced, per-pod-safe sysctls, which grows with the Kubernetes version.
#   An entry the API rejects (no name, not an object) is reported by the schema/* checks, not by
#   this rule.
# custom:
#   id: pod-security/sysctls
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove the sysctl from spec.securityContext.sysctls, or tune it on the node; only the safe set of the target Kubernetes version is allowed.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/]
#   pss: baseline
#   peers: {kube-linter: unsafe-sysctls, trivy: KSV-0026, kubescape: C-0211}
package kubeward.rules.pod_security.sysctls

import rego.v1

import data.kubeward.lib.k8s

# Safe sysctls and the Kubernetes minor version from which Pod Security Baseline allows them.
safe_since := {
	"kernel.shm_rmid_forced": 0,
	"net.ipv4.ip_local_port_range": 0,
	"net.ipv4.tcp_syncookies": 0,
	"net.ipv4.ping_group_range": 0,
	"net.ipv4.ip_unprivileged_port_start": 0,
	"net.ipv4.ip_local_reserved_ports": 27,
	"net.ipv4.tcp_keepalive_time": 29,
	"net.ipv4.tcp_fin_timeout": 29,
	"net.ipv4.tcp_keepalive_intvl": 29,
	"net.ipv4.tcp_keepalive_probes": 29,
	"net.ipv4.tcp_rmem": 32,
	"net.ipv4.tcp_wmem": 32,
}

# is_safe(name): name (normalised) is in the safe set of the target version.
is_safe(name) if data.kubeward.lib.k8s.kube_minor >= safe_since[name]

# normalise(name): Kubernetes accepts `/` as the separator (net/ipv4/tcp_syncookies); when
# the first separator is a `/`, slashes and dots swap roles, as in the kubelet.
normalise(name) := concat(".", [replace(part, ".", "/") | some part in split(name, "/")]) if {
	_slash_first(name)
}

normalise(name) := name if not _slash_first(name)

_slash_first(name) if {
	slash = indexof(name, "/")
	slash >= 0
	_before(slash, indexof(name, "."))
}

_before(_, dot) if dot < 0

_before(slash, dot) if slash < dot

# Pod level only: a `sysctls` key under a container is not part of the API.
_sysctls := list if {
	list = data.kubeward.lib.pods.spec.securityContext.sysctls
	is_array(list)
}

_entry_path(i) := array.concat(data.kubeward.lib.pods.pod_sc_path, ["sysctls", i, "name"])

deny contains finding if {
	entry = _sysctls[i]
	name = k8s.get(entry, "name", null)
	is_string(name)
	norm = normalise(name)
	not is_safe(norm)
	finding = {
		"msg": _unsafe_message(name, norm),
		"path": _entry_path(i),
	}
}

_spelled(name, norm) := sprintf("%q", [name]) if name == norm

_spelled(name, norm) := sprintf("%q (%s)", [name, norm]) if name != norm

_unsafe_message(name, norm) := sprintf(
	"%s sets sysctl %s, which Baseline allows only from Kubernetes 1.%v (target 1.%v)",
	[data.kubeward.lib.k8s.describe, _spelled(name, norm), safe_since[norm], data.kubeward.lib.k8s.kube_minor],
) if {
	safe_since[norm]
}

_unsafe_message(name, norm) := sprintf(
	"%s sets sysctl %s, which is not in the Baseline safe set and may affect the whole node",
	[data.kubeward.lib.k8s.describe, _spelled(name, norm)],
) if {
	not safe_since[norm]
}

# An entry without a string name (or not an object at all) is a value the API rejects:
# schema/invalid-type or schema/missing-required reports it, not this rule.

# Even safe sysctls conflict with shared host namespaces: the API rejects net.* sysctls in a
# hostNetwork pod and IPC sysctls in a hostIPC pod. Kept here although the API rejects it: no
# schema/* check reports the combination, and it is about this rule's own subject.
deny contains finding if {
	entry = _sysctls[i]
	name = k8s.get(entry, "name", null)
	is_string(name)
	norm = normalise(name)
	is_safe(norm)
	some namespace in _shared_namespaces(norm)
	finding = {
		"msg": sprintf("%s sets sysctl %q together with %s: true, which the API rejects", [data.kubeward.lib.k8s.describe, norm, namespace]),
		"path": _entry_path(i),
		"severity": "warning",
	}
}

_shared_namespaces(norm) := {field |
	some field, prefix in {"hostNetwork": "net.", "hostIPC": "kernel.shm"}
	data.kubeward.lib.pods.spec[field] == true
	startswith(norm, prefix)
}
