# METADATA
# title: Service selects no pods
# description: >-
#   When no pod template of the Service's namespace carries all the labels of its selector,
#   the Service has no endpoints and every connection to it fails, typically after a label was
#   renamed on one side only. Selector-less Services (`selector: {}` is stored as none) and
#   ExternalName Services are skipped, and labels that controllers add to pods
#   (statefulset.kubernetes.io/pod-name, pod-template-hash, ...) count as present. The rule
#   only fires when the linted files hold a workload of that namespace (else the pods are
#   deployed from elsewhere), and counts a custom resource whose labels match as a target,
#   since operators usually copy those labels onto the pods they create.
# custom:
#   id: reliability/dangling-service
#   severity: info
#   enabled: true
#   kinds: [Service]
#   remediation: Make the Service's spec.selector match the labels of the pod template it should route to (spec.template.metadata.labels), or remove the selector for a manually managed Service.
#   references: [https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service]
#   peers: {kube-linter: dangling-service, kube-score: service-targets-pod, kubescape: C-0293}
package kubeward.rules.reliability.dangling_service

import rego.v1

import data.kubeward.lib.selectors

_ns := selectors.namespace_of(input)

deny contains finding if {
	sel = selectors.service_selector(input)
	count(selectors.workload_ids_in(_ns)) > 0
	not selectors.any_workload_matches_map(_ns, sel)

	# Pods an operator creates from a custom resource usually carry the resource's labels.
	not selectors.operator_labels_match(_ns, sel, "map")
	finding = {
		"msg": sprintf(
			"%s selects %s, but no pod template in %s has these labels, so it has no endpoints",
			[data.kubeward.lib.k8s.describe, selectors.labels_text(sel), selectors.namespace_label(_ns)],
		),
		"path": ["spec", "selector"],
	}
}
