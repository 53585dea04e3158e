# METADATA
# title: AppArmor confinement disabled or overridden
# description: >-
#   On nodes with AppArmor the runtime confines every container with its default profile,
#   which blocks many kernel interfaces used in container escapes. Setting the profile to
#   Unconfined (or any profile other than the runtime default or one loaded on the node)
#   removes that layer. Pod Security Baseline checks both the appArmorProfile fields and the
#   legacy container.apparmor.security.beta.kubernetes.io annotations. A profile the API rejects
#   (no type, an unknown type, Localhost without localhostProfile) is reported by the schema/*
#   checks, not by this rule.
# custom:
#   id: pod-security/apparmor
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove the override, or set appArmorProfile.type to RuntimeDefault (or Localhost with localhostProfile); for annotations use runtime/default or localhost/<profile>.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/tutorials/security/apparmor/]
#   pss: baseline
#   peers: {polaris: linuxHardening, trivy: KSV-0002, kubescape: C-0055}
package kubeward.rules.pod_security.apparmor

import rego.v1

import data.kubeward.lib.k8s
import data.kubeward.lib.pods

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

# --- securityContext.appArmorProfile (pod and every container, each checked on its own) ---

# Only type Unconfined is reported: a profile the API rejects (not an object, no type, a type
# outside RuntimeDefault, Localhost and Unconfined, Localhost without localhostProfile) is
# reported by schema/invalid-type, schema/missing-required or schema/invalid-value.
deny contains finding if {
	some s in data.kubeward.lib.pods.security_contexts
	profile = s.sc.appArmorProfile
	is_object(profile)
	profile.type == "Unconfined"
	finding = {
		"msg": sprintf("%s sets appArmorProfile.type to Unconfined, which disables AppArmor confinement", [s.label]),
		"path": array.concat(s.path, ["appArmorProfile", "type"]),
	}
}

# --- legacy annotations on the POD TEMPLATE: container.apparmor.security.beta.kubernetes.io/<container> ---
# Kubernetes ignores a key that names no container of the pod, so such keys are not reported.

deny contains finding if {
	some key, value in data.kubeward.lib.pods.annotations
	is_string(key)
	startswith(key, annotation_prefix)
	container = trim_prefix(key, annotation_prefix)
	container in data.kubeward.lib.pods.container_names
	is_string(value)
	not _allowed_annotation(value)
	finding = {
		"msg": sprintf(
			"container %q gets AppArmor profile %s from annotation %s; only runtime/default or localhost/<profile> keep it confined",
			[container, k8s.quote(value), key],
		),
		"path": pods.annotation_path(key),
	}
}

_allowed_annotation(value) if value == ""

_allowed_annotation(value) if value == "runtime/default"

_allowed_annotation(value) if startswith(value, "localhost/")
