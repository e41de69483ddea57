#!/usr/bin/env bash
# Builds bench/native-lanes.c against the C core (baseline flags, as shipped) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cc -O3 -Inative -o "$out/lanes" bench/native-lanes.c native/pbkdf2.c native/pbkdf2_x86_shani.c \
  native/pbkdf2_x86_bmi2.c native/pbkdf2_x86_wide.c native/pbkdf2_x86_hybrid512.c native/pbkdf2_x86_vsched.c native/backends_x86.c native/cpu_x86.c native/pbkdf2_armv8.c
"$out/lanes" "$@"
rm -rf "$out"
