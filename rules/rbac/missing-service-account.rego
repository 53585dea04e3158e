# METADATA
# title: Workload names a ServiceAccount that the manifests do not define
# description: >-
#   The API server refuses to create pods whose service account does not exist, so a typo or a
#   forgotten ServiceAccount leaves the workload without pods. Only reported when the linted
#   manifests define at least one ServiceAccount (a run without any usually relies on accounts
#   created elsewhere), and never for `default`, which every namespace has. Accounts created
#   outside the manifests can be listed in parameter `allowed`.
# custom:
#   id: rbac/missing-service-account
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Add the ServiceAccount to the manifests (in the workload's namespace), fix the name, or list it in the rule's `allowed` parameter if it is created elsewhere.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/]
#   peers: {kube-linter: non-existent-service-account, kubescape: C-0307}
package kubeward.rules.rbac.missing_service_account

import rego.v1

import data.kubeward.lib.pods
import data.kubeward.lib.rbac

default _allowed := set()

_allowed := {n | some n in l; is_string(n)} if {
	l = data.kubeward.config.params["rbac/missing-service-account"].allowed
	is_array(l)
}

deny contains finding if {
	sa = rbac.pod_service_account(data.kubeward.lib.pods.spec)
	sa.name != "default"
	not sa.name in _allowed
	# (by its full path: through the `rbac` alias, every rule of the library would be evaluated)
	count(data.kubeward.lib.rbac.service_accounts) > 0
	count(rbac.service_account_named(sa.name, data.kubeward.lib.scope.namespace_or_unknown)) == 0
	finding = {
		"msg": sprintf(
			"%s runs as service account %q, which nothing in %s defines%s; pods are only created once it exists",
			[data.kubeward.lib.k8s.describe, sa.name, data.kubeward.lib.k8s.scope, _where],
		),
		"path": array.concat(data.kubeward.lib.pods.spec_path, [sa.field]),
	}
}

_where := sprintf(" in namespace %q", [data.kubeward.lib.scope.namespace]) if data.kubeward.lib.scope.namespace

_where := "" if not data.kubeward.lib.scope.namespace
