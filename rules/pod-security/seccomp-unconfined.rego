# METADATA
# title: Seccomp filtering disabled
# description: >-
#   The runtime's default seccomp profile blocks dozens of rarely needed system calls that are
#   a common way into kernel exploits. seccompProfile type Unconfined (or the legacy
#   annotation value unconfined) turns that filter off. Pod Security Baseline forbids it at pod
#   and container level, each checked on its own. A profile the API rejects (no type, an unknown
#   type) is reported by the schema/* checks, not by this rule.
# custom:
#   id: pod-security/seccomp-unconfined
#   severity: error
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Set seccompProfile.type to RuntimeDefault (or Localhost with localhostProfile), or remove it; replace legacy seccomp annotations with the field.
#   references: [https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline, https://kubernetes.io/docs/tutorials/security/seccomp/]
#   pss: baseline
#   peers: {polaris: linuxHardening, trivy: KSV-0104, checkov: CKV_K8S_31, kubescape: [C-0055, C-0210]}
package kubeward.rules.pod_security.seccomp_unconfined

import rego.v1

import data.kubeward.lib.pods

pod_annotation := "seccomp.security.alpha.kubernetes.io/pod"

container_annotation_prefix := "container.seccomp.security.alpha.kubernetes.io/"

# --- securityContext.seccompProfile (pod and every container, each checked on its own) ---

# Only type Unconfined is reported: a profile the API rejects (not an object, no type, a type
# outside RuntimeDefault, Localhost and Unconfined, Localhost without localhostProfile) is
# reported by schema/invalid-type, schema/missing-required or schema/invalid-value.
deny contains finding if {
	some s in data.kubeward.lib.pods.security_contexts
	profile = s.sc.seccompProfile
	is_object(profile)
	profile.type == "Unconfined"
	finding = {
		"msg": sprintf("%s sets seccompProfile.type to Unconfined, which turns off system call filtering", [s.label]),
		"path": array.concat(s.path, ["seccompProfile", "type"]),
	}
}

# --- legacy annotations on the POD TEMPLATE ---
# The API server still copies them into the fields of new pods, so `unconfined` takes effect.

deny contains finding if {
	value = data.kubeward.lib.pods.annotations[pod_annotation]
	value == "unconfined"
	finding = {
		"msg": sprintf("annotation %s is \"unconfined\", which turns off system call filtering for the whole pod", [pod_annotation]),
		"path": pods.annotation_path(pod_annotation),
	}
}

# A key that names no container of the pod is ignored by Kubernetes, so it is not reported.
deny contains finding if {
	some key, value in data.kubeward.lib.pods.annotations
	is_string(key)
	startswith(key, container_annotation_prefix)
	container = trim_prefix(key, container_annotation_prefix)
	container in data.kubeward.lib.pods.container_names
	value == "unconfined"
	finding = {
		"msg": sprintf("annotation %s is \"unconfined\", which turns off system call filtering for container %q", [key, container]),
		"path": pods.annotation_path(key),
	}
}
