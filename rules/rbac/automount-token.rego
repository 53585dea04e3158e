# METADATA
# title: Service account token is mounted automatically
# description: >-
#   Unless automountServiceAccountToken is false, every container gets an API token for the
#   pod's service account, so code execution in any container becomes API access with that
#   account's permissions. The pod's field wins over the ServiceAccount's; when the pod leaves it
#   unset, a ServiceAccount of the linted manifests that sets it to false is honoured (one that
#   is not linted is assumed to mount). Also reported: a ServiceAccount named default that does
#   not disable automounting, and a container that mounts its own volume over the token path
#   (Trivy KSV-0036) unless it is a projected serviceAccountToken volume, the recommended
#   short-lived alternative. A value the API rejects (a quoted "false", for one) is reported by
#   schema/invalid-type, not by this rule.
# custom:
#   id: rbac/automount-token
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing, ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the pod spec (or on its ServiceAccount); workloads that call the API can mount a projected serviceAccountToken volume with a short expirationSeconds and a specific audience.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting, https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken]
#   peers: {polaris: automountServiceAccountToken, trivy: KSV-0036, checkov: [CKV_K8S_38, CKV_K8S_41], kubescape: [C-0034, C-0190, C-0261]}
package kubeward.rules.rbac.automount_token

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.rbac

_field_path := array.concat(data.kubeward.lib.pods.spec_path, ["automountServiceAccountToken"])

_sa := rbac.pod_service_account(data.kubeward.lib.pods.spec)

_bundled_sas := rbac.service_account_named(_sa.name, data.kubeward.lib.scope.namespace_or_unknown)

_sa_disables if {
	some sa in _bundled_sas
	sa.automountServiceAccountToken == false
}

_sa_enables if {
	some sa in _bundled_sas
	sa.automountServiceAccountToken == true
}

# The pod explicitly mounts the token (true; a value that is not a boolean is one the API
# rejects, reported by schema/invalid-type and neither counted as true nor as unset here).
deny contains finding if {
	value = data.kubeward.lib.pods.spec.automountServiceAccountToken
	f = k8s.bool_violation(
		value,
		_field_path,
		data.kubeward.lib.k8s.describe,
		"automountServiceAccountToken",
		sprintf("mounts the API token of service account %q into every container%s", [_sa.name, _override_note]),
	)
	finding = f
}

_override_note := ", overriding its ServiceAccount's false" if _sa_disables

_override_note := "" if not _sa_disables

# Unset on the pod: the ServiceAccount decides.
deny contains finding if {
	data.kubeward.lib.pods.spec
	_unset(object.get(data.kubeward.lib.pods.spec, "automountServiceAccountToken", null))
	not _sa_disables
	count(_auto_mounted) > 0
	finding = {
		"msg": sprintf(
			"%s mounts the API token of service account %q into %s: automountServiceAccountToken is not false on the pod spec%s",
			[data.kubeward.lib.k8s.describe, _sa.name, _containers_word, _sa_note],
		),
		"path": data.kubeward.lib.pods.spec_path,
	}
}

_unset(v) if is_null(v)

_sa_note := sprintf(" and ServiceAccount %q sets it to true", [_sa.name]) if _sa_enables

_sa_note := sprintf(" nor on ServiceAccount %q", [_sa.name]) if {
	not _sa_enables
	count(_bundled_sas) > 0
}

_sa_note := sprintf(" (and its ServiceAccount is not in %s)", [data.kubeward.lib.k8s.scope]) if count(_bundled_sas) == 0

# Containers that can get the automatic token mount (ephemeral containers never do).
_mountable contains c if {
	some c in data.kubeward.lib.pods.containers
	c.list != "ephemeralContainers"
}

# Containers that get the automatic token mount: those without their own mount at the path.
_auto_mounted contains c if {
	some c in _mountable
	not _own_token_mount(c)
}

# A volume the admission plugin itself added (kube-api-access-*, in live-object dumps) is the
# automatic mount, not the container's own.
_own_token_mount(c) if {
	some m in _token_mounts
	m.container == c.path
	not startswith(k8s.str(object.get(m.value, "name", "")), "kube-api-access-")
}

_containers_word := "every container" if count(_auto_mounted) == count(_mountable)

_containers_word := sprintf("%s", [concat(", ", sort([c.label | some c in _auto_mounted]))]) if {
	count(_auto_mounted) < count(_mountable)
}

# The volume mounts of the pod at the token directory, computed once per resource:
# {"value": the mount, "path": its path, "container": the container's path, "c": the container}.
_token_mounts contains {"value": m, "path": array.concat(c.path, ["volumeMounts", i]), "container": c.path, "c": c} if {
	some c in data.kubeward.lib.pods.containers
	ms = c.value.volumeMounts
	is_array(ms)
	m = ms[i]
	is_object(m)
	rbac.is_token_dir(m.mountPath)
}

# A container mounts its own volume over the token directory: fine for a projected
# serviceAccountToken volume, reported for anything else (a long-lived token Secret, a copy).
deny contains finding if {
	some m in _token_mounts
	c = m.c
	name = k8s.str(object.get(m.value, "name", ""))
	not _projected_token(name)
	finding = {
		"msg": sprintf(
			"%s %s mounts volume %q at the service account token path %s%s; use a projected serviceAccountToken volume with a short expirationSeconds instead",
			[data.kubeward.lib.k8s.describe, c.label, name, data.kubeward.lib.rbac.service_account_token_dir, _volume_note(name)],
		),
		"path": m.path,
	}
}

_projected_token(name) if {
	some v in data.kubeward.lib.pods.volumes
	v.name == name
	sources = v.value.projected.sources
	is_array(sources)
	some src in sources
	is_object(src.serviceAccountToken)
}

# The loop lives in its own rule: regorus 0.14.1's RVM never takes an `else` whose body iterates.
_volume_note(name) := sprintf(" from Secret %q (a long-lived token)", [s]) if {
	s = _volume_secret(name)
} else := ""

_volume_secret(name) := s if {
	some v in data.kubeward.lib.pods.volumes
	v.name == name
	s = v.value.secret.secretName
	is_string(s)
}

# The namespace's default ServiceAccount: every pod that names no service account uses it.
deny contains finding if {
	input.kind == "ServiceAccount"
	data.kubeward.lib.k8s.name == "default"
	object.get(input, "automountServiceAccountToken", null) in {null, true}
	finding = {
		"msg": sprintf(
			"ServiceAccount \"default\"%s does not set automountServiceAccountToken: false, so every pod that names no service account gets its token",
			[_ns_note],
		),
		"path": _sa_path,
	}
}

_ns_note := sprintf(" of namespace %q", [data.kubeward.lib.scope.namespace]) if data.kubeward.lib.scope.namespace

_ns_note := "" if not data.kubeward.lib.scope.namespace

_sa_path := ["automountServiceAccountToken"] if "automountServiceAccountToken" in object.keys(input)

_sa_path := ["metadata", "name"] if not "automountServiceAccountToken" in object.keys(input)
