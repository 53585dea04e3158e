# METADATA
# title: Sensitive interface exposed outside the cluster
# description: >-
#   Dashboards and control interfaces (Kubernetes Dashboard, Argo, Jupyter, Ray, Kubeflow,
#   Jenkins, NiFi, Prometheus, Kibana, ...) often run with weak or no authentication and grant
#   code execution or cluster access; exposed through a NodePort, an open LoadBalancer or an
#   Ingress they are found and abused by scanners within hours. An app counts as sensitive
#   when a configured name (param `names`) appears in the Service's name or selector, or in
#   the name or app labels of the pod templates it selects in the same namespace; internal or
#   source-restricted LoadBalancers and ClusterIP Services pass.
# custom:
#   id: network/sensitive-interface-exposed
#   severity: info
#   enabled: true
#   kinds: [Service, Ingress]
#   remediation: Keep the interface on a ClusterIP Service and reach it through kubectl port-forward, a VPN, or an Ingress with authentication in front; if it must be public, restrict the source ranges.
#   references: [https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types]
#   peers: {kubescape: C-0021, checkov: CKV_K8S_33}
package kubeward.rules.network.sensitive_interface_exposed

import rego.v1

import data.kubeward.lib.exposure
import data.kubeward.lib.selectors

_id := "network/sensitive-interface-exposed"

_default_names := [
	"kubernetes-dashboard",
	"argo-server",
	"argocd-server",
	"argo-workflows-server",
	"jupyter",
	"ray-dashboard",
	"ray-head",
	"kubeflow",
	"weave-scope-app",
	"nifi",
	"jenkins",
	"prometheus-server",
	"alertmanager",
	"kibana",
]

_params := p if {
	p = data.kubeward.config.params[_id]
	is_object(p)
} else := {}

_names := {lower(n) | n := _params.names[_]; is_string(n)} if {
	is_array(_params.names)
} else := {n | some n in _default_names}

# Label keys that name an app.
_app_keys := {"app", "app.kubernetes.io/name", "app.kubernetes.io/component", "k8s-app", "name", "component"}

_ns := selectors.namespace_of(input)

# _evidence(svc_name, svc): [name found, where] pairs for a Service (svc may be null when only
# its name is known, e.g. an Ingress backend that is not in the linted files).
_evidence(svc_name, svc) := ((_by_name(svc_name) | _by_selector(svc)) | _by_workload(svc)) | _by_label(svc)

_by_name(svc_name) := {[n, sprintf("Service %q", [svc_name])] |
	is_string(svc_name)
	some n in _names
	contains(lower(svc_name), n)
}

_by_selector(svc) := {[n, sprintf("selector %s=%s", [k, v])] |
	sel = selectors.service_selector(svc)
	some k, v in sel
	is_string(v)
	some n in _names
	contains(lower(v), n)
}

_selected(svc) := {w |
	sel = selectors.service_selector(svc)
	some w in selectors.workloads_in(_ns)
	selectors.map_matches(sel, w.labels)
}

_by_workload(svc) := {[n, sprintf("%s %q", [w.kind, w.name])] |
	some w in _selected(svc)
	some n in _names
	contains(lower(w.name), n)
}

_by_label(svc) := {[n, sprintf("%s %q, label %s=%s", [w.kind, w.name, k, v])] |
	some w in _selected(svc)
	some k, v in w.labels
	k in _app_keys
	is_string(v)
	some n in _names
	contains(lower(v), n)
}

_first(evidence) := sort([e | some e in evidence])[0]

deny contains finding if {
	input.kind == "Service"
	how = exposure.exposed(input, _id)
	ev = _evidence(input.metadata.name, input)
	count(ev) > 0
	e = _first(ev)
	finding = {
		"msg": sprintf("%s exposes %s (%s) outside the cluster as %s", [data.kubeward.lib.k8s.describe, e[0], e[1], how]),
		"path": ["spec", "type"],
	}
}

# Ingress backends: networking.k8s.io/v1 (backend.service.name) and v1beta1
# (backend.serviceName), in rules and as the default backend.
_backends contains [path, name] if {
	rules = input.spec.rules
	is_array(rules)
	paths = rules[i].http.paths
	is_array(paths)
	backend = paths[j].backend
	some [sub, name] in _backend_names(backend)
	path = array.concat(["spec", "rules", i, "http", "paths", j, "backend"], sub)
}

_backends contains [path, name] if {
	some key in ["defaultBackend", "backend"]
	backend = input.spec[key]
	some [sub, name] in _backend_names(backend)
	path = array.concat(["spec", key], sub)
}

_backend_names(backend) := {[["service", "name"], n] | n := backend.service.name; is_string(n)} | {[["serviceName"], n] | n := backend.serviceName; is_string(n)}

_service_named(name) := svc if {
	svcs = [s |
		s = selectors.of_kind("Service")[_]
		is_object(s)
		s.metadata.name == name
		selectors.namespace_of(s) == _ns
	]
	count(svcs) > 0
	svc = svcs[0]
} else := null

deny contains finding if {
	input.kind == "Ingress"
	some [path, name] in _backends
	ev = _evidence(name, _service_named(name))
	count(ev) > 0
	e = _first(ev)
	finding = {
		"msg": sprintf("%s routes external traffic to %s (%s)", [data.kubeward.lib.k8s.describe, e[0], e[1]]),
		"path": path,
	}
}
