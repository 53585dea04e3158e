# METADATA
# title: Container keeps the NET_RAW capability
# description: >-
#   Container runtimes grant NET_RAW by default, although few applications need it (ping works
#   through ICMP sockets). It lets a process open raw sockets and craft packets: ARP and DNS
#   spoofing of neighbouring pods, and the start of several past kernel exploits. A container
#   keeps it unless capabilities.drop lists NET_RAW or ALL (in any spelling the runtime accepts);
#   Windows pods have no Linux capabilities and are skipped. capabilities or drop of a type the
#   API rejects are reported by schema/invalid-type, not by this rule.
# custom:
#   id: pod-security/drop-net-raw
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: 'Add NET_RAW, or better ALL, to securityContext.capabilities.drop of every container.'
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
#   peers: {kube-linter: drop-net-raw-capability, checkov: CKV_K8S_28, kubescape: C-0211, polaris: insecureCapabilities}
#   implied-by: [pod-security/capabilities-restricted]
package kubeward.rules.pod_security.drop_net_raw

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

deny contains finding if {
	not data.kubeward.lib.pods.is_windows
	some c in data.kubeward.lib.pods.containers
	_shape_ok(c)
	not _drops_net_raw(c)
	finding = {
		"msg": sprintf("%s does not drop NET_RAW (capabilities.drop lists neither NET_RAW nor ALL), so it can open raw sockets", [c.label]),
		"path": _anchor(c),
	}
}

_drop(c) := k8s.get(c.sc.capabilities, "drop", null)

# capabilities is unset or an object, and its drop unset or a list of strings: anything else is
# a value the API rejects, which schema/invalid-type reports (this rule does not call NET_RAW
# undropped then).
_shape_ok(c) if {
	c.sc_ok
	caps = object.get(c.sc, "capabilities", null)
	_caps_ok(caps, k8s.get(caps, "drop", null))
}

_caps_ok(caps, _) if caps == null

_caps_ok(caps, drop) if {
	is_object(caps)
	drop == null
}

_caps_ok(caps, drop) if {
	is_object(caps)
	is_array(drop)
	count([x | some x in drop; not is_string(x)]) == 0
}

_drops_net_raw(c) if {
	drop = _drop(c)
	is_array(drop)
	some entry in drop
	pods.normalise_capability(entry) in {"NET_RAW", "ALL"}
}

# The drop list when written, else the capabilities block, else the securityContext or container.
_anchor(c) := array.concat(c.sc_path, ["capabilities", "drop"]) if {
	_drop(c) != null
} else := array.concat(c.sc_path, ["capabilities"]) if {
	object.get(c.sc, "capabilities", null) != null
} else := pods.sc_anchor(c)
