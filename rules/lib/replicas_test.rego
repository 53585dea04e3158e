package kubeward.lib.replicas_test

import rego.v1

import data.kubeward.lib.replicas

_hpa(name, ns, kind, target, min) := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target}, "minReplicas": min, "maxReplicas": 10},
}

_inv := [
	_hpa("a", "prod", "Deployment", "api", 3),
	_hpa("b", "prod", "StatefulSet", "api", 5),
	{"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "c", "namespace": "prod"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 4}},
]

test_count_of if {
	replicas.count_of(null) == 1
	replicas.count_of(3) == 3
	replicas.count_of(0) == 0
	not replicas.count_of("3")
}

test_targeting_matches_kind_name_namespace if {
	hs := replicas.targeting_hpas("Deployment", "api", "prod") with data.kubeward.inventory as _inv
	[h.metadata.name | some h in hs] == ["a"]
	none := replicas.targeting_hpas("Deployment", "api", "staging") with data.kubeward.inventory as _inv
	none == []
}

test_floor if {
	f1 := replicas.floor("Deployment", "api", "prod", 1) with data.kubeward.inventory as _inv
	f1 == 3
	f2 := replicas.floor("Deployment", "web", "prod", 5) with data.kubeward.inventory as _inv
	f2 == 1
	f3 := replicas.floor("Deployment", "db", "prod", null) with data.kubeward.inventory as _inv
	f3 == 1
	f4 := replicas.floor("Deployment", "db", "prod", 4) with data.kubeward.inventory as _inv
	f4 == 4
}

test_input_floor if {
	d := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "prod"}, "spec": {"replicas": 1}}
	f := replicas.input_floor with input as d with data.kubeward.inventory as _inv
	f == 3
	s := {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": "oops"}
	g := replicas.input_floor with input as s with data.kubeward.inventory as _inv
	g == 1
}
