# METADATA
# title: API version no longer served
# description: >-
#   The API server of the target Kubernetes version no longer serves this apiVersion for this
#   kind, so applying the manifest fails outright (and Helm upgrades of releases that contain it
#   get stuck). Versions are judged per (apiVersion, kind) against the Kubernetes deprecation
#   guide, at the version given with `--kube-version` (default: the newest known).
# custom:
#   id: api/removed-version
#   severity: error
#   enabled: true
#   kinds: ["*"]
#   remediation: Change apiVersion to the replacement named in the message and adapt the fields that changed (kubectl convert can help); for Helm releases, see the helm-mapkubeapis plugin.
#   references: [https://kubernetes.io/docs/reference/using-api/deprecation-guide/, https://kubernetes.io/docs/reference/using-api/deprecation-policy/]
#   peers: {kube-linter: no-extensions-v1beta, trivy: KSV-0107, kube-score: stable-version}
package kubeward.rules.api.removed_version

import rego.v1

import data.kubeward.lib.apis

deny contains finding if {
	# A cheap guard first: this rule runs on every resource and the table lists few of them
	# (a reference to the apis library evaluates all of its rules).
	data.kubeward.tables.apis[input.apiVersion][input.kind]
	e = data.kubeward.lib.apis.input_removed
	finding = {
		"msg": sprintf(
			"%s uses %s, which Kubernetes stopped serving in 1.%d (target %s)%s",
			[data.kubeward.lib.k8s.describe, data.kubeward.lib.k8s.api_version, e.removed, data.kubeward.lib.apis.target, apis.replacement_phrase(e)],
		),
		"path": ["apiVersion"],
	}
}
