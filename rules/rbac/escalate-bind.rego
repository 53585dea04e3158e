# METADATA
# title: Role can escalate or bind roles
# description: >-
#   Kubernetes stops a user from granting permissions they do not hold, unless they have the
#   `escalate` verb on roles/clusterroles (edit any role to add anything) or `bind` (bind any
#   role, cluster-admin included, to themselves). Either turns the role into a path to full
#   control of its scope. A wildcard verb includes both. resourceNames limiting bind to specific
#   roles is the documented safe pattern, unless it names cluster-admin, admin or edit.
# custom:
#   id: rbac/escalate-bind
#   severity: error
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Remove escalate and bind (and `*`) on roles and clusterroles; if a controller must create bindings, limit bind with resourceNames to the exact roles it hands out.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb, https://kubernetes.io/docs/concepts/security/rbac-good-practices/#bind-verb, https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping]
#   peers: {trivy: KSV-0050, checkov: [CKV_K8S_157, CKV_K8S_158], kubescape: C-0191}
package kubeward.rules.rbac.escalate_bind

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"escalate", "bind"}

_group := "rbac.authorization.k8s.io"

_targets := {[_group, "roles"], [_group, "clusterroles"]}

# Built-in roles that hand out (nearly) everything when bound.
_powerful := {"cluster-admin", "admin", "edit"}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = {g | some g in rbac.grants_on_names(item, _verbs, _targets); _counts(item)}
	some x in rbac.by_verb_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s%s: %s",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x), _names_note(item), _consequence(x.verbs)],
		),
		"path": x.entry.path,
	}
}

_counts(item) if not rbac.narrowed(item)

_counts(item) if {
	some n in rbac.resource_names(item)
	n in _powerful
}

_names_note(item) := "" if not rbac.narrowed(item)

_names_note(item) := sprintf(" (resourceNames include %s)", [rbac.quoted_list(rbac.resource_names(item) & _powerful)]) if rbac.narrowed(item)

_consequence(verbs) := "its subjects can grant themselves any permission, by binding a stronger role or editing a role to add it" if {
	"escalate" in verbs
	"bind" in verbs
}

_consequence(verbs) := "its subjects can add any permission to a role they can edit, bypassing Kubernetes' privilege-escalation check" if {
	"escalate" in verbs
	not "bind" in verbs
}

_consequence(verbs) := "its subjects can bind roles stronger than their own, cluster-admin included, to themselves" if {
	"bind" in verbs
	not "escalate" in verbs
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects escalate privileges")
	finding = f
}
