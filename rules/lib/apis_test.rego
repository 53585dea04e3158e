package kubeward.lib.apis_test

import rego.v1

import data.kubeward.lib.apis

test_per_kind_not_per_group if {
	apis.entry("policy/v1beta1", "PodDisruptionBudget").replacement == "policy/v1"
	apis.entry("policy/v1beta1", "PodSecurityPolicy").replacement == ""
	not apis.entry("policy/v1beta1", "Eviction")
	not apis.entry("apps/v1beta1", "DaemonSet")
	not apis.entry("apps/v1", "Deployment")
	not apis.entry("networking.k8s.io/v1", "Ingress")
}

test_groups_keyed_correctly if {
	# Trivy's table files these under other groups; ours uses the real group names.
	apis.entry("extensions/v1beta1", "Ingress").removed == 22
	apis.entry("apps/v1beta2", "DaemonSet").removed == 16
	apis.entry("events.k8s.io/v1beta1", "Event").removed == 25
	apis.entry("node.k8s.io/v1beta1", "RuntimeClass").removed == 25
	not apis.entry("events/v1beta1", "Event")
	not apis.entry("autoscaling/v1beta1", "Deployment")
}

test_removed_gate if {
	apis.removed("batch/v1beta1", "CronJob", 25)
	apis.removed("batch/v1beta1", "CronJob", 35)
	not apis.removed("batch/v1beta1", "CronJob", 24)
}

test_deprecated_gate if {
	apis.deprecated("batch/v1beta1", "CronJob", 21)
	apis.deprecated("batch/v1beta1", "CronJob", 24)
	not apis.deprecated("batch/v1beta1", "CronJob", 20)
	not apis.deprecated("batch/v1beta1", "CronJob", 25)
	apis.deprecated("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29)
	apis.deprecated("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 31)
	apis.removed("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 32)
}

test_input_at_target if {
	r := {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "x"}}
	e1 := apis.input_removed with input as r
	e1.removed == 25
	not apis.input_deprecated with input as r
	e2 := apis.input_deprecated with input as r with data.kubeward.config as {"kube_minor": 23}
	e2.deprecated == 21
	not apis.input_removed with input as r with data.kubeward.config as {"kube_minor": 23}
	t := apis.target with data.kubeward.config as {"kube_minor": 23}
	t == "1.23"
}

test_malformed_input if {
	not apis.input_removed with input as {"apiVersion": 1, "kind": ["Deployment"]}
	not apis.input_removed with input as "x"
	not apis.entry(null, "Deployment")
}

test_every_entry_is_well_formed if {
	every _, kinds in apis.table {
		every _, e in kinds {
			e.deprecated < e.removed
			is_string(e.replacement)
		}
	}
}
