# Pod-spec helpers shared by every rule that reads pods (RULES.md §1).
#
# They locate the PodSpec and the pod template metadata in every pod-bearing kind, enumerate
# containers and volumes together with their concrete paths into `input`, and resolve the
# effective security context.
#
# Paths are arrays of keys (strings) and indices (numbers) into `input`, exactly what a
# finding's "path" holds, e.g. ["spec", "template", "spec", "initContainers", 1].
#
# Everything here is total: for a resource that is not pod-bearing, or whose fields have the
# wrong shape (a string where an object belongs, null, a list where a map belongs), the
# helpers are simply undefined / empty; they never raise a runtime error.
package kubeward.lib.pods

import rego.v1

import data.kubeward.lib.k8s

# ---------------------------------------------------------------------------------------------
# Where the pod lives
# ---------------------------------------------------------------------------------------------

# Performance note: regorus 0.14.1 evaluates every rule of this package for every resource
# that references one of them, and spends far more on each rule definition or function call
# than on an expression. So the rules here have ONE definition each (`else` for fallbacks),
# and what the pod rules read again and again is computed once, in `containers`. Inline
# conditionals are written `{true: a, false: b}[condition]`.

# template_path: path to the object that holds the pod's `metadata` and `spec`:
# [] for a Pod, ["spec", "template"] for controllers, ["spec", "jobTemplate", "spec",
# "template"] for a CronJob, ["template"] for a PodTemplate (rules/data/pod_template_paths.json,
# RULES.md §1.1). Undefined for other kinds.
# Well-known custom kinds embed a pod template too, in their own API groups only
# (rules/data/crd_pod_template_paths.json): Argo Rollouts (argoproj.io) and OpenShift
# DeploymentConfigs (apps.openshift.io, or the legacy OpenShift 3 `v1`). The Rust side reads
# the same two tables (src/kinds.rs).
# Custom resources that carry a pod template are declared in the config (`workloads:` with
# kind, optional apiVersion and the path to the template); built-in kinds keep their own paths.
template_path := p if {
	p = data.kubeward.tables.pod_template_paths[input.kind]
} else := p if {
	crd = data.kubeward.tables.crd_pod_template_paths[input.kind]
	data.kubeward.lib.k8s.api_group in crd.groups
	p = crd.path
} else := path if {
	not data.kubeward.tables.crd_pod_template_paths[input.kind]
	ws = data.kubeward.config.workloads
	is_array(ws)
	some w in ws
	w.kind == input.kind
	object.get(w, "apiVersion", input.apiVersion) == input.apiVersion
	path = w.template
	is_array(path)
}

# is_pod_bearing: input is one of the kinds above (whether or not its spec is well formed).
is_pod_bearing if template_path

# spec_path / spec: path to the PodSpec and the PodSpec itself (only when it is an object).
spec_path := array.concat(template_path, ["spec"])

spec := s if {
	s = object.get(input, spec_path, null)
	is_object(s)
}

# meta_path / meta: path to the POD metadata and its value (only when it is an object).
# Pod-level annotations (AppArmor, legacy seccomp) and pod labels are read here, never from a
# controller's own metadata, which does not reach the pods.
meta_path := array.concat(template_path, ["metadata"])

meta := m if {
	m = object.get(input, meta_path, null)
	is_object(m)
}

# annotations / labels of the pod template ({} when absent or malformed).
annotations := a if {
	a = meta.annotations
	is_object(a)
} else := {}

labels := l if {
	l = meta.labels
	is_object(l)
} else := {}

# annotation_path(key): path to one pod-template annotation (the finding points at its key).
annotation_path(key) := array.concat(meta_path, ["annotations", key])

# ---------------------------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------------------------

# The three container lists, in the order PSA visits them.
container_lists := ["initContainers", "containers", "ephemeralContainers"]

# containers: every container of the pod (C(pod) in RULES.md §1.1), as objects
#   {
#     "value":     the container object,
#     "path":      path to the container item, e.g. ["spec", "containers", 0],
#     "list":      "containers" | "initContainers" | "ephemeralContainers",
#     "index":     its index in that list,
#     "name":      its name ("" when missing or not a string),
#     "sidecar":   true for a native sidecar (init container with restartPolicy: Always),
#     "run":       true for the long-running containers (C_run: regular containers and
#                  native sidecars),
#     "label":     how messages name it: `container "app"`, `init container "setup"`,
#                  `ephemeral container "debug"`, or `container #0` when unnamed,
#     "sc":        its securityContext, {} when absent or malformed (= sc(c)),
#     "sc_ok":     false when its securityContext is set to something that is not an object
#                  (a value the API rejects: rules then call none of its fields unset),
#     "sc_path":   path to its securityContext (= sc_path(c)),
#     "effective": field -> effective(c, field) for every field that has an effective value,
#   }
# Items that are not objects are skipped.
containers contains c if {
	some list in container_lists
	items = spec[list]
	is_array(items)
	item = items[i]
	is_object(item)
	path = array.concat(spec_path, [list, i])
	raw_name = object.get(item, "name", null)
	name = {true: raw_name, false: ""}[is_string(raw_name)]
	word = _list_word[list]
	sidecar = [list, object.get(item, "restartPolicy", null)] == ["initContainers", "Always"]
	raw_sc = object.get(item, "securityContext", null)
	sc_obj = {true: raw_sc, false: {}}[is_object(raw_sc)]
	sc_at = array.concat(path, ["securityContext"])
	own = {f: {"value": v, "path": array.concat(sc_at, [f]), "level": "container"} |
		some f, v in sc_obj
		v != null
	}
	inherited = {f: {"value": v, "path": array.concat(pod_sc_path, [f]), "level": "pod"} |
		some f in inheritable_fields
		v = pod_sc[f]
		v != null
		object.get(sc_obj, f, null) == null
	}
	c = {
		"value": item,
		"path": path,
		"list": list,
		"index": i,
		"name": name,
		"sidecar": sidecar,
		"run": [list == "containers", sidecar] != [false, false],
		"label": {true: sprintf("%s %q", [word, name]), false: sprintf("%s #%d", [word, i])}[name != ""],
		"sc": sc_obj,
		"sc_ok": [raw_sc == null, is_object(raw_sc)] != [false, false],
		"sc_path": sc_at,
		"effective": object.union(inherited, own),
	}
}

_list_word := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
}

# Long-running containers (C_run): regular containers and native sidecars. Probe and resource
# rules use these; PSS rules use all `containers`.
run_containers contains c if {
	some c in containers
	c.run
}

# container_names: the names of all containers of the pod (for annotation keys that name one).
container_names contains c.name if {
	some c in containers
	c.name != ""
}

# ---------------------------------------------------------------------------------------------
# Volumes
# ---------------------------------------------------------------------------------------------

# volumes: every pod volume as {"value", "path", "index", "name"} (name "" when missing).
volumes contains v if {
	items = spec.volumes
	is_array(items)
	item = items[i]
	is_object(item)
	raw_name = object.get(item, "name", null)
	v = {
		"value": item,
		"path": array.concat(spec_path, ["volumes", i]),
		"index": i,
		"name": {true: raw_name, false: ""}[is_string(raw_name)],
	}
}

# ---------------------------------------------------------------------------------------------
# Pod-level facts
# ---------------------------------------------------------------------------------------------

# is_windows: the pod declares spec.os.name "windows". A kubernetes.io/os nodeSelector alone
# does not make a pod Windows for Kubernetes or for PSS.
is_windows if spec.os.name == "windows"

# user_namespaced: the pod runs in a user namespace (spec.hostUsers: false).
user_namespaced if spec.hostUsers == false

# ---------------------------------------------------------------------------------------------
# Security context (RULES.md §1.2)
# ---------------------------------------------------------------------------------------------

# Fields that may be set at pod level and are inherited by containers that leave them unset.
inheritable_fields := {
	"runAsUser",
	"runAsGroup",
	"runAsNonRoot",
	"seLinuxOptions",
	"seccompProfile",
	"appArmorProfile",
	"windowsOptions",
}

# Fields that exist only on containers: a value written at pod level is not part of the API
# and must never satisfy (or trip) a rule.
container_only_fields := {
	"privileged",
	"allowPrivilegeEscalation",
	"capabilities",
	"readOnlyRootFilesystem",
	"procMount",
}

# pod_sc_path / pod_sc: the pod-level securityContext ({} when absent or malformed).
pod_sc_path := array.concat(spec_path, ["securityContext"])

pod_sc := sc if {
	sc := spec.securityContext
	is_object(sc)
} else := {}

# pod_sc_ok: the pod-level securityContext is unset or an object. Anything else is a value the
# API rejects (schema/invalid-type): rules then call none of its fields unset.
pod_sc_ok if {
	raw = object.get(spec, "securityContext", null)
	[raw == null, is_object(raw)] != [false, false]
}

# sc_path(c) / sc(c): a container's securityContext path and value ({} when absent/malformed).
# (Rules reading `containers` can use c.sc_path and c.sc directly; these functions also accept
# a container object built by hand.)
sc_path(c) := p if {
	p = c.sc_path
} else := array.concat(c.path, ["securityContext"])

sc(c) := s if {
	s = c.sc
	is_object(s)
} else := s if {
	s = c.value.securityContext
	is_object(s)
} else := {}

# effective(c, field): the value of a securityContext field that applies to container c, as
#   {"value": v, "path": path where it was set, "level": "container" | "pod"}.
# The container's value wins when set (non-null); otherwise the pod's value for inheritable
# fields. Container-only fields never fall back to the pod. Undefined when unset everywhere.
# (`containers` holds them all in c.effective.)
effective(c, field) := e if {
	e = c.effective[field]
} else := e if {
	not c.effective
	e = _effective(c, field)
}

_effective(c, field) := {
	"value": sc(c)[field],
	"path": array.concat(sc_path(c), [field]),
	"level": "container",
} if {
	sc(c)[field] != null
} else := {
	"value": pod_sc[field],
	"path": array.concat(pod_sc_path, [field]),
	"level": "pod",
} if {
	field in inheritable_fields
	pod_sc[field] != null
}

# effective_at(c, subpath): like effective, for a nested field resolved leaf by leaf, e.g.
# effective_at(c, ["windowsOptions", "hostProcess"]) or ["seccompProfile", "type"]. Only the
# first element of subpath decides whether the field may be inherited from the pod.
effective_at(c, subpath) := {
	"value": v,
	"path": array.concat(sc_path(c), subpath),
	"level": "container",
} if {
	v = object.get(sc(c), subpath, null)
	v != null
} else := {
	"value": v,
	"path": array.concat(pod_sc_path, subpath),
	"level": "pod",
} if {
	subpath[0] in inheritable_fields
	v = object.get(pod_sc, subpath, null)
	v != null
}

# security_contexts: every place a securityContext is written, for PSS controls that check
# each place separately (a container override does not excuse a bad pod value):
#   {"sc": the securityContext object, "path": its path, "level": "pod" | "container",
#    "container": the container (see `containers`) or null at pod level,
#    "label": `container "app"` or `pod` + the resource, e.g. `Deployment "api" (pod)`}
# Only object-valued securityContexts are listed. Rules must only read inheritable fields at
# the "pod" level.
security_contexts contains s if {
	sc_obj = spec.securityContext
	is_object(sc_obj)
	s = {
		"sc": sc_obj,
		"path": pod_sc_path,
		"level": "pod",
		"container": null,
		"label": sprintf("%s (pod securityContext)", [data.kubeward.lib.k8s.describe]),
	}
}

security_contexts contains s if {
	some c in containers
	sc_obj = c.value.securityContext
	is_object(sc_obj)
	s = {
		"sc": sc_obj,
		"path": c.sc_path,
		"level": "container",
		"container": c,
		"label": c.label,
	}
}

# sc_anchor(c): where a finding about a field the container does NOT set points: its
# securityContext when it has one (whatever its shape), else the container item itself.
sc_anchor(c) := sc_path(c) if {
	c.value.securityContext != null
} else := c.path

# ---------------------------------------------------------------------------------------------
# Version-gated PSS exemptions (RULES.md §1.3)
# ---------------------------------------------------------------------------------------------

# windows_exempt: from policy version 1.25, Pod Security exempts Windows pods
# (spec.os.name: windows) from the Linux-only Restricted controls: allowPrivilegeEscalation,
# seccompProfile and capabilities. Older targets still apply them.
windows_exempt if {
	is_windows
	data.kubeward.lib.k8s.kube_minor >= 25
}

# userns_relaxed: from policy version 1.35, Pod Security skips the Restricted runAsNonRoot and
# runAsUser checks (and Baseline procMount) for pods in a user namespace (hostUsers: false),
# where root in the container maps to an unprivileged user on the node.
userns_relaxed if {
	user_namespaced
	data.kubeward.lib.k8s.kube_minor >= 35
}

# ---------------------------------------------------------------------------------------------
# Capabilities
# ---------------------------------------------------------------------------------------------

# normalise_capability(name): a capability name as container runtimes read it: trimmed,
# upper-cased, without a leading CAP_ (`cap_net_raw` -> `NET_RAW`). Undefined for non-strings.
# Pod Security compares the exact strings instead, so rules report a non-canonical spelling.
normalise_capability(name) := trim_prefix(upper(trim_space(name)), "CAP_") if is_string(name)

# ---------------------------------------------------------------------------------------------
# Volumes: labels and hostPath paths
# ---------------------------------------------------------------------------------------------

# volume_label(v): how messages name a volume of `volumes`: `volume "data"` or `volume #2`.
volume_label(v) := sprintf("volume %q", [v.name]) if v.name != "" else := sprintf("volume #%d", [v.index])

# host_path_volumes: every volume with a hostPath source, as the `volumes` entry extended with
#   "host_path":  the hostPath.path string as written ("" when missing or not a string),
#   "normalised": normalise_host_path(host_path) ("" when host_path is not absolute).
# A hostPath that is not an object is a value the API rejects (schema/invalid-type): not listed.
host_path_volumes contains object.union(v, {"host_path": p, "normalised": normalise_host_path(p)}) if {
	some v in volumes
	hp = v.value.hostPath
	is_object(hp)
	p = k8s.str(object.get(hp, "path", null))
}

# normalise_host_path(p): an absolute Unix path in canonical form: repeated `/` collapsed, `.`
# segments dropped, `..` resolved (never above the root), no trailing `/`; and the /var/run
# symlink resolved to /run, as the kubelet sees it on current distributions.
# "" for a relative path or a non-string (e.g. a Windows named pipe, `\\.\pipe\docker_engine`).
normalise_host_path(p) := _var_run(clean_host_path(p)) if _absolute(p) else := ""

# clean_host_path(p): normalise_host_path(p) without reading /var/run as /run: the path as its
# author wrote it, in canonical form (for messages, and for what holds /var/run itself).
clean_host_path(p) := concat("", ["/", concat("/", _clean_segments(p))]) if _absolute(p) else := ""

_absolute(p) if {
	is_string(p)
	startswith(p, "/")
}

_var_run(p) := concat("", ["/run", substring(p, 8, -1)]) if {
	_under(p, "/var/run")
} else := p

# _under(p, dir): p is dir or a path below it (both normalised).
_under(p, dir) if p == dir

_under(p, dir) if startswith(p, concat("", [dir, "/"]))

_under(_, dir) if dir == "/"

_segments(p) := [s | some s in split(p, "/"); s != ""; s != "."]

_clean_segments(p) := [s |
	segs = _segments(p)
	some i, s in segs
	s != ".."
	not _popped(segs, i)
]

# _popped(segs, i): a later `..` removes segment i: some running sum of the segments after it
# (+1 a name, -1 a `..`) reaches -1.
_popped(segs, i) if {
	some k, _ in segs
	k > i
	sum([_weight(s) | some m, s in segs; m > i; m <= k]) < 0
}

_weight(s) := -1 if s == ".." else := 1

# path_covers(p, target): the normalised host path p exposes target: p is target or one of its
# parent directories (both normalised with normalise_host_path).
path_covers(p, target) if {
	p != ""
	_under(target, p)
}
