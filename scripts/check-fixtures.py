#!/usr/bin/env python3
"""Fast fixture loop for rule authors: runs the fixture tests of tests/rules.rs
(one test per fixture, `fixture::<category>/<name>/<file>`) with the rules read
from the working tree (KUBEWARD_RULES_DIR), so editing a .rego file needs no
rebuild: `cargo test --test rules` would first re-embed the rules and relink.
The fixtures' headers (`# expect:`, `# rules:`, ...) are read by src/fixtures.rs
only; this script just picks the built test binary and the tests to run.

Build the test binary once (again after changing Rust code or tests/):
    cargo test --test rules --no-run

Usage: scripts/check-fixtures.py [RULE-ID-PREFIX ...] [-- runner options]
       e.g. scripts/check-fixtures.py rbac/ network/allow-all-ingress
Without a prefix every fixture runs (and the fixture-set checks). The human
snapshot of a rule's first fail fixture is compared too: after changing a
message, refresh it with `INSTA_UPDATE=always cargo test --test rules`.
KUBEWARD_RULES_TEST_BIN names the test binary to use.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def test_binary():
    named = os.environ.get("KUBEWARD_RULES_TEST_BIN")
    if named:
        return named
    deps = root / "target" / "debug" / "deps"
    built = [
        p
        for p in deps.glob("rules-*")
        if re.fullmatch(r"rules-[0-9a-f]{16}(\.exe)?", p.name) and os.access(p, os.X_OK)
    ]
    if not built:
        sys.exit("no built fixture tests: run `cargo test --test rules --no-run` once")
    return str(max(built, key=lambda p: p.stat().st_mtime))


args = sys.argv[1:]
passthrough = []
if "--" in args:
    passthrough = args[args.index("--") + 1 :]
    args = args[: args.index("--")]
filters = [f"fixture::{prefix}" for prefix in args]
env = dict(os.environ, KUBEWARD_RULES_DIR=str(root / "rules"))
cmd = [test_binary(), *filters, *passthrough]
sys.exit(subprocess.run(cmd, cwd=root, env=env).returncode)
