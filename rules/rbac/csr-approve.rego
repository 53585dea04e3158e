# METADATA
# title: Role can approve certificate signing requests
# description: >-
#   Approving a CertificateSigningRequest needs update on certificatesigningrequests/approval
#   plus approve on the signer. With a built-in kubernetes.io signer (kube-apiserver-client in
#   particular), the subject can have certificates issued for any user or group name,
#   system:masters included, which authenticate to the API server until they expire and cannot
#   be revoked. Reported when the role grants both; approve limited by resourceNames to signers
#   outside kubernetes.io is accepted.
# custom:
#   id: rbac/csr-approve
#   severity: warning
#   enabled: true
#   kinds: [Role, ClusterRole]
#   remediation: Leave CSR approval to the built-in approvers; a custom approver should only get approve on its own signer name, listed in resourceNames (e.g. example.com/my-signer).
#   references: [https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization, https://kubernetes.io/docs/concepts/security/rbac-good-practices/#csrs-and-certificate-issuing]
#   peers: {checkov: CKV_K8S_156, kubescape: C-0280}
package kubeward.rules.rbac.csr_approve

import rego.v1

import data.kubeward.lib.rbac

_group := "certificates.k8s.io"

_approval := {[_group, "certificatesigningrequests/approval"]}

_signers := {[_group, "signers"]}

# Rule items that let the subject approve for a built-in signer (or any signer).
_signer_items contains item if {
	some item in data.kubeward.lib.rbac.items
	count(rbac.grants_ignoring_names(item, {"approve"}, _signers)) > 0
	_dangerous_signers(item)
}

_dangerous_signers(item) if not rbac.narrowed(item)

_dangerous_signers(item) if {
	some n in rbac.resource_names(item)
	_builtin_signer(n)
}

_builtin_signer(n) if startswith(n, "kubernetes.io/")

_builtin_signer(n) if n == "*"

_signer_label := item.label if {
	some item in _signer_items
	item.index == min({i.index | some i in _signer_items})
}

_signer_scope(item) := "any signer" if not rbac.narrowed(item)

_signer_scope(item) := sprintf("signers %s", [rbac.quoted_list({n | some n in rbac.resource_names(item); _builtin_signer(n)})]) if rbac.narrowed(item)

_signer_phrase := sprintf("approve on %s in %s", [_signer_scope(item), item.label]) if {
	some item in _signer_items
	item.label == _signer_label
}

deny contains finding if {
	count(_signer_items) > 0
	some item in data.kubeward.lib.rbac.items
	found = rbac.grants_ignoring_names(item, {"update", "patch"}, _approval)
	some x in rbac.by_resource_entry(found)
	finding = {
		"msg": sprintf(
			"%s %s grants %s, and %s: its subjects can approve certificates for any user or group, system:masters included",
			[data.kubeward.lib.k8s.describe, item.label, rbac.grant_phrase(x), _signer_phrase],
		),
		"path": x.entry.path,
	}
}
