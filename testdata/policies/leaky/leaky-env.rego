# METADATA
# title: Quotes env values (a careless policy, for tests)
# description: >-
#   Its messages quote the env values they read; kubeward must scrub the ones
#   a secrets rule flags.
# custom:
#   id: team/leaky-env
#   severity: warning
#   kinds: [pod-bearing]
#   remediation: Never quote a value in a message.
package team.leaky_env

import rego.v1
import data.kubeward.lib.pods

deny contains finding if {
	some c in pods.containers
	some i, e in c.value.env
	finding := {
		"msg": sprintf("env %s of container %q is %q", [e.name, c.value.name, e.value]),
		"path": array.concat(c.path, ["env", i]),
	}
}
