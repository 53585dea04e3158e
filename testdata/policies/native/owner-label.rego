# METADATA
# title: Workloads name their owning team
# description: >-
#   Every workload carries a `team` label so alerts reach the people who own it.
# custom:
#   id: team/owner-label
#   severity: warning
#   kinds: [pod-bearing]
#   remediation: Add metadata.labels.team.
package team.owner_label

import rego.v1

deny contains finding if {
	not input.metadata.labels.team
	finding := {
		"msg": sprintf("%s %q has no team label", [input.kind, input.metadata.name]),
		"path": ["metadata"],
	}
}
