# Container image references: one parser for every image/* rule (and any other rule that reads
# `image`), following the grammar container runtimes use:
#
#   [host[:port]/]path[:tag][@algorithm:hex]
#
# - The first path component is a registry host only when it contains "." or ":" or is
#   "localhost" (so `localhost:5000/app` is host `localhost:5000`, repository `app`, NO tag: a
#   port is not a tag); otherwise the image comes from Docker Hub (`docker.io`), and a
#   single-component Docker Hub name lives under `library/` (`nginx` = `docker.io/library/nginx`).
# - The tag is what follows the last ":" of the LAST path component only.
# - `app:1.0@sha256:...` carries both; the digest is what the runtime pulls.
# - Digests are validated as the OCI image spec registers them: `sha256:` + 64 and `sha512:` +
#   128 lowercase hex characters. Anything else after "@" (upper-case hex, short hex, blake3,
#   ...) is a digest the runtimes refuse.
#
# Everything here is total: non-string input gives undefined, never a runtime error.
package kubeward.lib.images

import rego.v1

# parse(ref): the parsed reference, an object
#   {
#     "ref":               the string as written,
#     "registry":          registry host (lower-cased; "docker.io" when implicit or index.docker.io),
#     "registry_explicit": true when the reference names its registry,
#     "path":              the repository path as written (without host, tag and digest),
#     "repository":        normalised path ("library/nginx" for Docker Hub single names),
#     "name":              registry + "/" + repository, e.g. "docker.io/library/nginx",
#     "tag":               the tag ("" when none),
#     "has_tag":           tag != "",
#     "digest":            what follows "@" ("" when none),
#     "has_digest":        digest != "",
#     "digest_valid":      digest is sha256:<64 hex> or sha512:<128 hex> (lowercase),
#     "templated":         the reference still holds a Helm/Go template (`{{ ... }}`),
#     "valid":             the part before "@" follows the reference grammar (lowercase
#                          repository components, optional host[:port], tag of [\w][\w.-]{0,127});
#                          the digest is judged separately by digest_valid,
#   }
# Undefined when ref is not a string or is empty / blank.
parse(ref) := r if {
	is_string(ref)
	trim_space(ref) != ""

	# Written with builtins and inline conditionals (`{true: a, false: b}[condition]`) only:
	# a helper function costs regorus far more than an expression, and this runs for every
	# container.
	at = indexof(ref, "@")
	name_part = {true: ref, false: substring(ref, 0, at)}[at < 0]
	digest = {true: "", false: substring(ref, at + 1, -1)}[at < 0]
	parts = split(name_part, "/")

	# The first component is a host when there is more than one component and it looks like
	# one (holds "." or ":", or is "localhost").
	first = parts[0]
	looks_like_host = true in [contains(first, "."), contains(first, ":"), first == "localhost"]
	host = {true: first, false: ""}[[count(parts) > 1, looks_like_host] == [true, true]]
	path = {true: name_part, false: concat("/", array.slice(parts, 1, count(parts)))}[host == ""]

	# The tag: after the first ":" of the last path component (a tag cannot hold ":"); an
	# empty tag (`app:`) is stripped together with its colon.
	segments = split(path, "/")
	last = segments[count(segments) - 1]
	colon = indexof(last, ":")
	tag = {true: substring(last, colon + 1, -1), false: ""}[colon >= 0]
	repo_path = {true: trim_suffix(path, ":"), false: substring(path, 0, (count(path) - count(tag)) - 1)}[tag == ""]

	# Docker Hub: implicit, or under one of its aliases; single names live under library/.
	lower_host = lower(host)
	registry = {true: "docker.io", false: lower_host}[lower_host in {"", "index.docker.io", "registry-1.docker.io", "docker.io"}]
	repository = {true: concat("/", ["library", repo_path]), false: repo_path}[[registry, contains(repo_path, "/")] == ["docker.io", false]]
	r = {
		"ref": ref,
		"registry": registry,
		"registry_explicit": host != "",
		"path": repo_path,
		"repository": repository,
		"name": sprintf("%s/%s", [registry, repository]),
		"tag": tag,
		"has_tag": tag != "",
		"digest": digest,
		"has_digest": digest != "",
		"digest_valid": regex.match(`^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$`, digest),
		"templated": contains(ref, "{{"),
		"valid": regex.match(_name_grammar, name_part),
	}
}

# parsed[path]: parse(image) of every container of the pod in `input`
# (data.kubeward.lib.pods.containers), keyed by the container's path, for containers whose
# image parses. Computed once per resource and shared by every rule that reads images, where
# each calling parse itself would parse every image again (regorus does not memoise functions).
parsed[c.path] := r if {
	some c in data.kubeward.lib.pods.containers
	r = parse(c.value.image)
}

# valid_digest(d): d is a digest the container runtimes accept.
valid_digest(d) if regex.match(`^sha256:[a-f0-9]{64}$`, d)

valid_digest(d) if regex.match(`^sha512:[a-f0-9]{128}$`, d)

# The distribution/reference grammar for `[host[:port]/]path[:tag]`.
_name_grammar := concat("", [
	`^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?/)?`,
	`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*`,
	`(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$`,
])

# name_problem(r): why a parsed reference is not valid, for messages (undefined when valid).
name_problem(r) := msg if {
	not r.valid
	msg = _name_problem(r)
}

_name_problem(r) := "the repository name is empty" if {
	r.path == ""
} else := "repository names must be lowercase" if {
	lower(r.path) != r.path
} else := "the tag after \":\" is empty" if {
	endswith(split(r.ref, "@")[0], ":")
} else := "it does not follow the [registry/]repository[:tag][@digest] format"

# digest_problem(d): why a non-empty digest is not valid, for messages (undefined when valid).
digest_problem(d) := msg if {
	is_string(d)
	d != ""
	not valid_digest(d)
	msg = _digest_problem(d, split(d, ":"))
}

_digest_problem(d, parts) := "it has no algorithm prefix (expected sha256:<64 hex>)" if {
	not contains(d, ":")
} else := sprintf("the algorithm %q must be written in lowercase", [parts[0]]) if {
	lower(parts[0]) in {"sha256", "sha512"}
	parts[0] != lower(parts[0])
} else := sprintf("the algorithm %q is not one container runtimes verify (use sha256 or sha512)", [parts[0]]) if {
	not parts[0] in {"sha256", "sha512"}
} else := "its hex part holds characters that are not hexadecimal" if {
	not regex.match(`^[a-fA-F0-9]*$`, substring(d, count(parts[0]) + 1, -1))
} else := sprintf("a %s digest has %d hex characters, not %d", [parts[0], count(parts[1]), _digest_len[parts[0]]]) if {
	count(parts[1]) != _digest_len[parts[0]]
} else := "its hex part is not lowercase"

_digest_len := {"sha256": 64, "sha512": 128}

# ---------------------------------------------------------------------------------------------
# Mutability
# ---------------------------------------------------------------------------------------------

# Tags that move by convention. Overridable with
# data.kubeward.config.params["image/latest-or-missing-tag"].floating_tags (a list of strings);
# compared case-insensitively (`LATEST` is a distinct tag for a registry, but just as floating).
default_floating_tags := ["latest", "stable", "main", "master", "edge", "nightly"]

floating_tags := {lower(t) | some t in _configured_floating; is_string(t)}

_configured_floating := tags if {
	tags = data.kubeward.config.params["image/latest-or-missing-tag"].floating_tags
	is_array(tags)
} else := default_floating_tags

# is_floating(r): the parsed reference names no tag, or a floating one (and no digest).
is_floating(r) if {
	not r.has_digest
	not r.has_tag
}

is_floating(r) if {
	not r.has_digest
	r.has_tag
	lower(r.tag) in floating_tags
}

# default_pull_policy(r): what the API server defaults imagePullPolicy to: Always for `:latest`
# or no tag (and no digest), IfNotPresent otherwise. Only the exact tag "latest" counts here.
default_pull_policy(r) := "Always" if {
	r.tag == "latest"
} else := "Always" if {
	not r.has_tag
	not r.has_digest
} else := "IfNotPresent"

# ---------------------------------------------------------------------------------------------
# Registry matching (allow/deny lists)
# ---------------------------------------------------------------------------------------------

# matches_registry(r, entry): the parsed reference is covered by a registry list entry:
#   "registry.example.com"        that registry host (also "docker.io" for implicit Docker Hub)
#   "*.example.com"               any host under example.com
#   "ghcr.io/acme" / "ghcr.io/acme/"   repositories under that prefix (at a "/" boundary)
# Compared case-insensitively.
matches_registry(r, entry) if {
	e = _norm_entry(entry)
	not contains(e, "/")
	not startswith(e, "*.")
	r.registry == e
}

matches_registry(r, entry) if {
	e = _norm_entry(entry)
	startswith(e, "*.")
	endswith(r.registry, substring(e, 1, -1))
}

matches_registry(r, entry) if {
	e = _norm_entry(entry)
	contains(e, "/")
	_prefix_match(lower(r.name), _norm_prefix(e))
}

_prefix_match(name, prefix) if name == prefix

_prefix_match(name, prefix) if startswith(name, concat("", [prefix, "/"]))

_norm_entry(entry) := trim_suffix(lower(trim_space(entry)), "/") if is_string(entry)

# An entry naming Docker Hub by its aliases or without the library/ prefix.
_norm_prefix(e) := concat("", ["docker.io/", substring(e, count("index.docker.io/"), -1)]) if {
	startswith(e, "index.docker.io/")
} else := e
