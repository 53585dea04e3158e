#!/usr/bin/env bash
# Builds the fuzz seed corpora from testdata/ (not committed: it is derived data).
#   fuzz/corpus/loader/  every manifest, and every case of the YAML conformance sets
#   fuzz/corpus/locate/  the same texts, each behind a path line (`spec/containers/0`)
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/loader corpus/locate
n=0
add() { # add NAME < content
    local f="corpus/loader/$1"
    cat >"$f"
    { printf 'spec/template/spec/containers/0/securityContext\n'; cat "$f"; } >"corpus/locate/$1"
    n=$((n + 1))
}
while IFS= read -r -d '' f; do
    add "$(echo "${f#../}" | tr '/' '_')" <"$f"
done < <(find "$root/testdata" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) \
    -not -path '*/schemas/*' -size -64k -print0)
# Each `#### name` case of the conformance files becomes its own seed.
for cases in "$root"/testdata/yaml/*.cases; do
    python3 - "$cases" corpus/loader <<'PY'
import os, re, sys
data = open(sys.argv[1], 'rb').read()
parts = re.split(rb'(?:^|(?<=[\r\n]))#### [^\r\n]*[\r\n]', data)
base = os.path.basename(sys.argv[1])
for i, p in enumerate(x for x in parts if x):
    open(os.path.join(sys.argv[2], f'{base}-{i:03}'), 'wb').write(p)
PY
done
for f in corpus/loader/*.cases-*; do
    { printf 'v/0\n'; cat "$f"; } >"corpus/locate/$(basename "$f")"
done
echo "seeded $(ls corpus/loader | wc -l) loader and $(ls corpus/locate | wc -l) locate inputs"
