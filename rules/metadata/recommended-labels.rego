# METADATA
# title: Workload lacks the recommended app.kubernetes.io labels
# description: >-
#   The app.kubernetes.io labels (name, instance, version, component, part-of, managed-by) let
#   people and tools tell which application, release and owner an object belongs to; without
#   them, selecting, auditing or cleaning up a workload relies on guesswork. Both the
#   workload's own labels and its pod template's are checked. The required set is the `labels`
#   parameter (default [app.kubernetes.io/name]).
# custom:
#   id: metadata/recommended-labels
#   severity: info
#   enabled: false
#   kinds: [pod-bearing]
#   remediation: Add the recommended labels (at least app.kubernetes.io/name) to the workload's metadata.labels and to its pod template.
#   references: [https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/]
#   peers: {kube-linter: required-label-owner, polaris: metadataAndInstanceMismatched, kubescape: [C-0076, C-0077]}
package kubeward.rules.metadata.recommended_labels

import rego.v1

default _required := ["app.kubernetes.io/name"]

_required := [x | some x in l; is_string(x)] if {
	l = data.kubeward.config.params["metadata/recommended-labels"].labels
	is_array(l)
}

# Where labels are read: the object's metadata, and for controllers the pod template's.
_places contains {"meta_path": ["metadata"], "what": data.kubeward.lib.k8s.describe} if is_object(input.metadata)

_places contains {"meta_path": ["metadata"], "what": data.kubeward.lib.k8s.describe} if not input.metadata

_places contains {"meta_path": data.kubeward.lib.pods.meta_path, "what": sprintf("the pod template of %s", [data.kubeward.lib.k8s.describe])} if {
	data.kubeward.lib.pods.meta_path != ["metadata"]
}

_labels_at(meta_path) := l if {
	l = object.get(input, array.concat(meta_path, ["labels"]), {})
	is_object(l)
} else := {}

deny contains finding if {
	some place in _places
	labels = _labels_at(place.meta_path)
	missing = [l | some l in _required; not l in object.keys(labels)]
	count(missing) > 0
	finding = {
		"msg": sprintf("%s has no label %s", [place.what, concat(", ", missing)]),
		"path": _path(place.meta_path, labels),
	}
}

_path(meta_path, labels) := array.concat(meta_path, ["labels"]) if count(labels) > 0

_path(meta_path, labels) := meta_path if count(labels) == 0
