# Parameter-driven behaviour of the image/* rules, which YAML fixtures cannot set
# (data.kubeward.config.params): the untrusted-registry lists and pull-policy strict mode.
package kubeward.lib.images_rules_test

import rego.v1

import data.kubeward.rules.image.pull_policy
import data.kubeward.rules.image.untrusted_registry

_pod(containers) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}}

_mixed := _pod([
	{"name": "hub", "image": "nginx:1.27"},
	{"name": "corp", "image": "registry.example.com/team/app:1.0"},
	{"name": "ghcr", "image": "ghcr.io/acme/tool:2.0"},
	{"name": "other", "image": "ghcr.io/someone/tool:2.0"},
	{"name": "tpl", "image": "{{ .Values.image }}"},
])

_paths(fs) := {p | some f in fs; p := f.path}

# ---- untrusted-registry -----------------------------------------------------------------------

test_untrusted_registry_off_without_params if {
	p := _mixed
	fs := untrusted_registry.deny with input as p
	count(fs) == 0
}

test_untrusted_registry_empty_lists_ignored if {
	p := _mixed
	fs := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": {"allowed": [], "denied": []}}
	count(fs) == 0
}

test_untrusted_registry_malformed_params if {
	p := _mixed
	fs1 := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": {"allowed": "registry.example.com"}}
	count(fs1) == 0
	fs2 := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": ["registry.example.com"]}
	count(fs2) == 0
}

test_untrusted_registry_allow_list if {
	p := _mixed
	fs := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": {"allowed": ["registry.example.com", "ghcr.io/acme"]}}
	_paths(fs) == {["spec", "containers", 0, "image"], ["spec", "containers", 3, "image"]}
}

test_untrusted_registry_allow_docker_hub if {
	p := _mixed
	fs := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": {"allowed": ["docker.io", "*.example.com", "ghcr.io"]}}
	count(fs) == 0
}

test_untrusted_registry_deny_list if {
	p := _mixed
	fs := untrusted_registry.deny with input as p
		with data.kubeward.config.params as {"image/untrusted-registry": {"denied": ["docker.io", "ghcr.io/someone/"]}}
	_paths(fs) == {["spec", "containers", 0, "image"], ["spec", "containers", 3, "image"]}
	some f in fs
	f.msg == `container "hub" pulls "nginx:1.27" from Docker Hub (no registry written), which matches the denied entry "docker.io"`
}

# ---- pull-policy strict mode ------------------------------------------------------------------

_policies := _pod([
	{"name": "pinned-default", "image": "ghcr.io/acme/app:1.0"},
	{"name": "pinned-never", "image": "ghcr.io/acme/app:1.0", "imagePullPolicy": "Never"},
	{"name": "latest-default", "image": "ghcr.io/acme/app:latest"},
	{"name": "always", "image": "ghcr.io/acme/app:1.0", "imagePullPolicy": "Always"},
	{"name": "mutable", "image": "ghcr.io/acme/app:latest", "imagePullPolicy": "IfNotPresent"},
])

test_pull_policy_default_mode if {
	p := _policies
	fs := pull_policy.deny with input as p
	_paths(fs) == {["spec", "containers", 4, "imagePullPolicy"]}
}

test_pull_policy_strict_mode if {
	p := _policies
	fs := pull_policy.deny with input as p
		with data.kubeward.config.params as {"image/pull-policy": {"strict": true}}
	_paths(fs) == {
		["spec", "containers", 0],
		["spec", "containers", 1, "imagePullPolicy"],
		["spec", "containers", 4, "imagePullPolicy"],
	}
	infos := {f.path | some f in fs; f.severity == "info"}
	infos == {["spec", "containers", 0], ["spec", "containers", 1, "imagePullPolicy"]}
}

test_pull_policy_strict_needs_boolean_true if {
	p := _policies
	fs := pull_policy.deny with input as p
		with data.kubeward.config.params as {"image/pull-policy": {"strict": "true"}}
	count(fs) == 1
}
