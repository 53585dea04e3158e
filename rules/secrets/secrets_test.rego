# Parameter-driven behaviour of the secrets/* rules (allow-lists), and the promise that no
# finding ever repeats the secret value.
package kubeward.rules.secrets.secrets_test

import rego.v1

import data.kubeward.rules.secrets.configmap_sensitive
import data.kubeward.rules.secrets.env_literal
import data.kubeward.rules.secrets.inline_secret_manifest

_pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{
	"name": "app",
	"image": "app:1",
	"env": [
		{"name": "DB_PASSWORD", "value": "hunter2-Xq9"},
		{"name": "DEMO_TOKEN", "value": "public-demo-token"},
		{"name": "KEY", "value": "AKIAIOSFODNN7EXAMPLE"},
	],
}]}}

_cm := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {
	"db_password": "hunter2-Xq9",
	"app.env": "A=1\nDB_PASSWORD=hunter2-Xq9\nAPI_TOKEN=tok-123456\n",
}}

test_env_literal_allow_lists if {
	p := _pod
	all := env_literal.deny with input as p
	count(all) == 3
	some_allowed := env_literal.deny with input as p
		with data.kubeward.config.params as {"secrets/env-literal": {"allowed_names": ["demo_token"], "allowed_values": ["AKIAIOSFODNN7EXAMPLE"]}}
	{f.path | some f in some_allowed} == {["spec", "containers", 0, "env", 0, "value"]}
}

test_configmap_allow_lists if {
	c := _cm
	all := configmap_sensitive.deny with input as c
	count(all) == 2
	fs := configmap_sensitive.deny with input as c
		with data.kubeward.config.params as {"secrets/configmap-sensitive": {"allowed_names": ["DB_PASSWORD", "db_password"]}}
	count(fs) == 1
	some f in fs
	f.path == ["data", "app.env"]
	f.msg == `ConfigMap "c" stores a credential in plain text under key "app.env" (line 3 sets "API_TOKEN", which suggests a token)`
}

test_messages_never_hold_values if {
	p := _pod
	c := _cm
	s := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"pw": "hunter2-Xq9"}}
	fs1 := env_literal.deny with input as p
	fs2 := configmap_sensitive.deny with input as c
	fs3 := inline_secret_manifest.deny with input as s
	# configmap-sensitive's deny is an array (see the rule), the others are sets.
	msgs := {f.msg | some f in (fs1 | {g | some g in fs2}) | fs3}
	count(msgs) == 6
	every m in msgs {
		not contains(m, "hunter2")
		not contains(m, "AKIA")
		not contains(m, "tok-123456")
	}
}

test_malformed_shapes if {
	shapes := [
		{"kind": "ConfigMap", "data": "x", "binaryData": ["y"]},
		{"kind": "ConfigMap", "data": {"a": 1, "b": null, "c": {"d": "e"}}, "binaryData": {"k": 5}},
		{"kind": "Secret", "data": ["x"], "stringData": "y"},
		{"kind": "Pod", "spec": {"containers": [{"name": "a", "env": {"PASSWORD": "x"}}, {"env": [{"name": 5, "value": "x"}, "s", {"value": 3}]}]}},
	]
	every s in shapes {
		fs1 := configmap_sensitive.deny with input as s
		fs2 := inline_secret_manifest.deny with input as s
		fs3 := env_literal.deny with input as s
		is_array(fs1)
		is_set(fs2)
		is_set(fs3)
	}
}
