#!/usr/bin/env bash
# Checks a Linux prebuild is portable: prints its machine, needed libraries and symbol versions, and
# fails if it needs a newer glibc than MAX_GLIBC (default 2.28, the floor of Node 18+'s own Linux
# binaries: RHEL 8, Debian 10, Ubuntu 18.10 and later) or a newer libstdc++ than MAX_GLIBCXX (default
# 3.4.25, GCC 8's: RHEL 8); for a musl build, if it references glibc at all (its libstdc++ is the
# Alpine release's own, so the libstdc++ bound does not apply).
# Usage: check-linux-binary.sh <file.node> [glibc|musl]     (needs binutils: readelf)
set -euo pipefail
file=$1
libc=${2:-glibc}
MAX_GLIBC=${MAX_GLIBC:-2.28}
MAX_GLIBCXX=${MAX_GLIBCXX:-3.4.25}
machine=$(readelf -h "$file" | awk -F: '/Machine/ { gsub(/^ +/, "", $2); print $2 }')
needed=$(readelf -d "$file" | awk '/NEEDED/ { gsub(/[][]/, "", $NF); print $NF }' | tr '\n' ' ')
newest() { readelf -V "$file" | grep -o "$1_[0-9.]*" | sed "s/$1_//" | sort -u -V | tail -n 1 || true; }
glibc=$(newest GLIBC)
glibcxx=$(newest GLIBCXX)
echo "$file: $machine; needs: $needed; newest GLIBC_${glibc:-none} GLIBCXX_${glibcxx:-none}"
older_or_equal() { [[ -z $1 || $(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1) == "$2" ]]; }
status=0
if [[ $libc == musl ]]; then
  [[ -z $glibc && $needed != *libc.so.6* ]] || { echo "ERROR: the musl build references glibc" >&2; status=1; }
else
  older_or_equal "$glibc" "$MAX_GLIBC" || { echo "ERROR: needs GLIBC_$glibc, newer than $MAX_GLIBC" >&2; status=1; }
  older_or_equal "$glibcxx" "$MAX_GLIBCXX" || { echo "ERROR: needs GLIBCXX_$glibcxx, newer than $MAX_GLIBCXX" >&2; status=1; }
fi
exit $status
