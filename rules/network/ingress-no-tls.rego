# METADATA
# title: Ingress serves hosts without TLS
# description: >-
#   An Ingress without spec.tls serves plain HTTP, so credentials, session cookies and data
#   cross the network unencrypted and can be read or altered on the way (NSA/CISA guidance
#   asks for TLS on traffic entering the cluster). With spec.tls present, every host of
#   spec.rules must be covered by a tls entry: an exact host, or a wildcard `*.example.com`
#   that covers exactly one extra label (`a.example.com`, not `a.b.example.com` nor
#   `example.com`); a tls entry without hosts covers every host, and a rule without a host is
#   covered by any tls entry.
# custom:
#   id: network/ingress-no-tls
#   severity: warning
#   enabled: true
#   kinds: [Ingress]
#   remediation: Add a spec.tls entry listing every host of spec.rules with a certificate Secret (cert-manager can issue it), and redirect HTTP to HTTPS.
#   references: [https://kubernetes.io/docs/concepts/services-networking/ingress/#tls]
#   peers: {polaris: tlsSettingsMissing, kubescape: C-0263}
package kubeward.rules.network.ingress_no_tls

import rego.v1

_spec := s if {
	s = input.spec
	is_object(s)
}

_tls := [t | t := _spec.tls[_]; is_object(t)] if is_array(_spec.tls)

_tls := [] if not is_array(_spec.tls)

deny contains finding if {
	_spec
	count(_tls) == 0
	finding = {
		"msg": sprintf("%s has no spec.tls, so it serves %s over plain HTTP", [data.kubeward.lib.k8s.describe, _served]),
		"path": _no_tls_path,
	}
}

_hosts := [h | h := _spec.rules[_].host; is_string(h); h != ""]

_served := sprintf("%s", [concat(", ", [sprintf("%q", [h]) | some h in _hosts])]) if {
	count(_hosts) > 0
} else := "its routes"

_no_tls_path := ["spec", "tls"] if object.get(_spec, "tls", null) != null

_no_tls_path := ["spec"] if object.get(_spec, "tls", null) == null

# A tls entry without hosts covers every host.
_covers_all if {
	some t in _tls
	not _non_empty(t.hosts)
}

_non_empty(v) if {
	is_array(v)
	count(v) > 0
}

_tls_hosts := {lower(h) | h := _tls[_].hosts[_]; is_string(h)}

_covered(host) if lower(host) in _tls_hosts

_covered(host) if {
	some pattern in _tls_hosts
	startswith(pattern, "*.")
	suffix = substring(pattern, 1, -1)
	h = lower(host)
	endswith(h, suffix)
	first = substring(h, 0, count(h) - count(suffix))
	first != ""
	not contains(first, ".")
	not first == "*"
}

deny contains finding if {
	count(_tls) > 0
	not _covers_all
	rules = _spec.rules
	is_array(rules)
	host = rules[i].host
	is_string(host)
	host != ""
	not _covered(host)
	finding = {
		"msg": sprintf("%s serves host %q, which no spec.tls entry covers, over plain HTTP", [data.kubeward.lib.k8s.describe, host]),
		"path": ["spec", "rules", i, "host"],
	}
}
