# METADATA
# title: Role can change admission webhook configurations
# description: >-
#   Mutating and validating webhook configurations decide which service sees, changes or
#   rejects every API request they match. Whoever can write them can register a webhook that
#   injects containers or credentials into every new pod, reads Secrets as they are written, or
#   removes the webhooks that enforce policy. Write verbs are create, update, patch, delete,
#   deletecollection and `*`.
# custom:
#   id: rbac/webhook-write
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Keep webhook configurations in reviewed manifests; if a controller must maintain its own webhook (for example to inject a CA bundle), limit it to update/patch with resourceNames naming that webhook configuration.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks]
#   peers: {trivy: KSV-0114, checkov: CKV_K8S_155, kubescape: C-0281}
package kubeward.rules.rbac.webhook_write

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create", "update", "patch", "delete", "deletecollection"}

_group := "admissionregistration.k8s.io"

_targets := {[_group, "mutatingwebhookconfigurations"], [_group, "validatingwebhookconfigurations"]}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s: its subjects can intercept, change or stop admission of API requests",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x)],
		),
		"path": x.entry.path,
	}
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects change admission webhooks")
	finding = f
}
