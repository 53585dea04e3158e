# METADATA
# title: Controller selector does not match its pod template
# description: >-
#   A controller finds its pods through spec.selector. When the selector does not match the
#   labels of spec.template, the API server rejects the object, and older API versions that
#   accepted it produced controllers that create pods forever without ever counting them.
#   apps/v1 also rejects an empty selector. matchExpressions are evaluated as the API does; a
#   missing selector is left alone (kustomize patches omit it), a ReplicationController's map
#   selector defaults to the template labels, and a Job is only checked when it sets
#   manualSelector: true (otherwise Kubernetes generates its selector). A CronJob's jobTemplate
#   may not set a selector or manualSelector: true at all: Kubernetes generates the selector of
#   every Job it creates and rejects the CronJob otherwise, so one written there is reported,
#   saying whether it would even have selected the pod template. These are rejected by the API
#   but no schema/* check reports them; a selector the API rejects for a value's type, a missing
#   key or an unknown operator is reported by the schema/* checks instead, and not compared here.
# custom:
#   id: reliability/selector-mismatch
#   severity: error
#   enabled: true
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Rollout, DeploymentConfig]
#   remediation: Make every spec.selector requirement match a label of spec.template.metadata.labels (usually by copying the selector labels into the template); in a CronJob, remove spec.jobTemplate.spec.selector and manualSelector and let Kubernetes generate them.
#   references: [https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector]
#   peers: {kube-linter: mismatching-selector, kube-score: [deployment-pod-selector-labels-match-template-metadata-labels, statefulset-pod-selector-labels-match-template-metadata-labels], kubescape: C-0296}
package kubeward.rules.reliability.selector_mismatch

import rego.v1

import data.kubeward.lib.selectors

_label_selector_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"}

_map_selector_kinds := {"ReplicationController", "DeploymentConfig"}

# API versions that require spec.selector (no defaulting from the template labels).
_required_versions := {"apps/v1", "apps/v1beta2"}

_template := t if {
	t = object.get(input, data.kubeward.lib.pods.template_path, null)
	is_object(t)
}

_selector := object.get(input, ["spec", "selector"], null) if is_object(input.spec)

_checked if input.kind in _label_selector_kinds

_checked if {
	input.kind == "Job"
	input.spec.manualSelector == true
}

_labels_text := sprintf("the pod template labels (%s)", [selectors.labels_text(data.kubeward.lib.pods.labels)])

# The pod template's labels are all strings: a label value of another type is one the API
# rejects (schema/invalid-type), and a selector is not compared with it.
_labels_ok if count([k | some k, v in data.kubeward.lib.pods.labels; not is_string(v)]) == 0

# Values the API rejects for their type, a missing key or an unknown operator are the schema/*
# checks' findings (selectors.shape_problem): this rule says nothing about such a selector.
# What it reports as invalid is what only API validation sees: an In/NotIn without values, an
# Exists/DoesNotExist with values.

# LabelSelector controllers. A missing selector is not reported: kustomize patches and other
# partial manifests routinely omit it (the API rejects a complete apps/v1 object without one).
deny contains finding if {
	_checked
	_template
	not selectors.shape_problem(_selector)
	msg = selectors.problem(_selector)
	finding = {
		"msg": sprintf("%s has an invalid spec.selector, which the API rejects: %s", [data.kubeward.lib.k8s.describe, msg]),
		"path": ["spec", "selector"],
	}
}

deny contains finding if {
	_checked
	_template
	input.kind != "Job"
	input.apiVersion in _required_versions
	selectors.is_empty(_selector)
	not selectors.shape_problem(_selector)
	finding = {
		"msg": sprintf("%s has an empty spec.selector, which %s rejects (it would select every pod of the namespace)", [data.kubeward.lib.k8s.describe, input.apiVersion]),
		"path": ["spec", "selector"],
	}
}

deny contains finding if {
	_checked
	_template
	is_object(_selector)
	not selectors.problem(_selector)
	_labels_ok
	not selectors.matches(_selector, data.kubeward.lib.pods.labels)
	finding = {
		"msg": sprintf("%s: spec.selector does not select %s, which the API rejects", [data.kubeward.lib.k8s.describe, _labels_text]),
		"path": ["spec", "selector"],
	}
}

# Map selectors (ReplicationController, DeploymentConfig): empty or absent defaults to the
# template labels.
deny contains finding if {
	input.kind in _map_selector_kinds
	_template
	is_object(_selector)
	count(_selector) > 0
	count([k | some k, v in _selector; not is_string(v)]) == 0
	_labels_ok
	not selectors.map_matches(_selector, data.kubeward.lib.pods.labels)
	finding = {
		"msg": sprintf("%s: spec.selector (%s) does not match %s, which the API rejects", [data.kubeward.lib.k8s.describe, selectors.labels_text(_selector), _labels_text]),
		"path": ["spec", "selector"],
	}
}

# (A map selector that is not a map, or holds a value that is not a string, is one the API
# rejects for its type: schema/invalid-type reports it.)

# CronJob: the API generates the selector of every Job a CronJob creates and rejects a
# jobTemplate that sets one, or that sets manualSelector: true (ValidateJobTemplateSpec).
_job_spec := j if {
	input.kind == "CronJob"
	j = input.spec.jobTemplate.spec
	is_object(j)
}

_job_selector_path := ["spec", "jobTemplate", "spec", "selector"]

deny contains finding if {
	sel = _job_spec.selector
	sel != null
	finding = {
		"msg": sprintf(
			"%s sets spec.jobTemplate.spec.selector%s, which the API rejects: Kubernetes generates the selector of each Job a CronJob creates%s",
			[data.kubeward.lib.k8s.describe, _manual_too, _cron_selector_note(sel)],
		),
		"path": _job_selector_path,
	}
}

deny contains finding if {
	_job_spec.manualSelector == true
	object.get(_job_spec, "selector", null) == null
	finding = {
		"msg": sprintf(
			"%s sets spec.jobTemplate.spec.manualSelector: true, which the API rejects for a CronJob (only false or unset): Kubernetes generates the selector of each Job a CronJob creates",
			[data.kubeward.lib.k8s.describe],
		),
		"path": ["spec", "jobTemplate", "spec", "manualSelector"],
	}
}

_manual_too := " and manualSelector: true" if {
	_job_spec.manualSelector == true
} else := ""

# Whether the selector would have selected the pods anyway: the usual mistake is a selector
# copied from a Deployment that does not match the Job's pod template.
_cron_selector_note(sel) := sprintf("; it would not even select %s", [_labels_text]) if {
	_template
	is_object(sel)
	not selectors.problem(sel)
	_labels_ok
	not selectors.matches(sel, data.kubeward.lib.pods.labels)
} else := sprintf("; it is also invalid: %s", [msg]) if {
	not selectors.shape_problem(sel)
	msg = selectors.problem(sel)
} else := "; remove it"
