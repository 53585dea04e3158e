# Recognising credentials written in plain text: secret-like NAMES (env var names, ConfigMap
# keys, `KEY=value` lines) and credential-shaped VALUES (private key blocks, cloud and SaaS
# token formats, JWTs, URLs with a password).
#
# Findings built from these helpers must never print the value: the helpers return only what
# kind of secret was recognised ("a password", "an AWS access key ID") and, for text, the line
# numbers and key names involved.
#
# Everything here is total: non-string input is never sensitive and never raises an error.
package kubeward.lib.secrets

import rego.v1

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

# words(name): the name lower-cased with camelCase and any non-alphanumeric run turned into "_",
# e.g. "authToken" -> "auth_token", "DB-PASSWORD.file" -> "db_password_file".
words(name) := trim(regex.replace(lower(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")), `[^a-z0-9]+`, "_"), "_") if {
	is_string(name)
	lower(name) != name
} else := trim(regex.replace(name, `[^a-z0-9]+`, "_"), "_") if {
	# No capital letter: no camelCase boundary to split (one regex call fewer).
	is_string(name)
}

# Secret-like name patterns, applied to words(name), in order; each with what it suggests.
_name_patterns := [
	[`passw(or)?d|passphrase|(^|_)pwd(_|$)|(^|_)pass(_|$)`, "a password"],
	[`private_?key`, "a private key"],
	[`api_?key`, "an API key"],
	[`^azure_(.*_)?key$|^azure_.*key$`, "an Azure key"],
	[`(^|_)(signing|encryption|encrypt|master|session|hmac|jwt)_?key(_|$)`, "a key"],
	[`secret`, "a secret"],
	[`token(_|$)`, "a token"],
	[`credential`, "a credential"],
]

# Last words that make the name describe ABOUT a secret rather than hold it: PASSWORD_FILE,
# TOKEN_URL, SECRET_NAME, *_PATH, TOKEN_TTL, PASSWORD_MIN_LENGTH, ...
_reference_suffixes := {
	"file", "files", "path", "paths", "dir", "directory", "url", "uri", "urls", "endpoint",
	"host", "hostname", "port", "name", "names", "id", "ids", "ref", "reference", "ttl",
	"timeout", "expiry", "expiration", "expires", "expire", "lifetime", "duration", "seconds",
	"secs", "minutes", "hours", "days", "length", "len", "size", "header", "type", "mode",
	"enabled", "enable", "disabled", "required", "policy", "location", "format", "algorithm",
	"alg", "version", "namespace", "region", "field", "mount", "volume", "prefix", "suffix",
	"issuer", "audience", "scope", "scopes", "provider", "strategy", "store", "backend",
	"kind", "count", "rotation", "interval", "key_ref", "keyref", "env", "arn", "label",
	"annotation", "template", "regex", "pattern", "source", "hint",
}

# name_reason(name): what a secret-like name suggests it holds ("a password", "a token", ...);
# undefined when the name is not secret-like or only refers to a secret (see above).
name_reason(name) := reason if {
	_name_may_match(name)
	w = words(name)
	not _refers(w)
	reason = _first_name_reason(w)
}

# The reason of the first pattern of _name_patterns that matches, trying one at a time (names
# usually match the first or second, and every regex call costs).
_first_name_reason(w) := _name_patterns[0][1] if {
	regex.match(_name_patterns[0][0], w)
} else := _name_patterns[1][1] if {
	regex.match(_name_patterns[1][0], w)
} else := _name_patterns[2][1] if {
	regex.match(_name_patterns[2][0], w)
} else := _name_patterns[3][1] if {
	regex.match(_name_patterns[3][0], w)
} else := _name_patterns[4][1] if {
	regex.match(_name_patterns[4][0], w)
} else := _name_patterns[5][1] if {
	regex.match(_name_patterns[5][0], w)
} else := _name_patterns[6][1] if {
	regex.match(_name_patterns[6][0], w)
} else := _name_patterns[7][1] if {
	regex.match(_name_patterns[7][0], w)
}

# Every pattern of _name_patterns needs one of these words in words(name), and then name
# holds it too (case aside): a cheap test that skips the patterns for most names.
_name_may_match(name) if {
	is_string(name)
	regex.match(_name_hint, name)
}

_name_hint := `(?i)pass|pwd|key|secret|token|credential`

_refers(w) if {
	parts = split(w, "_")
	parts[count(parts) - 1] in _reference_suffixes
}

# ---------------------------------------------------------------------------------------------
# Values that are not literal secrets
# ---------------------------------------------------------------------------------------------

_placeholders := {
	"changeme", "change-me", "change_me", "changeit", "replaceme", "replace-me", "replace_me",
	"<nil>", "nil", "null", "none", "undefined", "todo", "tbd", "placeholder", "redacted",
	"dummy", "your-password", "yourpassword", "~",
	"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "0", "1",
}

# not_literal(v) (and _plain_not_literal(v), all of it but the URL case): v carries no
# secret of its own: empty, a placeholder, a boolean word, a
# masked value, an unrendered template, a `$(VAR)` / `${VAR}` expansion (the secret comes from
# elsewhere), a file path, or a reference into a secret store.
_plain_not_literal(v) if not is_string(v)

_plain_not_literal(v) if {
	is_string(v)
	trim_space(v) == ""
}

_plain_not_literal(v) if {
	is_string(v)
	lower(trim(trim_space(v), `"'`)) in _placeholders
}

# One regex for four kinds of non-literal value (a regex call costs more than its alternatives):
# - placeholder-looking prefixes: CHANGEME0000, your-api-key-here, INSERT_TOKEN, <set me>, ...;
# - masks and markers: <...>, ***, xxx, ..., a YAML block indicator, {} or [];
# - expansions: $(VAR), ${VAR}, {{ template }};
# - file paths and references into a secret store.
_plain_not_literal(v) if {
	is_string(v)
	regex.match(_not_literal_pattern, v)
}

_not_literal_pattern := concat("|", [
	`(?i:^\s*["']?(change[-_]?me|change[-_]?it|replace[-_]?me|fix[-_]?me|insert[-_ ]|your[-_ ]|enter[-_ ]|put[-_ ]|todo\b|tbd\b|placeholder|redacted|dummy))`,
	`(^\s*(<[^<>]*>|\*+|x+|X+|\.\.\.|[|>][-+]?[0-9]?|\{\}?|\[\]?)\s*$)`,
	`(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}]*\}|\{\{)`,
	`(^\s*(/|\./|\.\./|~/|file:|vault:|ref\+|arn:aws[a-z-]*:(secretsmanager|ssm|kms):|projects/[^/\s]+/secrets/|@Microsoft\.KeyVault\(|secretsmanager:|gcp:secretmanager:|azurekeyvault:))`,
])

# The same, for values joined one per line (see "Many at once"): no part may match across a
# newline. For a value without newline the two patterns agree.
_not_literal_line_pattern := concat("|", [
	`(?i:^[^\S\n]*["']?(change[-_]?me|change[-_]?it|replace[-_]?me|fix[-_]?me|insert[-_ ]|your[-_ ]|enter[-_ ]|put[-_ ]|todo\b|tbd\b|placeholder|redacted|dummy))`,
	`(^[^\S\n]*(<[^<>\n]*>|\*+|x+|X+|\.\.\.|[|>][-+]?[0-9]?|\{\}?|\[\]?)[^\S\n]*$)`,
	`(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[^}\n]*\}|\{\{)`,
	`(^[^\S\n]*(/|\./|\.\./|~/|file:|vault:|ref\+|arn:aws[a-z-]*:(secretsmanager|ssm|kms):|projects/[^/\s]+/secrets/|@Microsoft\.KeyVault\(|secretsmanager:|gcp:secretmanager:|azurekeyvault:))`,
])

not_literal(v) if _plain_not_literal(v)

# A URL without a password in it (TOKEN_URL-like values under secret-like names). The
# password check below reads the password with _plain_not_literal, not with not_literal:
# Rego does not allow recursion, and a password (no `/`) is never a URL anyway.
not_literal(v) if {
	is_string(v)
	contains(v, "://")
	regex.match(`^\s*[a-zA-Z][a-zA-Z0-9+.-]*://\S*\s*$`, v)
	not credential_kind(v)
}

# ---------------------------------------------------------------------------------------------
# Credential-shaped values (whatever the name)
# ---------------------------------------------------------------------------------------------

# credential_kind(v): what a value looks like when it matches a known credential format;
# undefined otherwise. The first matching format wins.
credential_kind(v) := kind if {
	is_string(v)
	_value_may_match(v)
	kinds = [k | some p in _value_patterns; regex.match(p[0], v); k := p[1]]
	count(kinds) > 0
	kind = kinds[0]
} else := "a URL with an embedded password" if {
	is_string(v)
	contains(v, "://")
	_url_password(v)
}

# Every pattern of _value_patterns needs one of these strings in the value: a cheap test that
# skips the patterns for most values.
_value_may_match(v) if regex.match(_value_hint, v)

_value_hint := `PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox[baprs]-|hooks\.slack\.com/services/|AIza|service_account|_live_|eyJ`

_value_patterns := [
	[`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`, "a PEM private key"],
	[`(^|[^A-Za-z0-9])(AKIA|ASIA)[0-9A-Z]{16}([^A-Za-z0-9]|$)`, "an AWS access key ID"],
	[`(^|[^A-Za-z0-9_])(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}`, "a GitHub token"],
	[`glpat-[A-Za-z0-9_-]{20}`, "a GitLab token"],
	[`xox[baprs]-[A-Za-z0-9-]{10,}`, "a Slack token"],
	[`hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+`, "a Slack webhook URL"],
	[`AIza[0-9A-Za-z_-]{35}`, "a Google API key"],
	[`"type"\s*:\s*"service_account"`, "a Google service account key"],
	[`(sk|rk)_live_[0-9A-Za-z]{24,}`, "a Stripe secret key"],
	[`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`, "a JSON Web Token"],
]

# scheme://user:password@host, where the password is literal (not an expansion or placeholder).
_url_password(v) if {
	matches = regex.find_all_string_submatch_n(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@`, v, -1)
	some m in matches
	not _plain_not_literal(m[1])
}

# ---------------------------------------------------------------------------------------------
# Combined verdicts
# ---------------------------------------------------------------------------------------------

# literal_reason(name, value): why `name = value` is a credential written in plain text, as a
# phrase for messages ("its value looks like a PEM private key", "its name suggests a
# password"); undefined when it is not. Never includes the value.
literal_reason(name, value) := sprintf("its value looks like %s", [kind]) if {
	kind = credential_kind(value)
} else := sprintf("its name suggests %s", [reason]) if {
	reason = name_reason(name)
	not not_literal(value)
	not echoes_name(name, value)
}

# echoes_name(name, value): the value is an identifier that repeats the name, a placeholder
# such as GOOGLE_API_KEY_VAL or INSERT_ETCD_DISCOVERY_TOKEN.
echoes_name(name, value) if {
	is_string(name)
	is_string(value)
	count(name) >= 4
	# The cheap test first: most values do not contain their name.
	contains(lower(value), lower(name))
	regex.match(`^[A-Za-z0-9_.-]+$`, value)
}

# allowed(rule_id, name, value): the user allow-listed this name (case-insensitive) or this
# exact value for the rule, with
#   params[rule_id].allowed_names:  ["SESSION_SECRET_NAME", ...]
#   params[rule_id].allowed_values: ["not-a-secret", ...]
allowed(rule_id, name, _) if {
	is_string(name)
	names = data.kubeward.config.params[rule_id].allowed_names
	is_array(names)
	some n in names
	is_string(n)
	lower(n) == lower(name)
}

allowed(rule_id, _, value) if {
	values = data.kubeward.config.params[rule_id].allowed_values
	is_array(values)
	some v in values
	v == value
}

# ---------------------------------------------------------------------------------------------
# Many at once
# ---------------------------------------------------------------------------------------------
# A ConfigMap may hold millions of keys, and a file in it millions of lines. Judged one string
# at a time, each costs several regex calls, and every regex call in regorus starts a new
# matcher (its compiled-regex cache hands out clones whose lazy DFA starts empty): that was most
# of the time on such inputs. The helpers below judge a whole list with one regex call per
# pattern, over the list joined one string per line with every pattern made line-anchored, and
# give what the one-at-a-time helpers above give for each element (secrets_test.rego checks it).
# Strings with a newline of their own cannot be joined; they are judged one at a time.

# lines_matching(pattern, strings): the set of the strings without newline in which pattern
# (unanchored, no part of it able to match a newline) matches.
lines_matching(pattern, strings) := _matching(pattern, _one_line_strings(strings))

# The same, for strings known to hold no newline.
_matching(pattern, lines) := {l |
	count(lines) > 0
	some l in regex.find_n(concat("", ["(?m)^.*(?:", pattern, ").*$"]), concat("\n", lines), -1)
}

# The strings without (with) a newline. Usually every element is a string without one, which
# one_line_strings_only tells without a loop in the VM; else the loop decides.
_one_line_strings(strings) := strings if {
	one_line_strings_only(strings)
} else := [s | some s in strings; _one_line_string(s)]

_multi_line_strings(strings) := [] if {
	one_line_strings_only(strings)
} else := [s | some s in strings; is_string(s); contains(s, "\n")]

# one_line_strings_only(strings): every element a string without a newline. Few strings
# (perhaps large ones: a ConfigMap of aliases to a 64 KiB value) are checked one by one; many
# are checked by native code over the list as JSON (a string's newline is the escape `\n`
# there; a literal backslash-n only sends the list to the loops above, which decide exactly).
one_line_strings_only(strings) if {
	count(strings) < 1024
	count([s | some s in strings; not _one_line_string(s)]) == 0
}

one_line_strings_only(strings) if {
	count(strings) >= 1024
	j = json.marshal(strings)
	not contains(j, `\n`)
	regex.match(`^\[(?:"(?:[^"\\]|\\.)*"(?:,"(?:[^"\\]|\\.)*")*)?\]$`, j)
}

_one_line_string(s) if {
	is_string(s)
	not contains(s, "\n")
}

# name_reasons(names): {name: name_reason(name)} for the names that have one.
name_reasons(names) := object.union(
	_one_line_name_reasons([n | some n in lines_matching(_name_hint, names)]),
	{n: r | some n in _multi_line_strings(names); r = name_reason(n)},
)

# For names without newline that _name_may_match: their words in one pass (as words(name)
# makes them), then the first pattern each matches, one regex call per pattern.
_one_line_name_reasons(names) := {names[i]: _name_patterns[j][1] |
	count(names) > 0
	# words(name) of every name, trimmed of "_" line by line (a loop fewer).
	ws = split(regex.replace(regex.replace(lower(regex.replace(concat("\n", names), `([a-z0-9])([A-Z])`, "${1}_${2}")), `[^a-z0-9\n]+`, "_"), `(?m)^_+|_+$`, ""), "\n")
	referring = _matching(_reference_suffix_pattern, ws)
	holding = _without(ws, referring)
	matched = [_matching(p[0], holding) | some p in _name_patterns]
	some i, w in ws
	j = _first_matched(w, matched)
}

_without(ws, none) := ws if {
	count(none) == 0
} else := [w | some w in ws; not w in none]

# What _refers tells of one name's words, for words joined one per line.
_reference_suffix_pattern := concat("", ["(?:^|_)(?:", concat("|", sort(_reference_suffixes)), ")$"])

# The index of the first set of m (one per pattern of _name_patterns) that holds w.
_first_matched(w, m) := 0 if {
	w in m[0]
} else := 1 if {
	w in m[1]
} else := 2 if {
	w in m[2]
} else := 3 if {
	w in m[3]
} else := 4 if {
	w in m[4]
} else := 5 if {
	w in m[5]
} else := 6 if {
	w in m[6]
} else := 7 if {
	w in m[7]
}

# credential_kinds(strings): {s: credential_kind(s)} for the strings that have one. Only the
# strings that could match are judged one at a time (few, in real files): a hint of a format,
# a URL (it may hold a password), or a newline.
credential_kinds(strings) := {s: kind |
	some s in _credential_candidates(strings)
	kind = credential_kind(s)
}

_credential_candidates(strings) := lines_matching(concat("|", [_value_hint, "://"]), strings) | {s | some s in _multi_line_strings(strings)}

# non_literals(strings): the set of the strings v for which not_literal(v). The strings any
# part of not_literal could excuse are found with one regex call, then judged one at a time.
non_literals(strings) := {v |
	some v in _non_literal_candidates(strings)
	not_literal(v)
}

_non_literal_candidates(strings) := lines_matching(_non_literal_hint, strings) | {s | some s in _multi_line_strings(strings)}

# Matches every string without newline that not_literal may excuse (and some it does not):
# its regex, blank strings, placeholders (any case, quoted), URLs.
_non_literal_hint := concat("|", [
	_not_literal_line_pattern,
	`^[^\S\n]*$`,
	`(?i:^[^\S\n]*["']*(?:change[-_]?me|change[-_]?it|replace[-_]?me|<nil>|nil|null|none|undefined|todo|tbd|placeholder|redacted|dummy|your-?password|~|true|false|yes|no|on|off|enabled|disabled|0|1)["']*[^\S\n]*$)`,
	`://`,
])

# literal_reasons(names, values): {i: literal_reason(names[i], values[i])} for every i where
# it is defined; names and values are arrays of strings of one length.
literal_reasons(names, values) := {i: sprintf("its name suggests %s", [r]) |
	some i, r in named_reasons(names, values)
} if {
	# Usually no value has a credential's shape: no merge, no loop over the values.
	count(credential_kinds(values)) == 0
} else := object.union(
	{i: sprintf("its name suggests %s", [r]) | some i, r in named_reasons(names, values); not kinds[values[i]]},
	{i: sprintf("its value looks like %s", [kinds[v]]) | some i, v in values; kinds[v]},
) if {
	kinds = credential_kinds(values)
}

# named_reasons(names, values): {i: name_reason(names[i])} for the pairs whose name suggests a
# secret and whose value is literal and does not echo the name: the second half of
# literal_reason, without the credential formats.
named_reasons(names, values) := {} if {
	# No name holds a word any pattern needs (a ConfigMap of innocent keys): one regex call.
	one_line_strings_only(names)
	not regex.match(_name_hint, concat("\n", names))
} else := _one_line_named_reasons(names, values) if {
	one_line_strings_only(names)
} else := _named_reasons(names, values)

# The same for names that are all strings without newline (a ConfigMap's keys): every name's
# verdict is read off _name_codes by index, with no set or object of names built.
_one_line_named_reasons(names, values) := {i: r |
	some i, r in _unexcused(names, values)
	not echoes_name(names[i], values[i])
} if {
	_may_echo(values)
} else := _unexcused(names, values)

# {i: name_reason(names[i])} for the names with a reason whose value is a string that
# not_literal does not excuse. Usually no value could be excused (none matches
# _non_literal_hint, one regex call over them all): then one loop over the names does.
_unexcused(names, values) := {i: _name_patterns[j][1] |
	some i, c in _name_codes(names)
	j = _code_index[c]
} if {
	one_line_strings_only(values)
	count(regex.find_n(_whole_lines(_non_literal_hint), concat("\n", values), 1)) == 0
} else := {i: _name_patterns[j][1] |
	codes = _name_codes(names)
	suspects = [i | some i, c in codes; _code_index[c]]
	excused = non_literals([values[i] | some i in suspects])
	some i in suspects
	j = _code_index[codes[i]]
	value = values[i]
	is_string(value)
	not value in excused
}

# Whether a value may echo a name that has a reason: it would hold the name (case aside), and
# with it a word of _name_hint (see _name_codes). Usually no value does, and no pair needs
# echoes_name, a call per pair.
_may_echo(values) if not one_line_strings_only(values)

_may_echo(values) if {
	one_line_strings_only(values)
	regex.match(_name_hint, concat("\n", values))
}

# _name_codes(names): for names that are all strings without newline, an array aligned with
# them: "#<j>" for a name whose name_reason is _name_patterns[j][1], anything else (not in
# _code_index) for a name without one. The names' words, one per line as in
# _one_line_name_reasons, are rewritten one pattern at a time, in order: the reference suffixes
# first (to "#"), then each pattern of _name_patterns rewrites the lines it matches to its code,
# which no later pattern matches; so the first pattern that matches a line decides it, as in
# name_reason, in a dozen regex calls and no loop. Every pattern needs a word of _name_hint in
# words(name), and the name then holds it too, in any case (words only inserts "_", lower-cases
# and replaces other characters by "_"): _name_may_match needs no test of its own.
_name_codes(names) := [] if {
	count(names) == 0
} else := split(coded, "\n") if {
	ws = regex.replace(regex.replace(lower(regex.replace(concat("\n", names), `([a-z0-9])([A-Z])`, "${1}_${2}")), `[^a-z0-9\n]+`, "_"), `(?m)^_+|_+$`, "")
	referring = regex.replace(ws, _whole_lines(_reference_suffix_pattern), "#")
	coded = regex.replace(regex.replace(regex.replace(regex.replace(regex.replace(regex.replace(regex.replace(regex.replace(
		referring,
		_whole_lines(_name_patterns[0][0]), "#0"),
		_whole_lines(_name_patterns[1][0]), "#1"),
		_whole_lines(_name_patterns[2][0]), "#2"),
		_whole_lines(_name_patterns[3][0]), "#3"),
		_whole_lines(_name_patterns[4][0]), "#4"),
		_whole_lines(_name_patterns[5][0]), "#5"),
		_whole_lines(_name_patterns[6][0]), "#6"),
		_whole_lines(_name_patterns[7][0]), "#7")
}

_code_index := {"#0": 0, "#1": 1, "#2": 2, "#3": 3, "#4": 4, "#5": 5, "#6": 6, "#7": 7}

# The whole lines in which pattern matches (pattern unable to match a newline).
_whole_lines(pattern) := concat("", ["(?m)^.*(?:", pattern, ").*$"])

_named_reasons(names, values) := {i: reasons[name] |
	reasons = name_reasons(names)
	suspects = [i | some i, n in names; reasons[n]]
	excused = non_literals([values[i] | some i in suspects])
	some i in suspects
	name = names[i]
	value = values[i]
	is_string(value)
	not value in excused
	not echoes_name(name, value)
}

# ---------------------------------------------------------------------------------------------
# Multi-line text (ConfigMap files: .env, properties, YAML, JSON, INI)
# ---------------------------------------------------------------------------------------------

# scan_text(text): the set of hits in a text, each
#   {"line": 1-based line number, "key": the setting's name or "",
#    "reason": a phrase completing "line N ...", e.g. `sets "DB_PASSWORD", which suggests a
#    password` or `looks like a PEM private key`}
# - a line `KEY=value`, `key: value`, `"key": "value"` or `export KEY=value` whose key is
#   secret-like and whose value is literal;
# - a line matching a credential format (a private key block is reported at its BEGIN line).
scan_text(text) := {hit |
	is_string(text)
	regex.match(_maybe, text)
	candidates = {l | some l in regex.find_n(_maybe_lines, text, -1)}
	verdicts = _line_verdicts([l | some l in candidates])
	some i, line in split(text, "\n")
	hit = _line_hit(line, i + 1, verdicts)
}

# scan_texts(texts): {text: scan_text(text)} for the texts with a hit, the texts without
# newline filtered with one regex call (a ConfigMap with millions of one-line values).
scan_texts(texts) := {text: hits |
	some text in _scan_candidates(texts)
	hits = scan_text(text)
	count(hits) > 0
}

_scan_candidates(texts) := lines_matching(_maybe, texts) | {t | some t in _multi_line_strings(texts)}

# A cheap filter for lines that could hold a hit (most lines of large files cannot).
_maybe := `(?i)pass|pwd|private|key|secret|token|credential|BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|glpat-|xox|AIza|service_account|_live_|eyJ|://[^/\s:@]*:[^/\s@]+@`

# The whole lines of a text that _maybe matches, found in one pass.
_maybe_lines := concat("", ["(?m)^.*(?:", _maybe, ").*$"])

_line_hit(line, n, verdicts) := {"line": n, "key": "", "reason": sprintf("looks like %s", [kind])} if {
	kind = verdicts.kinds[line]
} else := {"line": n, "key": key, "reason": sprintf("sets %s, which suggests %s", [_q(key), reason])} if {
	i = verdicts.setting_index[line]
	key = verdicts.keys[i]
	reason = verdicts.named[i]
}

# The verdicts on distinct candidate lines (without newline), in a few regex calls:
#   kinds:         {line: credential format it looks like}
#   keys:          the keys of the lines that are settings (see _setting), and
#   setting_index: {line: index into keys},
#   named:         {index: reason} for the settings whose key suggests a secret and whose value
#                  is literal.
_line_verdicts(lines) := {"kinds": kinds, "keys": keys, "setting_index": index, "named": named} if {
	kinds = credential_kinds(lines)
	settings = [m | some m in regex.find_all_string_submatch_n(_setting_lines, concat("\n", lines), -1); not kinds[m[0]]]
	keys = [m[3] | some m in settings]
	raw = concat("\n", [m[5] | some m in settings])
	cleaned = split(regex.replace(raw, `(?m)[^\S\n]+#.*$`, ""), "\n")
	values = [_clean_quotes(v) | some v in cleaned]
	index = {m[0]: i | some i, m in settings}
	named = _named_if_any(keys, values)
}

_named_if_any(keys, _) := {} if count(keys) == 0

_named_if_any(keys, values) := named_reasons(keys, values) if count(keys) > 0

# _setting(line): [key, value] of a settings line; the value without quotes, a trailing comma
# and an inline `#` comment.
_setting(line) := [m[3], _clean_value(m[5])] if {
	ms = regex.find_all_string_submatch_n(_setting_pattern, line, 1)
	count(ms) == 1
	m = ms[0]
}

_setting_pattern := `^[\s{\[,]*(?:-\s+)?(export\s+)?(["']?)([A-Za-z0-9_.\-]+)(["']?)\s*[:=]\s*(.*?)\s*$`

# The same for lines joined one per line: whitespace but not a newline.
_setting_lines := `(?m)^[[^\S\n]{\[,]*(?:-[^\S\n]+)?(export[^\S\n]+)?(["']?)([A-Za-z0-9_.\-]+)(["']?)[^\S\n]*[:=][^\S\n]*(.*?)[^\S\n]*$`

_clean_value(v) := _clean_quotes(regex.replace(v, `\s+#.*$`, ""))

_clean_quotes(v) := trim(trim_space(trim_suffix(v, ",")), `"'`)

_q(s) := sprintf("%q", [s])
