# METADATA
# title: Service selects no pods
# description: >-
#   When no pod template of the Service's namespace carries all the labels of its selector,
#   the Service has no endpoints and every connection to it fails, typically after a label was
#   renamed on one side only, or because the Service and its pods were put in different
#   namespaces: a Service only ever selects pods of its own namespace, and the message names
#   the namespaces the matching pods are in. Selector-less Services (`selector: {}` is stored
#   as none) and ExternalName Services are skipped, and labels that controllers add to pods
#   (statefulset.kubernetes.io/pod-name, pod-template-hash, ...) count as present. The rule
#   only fires when the linted files hold a workload of that namespace or the matching pods
#   are known to be elsewhere (else the pods are deployed from elsewhere), and never when the
#   Service's or a matching workload's namespace is unknown (no metadata.namespace and no
#   --namespace: they may be applied together). A custom resource whose labels match counts
#   as a target, since operators usually copy those labels onto the pods they create.
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

# Where the pods the selector matches are, when none is in the Service's namespace (sorted).
_elsewhere(sel) := selectors.pods_elsewhere(_ns, sel, "map")

# Linted workloads of the namespace, none of them selected; or the selected pods are known to
# be in other namespaces.
_evidence(_) if count(selectors.workload_ids_in(_ns)) > 0

_evidence(sel) if count(_elsewhere(sel)) > 0

_where(sel) := sprintf(
	"no pod template in %s has these labels, only pods of %s (a Service only selects pods of its own namespace)",
	[selectors.namespace_label(_ns), selectors.namespaces_text(_elsewhere(sel))],
) if {
	count(_elsewhere(sel)) > 0
} else := sprintf("no pod template in %s has these labels", [selectors.namespace_label(_ns)])

deny contains finding if {
	sel = selectors.service_selector(input)
	not selectors.any_workload_matches_map(_ns, sel)

	# Pods an operator creates from a custom resource usually carry the resource's labels.
	not selectors.operator_labels_match(_ns, sel, "map")

	# A matching workload whose namespace is unknown (or a Service whose namespace is) may end
	# up next to it.
	not selectors.may_select_here(_ns, sel, "map")
	_evidence(sel)
	finding = {
		"msg": sprintf(
			"%s selects %s, but %s, so it has no endpoints",
			[data.kubeward.lib.k8s.describe, selectors.labels_text(sel), _where(sel)],
		),
		"path": ["spec", "selector"],
	}
}
