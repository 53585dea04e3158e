# METADATA
# title: Role can mint service account tokens
# description: >-
#   create on serviceaccounts/token issues a fresh token for a service account through the
#   TokenRequest API: the subject can then act as any service account in scope, with its
#   permissions, from anywhere and for as long as the token lives. resourceNames limiting it to
#   named service accounts is accepted.
# custom:
#   id: rbac/token-create
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Remove create on serviceaccounts/token, or limit it with resourceNames to the service accounts the subject must issue tokens for.
#   references: [https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/, https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation]
#   peers: {kubescape: C-0282}
package kubeward.rules.rbac.token_create

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create"}

_targets := {["", "serviceaccounts/token"]}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s: its subjects can issue tokens for any service account in scope and act as it",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x)],
		),
		"path": x.entry.path,
	}
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects mint service account tokens")
	finding = f
}
