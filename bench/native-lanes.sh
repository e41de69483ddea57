#!/usr/bin/env bash
# Builds bench/native-lanes.c against the C core (baseline flags, as shipped) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
# The C core: binding.gyp's C sources, as the addon builds them.
mapfile -t core < <(node -p "JSON.parse(require('fs').readFileSync('binding.gyp', 'utf8')).targets[0].sources.filter((f) => f.endsWith('.c')).join('\n')")
cc -O3 -Inative -o "$out/lanes" bench/native-lanes.c "${core[@]}"
"$out/lanes" "$@"
rm -rf "$out"
