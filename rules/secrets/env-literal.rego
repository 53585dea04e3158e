# METADATA
# title: Credential in a literal environment variable
# description: >-
#   A password, token or key written as an env `value` is stored in plain text in the manifest,
#   in Git, in the workload object readable by anyone with get access, and in every `kubectl
#   describe`. Names are matched case-insensitively (password, secret, token, api key, private
#   key, credential, Azure keys) unless they only refer to a secret (`PASSWORD_FILE`,
#   `TOKEN_URL`, `SECRET_NAME`, `*_PATH`), and values are matched against known credential
#   formats; empty values, placeholders, `$(VAR)` expansions, paths and secret-store references
#   pass. Parameters `allowed_names` / `allowed_values` exempt specific entries.
# custom:
#   id: secrets/env-literal
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef, or better mount the Secret as a file; rotate the exposed credential.
#   references: [https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables, https://kubernetes.io/docs/concepts/security/secrets-good-practices/]
#   peers: {kube-linter: env-var-secret, polaris: sensitiveContainerEnvVar, kubescape: [C-0012, C-0259]}
package kubeward.rules.secrets.env_literal

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.secrets

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	env = c.value.env
	is_array(env)
	item = env[i]
	is_object(item)
	value = item.value
	is_string(value)
	name = k8s.str(object.get(item, "name", ""))
	reason = secrets.literal_reason(name, value)
	not secrets.allowed("secrets/env-literal", name, value)
	finding = {
		"msg": sprintf("%s sets env var %s to a literal credential (%s)", [c.label, k8s.quote(name), reason]),
		"path": array.concat(c.path, ["env", i, "value"]),
	}
}
