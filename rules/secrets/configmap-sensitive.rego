# METADATA
# title: Credential in a ConfigMap
# description: >-
#   ConfigMaps are not meant for confidential data: they are readable by far more roles than
#   Secrets, never encrypted at rest, and routinely printed and committed. Keys whose name
#   suggests a password, token or key and that hold a literal value are reported, and so are
#   files in a ConfigMap (`.env`, properties, YAML, JSON) with such a setting on one of their
#   lines, and any value shaped like a known credential (private key block, cloud or SaaS token,
#   JWT, URL with a password). Parameters `allowed_names` / `allowed_values` exempt specific keys.
# custom:
#   id: secrets/configmap-sensitive
#   severity: error
#   enabled: true
#   kinds: [ConfigMap]
#   remediation: Move the credential into a Secret (or an external secret store) and reference it from there; rotate the exposed credential.
#   references: [https://kubernetes.io/docs/concepts/configuration/configmap/, https://kubernetes.io/docs/concepts/security/secrets-good-practices/]
#   peers: {polaris: sensitiveConfigmapContent, trivy: KSV-0109, kubescape: C-0012}
package kubeward.rules.secrets.configmap_sensitive

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.secrets

_rule_id := "secrets/configmap-sensitive"

_data := d if {
	d = input.data
	is_object(d)
} else := {}

_binary_data := d if {
	d = input.binaryData
	is_object(d)
} else := {}

# The verdict on every one-line value, judged together with its key, by key: all keys at once
# (a ConfigMap may have millions of keys; see the secrets library). Only a value with lines
# worth scanning needs it (_single_line_hit); the findings read the verdicts by index.
_one_line_reasons := {keys[i]: reason |
	keys = _one_line_pairs[0]
	some i, reason in secrets.literal_reasons(keys, _one_line_pairs[1])
}

# [keys, values] of the string values without a line break but a trailing one, aligned. Usually
# every value is such a string: one join and split tell, and no loop filters them.
_one_line_pairs := [[k | some k, _ in _data], vs] if {
	vs = [v | some _, v in _data]
	secrets.one_line_strings_only(vs)
} else := [[p[0] | some p in pairs], [p[1] | some p in pairs]] if {
	pairs = [[key, value] | some key, value in _data; is_string(value); not _multi_line(value)]
}

# `deny` is an array here, not a set (the engine reads both): a ConfigMap may have hundreds of
# thousands of secret-like keys, and inserting each finding object into a set compares it with
# others field by field; that was a third of the time of 200,000 findings. The findings of one
# key per path are distinct anyway.
deny := array.concat(_one_line_findings, [f | some f in _other_findings])

# A one-line value: judged together with its key. Usually no allow list is set for the rule,
# and then no key needs secrets.allowed.
_one_line_findings := fs if {
	not _may_allow
	fs = _one_line_candidates
} else := [f |
	some f in _one_line_candidates
	key = f.path[1]
	not secrets.allowed(_rule_id, key, _data[key])
]

_may_allow if data.kubeward.config.params[_rule_id].allowed_names

_may_allow if data.kubeward.config.params[_rule_id].allowed_values

# The one-line findings before the allow lists, one sprintf each (`%q` is k8s.quote for a
# string key). Usually no value has a credential's shape: then every reason is the key's, and
# named_reasons gives it without literal_reasons building "its name suggests ..." phrases.
_one_line_candidates := [finding |
	keys = _one_line_pairs[0]
	some i, reason in secrets.named_reasons(keys, _one_line_pairs[1])
	key = keys[i]
	finding = {
		"msg": sprintf("%s stores a credential in plain text under key %q (the key suggests %s)", [data.kubeward.lib.k8s.describe, key, reason]),
		"path": ["data", key],
	}
] if {
	count(secrets.credential_kinds(_one_line_pairs[1])) == 0
} else := [finding |
	keys = _one_line_pairs[0]
	some i, reason in secrets.literal_reasons(keys, _one_line_pairs[1])
	key = keys[i]
	finding = {
		"msg": sprintf("%s stores a credential in plain text under key %q (%s)", [data.kubeward.lib.k8s.describe, key, _key_phrase(reason)]),
		"path": ["data", key],
	}
]

# A file (or a one-line `KEY=value` setting under an innocent key): every line is scanned.
_other_findings contains finding if {
	# Usually no value holds a line worth scanning: then no loop over the keys at all.
	count(_scanned) > 0
	some key, value in _data
	hits_of_value = _scanned[value]
	not _single_line_hit(key, value)
	not secrets.allowed(_rule_id, key, value)
	hits = [h | some h in hits_of_value; not secrets.allowed(_rule_id, h.key, null)]
	count(hits) > 0
	finding = {
		"msg": sprintf("%s stores %s in plain text under key %s (%s)", [data.kubeward.lib.k8s.describe, _noun(count(hits)), k8s.quote(key), _hits_phrase(hits)]),
		"path": ["data", key],
	}
}

# The hits of every value with any, scanned once per distinct value.
_scanned := secrets.scan_texts([v | some v in _data; is_string(v)])

_single_line_hit(key, _) if _one_line_reasons[key]

# binaryData: base64. A secret-like key with a value, or a PEM private key.
_other_findings contains finding if {
	some key, value in _binary_data
	is_string(value)
	value != ""
	reason = _binary_reason(key, value)
	not secrets.allowed(_rule_id, key, value)
	finding = {
		"msg": sprintf("%s stores a credential under binaryData key %s (%s)", [data.kubeward.lib.k8s.describe, k8s.quote(key), reason]),
		"path": ["binaryData", key],
	}
}

_noun(1) := "a credential"

_noun(n) := "credentials" if n != 1

_multi_line(v) if contains(trim_right(v, "\n"), "\n")

_key_phrase(reason) := replace(reason, "its name suggests", "the key suggests")

_hits_phrase(hits) := _first_hits(hits) if {
	count(hits) <= 3
} else := sprintf("%s; and %d more", [_first_hits(hits), count(hits) - 3])

_first_hits(hits) := concat("; ", [sprintf("line %d %s", [h.line, h.reason]) | some h in array.slice(_sorted(hits), 0, 3)])

# The hits in line order (one hit per line): keyed by line, so sorting stays n log n.
_sorted(hits) := [by_line[l] | some l in sort(object.keys(by_line))] if {
	by_line = {h.line: h | some h in hits}
}

# base64 of "-----BEGIN": only the (ASCII) head of the value is decoded.
_binary_reason(key, value) := sprintf("it decodes to %s", [kind]) if {
	startswith(value, "LS0tLS1CRUdJTi")
	kind = secrets.credential_kind(base64.decode(substring(value, 0, 96)))
} else := sprintf("the key suggests %s", [reason]) if {
	reason = secrets.name_reason(key)
}
