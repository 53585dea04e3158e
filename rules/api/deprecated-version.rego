# METADATA
# title: Deprecated API version
# description: >-
#   This apiVersion still works at the target Kubernetes version but is deprecated for this kind
#   and will stop being served in a known release, at which point applying the manifest fails.
#   Migrating while both versions are served lets you switch without downtime. Versions are
#   judged per (apiVersion, kind) at the version given with `--kube-version` (default: the
#   newest known).
# custom:
#   id: api/deprecated-version
#   severity: warning
#   enabled: true
#   kinds: ["*"]
#   remediation: Change apiVersion to the replacement named in the message before upgrading the cluster to the version that removes it.
#   references: [https://kubernetes.io/docs/reference/using-api/deprecation-guide/, https://kubernetes.io/docs/reference/using-api/deprecation-policy/]
#   peers: {trivy: KSV-0107, kube-score: stable-version}
package kubeward.rules.api.deprecated_version

import rego.v1

import data.kubeward.lib.apis

deny contains finding if {
	# A cheap guard first: this rule runs on every resource and the table lists few of them
	# (a reference to the apis library evaluates all of its rules).
	data.kubeward.tables.apis[input.apiVersion][input.kind]
	e = data.kubeward.lib.apis.input_deprecated
	finding = {
		"msg": sprintf(
			"%s uses %s, deprecated since 1.%d and no longer served from 1.%d (target %s)%s",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.k8s.api_version, e.deprecated, e.removed, data.kubeward.lib.apis.target, apis.replacement_phrase(e)],
		),
		"path": ["apiVersion"],
	}
}
