#!/usr/bin/env bash
# Cross-compiles the native core for AArch64 (baseline armv8-a: no -march flags; the ARMv8 backend
# brings its own per-function target attributes), checks with objdump where the SHA instructions
# landed, and runs the known-answer harness under qemu-user for several CPU models, so both the
# accelerated paths and the run-time fallback (CPUs without SHA-512) are exercised.
#
# Needs: apt-get install -y gcc-aarch64-linux-gnu qemu-user   (optional: clang, clang-16 for CCS)
# Env:   NATIVE_DIR  sources to test (default: <repo>/native)
#        OUT         build directory (default: <repo>/build/native-arm64)
#        CPUS        qemu CPU models (default: every model qemu-aarch64 lists)
#        CCS         compilers, ';'-separated (default: aarch64-linux-gnu-gcc, plus clang if present)
#        OPT         optimisation flags (default: -O3, as binding.gyp)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
NATIVE_DIR=${NATIVE_DIR:-$repo/native}
OUT=${OUT:-$repo/build/native-arm64}
OPT=${OPT:--O3}
SYSROOT=/usr/aarch64-linux-gnu

for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-objdump qemu-aarch64 node; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y gcc-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done
if [[ -z "${CCS:-}" ]]; then
  CCS="aarch64-linux-gnu-gcc"
  for c in clang clang-16; do
    command -v "$c" >/dev/null && CCS+=";$c --target=aarch64-linux-gnu"
  done
fi
if [[ -z "${CPUS:-}" ]]; then
  CPUS=$( (qemu-aarch64 -cpu help || true) | awk 'NR > 1 && NF == 1 { print $1 }' | tr '\n' ' ')  # exits 1 after listing
fi

# Every C file of the core (not the N-API glue): files for other architectures compile to nothing.
mapfile -t sources < <(ls "$NATIVE_DIR"/*.c)
mkdir -p "$OUT"
status=0
IFS=';' read -ra compilers <<<"$CCS"
for cc in "${compilers[@]}"; do
  tag=$(echo "${cc%% *}" | tr -c 'a-zA-Z0-9-\n' '_')
  dir="$OUT/$tag"
  mkdir -p "$dir"
  echo "=== $cc $OPT (no -march)"
  objs=()
  for src in "${sources[@]}" "$here/harness.c"; do
    obj="$dir/$(basename "${src%.c}").o"
    $cc $OPT -std=c11 -Wall -Wextra -DFP_HAVE_ARM_SHA -I"$NATIVE_DIR" -c "$src" -o "$obj"
    objs+=("$obj")
  done
  $cc $OPT -o "$dir/harness" "${objs[@]}"

  echo "--- objdump: SHA instructions only inside the target-attributed iterate functions"
  for obj in "${objs[@]}"; do
    name=$(basename "$obj")
    if [[ "$name" == pbkdf2_armv8.o ]]; then
      echo "$name:"
      aarch64-linux-gnu-objdump -d --no-show-raw-insn "$obj" |
        node "$here/inspect-asm.mjs" --sha-only-in sha1_iterate_armv8,sha256_iterate_armv8,sha512_iterate_armv8 |
        grep -v '^    ' || status=1
    else
      aarch64-linux-gnu-objdump -d --no-show-raw-insn "$obj" | node "$here/inspect-asm.mjs" --expect-no-sha >/dev/null ||
        { echo "ERROR: $name holds SHA instructions"; status=1; }
      echo "$name: no SHA instructions"
    fi
  done

  echo "--- known answers under qemu-aarch64"
  for cpu in $CPUS; do
    if log=$(qemu-aarch64 -cpu "$cpu" -L "$SYSROOT" "$dir/harness" "$here/vectors.txt" 2>&1); then r=ok; else r=FAIL; status=1; fi
    printf '[%s] -cpu %s: %s\n' "$r" "$cpu" "$(echo "$log" | tail -n 1)"
    echo "$log" | sed -n '1p;/^backend/p;/^FAIL/p' | sed 's/^/    /'
  done
done
[[ $status == 0 ]] && echo "ALL OK" || echo "FAILURES"
exit $status
