package kubeward.lib.pods_test

import rego.v1

import data.kubeward.lib.pods

_pod_spec := {
	"securityContext": {"runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
	"initContainers": [
		{"name": "setup", "image": "busybox:1.36"},
		{"name": "proxy", "image": "envoy:1.30", "restartPolicy": "Always"},
	],
	"containers": [{"name": "app", "image": "nginx:1.27", "securityContext": {"runAsUser": 2000}}],
	"ephemeralContainers": [{"name": "debug", "image": "busybox:1.36"}],
	"volumes": [{"name": "data", "emptyDir": {}}, "not-a-volume", {"hostPath": {"path": "/"}}],
}

_pod := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "web", "annotations": {"a": "1"}},
	"spec": _pod_spec,
}

_template := {"metadata": {"labels": {"app": "api"}, "annotations": {"t": "1"}}, "spec": _pod_spec}

_deployment := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "api", "annotations": {"controller": "only"}},
	"spec": {"template": _template},
}

_cronjob := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": {"name": "nightly"},
	"spec": {"jobTemplate": {"spec": {"template": _template}}},
}

# ---- where the pod lives --------------------------------------------------------------------

test_paths_per_kind if {
	pods.spec_path == ["spec"] with input as _pod
	pods.meta_path == ["metadata"] with input as _pod
	pods.spec_path == ["spec", "template", "spec"] with input as _deployment
	pods.meta_path == ["spec", "template", "metadata"] with input as _deployment
	pods.spec_path == ["spec", "jobTemplate", "spec", "template", "spec"] with input as _cronjob
	pods.spec_path == ["template", "spec"] with input as {"apiVersion": "v1", "kind": "PodTemplate", "template": _template}
}

test_all_controller_kinds if {
	# (regorus: compare against package rules outside the `with` expression)
	want := _pod_spec
	every k in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"] {
		r := {"apiVersion": "apps/v1", "kind": k, "spec": {"template": _template}}
		p := pods.spec_path with input as r
		p == ["spec", "template", "spec"]
		s := pods.spec with input as r
		s == want
	}
}

test_rollout_and_deploymentconfig if {
	want := _pod_spec
	s1 := pods.spec with input as {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": {"template": _template}}
	s1 == want
	s2 := pods.spec with input as {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "spec": {"template": _template}}
	s2 == want
	s3 := pods.spec with input as {"apiVersion": "v1", "kind": "DeploymentConfig", "spec": {"template": _template}}
	s3 == want
}

test_rollout_of_another_group_is_not_a_pod if {
	not pods.spec with input as {"apiVersion": "example.com/v1", "kind": "Rollout", "spec": {"template": _template}}
	not pods.is_pod_bearing with input as {"apiVersion": "example.com/v1", "kind": "Rollout", "spec": {"template": _template}}
}

test_not_pod_bearing if {
	r := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"spec": "y"}}
	not pods.is_pod_bearing with input as r
	not pods.spec with input as r
	count(pods.containers) == 0 with input as r
	count(pods.volumes) == 0 with input as r
	pods.annotations == {} with input as r
}

test_spec_of_wrong_shape_is_undefined if {
	not pods.spec with input as {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": "oops"}}
	not pods.spec with input as {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": []}}}
	not pods.spec with input as {"apiVersion": "apps/v1", "kind": "Deployment", "spec": [{"template": _template}]}
	count(pods.containers) == 0 with input as {"apiVersion": "v1", "kind": "Pod", "spec": "x"}
}

test_annotations_come_from_the_pod_template if {
	pods.annotations == {"t": "1"} with input as _deployment
	pods.labels == {"app": "api"} with input as _deployment
	pods.annotations == {"a": "1"} with input as _pod
	pods.annotation_path("t") == ["spec", "template", "metadata", "annotations", "t"] with input as _deployment
}

test_annotations_malformed if {
	pods.annotations == {} with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"annotations": ["a"]}, "spec": {}}
	pods.annotations == {} with input as {"apiVersion": "v1", "kind": "Pod", "metadata": "x", "spec": {}}
}

# ---- containers -----------------------------------------------------------------------------

test_containers_all_three_lists if {
	cs := pods.containers with input as _deployment
	count(cs) == 4
	paths := {c.path | some c in cs}
	paths == {
		["spec", "template", "spec", "initContainers", 0],
		["spec", "template", "spec", "initContainers", 1],
		["spec", "template", "spec", "containers", 0],
		["spec", "template", "spec", "ephemeralContainers", 0],
	}
}

test_container_fields if {
	cs := pods.containers with input as _cronjob
	some c in cs
	c.name == "proxy"
	c.list == "initContainers"
	c.index == 1
	c.sidecar == true
	c.label == `init container "proxy"`
	c.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 1]
	c.value.image == "envoy:1.30"
}

test_container_labels if {
	labels := {c.label | some c in pods.containers} with input as _pod
	labels == {`init container "setup"`, `init container "proxy"`, `container "app"`, `ephemeral container "debug"`}
}

test_unnamed_container_label if {
	cs := pods.containers with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"image": "x"}, {"name": 5}]}}
	{c.label | some c in cs} == {"container #0", "container #1"}
	{c.name | some c in cs} == {""}
}

test_non_object_containers_are_skipped if {
	cs := pods.containers with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": ["x", null, 3, {"name": "ok"}], "initContainers": {"name": "x"}}}
	count(cs) == 1
	some c in cs
	c.index == 3
}

test_sidecars_and_run_containers if {
	names := {c.name | some c in pods.run_containers} with input as _pod
	names == {"app", "proxy"}
	sidecars := {c.name | some c in pods.containers; c.sidecar} with input as _pod
	sidecars == {"proxy"}
}

test_container_names if {
	pods.container_names == {"setup", "proxy", "app", "debug"} with input as _pod
}

# ---- volumes --------------------------------------------------------------------------------

test_volumes if {
	vs := pods.volumes with input as _deployment
	count(vs) == 2
	{[v.index, v.name] | some v in vs} == {[0, "data"], [2, ""]}
	some v in vs
	v.index == 2
	v.path == ["spec", "template", "spec", "volumes", 2]
}

# ---- pod-level facts ------------------------------------------------------------------------

test_is_windows if {
	pods.is_windows with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"os": {"name": "windows"}}}
	not pods.is_windows with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"nodeSelector": {"kubernetes.io/os": "windows"}}}
	not pods.is_windows with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"os": "windows"}}
}

test_user_namespaced if {
	pods.user_namespaced with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"hostUsers": false}}
	not pods.user_namespaced with input as {"apiVersion": "v1", "kind": "Pod", "spec": {}}
	not pods.user_namespaced with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"hostUsers": "false"}}
}

# ---- security context -----------------------------------------------------------------------

_app(cs) := c if {
	some c in cs
	c.name == "app"
}

_setup(cs) := c if {
	some c in cs
	c.name == "setup"
}

test_effective_container_wins if {
	cs := pods.containers with input as _pod
	e := pods.effective(_app(cs), "runAsUser") with input as _pod
	e == {"value": 2000, "path": ["spec", "containers", 0, "securityContext", "runAsUser"], "level": "container"}
}

test_effective_falls_back_to_pod if {
	cs := pods.containers with input as _pod
	e := pods.effective(_setup(cs), "runAsUser") with input as _pod
	e == {"value": 1000, "path": ["spec", "securityContext", "runAsUser"], "level": "pod"}
}

test_effective_unset_everywhere if {
	cs := pods.containers with input as _pod
	not pods.effective(_setup(cs), "runAsGroup") with input as _pod
}

test_effective_container_null_falls_back if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "app", "securityContext": {"runAsNonRoot": null}}],
	}}
	cs := pods.containers with input as p
	e := pods.effective(_app(cs), "runAsNonRoot") with input as p
	e.level == "pod"
	e.value == true
}

test_effective_container_only_fields_ignore_pod_level if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {
		"securityContext": {"privileged": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true},
		"containers": [{"name": "app"}],
	}}
	cs := pods.containers with input as p
	not pods.effective(_app(cs), "privileged") with input as p
	not pods.effective(_app(cs), "allowPrivilegeEscalation") with input as p
	not pods.effective(_app(cs), "readOnlyRootFilesystem") with input as p
}

test_effective_container_only_field_on_container if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app", "securityContext": {"privileged": false}}]}}
	cs := pods.containers with input as p
	e := pods.effective(_app(cs), "privileged") with input as p
	e == {"value": false, "path": ["spec", "containers", 0, "securityContext", "privileged"], "level": "container"}
}

test_effective_with_malformed_security_contexts if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {"securityContext": "x", "containers": [{"name": "app", "securityContext": ["y"]}]}}
	cs := pods.containers with input as p
	not pods.effective(_app(cs), "runAsUser") with input as p
	pods.pod_sc == {} with input as p
	pods.sc(_app(cs)) == {} with input as p

	# Values the API rejects: rules call none of their fields unset.
	not pods.pod_sc_ok with input as p
	_app(cs).sc_ok == false
}

test_sc_ok_for_unset_and_objects if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "app"}, {"name": "b", "securityContext": {}}]}}
	cs := pods.containers with input as p
	pods.pod_sc_ok with input as p
	every c in cs {
		c.sc_ok == true
	}
}

test_effective_at_leaf_by_leaf if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {
		"securityContext": {"windowsOptions": {"hostProcess": true}},
		"containers": [{"name": "app", "securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}}],
	}}
	cs := pods.containers with input as p
	e := pods.effective_at(_app(cs), ["windowsOptions", "hostProcess"]) with input as p
	e == {"value": true, "path": ["spec", "securityContext", "windowsOptions", "hostProcess"], "level": "pod"}
	u := pods.effective_at(_app(cs), ["windowsOptions", "runAsUserName"]) with input as p
	u.level == "container"
}

test_effective_at_container_only_field if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {
		"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}},
		"containers": [{"name": "app"}],
	}}
	cs := pods.containers with input as p
	not pods.effective_at(_app(cs), ["capabilities", "add"]) with input as p
}

test_security_contexts_every_place if {
	scs := pods.security_contexts with input as _deployment
	{[s.level, s.path] | some s in scs} == {
		["pod", ["spec", "template", "spec", "securityContext"]],
		["container", ["spec", "template", "spec", "containers", 0, "securityContext"]],
	}
	some s in scs
	s.level == "pod"
	s.label == `Deployment "api" (pod securityContext)`
	s.container == null
}

test_security_contexts_container_entry if {
	scs := pods.security_contexts with input as _pod
	some s in scs
	s.level == "container"
	s.label == `container "app"`
	s.container.name == "app"
	s.sc == {"runAsUser": 2000}
}

test_sc_anchor if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"runAsUser": 1}},
		{"name": "b"},
		{"name": "c", "securityContext": "oops"},
		{"name": "d", "securityContext": null},
	]}}
	cs := pods.containers with input as p
	anchors := {c.name: pods.sc_anchor(c) | some c in cs} with input as p
	anchors == {
		"a": ["spec", "containers", 0, "securityContext"],
		"b": ["spec", "containers", 1],
		"c": ["spec", "containers", 2, "securityContext"],
		"d": ["spec", "containers", 3],
	}
}

# ---- version-gated exemptions ---------------------------------------------------------------

_win := {"apiVersion": "v1", "kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}

_userns := {"apiVersion": "v1", "kind": "Pod", "spec": {"hostUsers": false, "containers": [{"name": "a"}]}}

test_windows_exempt_from_1_25 if {
	p := _win
	pods.windows_exempt with input as p with data.kubeward.config as {"kube_minor": 25}
	pods.windows_exempt with input as p
	not pods.windows_exempt with input as p with data.kubeward.config as {"kube_minor": 24}
	not pods.windows_exempt with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"nodeSelector": {"kubernetes.io/os": "windows"}}}
}

test_userns_relaxed_from_1_35 if {
	p := _userns
	pods.userns_relaxed with input as p
	not pods.userns_relaxed with input as p with data.kubeward.config as {"kube_minor": 34}
	not pods.userns_relaxed with input as {"apiVersion": "v1", "kind": "Pod", "spec": {"hostUsers": true}}
}

# ---- capabilities ---------------------------------------------------------------------------

test_normalise_capability if {
	pods.normalise_capability("cap_net_raw") == "NET_RAW"
	pods.normalise_capability(" All ") == "ALL"
	pods.normalise_capability("NET_BIND_SERVICE") == "NET_BIND_SERVICE"
	not pods.normalise_capability(5)
}

# ---- volume labels and hostPath paths -------------------------------------------------------

test_volume_label if {
	pods.volume_label({"name": "data", "index": 0}) == `volume "data"`
	pods.volume_label({"name": "", "index": 2}) == "volume #2"
}

test_clean_host_path_keeps_var_run if {
	pods.clean_host_path("/var//run/./docker.sock") == "/var/run/docker.sock"
	pods.normalise_host_path("/var//run/./docker.sock") == "/run/docker.sock"
	pods.clean_host_path("/var/") == "/var"
	pods.clean_host_path("/var/runner") == "/var/runner"
	pods.normalise_host_path("/var/runner") == "/var/runner"
	pods.clean_host_path("relative/path") == ""
	pods.clean_host_path(7) == ""
}

test_normalise_host_path if {
	pods.normalise_host_path("/var/lib/docker/") == "/var/lib/docker"
	pods.normalise_host_path("//etc///kubernetes") == "/etc/kubernetes"
	pods.normalise_host_path("/etc/./kubernetes/.") == "/etc/kubernetes"
	pods.normalise_host_path("/var/lib/kubelet/../docker") == "/var/lib/docker"
	pods.normalise_host_path("/a/b/../../etc") == "/etc"
	pods.normalise_host_path("/a/../b/c/..") == "/b"
	pods.normalise_host_path("/../../etc") == "/etc"
	pods.normalise_host_path("/") == "/"
	pods.normalise_host_path("/..") == "/"
	pods.normalise_host_path("/var/run/docker.sock") == "/run/docker.sock"
	pods.normalise_host_path("/var/run") == "/run"
	pods.normalise_host_path("/var/runner") == "/var/runner"
	pods.normalise_host_path("relative/path") == ""
	pods.normalise_host_path(`\\.\pipe\docker_engine`) == ""
	pods.normalise_host_path(42) == ""
}

test_path_covers if {
	pods.path_covers("/", "/run/docker.sock")
	pods.path_covers("/run", "/run/docker.sock")
	pods.path_covers("/run/docker.sock", "/run/docker.sock")
	not pods.path_covers("/run/docker", "/run/docker.sock")
	not pods.path_covers("/etc/kubernetes", "/etc")
	not pods.path_covers("", "/etc")
}

test_host_path_volumes if {
	p := {"apiVersion": "v1", "kind": "Pod", "spec": {"volumes": [
		{"name": "sock", "hostPath": {"path": "/var/run//docker.sock", "type": "Socket"}},
		{"name": "cfg", "configMap": {"name": "x"}},
		{"name": "empty", "hostPath": {}},
		{"name": "bad", "hostPath": "oops"},
	]}}
	hs := pods.host_path_volumes with input as p

	# "bad" is a value the API rejects (schema/invalid-type): not a hostPath volume here.
	{[h.name, h.host_path, h.normalised] | some h in hs} == {
		["sock", "/var/run//docker.sock", "/run/docker.sock"],
		["empty", "", ""],
	}
	some h in hs
	h.name == "sock"
	h.path == ["spec", "volumes", 0]
}
