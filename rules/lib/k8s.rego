# Generic helpers for any Kubernetes resource: identity of `input`, message formatting,
# the target Kubernetes version, and the standard finding for an unsafe boolean.
#
# The bundled rules judge only values the API accepts: a value it rejects (a wrong type, an
# enum it does not know, a cross-field contradiction) is a schema/* finding, so a rule neither
# reports such a field as set nor as missing (issue 16: one finding per problem).
#
# Every helper here is total: it never raises a runtime error, whatever shape `input` has
# (regorus aborts the whole evaluation on a builtin type error, so string builtins are only
# ever called on values checked with is_string first).
package kubeward.lib.k8s

import rego.v1

# Newest Kubernetes minor version the bundled rules know about; used when the engine passes
# no (or a malformed) target version.
newest_minor := 35

# Performance note (regorus 0.14.1, which evaluates every rule of this package for every
# resource that references one of them, and spends far more on each rule definition than on an
# expression): each rule here has ONE definition, with `else` for its fallback, rather than a
# `default` plus a body or several bodies.

# kind / api_version / name / namespace of the resource, "" when absent or not a string.
kind := k if {
	k = input.kind
	is_string(k)
} else := ""

api_version := v if {
	v = input.apiVersion
	is_string(v)
} else := ""

# API group of api_version: "apps" for "apps/v1", "" for the core group ("v1").
api_group := substring(api_version, 0, i) if {
	i = indexof(api_version, "/")
	i >= 0
} else := ""

name := n if {
	n = input.metadata.name
	is_string(n)
} else := ""

namespace := n if {
	n = input.metadata.namespace
	is_string(n)
} else := ""

# describe: the resource as messages name it, e.g. `Deployment "api"`; `Deployment` when it
# has no name, `resource` when it has no kind either.
# What the inventory of cross-resource rules covers, for messages: "the project" (every
# manifest under the project root) or "the linted files" (--no-project-context).
scope := s if {
	s = data.kubeward.config.inventory_scope
	is_string(s)
} else := "the linted files"

# "<scope> contains" / "<scope> contain", as English wants it.
scope_contains := sprintf("%s contain", [scope]) if {
	endswith(scope, "files")
} else := sprintf("%s contains", [scope])

describe := sprintf("%s %q", [kind, name]) if {
	kind != ""
	name != ""
} else := sprintf("resource %q", [name]) if {
	name != ""
} else := kind if {
	kind != ""
} else := "resource"

# kube_minor: the target Kubernetes minor version (data.kubeward.config.kube_minor), used to
# gate version-dependent value sets. Defaults to newest_minor.
kube_minor := m if {
	m = data.kubeward.config.kube_minor
	is_number(m)
} else := 35

# quote(v): v as a message shows it: strings double-quoted (`"Unconfined"`), anything else in
# its JSON-like form (`8080`, `true`, `null`, `{"a": 1}`). Never fails, unlike sprintf("%q").
quote(v) := sprintf("%q", [v]) if is_string(v) else := sprintf("%v", [v])

# str(v): v when it is a string, "" otherwise.
str(v) := v if is_string(v) else := ""

# get(x, key, fallback): object.get that never fails: fallback when x is not an object. key
# may be a path array, e.g. get(c, ["livenessProbe", "httpGet", "host"], null).
get(x, key, fallback) := object.get(x, key, fallback) if is_object(x) else := fallback

# bool_violation(v, path, subject, field, effect): the finding for a boolean API field whose
# `true` value is unsafe, or undefined for anything else.
#   v        the field's value as the resource has it
#   path     path to the field in input
#   subject  who sets it, e.g. `container "app"` or `Pod "web"`
#   field    the field name for messages, e.g. "privileged"
#   effect   what `true` means, as a verb phrase, e.g. "runs privileged"
# Only the boolean true counts: a value of another type (a quoted "true" from Helm's `quote`,
# 1, "yes" as a string) is one the API rejects, which the schema/* checks report
# (schema/invalid-type); rules stay silent about it rather than report the problem twice.
bool_violation(v, path, subject, field, effect) := {
	"msg": sprintf("%s %s (%s: true)", [subject, effect, field]),
	"path": path,
} if {
	v == true
}
