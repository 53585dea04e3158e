package kubeward.lib.exposure_test

import rego.v1

import data.kubeward.lib.exposure

_svc(type, annotations, spec) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "s", "annotations": annotations},
	"spec": object.union({"type": type}, spec),
}

test_internal_annotation if {
	k1 := exposure.internal_annotation(_svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}, {}), "r")
	k1 == "service.beta.kubernetes.io/aws-load-balancer-internal"
	k2 := exposure.internal_annotation(_svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "0.0.0.0/0"}, {}), "r")
	k2 == "service.beta.kubernetes.io/aws-load-balancer-internal"
	k3 := exposure.internal_annotation(_svc("LoadBalancer", {"networking.gke.io/load-balancer-type": "Internal"}, {}), "r")
	k3 == "networking.gke.io/load-balancer-type"
	k4 := exposure.internal_annotation(_svc("LoadBalancer", {"service.beta.kubernetes.io/azure-load-balancer-internal": true}, {}), "r")
	k4 == "service.beta.kubernetes.io/azure-load-balancer-internal"
	not exposure.internal_annotation(_svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "false"}, {}), "r")
	not exposure.internal_annotation(_svc("LoadBalancer", {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"}, {}), "r")
	not exposure.internal_annotation(_svc("LoadBalancer", "x", {}), "r")
}

test_internal_annotation_param if {
	params := {"r": {"internal_annotations": {"example.com/private": ["yes"]}}}
	k := exposure.internal_annotation(_svc("LoadBalancer", {"example.com/private": "Yes"}, {}), "r") with data.kubeward.config.params as params
	k == "example.com/private"
	not exposure.internal_annotation(_svc("LoadBalancer", {"networking.gke.io/load-balancer-type": "Internal"}, {}), "r") with data.kubeward.config.params as params
}

test_source_ranges if {
	exposure.source_restricted(_svc("LoadBalancer", {}, {"loadBalancerSourceRanges": ["10.0.0.0/8"]}))
	not exposure.source_restricted(_svc("LoadBalancer", {}, {"loadBalancerSourceRanges": ["10.0.0.0/8", "0.0.0.0/0"]}))
	not exposure.source_restricted(_svc("LoadBalancer", {}, {"loadBalancerSourceRanges": []}))
	exposure.source_restricted(_svc("LoadBalancer", {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 192.168.0.0/16"}, {}))
	r := exposure.source_ranges(_svc("LoadBalancer", {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 192.168.0.0/16"}, {}))
	r == ["10.0.0.0/8", "192.168.0.0/16"]
}

test_exposed if {
	exposure.exposed(_svc("NodePort", {}, {}), "r")
	exposure.exposed(_svc("LoadBalancer", {}, {}), "r")
	not exposure.exposed(_svc("LoadBalancer", {}, {"loadBalancerSourceRanges": ["10.0.0.0/8"]}), "r")
	not exposure.exposed(_svc("ClusterIP", {}, {}), "r")
	not exposure.exposed({"kind": "Service", "spec": {}}, "r")
	t := exposure.service_type({"spec": {}})
	t == "ClusterIP"
}
