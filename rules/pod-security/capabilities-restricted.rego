# METADATA
# title: Container does not drop all capabilities
# description: >-
#   A container starts with the runtime's default capability set (CHOWN, DAC_OVERRIDE, FOWNER,
#   SETUID, SETGID, NET_RAW, ...), enough to turn a foothold into file tampering or network
#   spoofing. Pod Security Restricted requires every container to drop ALL capabilities and add
#   back at most NET_BIND_SERVICE. It compares exact strings, so `all` or `CAP_NET_BIND_SERVICE`
#   work in the runtime but are rejected. Windows pods are exempt (target 1.25+). A value the API
#   rejects (capabilities, drop or add of the wrong type) is reported by schema/invalid-type, not
#   by this rule, which then does not call the drop list missing either.
# custom:
#   id: pod-security/capabilities-restricted
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: 'Set securityContext.capabilities.drop: ["ALL"] on every container and add back only NET_BIND_SERVICE, spelled exactly so.'
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted]
#   pss: restricted
#   peers: {trivy: [KSV-0003, KSV-0106, KSV-0004], polaris: insecureCapabilities, checkov: CKV_K8S_37}
package kubeward.rules.pod_security.capabilities_restricted

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

# The Restricted capabilities control exists from policy version 1.22.
min_minor := 22

_applies if {
	data.kubeward.lib.k8s.kube_minor >= min_minor
	not data.kubeward.lib.pods.windows_exempt
}

# Every container with its capabilities block, computed once per resource.
_entries contains e if {
	_applies
	some c in data.kubeward.lib.pods.containers
	caps = object.get(c.sc, "capabilities", null)
	e = {
		"c": c,
		"caps": caps,
		"caps_path": array.concat(c.sc_path, ["capabilities"]),
		"drop": k8s.get(caps, "drop", null),
		"add": k8s.get(caps, "add", null),
	}
}

# --- drop must contain the exact string ALL ---

# No capabilities block at all.
deny contains finding if {
	some e in _entries
	e.caps == null
	e.c.sc_ok
	finding = {
		"msg": sprintf(`%s does not drop capabilities; Restricted requires capabilities.drop: ["ALL"]`, [e.c.label]),
		"path": pods.sc_anchor(e.c),
	}
}

# capabilities that is not an object, a drop or add that is not a list, or an entry that is
# not a string, is a value the API rejects: schema/invalid-type reports it, and this rule
# calls none of them missing.

# A capabilities object whose drop list lacks ALL.
deny contains finding if {
	some e in _entries
	is_object(e.caps)
	_drop_shape_ok(e.drop)
	not _drops_exact_all(e.drop)
	count(_spelled_all_indices(e.drop)) == 0
	finding = {
		"msg": sprintf(`%s %s; Restricted requires capabilities.drop: ["ALL"]`, [e.c.label, _drop_problem(e.drop)]),
		"path": _drop_path(e),
	}
}

# drop: [all] / [All] / [CAP_ALL]: effective in the runtime, rejected by Pod Security.
deny contains finding if {
	some e in _entries
	is_object(e.caps)
	not _drops_exact_all(e.drop)
	some i in _spelled_all_indices(e.drop)
	finding = {
		"msg": sprintf(
			"%s drops %s: runtimes read it as ALL, but Pod Security compares exact names and rejects it (write \"ALL\")",
			[e.c.label, k8s.quote(e.drop[i])],
		),
		"path": array.concat(e.caps_path, ["drop", i]),
	}
}

# drop is unset or a list of strings (anything else is schema/invalid-type's).
_drop_shape_ok(drop) if drop == null

_drop_shape_ok(drop) if {
	is_array(drop)
	count([x | some x in drop; not is_string(x)]) == 0
}

_drops_exact_all(drop) if {
	is_array(drop)
	"ALL" in drop
}

# Indices of drop entries that spell ALL differently (empty when drop is not a list).
_spelled_all_indices(drop) := {i |
	is_array(drop)
	some i, entry in drop
	pods.normalise_capability(entry) == "ALL"
}

_drop_problem(drop) := "does not set capabilities.drop" if drop == null

_drop_problem(drop) := sprintf("drops %s but not ALL", [_list(drop)]) if {
	is_array(drop)
	count(drop) > 0
}

_drop_problem(drop) := "has an empty capabilities.drop" if drop == []

_drop_path(e) := array.concat(e.caps_path, ["drop"]) if e.drop != null

_drop_path(e) := e.caps_path if e.drop == null

_list(xs) := concat(", ", [k8s.quote(x) | some x in xs])

# --- add may only hold the exact string NET_BIND_SERVICE ---

deny contains finding if {
	some e in _entries
	is_array(e.add)
	some i, entry in e.add
	is_string(entry)
	entry != "NET_BIND_SERVICE"
	finding = {
		"msg": _add_message(e.c.label, entry),
		"path": array.concat(e.caps_path, ["add", i]),
	}
}

_add_message(label, entry) := sprintf(
	"%s adds capability %s: runtimes read it as NET_BIND_SERVICE, but Pod Security compares exact names and rejects it (write \"NET_BIND_SERVICE\")",
	[label, k8s.quote(entry)],
) if {
	pods.normalise_capability(entry) == "NET_BIND_SERVICE"
}

_add_message(label, entry) := sprintf(
	"%s adds capability %s; Restricted only allows adding NET_BIND_SERVICE",
	[label, k8s.quote(entry)],
) if {
	not pods.normalise_capability(entry) == "NET_BIND_SERVICE"
}
