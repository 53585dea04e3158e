# Where a resource lives: cluster-scoped kinds and the effective namespace.
#
# Namespaced-only rules skip the kinds listed here; cross-resource rules compare effective
# namespaces with `compatible`. The effective namespace of a resource is its
# metadata.namespace, else the release namespace the run was given
# (data.kubeward.config.namespace, e.g. from --namespace), else unknown (""): Helm charts and
# kustomize bases usually leave metadata.namespace out and let the tool fill it in.
#
# Everything here is total: it never raises a runtime error, whatever shape `input` has.
package kubeward.lib.scope

import rego.v1

# Kinds that have no namespace: rules/data/cluster_scoped_kinds.json
# (data.kubeward.tables.cluster_scoped_kinds), an object kind -> "built-in" (core and built-in
# API groups) or "add-on" (Gateway API, cert-manager, Kyverno, Gatekeeper, External Secrets,
# Cilium, Calico, Argo Workflows, Tekton, Karpenter, snapshots). It is data rather than a Rego
# set so that it is built once per engine, not once per resource. An unknown custom resource
# kind is treated as namespaced.
cluster_scoped_kinds := k if {
	k = data.kubeward.tables.cluster_scoped_kinds
	is_object(k)
} else := {}

# is_cluster_scoped: `input` is of a cluster-scoped kind.
is_cluster_scoped if cluster_scoped_kinds[input.kind]

is_cluster_scoped_kind(kind) if cluster_scoped_kinds[kind]

# is_namespaced: `input` has a string kind that is not cluster-scoped (kind `List` wrappers are
# unrolled by the engine and never reach a rule).
is_namespaced if {
	is_string(input.kind)
	input.kind != ""
	not is_cluster_scoped
}

# release_namespace: the namespace the run was told resources without metadata.namespace go
# to; undefined when not given.
release_namespace := ns if {
	ns = data.kubeward.config.namespace
	is_string(ns)
	ns != ""
}

# explicit_namespace: metadata.namespace of `input` when written (a non-empty string).
explicit_namespace := ns if {
	ns = input.metadata.namespace
	is_string(ns)
	ns != ""
}

# namespace: the effective namespace of `input`; undefined when unknown.
namespace := explicit_namespace

namespace := release_namespace if not explicit_namespace

# namespace_or_unknown: `namespace`, or "" when it is unknown.
default namespace_or_unknown := ""

namespace_or_unknown := namespace

# entry_namespace(e): the effective namespace of an inventory entry (or any resource object),
# "" when unknown.
entry_namespace(e) := ns if {
	ns = _explicit_of(e)
} else := ns if {
	ns = release_namespace
} else := ""

_explicit_of(e) := ns if {
	is_object(e)
	m = e.metadata
	is_object(m)
	ns = m.namespace
	is_string(ns)
	ns != ""
}

# compatible(a, b): two effective namespaces ("" = unknown) may be the same namespace. Cross-
# resource joins use this, so that a chart whose objects leave the namespace out still joins.
compatible(a, b) if a == b

compatible(a, _) if a == ""

compatible(_, b) if b == ""
