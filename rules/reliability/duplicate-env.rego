# METADATA
# title: Environment variable defined twice
# description: >-
#   When a container lists the same environment variable name twice, only the last entry takes
#   effect and the earlier one is silently dropped. This usually means a Helm value or a
#   kustomize patch meant to override a setting landed next to the original, and the container
#   may run with a different value than the reader of the manifest expects.
# custom:
#   id: reliability/duplicate-env
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Keep one entry per variable name in each container's env list.
#   references: [https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/]
#   peers: {kube-linter: duplicate-env-var, kube-score: environment-variable-key-duplication, kubescape: C-0295}
package kubeward.rules.reliability.duplicate_env

import rego.v1

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	env = c.value.env
	is_array(env)
	name = env[j].name
	is_string(name)
	earlier = {i | some i; env[i].name == name; i < j}
	count(earlier) > 0
	finding = {
		"msg": sprintf(
			"%s of %s defines env %q again (first at env[%d]); only the last definition takes effect",
			[c.label, data.kubeward.lib.k8s.describe, name, min(earlier)],
		),
		"path": array.concat(c.path, ["env", j]),
	}
}
