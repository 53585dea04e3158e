# METADATA
# title: Secret exposed as environment variables
# description: >-
#   Environment variables leak more easily than files: they are inherited by every child
#   process, dumped in crash reports and debug endpoints, and readable through /proc by anything
#   sharing the process namespace. The CIS Kubernetes Benchmark (5.4.1) prefers mounting Secrets
#   as files. Opt-in, because reading Secrets from env is common and often accepted.
# custom:
#   id: secrets/env-from-secret
#   severity: info
#   enabled: false
#   kinds: [pod-bearing]
#   remediation: Mount the Secret as a volume (optionally only the keys needed) and have the application read the file.
#   references: [https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod, https://kubernetes.io/docs/concepts/security/secrets-good-practices/]
#   peers: {kube-linter: read-secret-from-env-var, checkov: CKV_K8S_35, kubescape: C-0207}
package kubeward.rules.secrets.env_from_secret

import rego.v1

import data.kubeward.lib.k8s

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	env = c.value.env
	is_array(env)
	item = env[i]
	is_object(item)
	ref = item.valueFrom.secretKeyRef
	is_object(ref)
	finding = {
		"msg": sprintf(
			"%s reads key %s of Secret %s into env var %s; mount it as a file instead",
			[c.label, k8s.quote(object.get(ref, "key", null)), k8s.quote(object.get(ref, "name", null)), k8s.quote(object.get(item, "name", null))],
		),
		"path": array.concat(c.path, ["env", i, "valueFrom", "secretKeyRef"]),
	}
}

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	env_from = c.value.envFrom
	is_array(env_from)
	item = env_from[i]
	is_object(item)
	ref = item.secretRef
	is_object(ref)
	finding = {
		"msg": sprintf(
			"%s imports every key of Secret %s as env vars (envFrom); mount it as a file instead",
			[c.label, k8s.quote(object.get(ref, "name", null))],
		),
		"path": array.concat(c.path, ["envFrom", i, "secretRef"]),
	}
}
