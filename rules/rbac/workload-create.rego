# METADATA
# title: Role can create or change workloads
# description: >-
#   Whoever can create or modify pods, or the controllers that make them (Deployments,
#   DaemonSets, StatefulSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs), can run any
#   image under any service account of the namespace and mount its Secrets, so the role is
#   effectively as strong as the strongest service account and Secret there, unless Pod Security
#   Admission restricts the pod spec. Informational: deployment tools legitimately need it.
#   update and patch limited by resourceNames still count, because they can change the pod
#   template of the named workloads.
# custom:
#   id: rbac/workload-create
#   severity: info
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Grant workload write access only to the deployment pipeline or operators that need it, in namespaced Roles, and enforce Pod Security Admission (baseline or restricted) in those namespaces.
#   references: [https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation]
#   peers: {kube-linter: access-to-create-pods, trivy: KSV-0048, kubescape: C-0188}
package kubeward.rules.rbac.workload_create

import rego.v1

import data.kubeward.lib.rbac

_verbs := {"create", "update", "patch"}

_targets := {
	["", "pods"],
	["", "replicationcontrollers"],
	["apps", "deployments"],
	["apps", "daemonsets"],
	["apps", "statefulsets"],
	["apps", "replicasets"],
	["extensions", "deployments"],
	["extensions", "daemonsets"],
	["extensions", "replicasets"],
	["batch", "jobs"],
	["batch", "cronjobs"],
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants_on_names(item, _verbs, _targets)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s: its subjects can run pods with any image and any service account of the namespace",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x)],
		),
		"path": x.entry.path,
	}
}

deny contains finding if {
	some item in data.kubeward.lib.rbac.misspelled_items
	some f in rbac.near_miss_findings(item, _verbs, _targets, "let its subjects create or change workloads")
	finding = f
}
