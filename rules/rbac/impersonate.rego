# METADATA
# title: Role can impersonate users, groups or service accounts
# description: >-
#   The impersonate verb lets a subject send requests as another user, group, service account,
#   UID or user extra, with all of that identity's permissions: impersonating the group
#   system:masters or a powerful service account is full control of the cluster. A wildcard verb
#   includes impersonate. resourceNames limiting it to named identities is accepted, unless a
#   name is a system: identity.
# custom:
#   id: rbac/impersonate
#   severity: error
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Remove impersonate (and `*` verbs) on users, groups, serviceaccounts, uids and userextras; if a proxy must impersonate, limit it with resourceNames to the identities it serves.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#impersonate-verb, https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation]
#   peers: {trivy: KSV-0043, checkov: CKV2_K8S_3, kubescape: [C-0065, C-0191]}
package kubeward.rules.rbac.impersonate

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"impersonate"}

_targets := {
	["", "users"],
	["", "groups"],
	["", "serviceaccounts"],
	["authentication.k8s.io", "uids"],
	["authentication.k8s.io", "userextras/*"],
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = {g | some g in rbac.grants_on_names(item, _verbs, _targets); _counts(item)}
	some x in rbac.by_verb_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s%s: its subjects can act as other identities with all their permissions",
			[data.kubeward.lib.k8s.describe, item.label, _phrase(x), _names_note(item)],
		),
		"path": x.entry.path,
	}
}

# "userextras/*" stands for every user extra key in messages.
_phrase(x) := replace(rbac.grant_phrase(x), "userextras/*", "userextras")

_counts(item) if not rbac.narrowed(item)

_counts(item) if count(_system_names(item)) > 0

_system_names(item) := {n | some n in rbac.resource_names(item); startswith(n, "system:")}

_names_note(item) := "" if not rbac.narrowed(item)

_names_note(item) := sprintf(" (resourceNames include %s)", [rbac.quoted_list(_system_names(item))]) if rbac.narrowed(item)

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects impersonate other identities")
	finding = f
}
