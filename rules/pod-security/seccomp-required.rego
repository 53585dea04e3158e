# METADATA
# title: Container has no seccomp profile
# description: >-
#   Without a seccomp profile a container can call every system call the kernel offers,
#   including the rarely needed ones behind most container escapes; Kubernetes does not apply
#   the runtime's default filter unless the profile is set. Pod Security Restricted requires
#   seccompProfile.type RuntimeDefault or Localhost for every container, either at pod level or
#   on each container; legacy seccomp annotations do not count (target 1.19+). Windows pods are
#   exempt (target 1.25+). Unconfined itself is also reported by pod-security/seccomp-unconfined.
# custom:
#   id: pod-security/seccomp-required
#   severity: warning
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set spec.securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a localhostProfile), and do not override it on containers.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted, https://kubernetes.io/docs/tutorials/security/seccomp/]
#   pss: restricted
#   peers: {trivy: KSV-0030, polaris: linuxHardening, checkov: CKV_K8S_31, kubescape: C-0210, kube-score: container-seccomp-profile}
package kubeward.rules.pod_security.seccomp_required

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

allowed_types := {"RuntimeDefault", "Localhost"}

# The Restricted seccomp control exists from policy version 1.19 (the field's release).
min_minor := 19

_applies if {
	data.kubeward.lib.k8s.kube_minor >= min_minor
	not data.kubeward.lib.pods.windows_exempt
}

_pod_profile := object.get(data.kubeward.lib.pods.pod_sc, "seccompProfile", null)

_valid(profile) if {
	is_object(profile)
	profile.type in allowed_types
}

# --- a container whose own profile is not allowed ---

deny contains finding if {
	_applies
	some c in data.kubeward.lib.pods.containers
	profile = object.get(c.sc, "seccompProfile", null)
	profile != null
	not _valid(profile)
	finding = {
		"msg": sprintf("%s sets %s; Restricted requires RuntimeDefault or Localhost", [c.label, _describe(profile)]),
		"path": _type_path(c.sc_path, profile),
	}
}

# --- a pod-level profile that is not allowed, inherited by containers that set none ---

deny contains finding if {
	_applies
	_pod_profile != null
	not _valid(_pod_profile)
	heirs = [c.label | some c in data.kubeward.lib.pods.containers; object.get(c.sc, "seccompProfile", null) == null]
	count(heirs) > 0
	finding = {
		"msg": sprintf(
			"%s (pod securityContext) sets %s, which %s inherit%s; Restricted requires RuntimeDefault or Localhost",
			[data.kubeward.lib.k8s.describe, _describe(_pod_profile), concat(", ", sort(heirs)), _plural_s(heirs)],
		),
		"path": _type_path(data.kubeward.lib.pods.pod_sc_path, _pod_profile),
	}
}

_plural_s(heirs) := "s" if count(heirs) == 1

_plural_s(heirs) := "" if count(heirs) != 1

# --- a container with no profile at either level ---

deny contains finding if {
	_applies
	_pod_profile == null
	some c in data.kubeward.lib.pods.containers
	object.get(c.sc, "seccompProfile", null) == null
	finding = {
		"msg": sprintf(
			"%s does not set seccompProfile.type, nor does the pod securityContext, so it runs without system call filtering; set RuntimeDefault or Localhost%s",
			[c.label, _annotation_hint(c)],
		),
		"path": pods.sc_anchor(c),
	}
}

# --- Localhost without localhostProfile: the API rejects it ---

deny contains finding if {
	_applies
	some s in data.kubeward.lib.pods.security_contexts
	profile = s.sc.seccompProfile
	is_object(profile)
	profile.type == "Localhost"
	k8s.str(object.get(profile, "localhostProfile", null)) == ""
	finding = {
		"msg": sprintf("%s sets seccompProfile.type Localhost without a localhostProfile, which the API rejects", [s.label]),
		"path": array.concat(s.path, ["seccompProfile"]),
	}
}

_describe(profile) := sprintf("seccompProfile.type to %s", [k8s.quote(profile.type)]) if {
	is_object(profile)
	object.get(profile, "type", null) != null
}

_describe(profile) := "seccompProfile without a type" if {
	is_object(profile)
	object.get(profile, "type", null) == null
}

_describe(profile) := sprintf("seccompProfile to %s (schema error: an object is expected)", [k8s.quote(profile)]) if {
	not is_object(profile)
}

_type_path(sc_path, profile) := array.concat(sc_path, ["seccompProfile", "type"]) if {
	is_object(profile)
	object.get(profile, "type", null) != null
} else := array.concat(sc_path, ["seccompProfile"])

# Legacy annotations were replaced by the field in 1.19; Pod Security ignores them since.
_legacy_pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

_annotation_hint(c) := sprintf(
	" (the legacy annotation %s does not count since Pod Security 1.19)",
	[_legacy_key(c)],
) if {
	_legacy_key(c)
} else := ""

_legacy_key(c) := key if {
	key = concat("", ["container.seccomp.security.alpha.kubernetes.io/", c.name])
	data.kubeward.lib.pods.annotations[key]
} else := _legacy_pod_annotation if {
	data.kubeward.lib.pods.annotations[_legacy_pod_annotation]
}
