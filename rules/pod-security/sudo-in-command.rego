# METADATA
# title: Container command runs sudo
# description: >-
#   A command that calls sudo expects to gain root inside the container, which means the image
#   ships a setuid sudo and the container is meant to escalate. Kubernetes already decides the
#   user a container runs as (runAsUser); sudo defeats runAsNonRoot intentions and only works
#   while privilege escalation is allowed. The word sudo is matched in command and args,
#   including inside `sh -c` scripts, but not inside other words (pseudo, sudoers).
# custom:
#   id: pod-security/sudo-in-command
#   severity: info
#   enabled: true
#   kinds: [pod-bearing]
#   remediation: Remove sudo from the command; run the container as the user it needs (securityContext.runAsUser) and keep allowPrivilegeEscalation false.
#   references: [https://kubernetes.io/docs/tasks/configure-pod-container/security-context/]
#   peers: {kubescape: C-0062}
package kubeward.rules.pod_security.sudo_in_command

import rego.v1

import data.kubeward.lib.k8s

# `sudo` as a command word: at the start, after whitespace, a shell separator or a path (/usr/bin/sudo),
# and followed by the end, whitespace or a separator.
sudo_pattern := "(^|[\\s;&|(){}'\"`/])sudo($|[\\s;&|(){}'\"`])"

deny contains finding if {
	some c in data.kubeward.lib.pods.containers
	some field in ["command", "args"]
	items = c.value[field]
	is_array(items)
	item = items[i]
	is_string(item)
	regex.match(sudo_pattern, item)
	finding = {
		"msg": sprintf("%s runs sudo in its %s (%s)", [c.label, field, k8s.quote(_excerpt(item))]),
		"path": array.concat(c.path, [field, i]),
	}
}

# Long scripts are cut in messages.
_excerpt(s) := s if count(s) <= 80

_excerpt(s) := concat("", [substring(s, 0, 77), "..."]) if count(s) > 80
