# METADATA
# title: Container has no seccomp profile
# description: >-
#   Without a seccomp profile a container can call every system call the kernel offers,
#   including the rarely needed ones behind most container escapes; Kubernetes does not apply
#   the runtime's default filter unless the profile is set. Pod Security Restricted requires
#   seccompProfile.type RuntimeDefault or Localhost for every container, either at pod level or
#   on each container; legacy seccomp annotations do not count (target 1.19+). Windows pods are
#   exempt (target 1.25+). Unconfined itself is also reported by pod-security/seccomp-unconfined.
#   A profile the API rejects (no type, an unknown type, Localhost without localhostProfile) is
#   reported by the schema/* checks, not by this rule, which then does not call it missing.
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

import data.kubeward.lib.pods

# The Restricted seccomp control exists from policy version 1.19 (the field's release).
min_minor := 19

_applies if {
	data.kubeward.lib.k8s.kube_minor >= min_minor
	not data.kubeward.lib.pods.windows_exempt
}

_pod_profile := object.get(data.kubeward.lib.pods.pod_sc, "seccompProfile", null)

# A profile the rule reports: type Unconfined, the only other value the API accepts. A profile
# the API rejects (not an object, no type, a type outside RuntimeDefault, Localhost and
# Unconfined, or Localhost without localhostProfile) is reported by schema/invalid-type,
# schema/missing-required or schema/invalid-value, and this rule calls it neither unconfined
# nor missing.
_unconfined(profile) if {
	is_object(profile)
	profile.type == "Unconfined"
}

# --- a container whose own profile is Unconfined ---

deny contains finding if {
	_applies
	some c in data.kubeward.lib.pods.containers
	profile = object.get(c.sc, "seccompProfile", null)
	_unconfined(profile)
	finding = {
		"msg": sprintf(`%s sets seccompProfile.type to "Unconfined"; Restricted requires RuntimeDefault or Localhost`, [c.label]),
		"path": array.concat(c.sc_path, ["seccompProfile", "type"]),
	}
}

# --- a pod-level Unconfined profile, inherited by containers that set none ---

deny contains finding if {
	_applies
	_unconfined(_pod_profile)
	heirs = [c.label | some c in data.kubeward.lib.pods.containers; object.get(c.sc, "seccompProfile", null) == null]
	count(heirs) > 0
	finding = {
		"msg": sprintf(
			`%s (pod securityContext) sets seccompProfile.type to "Unconfined", which %s inherit%s; Restricted requires RuntimeDefault or Localhost`,
			[data.kubeward.lib.k8s.describe, concat(", ", sort(heirs)), _plural_s(heirs)],
		),
		"path": array.concat(data.kubeward.lib.pods.pod_sc_path, ["seccompProfile", "type"]),
	}
}

_plural_s(heirs) := "s" if count(heirs) == 1

_plural_s(heirs) := "" if count(heirs) != 1

# --- a container with no profile at either level ---

deny contains finding if {
	_applies
	_pod_profile == null
	data.kubeward.lib.pods.pod_sc_ok
	some c in data.kubeward.lib.pods.containers
	c.sc_ok
	object.get(c.sc, "seccompProfile", null) == null
	finding = {
		"msg": sprintf(
			"%s does not set seccompProfile.type, nor does the pod securityContext, so it runs without system call filtering; set RuntimeDefault or Localhost%s",
			[c.label, _annotation_hint(c)],
		),
		"path": pods.sc_anchor(c),
	}
}

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
