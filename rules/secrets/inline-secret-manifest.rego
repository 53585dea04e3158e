# METADATA
# title: Secret values committed in a manifest
# description: >-
#   A Secret manifest with real `data` or `stringData` puts the credentials into every copy of
#   the file, starting with the Git history; base64 in `data` is an encoding, not encryption.
#   Empty values, unrendered templates and placeholders pass, so do Helm's own release Secrets
#   (type helm.sh/release.v1); use an external-secrets operator, Sealed Secrets or SOPS to keep
#   the values out of plain manifests. A value the API rejects (data that is not base64, a
#   number in stringData) is reported by the schema/* checks, not by this rule.
# custom:
#   id: secrets/inline-secret-manifest
#   severity: info
#   enabled: true
#   kinds: [Secret]
#   remediation: Generate the Secret at deploy time (External Secrets Operator, Sealed Secrets, SOPS, a CSI secret store) instead of committing its values.
#   references: [https://kubernetes.io/docs/concepts/security/secrets-good-practices/, https://kubernetes.io/docs/concepts/configuration/secret/]
#   peers: {}
package kubeward.rules.secrets.inline_secret_manifest

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.secrets

deny contains finding if {
	not input.type == "helm.sh/release.v1"
	some field in ["data", "stringData"]
	values = input[field]
	is_object(values)
	keys = [k | some k, v in values; _real(field, v)]
	count(keys) > 0
	finding = {
		"msg": sprintf("%s commits %s in %s (%s) in a plain manifest", [data.kubeward.lib.k8s.describe, _count_phrase(count(keys)), field, _keys_phrase(keys)]),
		"path": [field],
	}
}

# data holds base64, so only emptiness and templates are judged; stringData is plain text.
# A data value that is not base64 (plain text where the encoding belongs) is one the API
# rejects: schema/invalid-value reports it, not this rule.
_real("data", v) if {
	is_string(v)
	trim_space(v) != ""
	not contains(v, "{{")
	not lower(trim_space(v)) in {"<nil>", "null", "changeme"}
	_base64(v)
}

# Standard padded base64 as the API decodes it (line breaks skipped).
_base64(v) if {
	regex.match(`^[A-Za-z0-9+/\r\n]*(=[\r\n]*){0,2}$`, v)
	count(replace(replace(v, "\r", ""), "\n", "")) % 4 == 0
}

_real("stringData", v) if {
	is_string(v)
	not secrets.not_literal(v)
}

# (A YAML number or boolean in stringData is a value the API rejects for its type:
# schema/invalid-type reports it, not this rule.)

_count_phrase(1) := "1 value"

_count_phrase(n) := sprintf("%d values", [n]) if n != 1

_keys_phrase(keys) := sprintf("keys %s", [concat(", ", [k8s.quote(k) | some k in array.slice(sort(keys), 0, 5)])]) if {
	count(keys) > 1
	count(keys) <= 5
} else := sprintf("key %s", [k8s.quote(keys[0])]) if {
	count(keys) == 1
} else := sprintf("keys %s, ...", [concat(", ", [k8s.quote(k) | some k in array.slice(sort(keys), 0, 5)])])
