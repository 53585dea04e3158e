# Rego v1; results are objects with a path, so findings point at the field.
package main

import rego.v1

allowed_registries := data.registries.allowed

warn contains result if {
	some i, c in input.spec.template.spec.containers
	not startswith_any(c.image, allowed_registries)
	result := {
		"msg": sprintf("container %s uses an image from an unapproved registry: %s", [c.name, c.image]),
		"path": ["spec", "template", "spec", "containers", i, "image"],
	}
}

deny_latest_tag contains result if {
	some i, c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	result := {"msg": sprintf("container %s uses the latest tag", [c.name]), "_loc": sprintf("spec.template.spec.containers[%d].image", [i])}
}

startswith_any(s, prefixes) if {
	some p in prefixes
	startswith(s, p)
}
