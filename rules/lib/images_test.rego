package kubeward.lib.images_test

import rego.v1

import data.kubeward.lib.images

_sha256 := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

_sha512 := concat("", ["sha512:", _hex64, _hex64])

_hex64 := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

# ---- parsing ----------------------------------------------------------------------------------

test_single_name_is_docker_hub_library if {
	r := images.parse("nginx")
	r.registry == "docker.io"
	r.registry_explicit == false
	r.repository == "library/nginx"
	r.name == "docker.io/library/nginx"
	r.tag == ""
	r.has_tag == false
	r.has_digest == false
}

test_docker_hub_org if {
	r := images.parse("bitnami/redis:7.2")
	r.registry == "docker.io"
	r.repository == "bitnami/redis"
	r.tag == "7.2"
}

test_explicit_docker_hub_aliases if {
	r1 := images.parse("docker.io/nginx:1.27")
	r1.name == "docker.io/library/nginx"
	r1.registry_explicit == true
	r2 := images.parse("index.docker.io/library/nginx")
	r2.name == "docker.io/library/nginx"
}

test_registry_with_port_is_not_a_tag if {
	r := images.parse("localhost:5000/app")
	r.registry == "localhost:5000"
	r.repository == "app"
	r.tag == ""
	r.has_tag == false
}

test_registry_with_port_and_tag if {
	r := images.parse("registry.example.com:443/team/app:2.1.0")
	r.registry == "registry.example.com:443"
	r.repository == "team/app"
	r.path == "team/app"
	r.tag == "2.1.0"
}

test_localhost_without_port if {
	r := images.parse("localhost/app:dev")
	r.registry == "localhost"
	r.repository == "app"
	r.tag == "dev"
}

test_first_component_without_dot_is_a_path if {
	r := images.parse("library/busybox")
	r.registry == "docker.io"
	r.repository == "library/busybox"
}

test_single_name_with_colon_is_a_tag if {
	# No "/": `localhost:5000` alone is repository "localhost" with tag "5000", as runtimes read it.
	r := images.parse("localhost:5000")
	r.registry == "docker.io"
	r.repository == "library/localhost"
	r.tag == "5000"
}

test_tag_and_digest if {
	r := images.parse(concat("", ["ghcr.io/acme/app:1.0@", _sha256]))
	r.registry == "ghcr.io"
	r.repository == "acme/app"
	r.tag == "1.0"
	r.digest == _sha256
	r.has_digest == true
	r.digest_valid == true
}

test_digest_only if {
	r := images.parse(concat("", ["registry.k8s.io/pause@", _sha256]))
	r.tag == ""
	r.repository == "pause"
	r.digest_valid == true
}

test_port_tag_and_digest if {
	r := images.parse(concat("", ["localhost:5000/app:v2@", _sha512]))
	r.registry == "localhost:5000"
	r.repository == "app"
	r.tag == "v2"
	r.digest_valid == true
}

test_registry_is_lowercased if {
	r := images.parse("Registry.Example.COM/app:1")
	r.registry == "registry.example.com"
}

test_tag_case_is_kept if {
	r := images.parse("nginx:LATEST")
	r.tag == "LATEST"
}

test_empty_tag if {
	r := images.parse("nginx:")
	r.tag == ""
	r.repository == "library/nginx"
}

test_templated if {
	r := images.parse("{{ .Values.image.repository }}:{{ .Values.image.tag }}")
	r.templated == true
}

test_not_a_reference if {
	not images.parse("")
	not images.parse("   ")
	not images.parse(null)
	not images.parse(42)
	not images.parse({"repository": "nginx"})
}

# ---- digests ----------------------------------------------------------------------------------

test_valid_digests if {
	images.valid_digest(_sha256)
	images.valid_digest(_sha512)
}

test_invalid_digests if {
	not images.valid_digest(upper(_sha256))
	not images.valid_digest("sha256:0123abc")
	not images.valid_digest(concat("", ["blake3:", _hex64]))
	not images.valid_digest(concat("", ["sha512:", _hex64]))
	not images.valid_digest(_hex64)
	not images.valid_digest("")
}

test_digest_problems if {
	images.digest_problem(_hex64) == "it has no algorithm prefix (expected sha256:<64 hex>)"
	images.digest_problem(concat("", ["SHA256:", _hex64])) == `the algorithm "SHA256" must be written in lowercase`
	images.digest_problem(concat("", ["blake3:", _hex64])) == `the algorithm "blake3" is not one container runtimes verify (use sha256 or sha512)`
	images.digest_problem("sha256:xyz") == "its hex part holds characters that are not hexadecimal"
	images.digest_problem("sha256:abc") == "a sha256 digest has 3 hex characters, not 64"
	images.digest_problem(concat("", ["sha512:", _hex64])) == "a sha512 digest has 64 hex characters, not 128"
	images.digest_problem(concat("", ["sha256:", upper(_hex64)])) == "its hex part is not lowercase"
	not images.digest_problem(_sha256)
	not images.digest_problem("")
}

# ---- mutability -------------------------------------------------------------------------------

test_floating if {
	images.is_floating(images.parse("nginx"))
	images.is_floating(images.parse("nginx:latest"))
	images.is_floating(images.parse("nginx:LATEST"))
	images.is_floating(images.parse("nginx:stable"))
	images.is_floating(images.parse("localhost:5000/app"))
	not images.is_floating(images.parse("nginx:1.27"))
	not images.is_floating(images.parse(concat("", ["nginx:latest@", _sha256])))
	not images.is_floating(images.parse(concat("", ["nginx@", _sha256])))
}

test_floating_tags_configurable if {
	r := images.parse("app:canary")
	images.is_floating(r) with data.kubeward.config.params as {"image/latest-or-missing-tag": {"floating_tags": ["canary"]}}
	not images.is_floating(r)
	s := images.parse("app:latest")
	not images.is_floating(s) with data.kubeward.config.params as {"image/latest-or-missing-tag": {"floating_tags": ["canary"]}}
}

test_floating_tags_malformed_param if {
	r := images.parse("app:latest")
	images.is_floating(r) with data.kubeward.config.params as {"image/latest-or-missing-tag": {"floating_tags": "canary"}}
	images.is_floating(r) with data.kubeward.config.params as {"image/latest-or-missing-tag": "x"}
}

test_default_pull_policy if {
	images.default_pull_policy(images.parse("nginx")) == "Always"
	images.default_pull_policy(images.parse("nginx:latest")) == "Always"
	images.default_pull_policy(images.parse("nginx:stable")) == "IfNotPresent"
	images.default_pull_policy(images.parse("nginx:LATEST")) == "IfNotPresent"
	images.default_pull_policy(images.parse("nginx:1.27")) == "IfNotPresent"
	images.default_pull_policy(images.parse(concat("", ["nginx@", _sha256]))) == "IfNotPresent"
	images.default_pull_policy(images.parse(concat("", ["nginx:latest@", _sha256]))) == "Always"
}

# ---- registry lists ---------------------------------------------------------------------------

test_matches_registry_host if {
	images.matches_registry(images.parse("registry.example.com/app:1"), "registry.example.com")
	images.matches_registry(images.parse("registry.example.com/app:1"), "Registry.Example.com/")
	not images.matches_registry(images.parse("registry.example.com.evil.io/app:1"), "registry.example.com")
	images.matches_registry(images.parse("nginx:1"), "docker.io")
	not images.matches_registry(images.parse("nginx:1"), "ghcr.io")
}

test_matches_registry_wildcard if {
	images.matches_registry(images.parse("eu.gcr.io/p/app:1"), "*.gcr.io")
	not images.matches_registry(images.parse("gcr.io/p/app:1"), "*.gcr.io")
	not images.matches_registry(images.parse("evilgcr.io/p/app:1"), "*.gcr.io")
}

test_matches_registry_prefix if {
	images.matches_registry(images.parse("ghcr.io/acme/app:1"), "ghcr.io/acme")
	images.matches_registry(images.parse("ghcr.io/acme/team/app:1"), "ghcr.io/acme/")
	not images.matches_registry(images.parse("ghcr.io/acme-evil/app:1"), "ghcr.io/acme")
	images.matches_registry(images.parse("nginx"), "docker.io/library")
	images.matches_registry(images.parse("nginx"), "index.docker.io/library")
}

test_matches_registry_bad_entry if {
	not images.matches_registry(images.parse("nginx"), 3)
	not images.matches_registry(images.parse("nginx"), null)
}

# ---- reference validity ----------------------------------------------------------------------

test_valid_references if {
	every ref in [
		"nginx", "nginx:1.27", "library/nginx", "localhost:5000/app", "registry.example.com:443/team/app:2.1.0",
		"ghcr.io/acme/my_app__x/tool-x:v1.2.3-rc.1", "K8S.GCR.IO/pause:3.2", "[::1]:5000/app:1",
		concat("", ["nginx:1.0@", _sha256]),
	] {
		r := images.parse(ref)
		r.valid == true
		not images.name_problem(r)
	}
}

test_invalid_references if {
	images.name_problem(images.parse(":")) == "the repository name is empty"
	images.name_problem(images.parse("MyApp:1.0")) == "repository names must be lowercase"
	images.name_problem(images.parse("nginx:")) == `the tag after ":" is empty`
	images.name_problem(images.parse("ghcr.io/acme/app:1.0:2")) == "it does not follow the [registry/]repository[:tag][@digest] format"
	images.name_problem(images.parse("app name:1")) == "it does not follow the [registry/]repository[:tag][@digest] format"
}
