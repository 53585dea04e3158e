# METADATA
# title: Pod overrides name resolution with hostAliases
# description: >-
#   hostAliases writes fixed entries into the pod's /etc/hosts, which silently take precedence
#   over DNS. They hide where traffic really goes, pin IP addresses that change, and can be used
#   to redirect a trusted name to another address. Opinionated advice, disabled by default.
#   A hostAliases the API rejects (not a list) is reported by schema/invalid-type.
# custom:
#   id: pod-security/host-aliases
#   severity: info
#   enabled: false
#   kinds: [pod-bearing]
#   remediation: Remove spec.hostAliases and publish the name in DNS (a Service, an ExternalName Service or a cluster DNS entry) instead.
#   references: [https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/]
#   peers: {trivy: KSV-0007}
package kubeward.rules.pod_security.host_aliases

import rego.v1

import data.kubeward.lib.k8s

_path := array.concat(data.kubeward.lib.pods.spec_path, ["hostAliases"])

deny contains finding if {
	aliases = data.kubeward.lib.pods.spec.hostAliases
	is_array(aliases)
	entry = aliases[i]
	is_object(entry)
	finding = {
		"msg": sprintf("%s maps %s to %s in /etc/hosts, bypassing DNS", [data.kubeward.lib.k8s.describe, _hostnames(entry), k8s.quote(k8s.get(entry, "ip", null))]),
		"path": array.concat(_path, [i]),
	}
}

_hostnames(entry) := concat(", ", [k8s.quote(h) | some h in names]) if {
	names = k8s.get(entry, "hostnames", null)
	is_array(names)
	count(names) > 0
} else := "no hostnames"
