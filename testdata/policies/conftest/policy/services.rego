# Rego v0 with future keywords, and a conftest exception rule.
package main

import future.keywords.if
import future.keywords.in

deny_nodeport[msg] if {
	input.kind == "Service"
	input.spec.type == "NodePort"
	msg := sprintf("Service %s is exposed on every node (type NodePort)", [input.metadata.name])
}

exception[rules] if {
	input.kind == "Service"
	input.metadata.annotations["example.com/nodeport-approved"] == "true"
	rules := ["nodeport"]
}
