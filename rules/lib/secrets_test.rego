package kubeward.lib.secrets_test

import rego.v1

import data.kubeward.lib.secrets

# ---- names ------------------------------------------------------------------------------------

test_words if {
	secrets.words("authToken") == "auth_token"
	secrets.words("DB-PASSWORD.file") == "db_password_file"
	secrets.words("__x__") == "x"
	not secrets.words(3)
}

test_secret_like_names if {
	secrets.name_reason("DB_PASSWORD") == "a password"
	secrets.name_reason("password") == "a password"
	secrets.name_reason("my_password") == "a password"
	secrets.name_reason("MYSQL_ROOT_PASSWD") == "a password"
	secrets.name_reason("REDIS_PASS") == "a password"
	secrets.name_reason("db_pwd") == "a password"
	secrets.name_reason("GPG_PASSPHRASE") == "a password"
	secrets.name_reason("AWS_SECRET_ACCESS_KEY") == "a secret"
	secrets.name_reason("client-secret") == "a secret"
	secrets.name_reason("GITHUB_TOKEN") == "a token"
	secrets.name_reason("accessToken") == "a token"
	secrets.name_reason("refreshtoken") == "a token"
	secrets.name_reason("STRIPE_API_KEY") == "an API key"
	secrets.name_reason("apikey") == "an API key"
	secrets.name_reason("SSH_PRIVATE_KEY") == "a private key"
	secrets.name_reason("AZURE_BATCH_KEY") == "an Azure key"
	secrets.name_reason("AZURE_STORAGEKEY") == "an Azure key"
	secrets.name_reason("JWT_SIGNING_KEY") == "a key"
	secrets.name_reason("DOCKER_CREDENTIALS") == "a credential"
	secrets.name_reason("SECRET_KEY_BASE") == "a secret"
}

test_names_that_only_refer_to_secrets if {
	not secrets.name_reason("PASSWORD_FILE")
	not secrets.name_reason("TOKEN_URL")
	not secrets.name_reason("SECRET_NAME")
	not secrets.name_reason("TLS_PRIVATE_KEY_PATH")
	not secrets.name_reason("GOOGLE_APPLICATION_CREDENTIALS_PATH")
	not secrets.name_reason("TOKEN_TTL")
	not secrets.name_reason("PASSWORD_MIN_LENGTH")
	not secrets.name_reason("VAULT_SECRET_DIR")
	not secrets.name_reason("oauthTokenEndpoint")
	not secrets.name_reason("AWS_ACCESS_KEY_ID")
}

test_names_that_are_not_secret_like if {
	not secrets.name_reason("MAX_TOKENS")
	not secrets.name_reason("TOKENIZER")
	not secrets.name_reason("USER_NAME")
	not secrets.name_reason("greeting")
	not secrets.name_reason("PASSTHROUGH")
	not secrets.name_reason("COMPASS_URL")
	not secrets.name_reason("KEYBOARD")
	not secrets.name_reason(null)
	not secrets.name_reason(12)
}

# ---- values -----------------------------------------------------------------------------------

test_not_literal_values if {
	secrets.not_literal("")
	secrets.not_literal("   ")
	secrets.not_literal("changeme")
	secrets.not_literal("CHANGE_ME")
	secrets.not_literal("<nil>")
	secrets.not_literal("<your-token-here>")
	secrets.not_literal("****")
	secrets.not_literal("xxx")
	secrets.not_literal("$(DB_PASSWORD)")
	secrets.not_literal("Bearer $(API_TOKEN)")
	secrets.not_literal("${VAULT_TOKEN}")
	secrets.not_literal("{{ .Values.password }}")
	secrets.not_literal("/var/run/secrets/db/password")
	secrets.not_literal("./token")
	secrets.not_literal("vault:secret/data/db#password")
	secrets.not_literal("ref+awssecrets://db/password")
	secrets.not_literal("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf")
	secrets.not_literal("projects/acme/secrets/db/versions/latest")
	secrets.not_literal("https://auth.example.com/oauth/token")
	secrets.not_literal("true")
	secrets.not_literal("1")
	secrets.not_literal("CHANGEME00000000")
	secrets.not_literal("your-api-key-here")
	secrets.not_literal("INSERT_ETCD_DISCOVERY_TOKEN")
	secrets.not_literal("|")
	secrets.not_literal(">-")
	secrets.not_literal(42)
	secrets.not_literal(null)
}

test_literal_values if {
	not secrets.not_literal("abc123")
	not secrets.not_literal("s3cr3t-P@ss")
	not secrets.not_literal("password")
	not secrets.not_literal("postgres://app:hunter2@db:5432/app")
}

test_credential_formats if {
	secrets.credential_kind("-----BEGIN RSA PRIVATE KEY-----\nMIIE...") == "a PEM private key"
	secrets.credential_kind("-----BEGIN OPENSSH PRIVATE KEY-----") == "a PEM private key"
	secrets.credential_kind("-----BEGIN PRIVATE KEY-----") == "a PEM private key"
	secrets.credential_kind("-----BEGIN PGP PRIVATE KEY BLOCK-----") == "a PEM private key"
	secrets.credential_kind("AKIAIOSFODNN7EXAMPLE") == "an AWS access key ID"
	secrets.credential_kind("id=ASIAIOSFODNN7EXAMPLE;") == "an AWS access key ID"
	secrets.credential_kind("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789") == "a GitHub token"
	secrets.credential_kind("github_pat_11ABCDEFG0123456789_abcdefghijklmnop") == "a GitHub token"
	secrets.credential_kind("glpat-abcdefghij0123456789") == "a GitLab token"
	secrets.credential_kind("xoxb-1234567890-abcdefghij") == "a Slack token"
	secrets.credential_kind("AIzaSyA1234567890abcdefghijklmnopqrstuv") == "a Google API key"
	secrets.credential_kind(`{"type": "service_account", "project_id": "x"}`) == "a Google service account key"
	secrets.credential_kind("sk_live_abcdefghijklmnopqrstuvwx") == "a Stripe secret key"
	secrets.credential_kind("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U") == "a JSON Web Token"
	secrets.credential_kind("postgres://app:hunter2@db:5432/app") == "a URL with an embedded password"
}

test_not_credential_formats if {
	not secrets.credential_kind("AKIA123")
	not secrets.credential_kind("xAKIAIOSFODNN7EXAMPLEx")
	not secrets.credential_kind("postgres://app:$(DB_PASSWORD)@db:5432/app")
	not secrets.credential_kind("postgres://app@db:5432/app")
	not secrets.credential_kind("https://example.com/a:b@c")
	not secrets.credential_kind("-----BEGIN CERTIFICATE-----")
	not secrets.credential_kind("-----BEGIN PUBLIC KEY-----")
	not secrets.credential_kind(7)
}

test_literal_reason if {
	secrets.literal_reason("DB_PASSWORD", "abc123") == "its name suggests a password"
	secrets.literal_reason("CONFIG", "AKIAIOSFODNN7EXAMPLE") == "its value looks like an AWS access key ID"
	secrets.literal_reason("DB_PASSWORD_FILE", "-----BEGIN PRIVATE KEY-----") == "its value looks like a PEM private key"
	not secrets.literal_reason("DB_PASSWORD", "")
	not secrets.literal_reason("DB_PASSWORD", "changeme")
	not secrets.literal_reason("DB_PASSWORD", "$(PW)")
	not secrets.literal_reason("PASSWORD_FILE", "/run/secrets/pw")
	not secrets.literal_reason("greeting", "hello")
	not secrets.literal_reason("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL")
	not secrets.literal_reason("MYSQL_ALLOW_EMPTY_PASSWORD", "1")
	secrets.literal_reason("GF_SECURITY_ADMIN_PASSWORD", "admin") == "its name suggests a password"
}

test_allowed if {
	params := {"secrets/env-literal": {"allowed_names": ["Session_Secret"], "allowed_values": ["public-demo"]}}
	secrets.allowed("secrets/env-literal", "SESSION_SECRET", "x") with data.kubeward.config.params as params
	secrets.allowed("secrets/env-literal", "OTHER", "public-demo") with data.kubeward.config.params as params
	not secrets.allowed("secrets/env-literal", "OTHER", "x") with data.kubeward.config.params as params
	not secrets.allowed("secrets/configmap-sensitive", "SESSION_SECRET", "x") with data.kubeward.config.params as params
	not secrets.allowed("secrets/env-literal", "SESSION_SECRET", "x")
	not secrets.allowed("secrets/env-literal", "X", "x") with data.kubeward.config.params as {"secrets/env-literal": {"allowed_names": "X"}}
}

# ---- text -------------------------------------------------------------------------------------

test_scan_env_file if {
	text := "# database\nDB_HOST=db\nDB_PASSWORD=hunter2\nDB_PASSWORD_FILE=/run/secrets/pw\nexport API_TOKEN=\"t0k3n\"\nREDIS_PASSWORD=\n"
	hits := secrets.scan_text(text)
	{[h.line, h.key] | some h in hits} == {[3, "DB_PASSWORD"], [5, "API_TOKEN"]}
}

test_scan_yaml_and_json if {
	text := "db:\n  user: app\n  password: s3cr3t # prod\n  token: ${TOKEN}\n  secret: |\n    nested\n{\"apiKey\": \"abcdef\",\n \"name\": \"x\"}\n- password: p4ss\n"
	hits := secrets.scan_text(text)
	{[h.line, h.key] | some h in hits} == {[3, "password"], [7, "apiKey"], [9, "password"]}
}

test_scan_private_key_block if {
	text := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
	hits := secrets.scan_text(text)
	hits == {{"line": 1, "key": "", "reason": "looks like a PEM private key"}}
}

test_scan_messages_never_hold_values if {
	hits := secrets.scan_text("REDIS_PASSWORD=abcd1234")
	some h in hits
	h.reason == `sets "REDIS_PASSWORD", which suggests a password`
	not contains(h.reason, "abcd1234")
}

test_scan_nothing if {
	count(secrets.scan_text("REDIS_PASSWORD=\nmessage: hello\n")) == 0
	count(secrets.scan_text(null)) == 0
	count(secrets.scan_text("")) == 0
}

# The many-at-once helpers give, for every element, what the one-at-a-time helpers give.
_batch_names := [
	"DB_PASSWORD", "password", "PASSWORD_FILE", "accessToken", "apikey", "AZURE_STORAGEKEY",
	"JWT_SIGNING_KEY", "TOKEN_URL", "plain", "SecretName", "x\npassword", "db-pwd", "db.pwd.x",
	"GITHUB_TOKEN", "key", "KEY", "monkey", "Ünïcode_SECRET", "ÉPASSWORD", "pass\r", "",
	"secret_key_base", "oauthTokenEndpoint", "DOCKER_CREDENTIALS", "azure__key", "my pass word",
	"passwordPolicy", "-secret-", "TOKEN", "token_ttl_seconds", "SSH_PRIVATE_KEY",
]

_batch_values := [
	"hunter2-Xq9", "", "  ", "changeme", "CHANGEME0000", "${DB_PASS}", "$(PASS)", "{{ .Values.x }}",
	"/etc/secret", "<set me>", "< a\nb >", "***", "xxx", "...", "|", ">-", "{}", "[]",
	"AKIAIOSFODNN7EXAMPLE", "https://u:p4ss@host/x", "https://host/x", "https://u:${P}@h",
	"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----", "a\nb", "true",
	"your-token-here", "file:/x", "vault:secret/x", " <redacted> ", "a # comment", "x\n",
	"\t${A\n}", "todo later", "todos", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
	"GOOGLE_API_KEY_VAL", "db_password", 5, null, "password\r",
]

test_name_reasons_agree if {
	names := _batch_names
	secrets.name_reasons(names) == {n: r | some n in names; r := secrets.name_reason(n)}
}

test_credential_kinds_agree if {
	values := _batch_values
	secrets.credential_kinds(values) == {v: k | some v in values; k := secrets.credential_kind(v)}
}

test_non_literals_agree if {
	values := _batch_values
	secrets.non_literals(values) == {v | some v in values; is_string(v); secrets.not_literal(v)}
}

test_literal_reasons_agree if {
	names := [n | some n in _batch_names; some _ in _batch_values]
	values := [v | some _ in _batch_names; some v in _batch_values]
	expected := {i: r | some i, n in names; r := secrets.literal_reason(n, values[i])}
	count(expected) > 20
	secrets.literal_reasons(names, values) == expected
}

# named_reasons of names that are all one-line strings: names read off _name_codes, with and
# without values that could be excused or echo a name.
_one_line_batch_names := [n | some n in _batch_names; not contains(n, "\n")]

test_name_codes_agree if {
	names := _one_line_batch_names
	codes := secrets._name_codes(names)
	count(codes) == count(names)
	{i: r | some i, c in codes; r := secrets._name_patterns[secrets._code_index[c]][1]} == {i: r | some i, n in names; r := secrets.name_reason(n)}
	secrets._name_codes([]) == []
	secrets._name_codes([""]) == [""]
}

test_named_reasons_agree_on_one_line_names if {
	names := [n | some n in _one_line_batch_names; some _ in _batch_values]
	values := [v | some _ in _one_line_batch_names; some v in _batch_values]
	expected := {i: r |
		some i, n in names
		r := secrets.name_reason(n)
		v := values[i]
		is_string(v)
		not secrets.not_literal(v)
		not secrets.echoes_name(n, v)
	}
	count(expected) > 20
	secrets.named_reasons(names, values) == expected
	# Values that none could excuse or echo (the shortcuts), and values that all echo.
	plain := [sprintf("v4lue-%d-x", [i]) | some i, _ in _one_line_batch_names]
	secrets.named_reasons(_one_line_batch_names, plain) == {i: r | some i, n in _one_line_batch_names; r := secrets.name_reason(n)}
	echoes := [sprintf("%s_VAL", [n]) | some n in _one_line_batch_names]
	secrets.named_reasons(_one_line_batch_names, echoes) == {i: r |
		some i, n in _one_line_batch_names
		r := secrets.name_reason(n)
		not secrets.not_literal(echoes[i])
		not secrets.echoes_name(n, echoes[i])
	}
}

# scan_text, line by line as it was written before it judged all lines at once.
_line_hit_alone(line, n) := {"line": n, "key": "", "reason": sprintf("looks like %s", [kind])} if {
	kind := secrets.credential_kind(line)
} else := {"line": n, "key": key, "reason": sprintf("sets %q, which suggests %s", [key, reason])} if {
	kv := secrets._setting(line)
	key := kv[0]
	reason := secrets.name_reason(key)
	not secrets.not_literal(kv[1])
	not secrets.echoes_name(key, kv[1])
}

test_scan_text_agrees_line_by_line if {
	lines := [
		"DB_PASSWORD=hunter2", "export API_TOKEN='abc' # c", `  "password": "x9-q",`,
		"- SECRET: ${X}", "apiKey: changeme", "TOKEN=", "url=https://u:p4ss@h/", "AKIAIOSFODNN7EXAMPLE",
		"plain=1", "PASSWORD_FILE=/x", "password: password_value", "\tkey = v4lue\r",
		"SECRET=a  #  b # c", "db.pass = ' q '", "GOOGLE_API_KEY=GOOGLE_API_KEY_VAL",
		"-----BEGIN PRIVATE KEY-----", "MIIB", "-----END PRIVATE KEY-----", "", "[section]",
		"DB_PASSWORD=hunter2", "{\"token\": \"t0k3n-value\", \"x\": 1}", "a:b:c", "pass word = x",
	]
	text := concat("\n", lines)
	expected := {h | some i, line in split(text, "\n"); h := _line_hit_alone(line, i + 1)}
	count(expected) > 8
	secrets.scan_text(text) == expected
}

test_scan_texts_keeps_texts_with_hits if {
	texts := ["A=1", "DB_PASSWORD=hunter2", "x\nTOKEN=t0k3n-v", "plain\n", 7]
	secrets.scan_texts(texts) == {
		"DB_PASSWORD=hunter2": secrets.scan_text("DB_PASSWORD=hunter2"),
		"x\nTOKEN=t0k3n-v": secrets.scan_text("x\nTOKEN=t0k3n-v"),
	}
}

# The shortcut for lists of one-line strings: exact on newlines, non-strings and a literal
# backslash-n (which only costs the slow path).
test_one_line_strings_shortcut if {
	secrets.one_line_strings_only([])
	secrets.one_line_strings_only(["a", "b \"q\" c", `back\slash`, "ünï", "\t"])
	not secrets.one_line_strings_only(["a", "b\nc"])
	not secrets.one_line_strings_only(["a", 5])
	not secrets.one_line_strings_only(["a", null])
	# Short lists are checked one by one: a backslash and an n is one line.
	secrets.one_line_strings_only([`a\nb`])
	secrets._one_line_strings([`a\nb`, "c\nd", 5, "e"]) == [`a\nb`, "e"]
	secrets._multi_line_strings([`a\nb`, "c\nd", 5, "e"]) == ["c\nd"]
	secrets._one_line_strings(["x", "y"]) == ["x", "y"]
	secrets._multi_line_strings(["x", "y"]) == []
}

# The same for lists long enough to be checked as JSON.
test_one_line_strings_shortcut_long_lists if {
	many := [sprintf("key-%d \"q\" \\", [i]) | some i in numbers.range(1, 1100)]
	secrets.one_line_strings_only(many)
	not secrets.one_line_strings_only(array.concat(many, ["a\nb"]))
	not secrets.one_line_strings_only(array.concat(many, [5]))
	# As JSON a backslash and an n look like a newline: the slow path decides instead.
	not secrets.one_line_strings_only(array.concat(many, [`a\nb`]))
	count(secrets._one_line_strings(array.concat(many, [`a\nb`]))) == 1101
}
