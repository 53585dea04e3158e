# METADATA
# title: Container unmasks /proc
# description: >-
#   By default the runtime masks and makes read-only the parts of /proc that expose the host
#   kernel (/proc/kcore, /proc/sys, /proc/sysrq-trigger, ...). procMount Unmasked removes those
#   protections. Pod Security Baseline only allows Default, except (policy 1.35+) in pods that
#   run in a user namespace; Restricted requires Default in every pod.
# custom:
#   id: pod-security/proc-mount
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove securityContext.procMount or set it to Default.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: unsafe-proc-mount, polaris: procMount, trivy: KSV-0027, kubescape: C-0211}
package kubeward.rules.pod_security.proc_mount

import rego.v1

import data.kubeward.lib.k8s

# From policy version 1.35 Baseline allows any procMount in a user-namespaced pod.
userns_relaxation_minor := 35

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	value = c.value.securityContext.procMount
	value != null
	value != "Default"
	finding = object.union(
		{
			"msg": _message(c.label, value),
			"path": array.concat(c.sc_path, ["procMount"]),
		},
		_severity,
	)
}

_relaxed if {
	data.kubeward.lib.pods.user_namespaced
	data.kubeward.lib.k8s.kube_minor >= userns_relaxation_minor
}

# A user-namespaced pod only trips the Restricted profile: report it as info.
_severity := {"severity": "info"} if _relaxed

_severity := {} if not _relaxed

_message(label, value) := sprintf(
	"%s sets procMount to %s; Baseline allows this in a user-namespaced pod (hostUsers: false), but Restricted requires Default",
	[label, k8s.quote(value)],
) if {
	_relaxed
}

_message(label, value) := sprintf(
	"%s sets procMount to %s, which exposes the host kernel interfaces that /proc normally masks",
	[label, k8s.quote(value)],
) if {
	not _relaxed
}
