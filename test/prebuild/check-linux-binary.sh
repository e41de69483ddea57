#!/usr/bin/env bash
# Checks a Linux prebuild is portable: prints its machine, libc and needed libraries, and fails if it
# needs a glibc newer than MAX_GLIBC (default 2.28: Debian 10, RHEL 8, Ubuntu 18.10 and later) or,
# for a musl build, anything glibc-versioned at all.
# Usage: check-linux-binary.sh <file.node> [glibc|musl]     (needs binutils: readelf)
set -euo pipefail
file=$1
libc=${2:-glibc}
MAX_GLIBC=${MAX_GLIBC:-2.28}
machine=$(readelf -h "$file" | awk -F: '/Machine/ { gsub(/^ +/, "", $2); print $2 }')
needed=$(readelf -d "$file" | awk '/NEEDED/ { gsub(/[][]/, "", $NF); print $NF }' | tr '\n' ' ')
versions=$(readelf -V "$file" | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tr '\n' ' ' || true)
newest=$(echo "$versions" | tr ' ' '\n' | grep . | sed 's/GLIBC_//' | sort -V | tail -n 1 || true)
echo "$file: $machine; needs: $needed; glibc versions: ${versions:-none}"
if [[ $libc == musl ]]; then
  [[ -z $versions ]] || { echo "ERROR: musl build references glibc symbol versions" >&2; exit 1; }
  [[ $needed != *libc.so.6* ]] || { echo "ERROR: musl build needs glibc's libc.so.6" >&2; exit 1; }
elif [[ -n $newest && $(printf '%s\n%s\n' "$newest" "$MAX_GLIBC" | sort -V | tail -n 1) != "$MAX_GLIBC" ]]; then
  echo "ERROR: needs GLIBC_$newest, newer than GLIBC_$MAX_GLIBC" >&2
  exit 1
fi
