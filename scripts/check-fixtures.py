#!/usr/bin/env python3
"""Fast fixture loop for rule authors: runs a built kubeward binary with the rules
read from the working tree (KUBEWARD_RULES_DIR), so editing a .rego file needs no
rebuild. Same contract as tests/rules.rs (which CI runs): each fixture under
testdata/rules/<category>/<name>/ is linted with only that rule, and the set of
(line, rule) must equal its `# expect:` comments.

Usage: scripts/check-fixtures.py [RULE-ID-PREFIX ...]   e.g. rbac/ network/allow-all-ingress
"""
import json, os, subprocess, sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
binary = os.environ.get("KUBEWARD_BIN", str(root / "target/debug/kubeward"))
prefixes = sys.argv[1:] or [""]
env = dict(os.environ, KUBEWARD_RULES_DIR=str(root / "rules"))
bad = 0
checked = 0
for f in sorted((root / "testdata/rules").glob("*/*/*")):
    rule = f"{f.parent.parent.name}/{f.parent.name}"
    if not any(rule.startswith(p) for p in prefixes) or f.suffix not in (".yaml", ".yml", ".json"):
        continue
    text = f.read_text()
    expected = set()
    version = None
    extra = []
    params = None
    namespace = None
    for i, line in enumerate(text.splitlines(), 1):
        if "# expect:" in line:
            for rid in line.split("# expect:", 1)[1].split(","):
                if rid.strip():
                    expected.add((i, rid.strip()))
        if line.strip().startswith("# kube-version:"):
            version = line.split(":", 1)[1].strip()
        if line.strip().startswith("# namespace:"):
            namespace = line.split(":", 1)[1].strip()
        if line.strip().startswith("# params:"):
            params = line.split(":", 1)[1].strip()
        if line.strip().startswith("# rules:"):
            extra += [r.strip() for r in line.split(":", 1)[1].split(",") if r.strip()]
    cmd = [binary, "--no-config", "--only", ",".join([rule] + extra), "--format", "json", "--fail-on", "never", "--threads", "1", str(f)]
    if version:
        cmd[1:1] = ["--kube-version", version]
    if namespace:
        cmd[1:1] = ["--namespace", namespace]
    if params:
        import tempfile
        cfg = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cfg.write(f"params: {params}\n"); cfg.close()
        cmd.remove("--no-config")
        cmd[1:1] = ["--config", cfg.name]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    checked += 1
    if p.returncode != 0:
        print(f"{f.relative_to(root)}: exit {p.returncode}: {p.stderr.strip()}")
        bad += 1
        continue
    got = {(x["line"], x["rule"]): x["message"] for x in json.loads(p.stdout)["findings"] if x["suppressed"] is None}
    rel = f.relative_to(root / "testdata/rules")
    for line, rid in sorted(expected - set(got)):
        print(f"{rel}:{line}: expected {rid}, not reported"); bad += 1
    for (line, rid) in sorted(set(got) - expected):
        print(f"{rel}:{line}: unexpected {rid}: {got[(line, rid)]}"); bad += 1
    if f.name.startswith("pass") and expected:
        print(f"{rel}: a pass fixture must expect nothing"); bad += 1
    if f.name.startswith("fail") and not expected:
        print(f"{rel}: a fail fixture must expect something"); bad += 1
print(f"{checked} fixtures, {bad} problems")
sys.exit(1 if bad else 0)
