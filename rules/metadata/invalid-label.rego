# METADATA
# title: Label key or value is not valid
# description: >-
#   Kubernetes rejects an object whose label keys or values break the label syntax: a value is
#   at most 63 characters, empty or alphanumeric at both ends with only `-`, `_` and `.` inside;
#   a key is such a name, optionally after a DNS-subdomain prefix (lower-case, at most 253
#   characters) and a slash. Checked in metadata.labels, pod template labels and the label
#   selectors of built-in kinds; unrendered template expressions are left alone. A value that is
#   not a string (an unquoted number or boolean, `version: 1.10`) is rejected too, and reported
#   by schema/invalid-type rather than by this rule.
# custom:
#   id: metadata/invalid-label
#   severity: error
#   enabled: true
#   kinds: ["*"]
#   remediation: Fix the label so it matches the syntax; quote numeric or boolean values (version "1.10"), and move free text to an annotation.
#   references: [https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set]
#   peers: {kube-score: label-values}
package kubeward.rules.metadata.invalid_label

import rego.v1

import data.kubeward.lib.k8s

_name_re := `^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`

_prefix_re := `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`

# Label maps of the object, as {"path": path to the map, "what": for messages}: metadata.labels,
# the pod template labels, and the label selectors of the built-in kinds
# (rules/data/label_selectors.json; custom resources may use spec.selector for anything, and
# Service and ReplicationController selectors are plain maps).
# (One rule with comprehensions, and the pods library read by its full path: this rule runs
# on every resource, and regorus 0.14.1 evaluates every rule of a library referenced through
# its import alias.)
_maps := array.concat(
	array.concat(
		[{"path": ["metadata", "labels"], "what": "label"}],
		[{"path": array.concat(p, ["labels"]), "what": "pod template label"} |
			p = data.kubeward.lib.pods.meta_path
			p != ["metadata"]
		],
	),
	[m | is_string(input.kind); some m in data.kubeward.tables.label_selectors[input.kind]],
)

deny contains finding if {
	some m in _maps
	labels = object.get(input, m.path, null)
	is_object(labels)
	not _all_plain(labels)

	# The common case, decided with one pattern per key and value and no function call: a key
	# of at most 63 characters made of an optional DNS-subdomain prefix and a name (so both
	# parts are within their limits), and a value that is null, or empty or a name of at most
	# 63 characters. The detailed checks below find no problem in these.
	plain = {k |
		some k, v in labels
		v == null
		is_string(k)
		count(k) <= 63
		regex.match(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`, k)
	} | {k |
		some k, v in labels
		is_string(k)
		count(k) <= 63
		regex.match(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`, k)
		is_string(v)
		count(v) <= 63
		regex.match(`^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$`, v)
	}
	count(plain) < count(labels)
	some key, value in labels
	not key in plain
	problems = array.concat(_key_problems(key), _value_problems(value))
	count(problems) > 0
	finding = {
		"msg": sprintf("%s %s %s %s", [data.kubeward.lib.k8s.describe, m.what, k8s.quote(key), concat(", and ", problems)]),
		"path": array.concat(m.path, [key]),
	}
}

# A whole label map of plain keys and string values, checked with one regex call (regorus starts
# every regex call from an empty matcher state, and this rule runs on every resource): every
# key and value is a string of at most 63 characters, and the lines `key<TAB>value` all match.
# A tab or newline cannot occur in a valid key or value, so no entry can fake a line break.
_all_plain(labels) if {
	count([k | some k, v in labels; not _short_strings(k, v)]) == 0
	regex.match(_plain_map_re, concat("", [concat("", [k, "\t", v, "\n"]) | some k, v in labels]))
}

_short_strings(k, v) if {
	is_string(k)
	is_string(v)
	count(k) <= 63
	count(v) <= 63
}

_plain_map_re := `^(?:(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?\t(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?\n)*$`

_templated(s) if contains(s, "{{")

# _name_issues(s): what is wrong with a label name or value (phrases without a subject).
_name_issues(s) := array.concat(
	[sprintf("is %d characters long (at most 63)", [count(s)]) | count(s) > 63],
	[_syntax | not regex.match(_name_re, s)],
)

_syntax := `must start and end with a letter or digit and hold only letters, digits, "-", "_" and "."`

# ---- keys ------------------------------------------------------------------------------------

_key_problems(key) := [] if _templated(key)

_key_problems(key) := _key_issues(split(key, "/")) if not _templated(key)

_key_issues(parts) := ["holds more than one \"/\""] if count(parts) > 2

_key_issues(parts) := ["has an empty key"] if {
	count(parts) == 1
	parts[0] == ""
}

_key_issues(parts) := _name_issues(parts[0]) if {
	count(parts) == 1
	parts[0] != ""
}

_key_issues(parts) := array.concat(_prefix_issues(parts[0]), _after_slash_issues(parts[1])) if count(parts) == 2

_prefix_issues(prefix) := ["has an empty prefix before \"/\""] if prefix == ""

_prefix_issues(prefix) := array.concat(
	[sprintf("has a prefix of %d characters (at most 253)", [count(prefix)]) | count(prefix) > 253],
	[sprintf("has a prefix %q that is not a lower-case DNS subdomain", [prefix]) | not regex.match(_prefix_re, prefix)],
) if prefix != ""

_after_slash_issues(name) := ["has an empty name after \"/\""] if name == ""

_after_slash_issues(name) := [sprintf("has a name after \"/\" that %s", [i]) | some i in _name_issues(name)] if name != ""

# ---- values ----------------------------------------------------------------------------------

_value_problems(value) := [] if is_null(value)

# A value that is not a string (`version: 1.10`, `enabled: true`) is one the API rejects for
# its type: schema/invalid-type reports it, not this rule.
_value_problems(value) := [] if {
	not is_null(value)
	not is_string(value)
}

_value_problems(value) := [] if {
	is_string(value)
	_templated(value)
}

_value_problems(value) := [] if value == ""

_value_problems(value) := [sprintf("has a value %q that %s", [_short(value), i]) | some i in _name_issues(value)] if {
	is_string(value)
	value != ""
	not _templated(value)
}

_short(s) := s if count(s) <= 40

_short(s) := sprintf("%s...", [substring(s, 0, 37)]) if count(s) > 40
