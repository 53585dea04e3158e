# Written in Rego v0, as most existing conftest policies are.
package main

required_labels := ["app.kubernetes.io/name", "owner"]

deny[msg] {
	input.kind == "Deployment"
	label := required_labels[_]
	not input.metadata.labels[label]
	msg := sprintf("%s %s must have the label %s", [input.kind, input.metadata.name, label])
}
