# METADATA
# title: NetworkPolicy allows egress to any destination
# description: >-
#   An egress rule without `to`, or with ipBlock 0.0.0.0/0 that does not carve out the cloud
#   metadata endpoint 169.254.169.254 in `except`, lets the selected pods reach any address,
#   including the instance metadata service that hands out node credentials on most clouds
#   (NSA/CISA guidance); for ::/0 the AWS IPv6 endpoint fd00:ec2::254 plays that role. A rule
#   without `to` that only opens DNS (port 53 or the named ports dns / dns-tcp) is accepted,
#   since allowing DNS to any resolver is a common, low-risk pattern.
# custom:
#   id: network/allow-all-egress
#   severity: info
#   enabled: true
#   kinds: [NetworkPolicy]
#   remediation: List the destinations the pods need in `to`; when a wide ipBlock is unavoidable, add 169.254.169.254/32 to its `except` list.
#   references: [https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource, https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF]
package kubeward.rules.network.allow_all_egress

import rego.v1

import data.kubeward.lib.netpol

_metadata_ip := {"0.0.0.0/0": "169.254.169.254", "::/0": "fd00:ec2::254"}

_rules contains [i, rule] if {
	netpol.is_k8s_policy(input)
	"Egress" in netpol.k8s_types(input)
	rules = input.spec.egress
	is_array(rules)
	rule = rules[i]
	is_object(rule)
}

_has_peers(rule) if {
	is_array(rule.to)
	count(rule.to) > 0
}

_dns_ports := {53, "dns", "dns-tcp", "53"}

_dns_only(rule) if {
	ports = rule.ports
	is_array(ports)
	count(ports) > 0
	every p in ports {
		is_object(p)
		p.port in _dns_ports
		not p.endPort
	}
}

deny contains finding if {
	some [i, rule] in _rules
	not _has_peers(rule)
	not _dns_only(rule)
	finding = {
		"msg": sprintf(
			"%s: egress[%d] has no `to`, so the pods may connect to any address, the cloud metadata endpoint included",
			[data.kubeward.lib.k8s.describe, i],
		),
		"path": ["spec", "egress", i],
	}
}

deny contains finding if {
	some [i, rule] in _rules
	_has_peers(rule)
	peer = rule.to[j]
	raw = peer.ipBlock.cidr
	is_string(raw)
	cidr = trim_space(raw)
	ip = _metadata_ip[cidr]
	not _excepted(peer.ipBlock, ip)
	finding = {
		"msg": sprintf(
			"%s: egress[%d] allows ipBlock %s without excepting the cloud metadata endpoint %s",
			[data.kubeward.lib.k8s.describe, i, cidr, ip],
		),
		"path": ["spec", "egress", i, "to", j, "ipBlock", "cidr"],
	}
}

_excepted(block, ip) if {
	excepts = block.except
	is_array(excepts)
	e = excepts[_]
	is_string(e)
	_cidr_like(e)
	contains(e, ":") == contains(ip, ":")
	net.cidr_contains(trim_space(e), ip)
}

_cidr_like(s) if regex.match(`^\s*[0-9a-fA-F:.]+(/[0-9]{1,3})?\s*$`, s)
