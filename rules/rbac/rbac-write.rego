# METADATA
# title: Role can create or change RBAC objects
# description: >-
#   create, update or patch on roles, clusterroles, rolebindings or clusterrolebindings lets a
#   subject rewrite who may do what. Kubernetes' escalation check limits it to permissions the
#   subject already holds, but it can still hand those permissions to any other user, group or
#   service account, and combined with escalate or bind it becomes a takeover. Wildcard verbs,
#   resources and API groups count.
# custom:
#   id: rbac/rbac-write
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Keep RBAC changes in reviewed manifests applied by the deployment pipeline; grant write access to RBAC objects only to the operators or controllers that must manage them, limited by resourceNames where possible.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege, https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping]
#   peers: {trivy: [KSV-0051, KSV-0052, KSV-0055], checkov: CKV2_K8S_1}
package kubeward.rules.rbac.rbac_write

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create", "update", "patch"}

_group := "rbac.authorization.k8s.io"

_targets := {
	[_group, "roles"],
	[_group, "clusterroles"],
	[_group, "rolebindings"],
	[_group, "clusterrolebindings"],
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s: its subjects can rewrite RBAC and pass their permissions to anyone",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x)],
		),
		"path": x.entry.path,
	}
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects write RBAC objects")
	finding = f
}
