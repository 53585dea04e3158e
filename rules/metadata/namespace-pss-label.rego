# METADATA
# title: Namespace does not enforce a Pod Security level
# description: >-
#   Pod Security Admission enforces the Pod Security Standards per namespace through the label
#   pod-security.kubernetes.io/enforce. Without it the cluster-wide default applies, which is
#   privileged (no checks) unless the cluster's admission configuration says otherwise; an
#   explicit privileged level turns the checks off. The system namespaces kube-system,
#   kube-public and kube-node-lease are skipped; an unknown level is reported too, because the
#   admission plugin rejects it (a value that is not a string is schema/invalid-type's).
# custom:
#   id: metadata/namespace-pss-label
#   severity: info
#   enabled: true
#   kinds: [Namespace]
#   remediation: Label the namespace pod-security.kubernetes.io/enforce with baseline or, better, restricted (and pin pod-security.kubernetes.io/enforce-version); use warn/audit labels to try a level first.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-admission/, https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/]
#   peers: {kubescape: C-0192}
package kubeward.rules.metadata.namespace_pss_label

import rego.v1

import data.kubeward.lib.k8s

_label := "pod-security.kubernetes.io/enforce"

_system_namespaces := {"kube-system", "kube-public", "kube-node-lease"}

_levels := {"privileged", "baseline", "restricted"}

_labels := l if {
	l = input.metadata.labels
	is_object(l)
} else := {}

deny contains finding if {
	not data.kubeward.lib.k8s.name in _system_namespaces
	not _label in object.keys(_labels)
	finding = {
		"msg": sprintf(
			"%s has no %s label, so the cluster default (usually privileged: no checks) applies to its pods",
			[data.kubeward.lib.k8s.describe, _label],
		),
		"path": _missing_path,
	}
}

_missing_path := ["metadata", "labels"] if count(_labels) > 0

_missing_path := ["metadata"] if count(_labels) == 0

deny contains finding if {
	not data.kubeward.lib.k8s.name in _system_namespaces
	_labels[_label] == "privileged"
	finding = {
		"msg": sprintf("%s enforces the privileged Pod Security level, i.e. no checks on its pods", [data.kubeward.lib.k8s.describe]),
		"path": ["metadata", "labels", _label],
	}
}

# An unknown level: the PodSecurity admission plugin rejects the namespace, and no schema/*
# check knows the label, so this rule reports it. A value that is not a string is a label the
# API rejects for its type (schema/invalid-type).
deny contains finding if {
	value = _labels[_label]
	is_string(value)
	not value in _levels
	finding = {
		"msg": sprintf(
			"%s sets %s to %s, which is not a Pod Security level (privileged, baseline or restricted, lower-case); the admission plugin rejects it",
			[data.kubeward.lib.k8s.describe, _label, k8s.quote(value)],
		),
		"path": ["metadata", "labels", _label],
		"severity": "warning",
	}
}
