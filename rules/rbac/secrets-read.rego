# METADATA
# title: Role can read Secrets
# description: >-
#   get, list or watch on secrets returns their decoded contents: service account tokens, TLS
#   keys, registry and database credentials, often enough to act as another workload or leave
#   the cluster. list and watch return every Secret in scope at once, and resourceNames does not
#   limit them, while a get limited by resourceNames to named Secrets is accepted. An error for a
#   ClusterRole (cluster-wide once bound by a ClusterRoleBinding), a warning for a Role or for a
#   ClusterRole the manifests only bind through RoleBindings.
# custom:
#   id: rbac/secrets-read
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Mount the Secrets a workload needs instead of reading them through the API; when the API is required, grant only get with resourceNames listing the Secrets, in a namespaced Role.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets, https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources]
#   peers: {kube-linter: access-to-secrets, trivy: [KSV-0041, KSV-0113], checkov: CKV2_K8S_5, kubescape: [C-0015, C-0186]}
package kubeward.rules.rbac.secrets_read

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"get", "list", "watch"}

_targets := {["", "secrets"]}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = object.union(
		{
			"msg": sprintf(
				"%s %s grants %s: its subjects can read %s%s",
				[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x), _what(x.verbs), _where],
			),
			"path": x.entry.path,
		},
		_severity,
	)
}

# The loop lives in its own rule: regorus 0.14.1's RVM never takes an `else` whose body iterates.
_what(verbs) := "the contents of every Secret" if _lists(verbs) else := "the contents of any Secret by name"

_lists(verbs) if {
	some v in verbs
	v in {"list", "watch"}
}

_where := " in every namespace" if {
	input.kind == "ClusterRole"
	not data.kubeward.lib.rbac.only_namespace_bound
}

_where := " in the namespaces of its RoleBindings" if data.kubeward.lib.rbac.only_namespace_bound

_where := " in its namespace" if input.kind == "Role"

_severity := {"severity": "error"} if {
	input.kind == "ClusterRole"
	not data.kubeward.lib.rbac.only_namespace_bound
}

_severity := {} if input.kind == "Role"

_severity := {} if data.kubeward.lib.rbac.only_namespace_bound

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects read Secrets")
	finding = f
}
