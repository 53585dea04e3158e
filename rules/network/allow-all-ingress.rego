# METADATA
# title: NetworkPolicy admits ingress from any source
# description: >-
#   An ingress rule without `from` (including the one-pair-of-braces rule `ingress: [{}]`), a
#   peer with ipBlock 0.0.0.0/0 or ::/0, or a peer with `namespaceSelector: {}` and no (or an
#   empty) podSelector admits traffic from every pod of every namespace, and the first two also
#   from the Internet when the pods are exposed. Such a rule quietly undoes the isolation the
#   policy appears to provide. `ingress: []` with policyTypes Ingress is the opposite, a
#   deny-all, and passes; ingress rules are ignored when policyTypes omits Ingress.
# custom:
#   id: network/allow-all-ingress
#   severity: warning
#   enabled: true
#   kinds: [NetworkPolicy]
#   remediation: List the allowed sources in `from` (podSelector, namespaceSelector with specific labels, or narrow ipBlock ranges) instead of admitting everything.
#   references: [https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors]
package kubeward.rules.network.allow_all_ingress

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.netpol
import data.kubeward.lib.selectors

_open_cidrs := {"0.0.0.0/0", "::/0"}

_rules contains [i, rule] if {
	netpol.is_k8s_policy(input)
	"Ingress" in netpol.k8s_types(input)
	rules = input.spec.ingress
	is_array(rules)
	rule = rules[i]
	is_object(rule)
}

_ports_text(rule) := sprintf(", on %s %s", [_port_word(ports), concat(", ", ports)]) if {
	is_array(rule.ports)
	ports = [_port_text(p) | p := rule.ports[_]]
	count(ports) > 0
} else := ""

_port_text(p) := k8s.quote(p.port) if {
	is_object(p)
	p.port != null
} else := "all ports"

_port_word(ports) := "port" if count(ports) == 1

_port_word(ports) := "ports" if count(ports) != 1

deny contains finding if {
	some [i, rule] in _rules
	not _has_peers(rule)
	finding = {
		"msg": sprintf(
			"%s: ingress[%d] has no `from`, so it admits traffic from every source%s",
			[data.kubeward.lib.k8s.describe, i, _ports_text(rule)],
		),
		"path": ["spec", "ingress", i],
	}
}

_has_peers(rule) if {
	is_array(rule.from)
	count(rule.from) > 0
}

deny contains finding if {
	some [i, rule] in _rules
	_has_peers(rule)
	peer = rule.from[j]
	cidr = peer.ipBlock.cidr
	is_string(cidr)
	trim_space(cidr) in _open_cidrs
	finding = {
		"msg": sprintf(
			"%s: ingress[%d] admits ipBlock %s, i.e. every address%s",
			[data.kubeward.lib.k8s.describe, i, cidr, _ports_text(rule)],
		),
		"path": ["spec", "ingress", i, "from", j, "ipBlock", "cidr"],
	}
}

deny contains finding if {
	some [i, rule] in _rules
	_has_peers(rule)
	peer = rule.from[j]
	is_object(peer)
	selectors.is_empty(peer.namespaceSelector)
	_all_pods(peer)
	finding = {
		"msg": sprintf(
			"%s: ingress[%d] admits `namespaceSelector: {}` without a podSelector, i.e. every pod of every namespace%s",
			[data.kubeward.lib.k8s.describe, i, _ports_text(rule)],
		),
		"path": ["spec", "ingress", i, "from", j, "namespaceSelector"],
	}
}

_all_pods(peer) if object.get(peer, "podSelector", null) == null

_all_pods(peer) if selectors.is_empty(peer.podSelector)
