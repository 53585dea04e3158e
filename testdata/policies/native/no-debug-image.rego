# METADATA
# title: No debug images
# description: >-
#   Images tagged `debug` ship shells and tools an attacker can use.
# custom:
#   id: team/no-debug-image
#   severity: error
#   kinds: [pod-bearing]
#   remediation: Use the release image.
package team.no_debug_image

import rego.v1
import data.kubeward.lib.pods

# Uses the bundled helper: every container (init and ephemeral too) with its path.
deny contains finding if {
	some c in pods.containers
	endswith(c.value.image, ":debug")
	finding := {
		"msg": sprintf("container %q runs a debug image", [c.value.name]),
		"path": array.concat(c.path, ["image"]),
	}
}
