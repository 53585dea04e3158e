# Unit tests of the Restricted and hardening pod-security rules for what the YAML fixtures
# cannot express: per-finding severities, target versions other than the fixture's, rule
# parameters, and robustness against malformed input shapes.
package kubeward.lib.restricted_versions_test

import rego.v1

import data.kubeward.rules.pod_security.allow_privilege_escalation as ape
import data.kubeward.rules.pod_security.capabilities_restricted as caps
import data.kubeward.rules.pod_security.drop_net_raw
import data.kubeward.rules.pod_security.host_aliases
import data.kubeward.rules.pod_security.low_uid_gid
import data.kubeward.rules.pod_security.read_only_root_fs as rorfs
import data.kubeward.rules.pod_security.root_group
import data.kubeward.rules.pod_security.run_as_non_root
import data.kubeward.rules.pod_security.run_as_root_user
import data.kubeward.rules.pod_security.runtime_socket
import data.kubeward.rules.pod_security.seccomp_required
import data.kubeward.rules.pod_security.sensitive_host_path
import data.kubeward.rules.pod_security.sudo_in_command
import data.kubeward.rules.pod_security.volume_types
import data.kubeward.rules.pod_security.writable_host_path

_cfg(minor) := {"kube_version": sprintf("1.%d", [minor]), "kube_minor": minor}

_pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

_one(sc) := _pod({"containers": [{"name": "app", "image": "x:1", "securityContext": sc}]})

# ---- severities -----------------------------------------------------------------------------

test_ape_explicit_true_is_error if {
	fs := ape.deny with input as _one({"allowPrivilegeEscalation": true})
	count(fs) == 1
	some f in fs
	f.severity == "error"
	f.path == ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"]
}

# A quoted value is one the API rejects (schema/invalid-type): neither true nor unset here.
test_ape_quoted_values_are_silent if {
	count(ape.deny) == 0 with input as _one({"allowPrivilegeEscalation": "true"})
	count(ape.deny) == 0 with input as _one({"allowPrivilegeEscalation": "false"})
}

test_ape_unset_has_default_severity if {
	fs := ape.deny with input as _one({})
	count(fs) == 1
	some f in fs
	not f.severity
	f.path == ["spec", "containers", 0, "securityContext"]
}

test_rorfs_ephemeral_is_info if {
	p := _pod({
		"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}],
		"ephemeralContainers": [{"name": "debug"}],
	})
	fs := rorfs.deny with input as p
	count(fs) == 1
	some f in fs
	f.severity == "info"
	f.path == ["spec", "ephemeralContainers", 0]
}

# Values the API rejects (a quoted "0", a negative UID) are the schema checks' findings.
test_run_as_root_user_rejected_values_are_silent if {
	count(run_as_root_user.deny) == 0 with input as _one({"runAsUser": "0"})
	count(run_as_root_user.deny) == 0 with input as _one({"runAsUser": "1000"})
	count(run_as_root_user.deny) == 0 with input as _one({"runAsUser": -1})
	count(run_as_root_user.deny) == 1 with input as _one({"runAsUser": 0})
}

# ---- target versions ------------------------------------------------------------------------

_image_pod := _pod({"containers": [{"name": "app"}], "volumes": [{"name": "m", "image": {"reference": "r/m:1"}}]})

test_image_volume_gated_at_1_33 if {
	p := _image_pod
	count(volume_types.deny) == 1 with input as p with data.kubeward.config as _cfg(32)
	count(volume_types.deny) == 0 with input as p with data.kubeward.config as _cfg(33)
	count(volume_types.deny) == 0 with input as p with data.kubeward.config as _cfg(35)
}

test_seccomp_required_from_1_19 if {
	p := _one({})
	count(seccomp_required.deny) == 0 with input as p with data.kubeward.config as _cfg(18)
	count(seccomp_required.deny) == 1 with input as p with data.kubeward.config as _cfg(19)
}

test_capabilities_restricted_from_1_22 if {
	p := _one({})
	count(caps.deny) == 0 with input as p with data.kubeward.config as _cfg(21)
	count(caps.deny) == 1 with input as p with data.kubeward.config as _cfg(22)
}

_windows := _pod({"os": {"name": "windows"}, "containers": [{"name": "app"}]})

test_windows_exemption_from_1_25 if {
	p := _windows
	count(ape.deny) == 1 with input as p with data.kubeward.config as _cfg(24)
	count(ape.deny) == 0 with input as p with data.kubeward.config as _cfg(25)
	count(seccomp_required.deny) == 1 with input as p with data.kubeward.config as _cfg(24)
	count(seccomp_required.deny) == 0 with input as p with data.kubeward.config as _cfg(25)
	count(caps.deny) == 1 with input as p with data.kubeward.config as _cfg(24)
	count(caps.deny) == 0 with input as p with data.kubeward.config as _cfg(25)
}

test_windows_pods_still_need_run_as_non_root if {
	p := _windows
	count(run_as_non_root.deny) == 1 with input as p
}

_userns := _pod({"hostUsers": false, "securityContext": {"runAsUser": 0}, "containers": [{"name": "app"}]})

test_user_namespace_relaxation_from_1_35 if {
	p := _userns
	count(run_as_non_root.deny) == 1 with input as p with data.kubeward.config as _cfg(34)
	count(run_as_non_root.deny) == 0 with input as p with data.kubeward.config as _cfg(35)
	count(run_as_root_user.deny) == 1 with input as p with data.kubeward.config as _cfg(34)
	count(run_as_root_user.deny) == 0 with input as p with data.kubeward.config as _cfg(35)
}

test_user_namespace_does_not_relax_capabilities if {
	p := _userns
	count(caps.deny) == 1 with input as p with data.kubeward.config as _cfg(35)
}

# ---- parameters -----------------------------------------------------------------------------

_host_paths(paths) := _pod({
	"containers": [{"name": "app"}],
	"volumes": [{"name": sprintf("v%d", [i]), "hostPath": {"path": p}} | some i, p in paths],
})

test_sensitive_paths_default if {
	p := _host_paths(["/etc", "/srv/app", "/opt/secrets"])
	count(sensitive_host_path.deny) == 1 with input as p
}

test_sensitive_paths_replaced if {
	p := _host_paths(["/etc", "/srv/app", "/opt/secrets"])
	params := {"pod-security/sensitive-host-path": {"paths": ["/opt/secrets/"]}}
	fs := sensitive_host_path.deny with input as p with data.kubeward.config.params as params
	count(fs) == 1
	some f in fs
	f.path == ["spec", "volumes", 2, "hostPath", "path"]
}

test_sensitive_paths_extended if {
	p := _host_paths(["/etc", "/srv/app", "/opt/secrets"])
	params := {"pod-security/sensitive-host-path": {"extra_paths": ["/opt/secrets"]}}
	count(sensitive_host_path.deny) == 2 with input as p with data.kubeward.config.params as params
}

test_runtime_sockets_configurable if {
	p := _host_paths(["/var/run/custom/runtime.sock", "/var/run/docker.sock"])
	count(runtime_socket.deny) == 1 with input as p
	params := {"pod-security/runtime-socket": {"sockets": ["/run/custom/runtime.sock"]}}
	fs := runtime_socket.deny with input as p with data.kubeward.config.params as params
	count(fs) == 2
}

test_low_uid_gid_thresholds if {
	p := _pod({"securityContext": {"runAsUser": 2000, "runAsGroup": 2000}, "containers": [{"name": "app"}]})
	count(low_uid_gid.deny) == 2 with input as p
	params := {"pod-security/low-uid-gid": {"min_uid": 1000, "min_gid": 1000}}
	count(low_uid_gid.deny) == 0 with input as p with data.kubeward.config.params as params
}

# ---- robustness: malformed shapes never raise -----------------------------------------------

_malformed := [
	{"apiVersion": "v1", "kind": "Pod", "spec": "oops"},
	{"apiVersion": "v1", "kind": "Pod", "spec": {"securityContext": "x", "containers": "y", "volumes": "z", "hostAliases": "h"}},
	{"apiVersion": "v1", "kind": "Pod", "spec": {
		"securityContext": {"runAsUser": [0], "runAsGroup": {"a": 1}, "fsGroup": true, "supplementalGroups": "0", "seccompProfile": "RuntimeDefault", "runAsNonRoot": 1},
		"hostAliases": [null, "x", {"ip": 5, "hostnames": "a"}],
		"volumes": [null, "v", {"name": 3, "hostPath": "p"}, {"name": "h", "hostPath": {"path": 7}}, {"name": "n", "nfs": null}],
		"containers": [
			null,
			"c",
			{"name": "a", "securityContext": {"capabilities": "ALL", "seccompProfile": {"type": 5}, "runAsUser": "root", "readOnlyRootFilesystem": [], "allowPrivilegeEscalation": {}}},
			{"name": "b", "securityContext": {"capabilities": {"drop": "ALL", "add": {"x": 1}}, "privileged": "yes"}, "command": "sudo x", "args": [1, null, {"a": "sudo"}]},
			{"name": "c", "securityContext": {"capabilities": {"drop": [1, null], "add": [2, null]}}, "volumeMounts": ["h", {"name": "h", "readOnly": 1, "mountPath": 3, "subPath": 4}]},
		],
	}},
]

test_malformed_input_never_raises if {
	every r in _malformed {
		is_set(ape.deny) with input as r
		is_set(caps.deny) with input as r
		is_set(drop_net_raw.deny) with input as r
		is_set(host_aliases.deny) with input as r
		is_set(low_uid_gid.deny) with input as r
		is_set(rorfs.deny) with input as r
		is_set(root_group.deny) with input as r
		is_set(run_as_non_root.deny) with input as r
		is_set(run_as_root_user.deny) with input as r
		is_set(runtime_socket.deny) with input as r
		is_set(seccomp_required.deny) with input as r
		is_set(sensitive_host_path.deny) with input as r
		is_set(sudo_in_command.deny) with input as r
		is_set(volume_types.deny) with input as r
		is_set(writable_host_path.deny) with input as r
	}
}
