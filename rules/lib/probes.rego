# Probe helpers for the reliability rules (liveness-probe, readiness-probe, probe-port,
# identical-probes).
#
# Probes belong to long-running containers (C_run: regular containers and native sidecars).
# The API rejects liveness/readiness/startup probes on regular init containers, and ephemeral
# containers cannot declare them at all.
#
# Everything here is total: no input shape raises a runtime error.
package kubeward.lib.probes

import rego.v1

import data.kubeward.lib.k8s

# Controllers whose pods always restart (restartPolicy must be Always).
_long_running_controllers := {
	"Deployment",
	"StatefulSet",
	"DaemonSet",
	"ReplicaSet",
	"ReplicationController",
	"Rollout",
	"DeploymentConfig",
}

# long_running: input runs pods that are meant to stay up: a long-running controller, or a
# Pod/PodTemplate whose restartPolicy is Always or unset (the default). Jobs, CronJobs and
# run-to-completion Pods (OnFailure, Never) are not.
long_running if input.kind in _long_running_controllers

long_running if {
	input.kind in {"Pod", "PodTemplate"}
	data.kubeward.lib.pods.spec
	k8s.get(data.kubeward.lib.pods.spec, "restartPolicy", null) in {null, "Always"}
}

# The probe handlers; a probe must set exactly one.
handlers := ["exec", "httpGet", "tcpSocket", "grpc"]

# has_handler(probe): the probe object sets one of the handlers.
has_handler(probe) if {
	is_object(probe)
	some h in handlers
	k8s.get(probe, h, null) != null
}

# probe_of(c, field): the container's probe `field` ("livenessProbe", ...) when it is set
# (not null).
probe_of(c, field) := p if {
	p = c.value[field]
	p != null
}

# regular_init(c): c is an init container without restartPolicy: Always (not a sidecar).
regular_init(c) if {
	c.list == "initContainers"
	c.sidecar == false
}

# missing_findings(field, effect): the findings of a rule that requires the probe `field` on
# every long-running container: the probe is missing, has no handler, or is set where the API
# rejects it (a regular init container). The last two are rejected by the API but kept here:
# they are the rules' own subject, and no schema/* check reports them. A probe that is not an
# object at all is schema/invalid-type's finding; it counts neither as missing nor as one
# without a handler.
missing_findings(field, effect) := {f |
	long_running
	some c in data.kubeward.lib.pods.run_containers
	not probe_of(c, field)
	f = {
		"msg": sprintf("%s of %s has no %s%s", [c.label, data.kubeward.lib.k8s.describe, field, effect]),
		"path": c.path,
	}
} | {f |
	long_running
	some c in data.kubeward.lib.pods.run_containers
	p = probe_of(c, field)
	is_object(p)
	not has_handler(p)
	f = {
		"msg": sprintf(
			"%s of %s has a %s without a handler (exec, httpGet, tcpSocket or grpc), which the API rejects",
			[c.label, data.kubeward.lib.k8s.describe, field],
		),
		"path": array.concat(c.path, [field]),
	}
} | {f |
	long_running
	some c in data.kubeward.lib.pods.containers
	regular_init(c)
	probe_of(c, field)
	f = {
		"msg": sprintf(
			"%s of %s sets %s, which the API rejects on init containers (only native sidecars with restartPolicy: Always may have probes)",
			[c.label, data.kubeward.lib.k8s.describe, field],
		),
		"path": array.concat(c.path, [field]),
	}
}
