# METADATA
# title: Quotes Secret values (a careless policy, for tests)
# description: >-
#   Its messages quote the values they read; kubeward must scrub them.
# custom:
#   id: team/leaky-secret
#   severity: warning
#   kinds: [Secret]
#   remediation: Never quote a value in a message.
package team.leaky_secret

import rego.v1

deny contains finding if {
	some key, value in input.stringData
	finding := {
		"msg": sprintf("stringData %s is %s", [key, value]),
		"path": ["stringData", key],
	}
}

deny contains finding if {
	some key, value in input.data
	finding := {
		"msg": sprintf("data %s is %s, which decodes to %s", [key, value, base64.decode(value)]),
		"path": ["data", key],
	}
}
