# METADATA
# title: Custom SELinux type, user or role
# description: >-
#   On SELinux nodes the runtime labels containers with a confined type such as container_t.
#   Choosing another type (spc_t, unconfined_t, ...) or a custom SELinux user or role can lift
#   that confinement entirely. Pod Security Baseline only allows the container types and
#   leaves the MCS level free; the pod and every container are checked separately.
# custom:
#   id: pod-security/selinux
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove seLinuxOptions.user and .role, and leave .type empty or use container_t, container_init_t, container_kvm_t or (Kubernetes 1.31+) container_engine_t; seLinuxOptions.level may be set freely.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {polaris: linuxHardening, trivy: KSV-0025, kubescape: C-0211}
package kubeward.rules.pod_security.selinux

import rego.v1

import data.kubeward.lib.k8s

# SELinux types Baseline allows for the target Kubernetes version.
allowed_types := {"", "container_t", "container_init_t", "container_kvm_t"} if data.kubeward.lib.k8s.kube_minor < 31

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"} if data.kubeward.lib.k8s.kube_minor >= 31

# seLinuxOptions values that are not strings are values the API rejects (schema/invalid-type):
# not judged here.
deny contains finding if {
	some s in data.kubeward.lib.pods.security_contexts
	options = s.sc.seLinuxOptions
	is_object(options)
	selinux_type = options.type
	is_string(selinux_type)
	not selinux_type in allowed_types
	finding = {
		"msg": _type_message(s.label, selinux_type),
		"path": array.concat(s.path, ["seLinuxOptions", "type"]),
	}
}

_type_message(label, selinux_type) := sprintf(
	"%s sets seLinuxOptions.type to %q, which Baseline allows only from Kubernetes 1.31 (target 1.%v)",
	[label, selinux_type, data.kubeward.lib.k8s.kube_minor],
) if {
	selinux_type == "container_engine_t"
}

_type_message(label, selinux_type) := sprintf(
	"%s sets seLinuxOptions.type to %s, outside the confined container types Baseline allows",
	[label, k8s.quote(selinux_type)],
) if {
	selinux_type != "container_engine_t"
}

deny contains finding if {
	some s in data.kubeward.lib.pods.security_contexts
	options = s.sc.seLinuxOptions
	is_object(options)
	some field in ["user", "role"]
	value = options[field]
	is_string(value)
	value != ""
	finding = {
		"msg": sprintf("%s sets seLinuxOptions.%s to %s; Baseline forbids a custom SELinux %s", [s.label, field, k8s.quote(value), field]),
		"path": array.concat(s.path, ["seLinuxOptions", field]),
	}
}
