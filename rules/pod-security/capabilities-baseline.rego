# METADATA
# title: Container adds a capability outside the Baseline set
# description: >-
#   Capabilities split root's power into pieces; several of them (SYS_ADMIN, NET_ADMIN,
#   SYS_PTRACE, SYS_MODULE, BPF, ...) are enough to escape the container or take over the
#   node's network. Pod Security Baseline only lets a container add a short list of harmless
#   ones, compared as exact upper-case names, so `CAP_CHOWN` or `chown` is rejected even though
#   container runtimes accept those spellings. A value the API rejects (capabilities.add that is
#   not a list of strings) is reported by schema/invalid-type, not by this rule.
# custom:
#   id: pod-security/capabilities-baseline
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove the capability from securityContext.capabilities.add; keep only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID or SYS_CHROOT, spelled exactly so.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline]
#   pss: baseline
#   peers: {kube-linter: privilege-escalation-container, polaris: dangerousCapabilities, trivy: [KSV-0022, KSV-0005, KSV-0119, KSV-0120], checkov: [CKV_K8S_25, CKV_K8S_39], kubescape: C-0046}
package kubeward.rules.pod_security.capabilities_baseline

import rego.v1

# Capabilities Pod Security Baseline allows in capabilities.add (exact spelling).
baseline_capabilities := {
	"AUDIT_WRITE",
	"CHOWN",
	"DAC_OVERRIDE",
	"FOWNER",
	"FSETID",
	"KILL",
	"MKNOD",
	"NET_BIND_SERVICE",
	"SETFCAP",
	"SETGID",
	"SETPCAP",
	"SETUID",
	"SYS_CHROOT",
}

# Capabilities whose message says what they give away.
_dangerous := {
	"SYS_ADMIN": "near-root: mounts, namespaces and many container escapes",
	"NET_ADMIN": "reconfigure the network, intercept and redirect traffic",
	"NET_RAW": "raw sockets: packet spoofing and sniffing",
	"SYS_MODULE": "load kernel modules into the node's kernel",
	"SYS_PTRACE": "trace and inject code into other processes",
	"SYS_RAWIO": "raw access to devices and kernel memory",
	"SYS_BOOT": "reboot the node",
	"BPF": "load eBPF programs into the kernel",
	"PERFMON": "kernel performance monitoring, which leaks kernel data",
	"MAC_ADMIN": "change the AppArmor/SELinux policy",
	"MAC_OVERRIDE": "bypass the AppArmor/SELinux policy",
	"DAC_READ_SEARCH": "read any file, and escape through open_by_handle_at",
}

# normalise(name): how container runtimes read a capability name: trimmed, upper-cased,
# without a leading CAP_.
normalise(name) := trim_prefix(upper(trim_space(name)), "CAP_")

_add_path(c) := array.concat(c.sc_path, ["capabilities", "add"])

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	adds = c.value.securityContext.capabilities.add
	is_array(adds)
	entry = adds[i]
	is_string(entry)
	finding = {
		"msg": _message(c.label, entry),
		"path": array.concat(_add_path(c), [i]),
	}
}

# capabilities.add that is not a list (`add: SYS_ADMIN`), or an entry that is not a string,
# is a value the API rejects: schema/invalid-type reports it, not this rule.

# A Baseline capability with a non-canonical spelling (CAP_CHOWN, chown): the API accepts it,
# Pod Security Admission does not.
_message(label, entry) := sprintf(
	"%s adds capability %q: runtimes read it as %s, but Pod Security Admission compares exact names and rejects it (write %q)",
	[label, entry, norm, norm],
) if {
	norm = normalise(entry)
	norm in baseline_capabilities
	norm != entry
}

# ALL (in any spelling).
_message(label, entry) := sprintf(
	"%s adds ALL capabilities%s, including SYS_ADMIN and every other capability Baseline forbids",
	[label, _spelled_all(entry)],
) if {
	normalise(entry) == "ALL"
}

_spelled_all(entry) := "" if entry == "ALL"

_spelled_all(entry) := sprintf(" (written %q)", [entry]) if entry != "ALL"

# A capability Baseline forbids.
_message(label, entry) := sprintf(
	"%s adds capability %s, which Baseline forbids%s",
	[label, _spelled(entry), _why(normalise(entry))],
) if {
	norm = normalise(entry)
	norm != "ALL"
	not norm in baseline_capabilities
}

# `"SYS_ADMIN"`, or `"cap_sys_admin" (SYS_ADMIN)` when the spelling is not canonical.
_spelled(entry) := sprintf("%q", [entry]) if normalise(entry) == entry

_spelled(entry) := sprintf("%q (%s)", [entry, normalise(entry)]) if normalise(entry) != entry

_why(norm) := sprintf(" (%s)", [_dangerous[norm]]) if _dangerous[norm]

_why(norm) := "" if not _dangerous[norm]
