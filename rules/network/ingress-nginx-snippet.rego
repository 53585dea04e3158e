# METADATA
# title: ingress-nginx snippet or injectable annotation
# description: >-
#   ingress-nginx copies snippet annotations (server-, configuration-, auth-, stream- and
#   modsecurity-snippet) verbatim into its nginx configuration. Anyone who may edit an Ingress
#   can then run arbitrary directives in the controller, read its service account token and
#   with it every Secret of the cluster (CVE-2021-25742, and later CVE-2023-5043). Quotes,
#   semicolons, braces or line breaks in auth-url, auth-tls-match-cn or mirror-* annotations
#   inject configuration the same way (CVE-2025-1097, CVE-2025-1098, CVE-2025-24514). Ingresses
#   whose class (spec.ingressClassName or the legacy kubernetes.io/ingress.class annotation)
#   names another controller are skipped (param `other_classes`).
# custom:
#   id: network/ingress-nginx-snippet
#   severity: warning
#   enabled: true
#   kinds: [Ingress]
#   remediation: Remove the snippet annotation and use a dedicated ingress-nginx annotation or the controller ConfigMap instead; keep allow-snippet-annotations disabled on the controller, and use plain URLs and names in auth and mirror annotations.
#   references: [https://github.com/kubernetes/ingress-nginx/issues/7837, https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/]
#   peers: {checkov: [CKV_K8S_152, CKV_K8S_153, CKV_K8S_154], kubescape: C-0059, trivy: KCV-0093}
package kubeward.rules.network.ingress_nginx_snippet

import rego.v1

_prefix := "nginx.ingress.kubernetes.io/"

_snippets := {"server-snippet", "configuration-snippet", "auth-snippet", "stream-snippet", "modsecurity-snippet"}

# Annotations whose values end up inside nginx directives.
_injectable := {"auth-url", "auth-tls-match-cn", "mirror-target", "mirror-host", "mirror-uri"}

_default_other_classes := [
	"alb",
	"gce",
	"gce-internal",
	"traefik",
	"haproxy",
	"kong",
	"istio",
	"contour",
	"cilium",
	"azure/application-gateway",
	"nginx-plus",
	"skipper",
	"ambassador",
]

_other_classes := {c | c := _params.other_classes[_]; is_string(c)} if {
	is_array(_params.other_classes)
} else := {c | some c in _default_other_classes}

_params := p if {
	p = data.kubeward.config.params["network/ingress-nginx-snippet"]
	is_object(p)
} else := {}

_annotations := a if {
	a = input.metadata.annotations
	is_object(a)
} else := {}

_class := c if {
	c = input.spec.ingressClassName
	is_string(c)
} else := c if {
	c = _annotations["kubernetes.io/ingress.class"]
	is_string(c)
}

_other_controller if lower(_class) in _other_classes

deny contains finding if {
	not _other_controller
	some key, _ in _annotations
	is_string(key)
	startswith(key, _prefix)
	substring(key, count(_prefix), -1) in _snippets
	finding = {
		"msg": sprintf(
			"%s sets %s: ingress-nginx pastes it into its configuration, where it can read the controller's credentials and every Secret (CVE-2021-25742)",
			[data.kubeward.lib.k8s.describe, key],
		),
		"path": ["metadata", "annotations", key],
	}
}

deny contains finding if {
	not _other_controller
	some key, value in _annotations
	is_string(key)
	startswith(key, _prefix)
	substring(key, count(_prefix), -1) in _injectable
	is_string(value)
	regex.match("[\"'`;{}\\n\\r]", value)
	finding = {
		"msg": sprintf(
			"%s: annotation %s contains quotes, semicolons, braces or line breaks, which ingress-nginx would inject into its configuration",
			[data.kubeward.lib.k8s.describe, key],
		),
		"path": ["metadata", "annotations", key],
	}
}
