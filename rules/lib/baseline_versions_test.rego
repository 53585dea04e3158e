# Version-gated behaviour of the Baseline rules (data.kubeward.config.kube_minor), which the
# YAML fixtures cannot vary: they always run with the default target version.
package kubeward.lib.baseline_versions_test

import rego.v1

import data.kubeward.rules.pod_security.probe_host
import data.kubeward.rules.pod_security.proc_mount
import data.kubeward.rules.pod_security.selinux
import data.kubeward.rules.pod_security.sysctls

_cfg(minor) := {"kube_version": sprintf("1.%d", [minor]), "kube_minor": minor}

_pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

# ---- probe-host: a control from 1.34 --------------------------------------------------------

_probe_pod := _pod({"containers": [{
	"name": "app",
	"livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
}]})

test_probe_host_from_1_34 if {
	p := _probe_pod
	count(probe_host.deny) == 1 with input as p with data.kubeward.config as _cfg(34)
	count(probe_host.deny) == 1 with input as p with data.kubeward.config as _cfg(35)
}

test_probe_host_not_before_1_34 if {
	p := _probe_pod
	count(probe_host.deny) == 0 with input as p with data.kubeward.config as _cfg(33)
}

test_probe_host_path if {
	p := _probe_pod
	fs := probe_host.deny with input as p with data.kubeward.config as _cfg(35)
	some f in fs
	f.path == ["spec", "containers", 0, "livenessProbe", "httpGet", "host"]
}

# ---- selinux: container_engine_t from 1.31 --------------------------------------------------

_engine_pod := _pod({"containers": [{"name": "app", "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}]})

test_selinux_container_engine_t_from_1_31 if {
	p := _engine_pod
	count(selinux.deny) == 0 with input as p with data.kubeward.config as _cfg(31)
}

test_selinux_container_engine_t_before_1_31 if {
	p := _engine_pod
	fs := selinux.deny with input as p with data.kubeward.config as _cfg(30)
	count(fs) == 1
	some f in fs
	contains(f.msg, "1.31")
}

# ---- sysctls: the safe set grows with the version -------------------------------------------

_sysctl_pod(name) := _pod({
	"securityContext": {"sysctls": [{"name": name, "value": "1"}]},
	"containers": [{"name": "app"}],
})

test_sysctls_gated_names if {
	cases := [
		["net.ipv4.ip_unprivileged_port_start", 22],
		["net.ipv4.ip_local_reserved_ports", 27],
		["net.ipv4.tcp_keepalive_time", 29],
		["net.ipv4.tcp_fin_timeout", 29],
		["net.ipv4.tcp_keepalive_intvl", 29],
		["net.ipv4.tcp_keepalive_probes", 29],
		["net.ipv4.tcp_rmem", 32],
		["net.ipv4.tcp_wmem", 32],
	]
	every c in cases {
		p := _sysctl_pod(c[0])
		count(sysctls.deny) == 0 with input as p with data.kubeward.config as _cfg(c[1])
	}
}

test_sysctls_too_new_for_target if {
	p := _sysctl_pod("net.ipv4.tcp_rmem")
	fs := sysctls.deny with input as p with data.kubeward.config as _cfg(31)
	count(fs) == 1
	some f in fs
	contains(f.msg, "1.32")
	f.path == ["spec", "securityContext", "sysctls", 0, "name"]
}

test_sysctls_keepalive_before_1_29 if {
	p := _sysctl_pod("net.ipv4.tcp_keepalive_time")
	count(sysctls.deny) == 1 with input as p with data.kubeward.config as _cfg(28)
}

test_sysctls_not_yet_safe_names if {
	# reported for 1.37 upstream; not in the 1.35 safe set
	every name in ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"] {
		p := _sysctl_pod(name)
		count(sysctls.deny) == 1 with input as p with data.kubeward.config as _cfg(35)
	}
}

test_sysctls_normalise if {
	sysctls.normalise("net/ipv4/tcp_syncookies") == "net.ipv4.tcp_syncookies"
	sysctls.normalise("net/ipv4/conf/eth0.100/rp_filter") == "net.ipv4.conf.eth0/100.rp_filter"
	sysctls.normalise("net.ipv4.conf.eth0/100.rp_filter") == "net.ipv4.conf.eth0/100.rp_filter"
	sysctls.normalise("kernel.shm_rmid_forced") == "kernel.shm_rmid_forced"
}

# ---- proc-mount: user-namespace relaxation from 1.35 ----------------------------------------

_userns_pod := _pod({"hostUsers": false, "containers": [{"name": "app", "securityContext": {"procMount": "Unmasked"}}]})

test_proc_mount_userns_relaxed_to_info_from_1_35 if {
	p := _userns_pod
	fs := proc_mount.deny with input as p with data.kubeward.config as _cfg(35)
	count(fs) == 1
	some f in fs
	f.severity == "info"
}

test_proc_mount_userns_not_relaxed_before_1_35 if {
	p := _userns_pod
	fs := proc_mount.deny with input as p with data.kubeward.config as _cfg(34)
	count(fs) == 1
	some f in fs
	not f.severity
}
