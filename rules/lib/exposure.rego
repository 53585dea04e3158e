# How far a Service is exposed, for the network rules (service-loadbalancer,
# sensitive-interface-exposed).
#
# A LoadBalancer Service is "internal" when it carries one of the cloud annotations that ask
# for a private load balancer, and "source-restricted" when spec.loadBalancerSourceRanges (or
# the legacy service.beta.kubernetes.io/load-balancer-source-ranges annotation) lists ranges
# other than the whole Internet. Annotation values are compared case-insensitively; a YAML
# boolean `true` (which the API would reject in an annotation) counts as "true".
#
# Everything here is total: no input shape raises a runtime error.
package kubeward.lib.exposure

import rego.v1

# Annotation -> values that make a LoadBalancer internal ("*" = any value but "false").
default_internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-internal": ["*"],
	"service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
	"networking.gke.io/load-balancer-type": ["internal"],
	"cloud.google.com/load-balancer-type": ["internal"],
	"service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
	"service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
	"service.beta.kubernetes.io/openstack-internal-load-balancer": ["true"],
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": ["intranet"],
}

# internal_annotations(rule_id): the defaults, or the rule's param `internal_annotations`
# (same shape) when set.
internal_annotations(rule_id) := a if {
	a = data.kubeward.config.params[rule_id].internal_annotations
	is_object(a)
} else := default_internal_annotations

_annotations(svc) := a if {
	a = svc.metadata.annotations
	is_object(a)
} else := {}

_text(v) := lower(trim_space(v)) if is_string(v)

_text(v) := "true" if v == true

_text(v) := "false" if v == false

# internal_annotation(svc, rule_id): the annotation key that makes svc an internal LB.
internal_annotation(svc, rule_id) := key if {
	some key, values in internal_annotations(rule_id)
	v = _text(_annotations(svc)[key])
	is_array(values)
	_accepts(values, v)
}

_accepts(values, v) if {
	"*" in values
	v != "false"
	v != ""
}

_accepts(values, v) if {
	some want in values
	is_string(want)
	lower(want) == v
}

_open_ranges := {"0.0.0.0/0", "::/0"}

# source_ranges(svc): the ranges a LoadBalancer admits (field, else legacy annotation).
source_ranges(svc) := [r | r := svc.spec.loadBalancerSourceRanges[_]; is_string(r)] if {
	is_array(svc.spec.loadBalancerSourceRanges)
	count(svc.spec.loadBalancerSourceRanges) > 0
} else := [trim_space(r) | some r in split(a, ","); trim_space(r) != ""] if {
	a = _annotations(svc)["service.beta.kubernetes.io/load-balancer-source-ranges"]
	is_string(a)
} else := []

# source_restricted(svc): the LB admits only some source ranges (none of them 0.0.0.0/0).
source_restricted(svc) if {
	ranges = source_ranges(svc)
	count(ranges) > 0
	every r in ranges {
		not trim_space(r) in _open_ranges
	}
}

# service_type(svc): spec.type, "ClusterIP" when unset.
service_type(svc) := t if {
	t = svc.spec.type
	is_string(t)
} else := "ClusterIP"

# exposed(svc, rule_id): how svc is reachable from outside the cluster, as a phrase for
# messages, or undefined when it is not: NodePort, or a LoadBalancer that is neither internal
# nor source-restricted.
exposed(svc, _) := "a NodePort Service (open on every node)" if service_type(svc) == "NodePort"

exposed(svc, rule_id) := "a LoadBalancer Service open to any source" if {
	service_type(svc) == "LoadBalancer"
	not internal_annotation(svc, rule_id)
	not source_restricted(svc)
}

# describe(svc): `Service "name"` for any Service object.
describe(svc) := sprintf("Service %q", [svc.metadata.name]) if is_string(svc.metadata.name)

describe(svc) := "Service" if not is_string(svc.metadata.name)
