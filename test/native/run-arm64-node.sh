#!/usr/bin/env bash
# Builds the real addon for arm64 and runs it in Debian's arm64 Node under qemu-user: a sysroot with
# nodejs:arm64 and its libraries is fetched with apt into WORK (private apt lists: the system's dpkg
# architectures are not touched), a copy of the working tree is cross-built with node-gyp, and
# e2e-node.cjs checks every CPU path against vectors.txt and node:crypto.
# Needs: gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user, host node_modules (node-gyp, tsc).
# Env: WORK (default /tmp/fastpbkdf2-arm64-node), CPUS (default "max cortex-a57"), NODEDIR (default /usr:
#      the host Node's headers; N-API is the same on every architecture).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
WORK=${WORK:-/tmp/fastpbkdf2-arm64-node}
CPUS=${CPUS:-max cortex-a57}
NODEDIR=${NODEDIR:-/usr}
root=$WORK/root

if [[ ! -x $root/usr/bin/node ]]; then
  apt_dir=$WORK/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$WORK/debs"
  opts=(-o APT::Architectures=amd64,arm64 -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache")
  apt-get "${opts[@]}" update >/dev/null
  (cd "$WORK/debs" && apt-get "${opts[@]}" download nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 \
    libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64 libstdc++6:arm64 libgcc-s1:arm64 \
    libc6:arm64 node-acorn node-cjs-module-lexer node-undici node-xtend >/dev/null 2>&1)
  mkdir -p "$root"
  for deb in "$WORK"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
fi
qemu-aarch64 -L "$root" "$root/usr/bin/node" -p '`arm64 node ${process.version} runs`'

src=$WORK/src
rm -rf "$src"
mkdir -p "$src"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp -P --parents -t "$src")
[[ -e $src/node_modules ]] || ln -s "$repo/node_modules" "$src/node_modules"
grep -q pbkdf2_armv8.c "$src/binding.gyp" || echo "WARNING: binding.gyp does not compile native/pbkdf2_armv8.c" >&2
(cd "$src" && CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
  node_modules/.bin/node-gyp rebuild --arch=arm64 --nodedir="$NODEDIR" >"$WORK/node-gyp.log" 2>&1) ||
  { tail -30 "$WORK/node-gyp.log"; exit 1; }
(cd "$src" && node_modules/.bin/tsc -p tsconfig.json)
status=0
for cpu in $CPUS; do
  echo "=== qemu-aarch64 -cpu $cpu"
  qemu-aarch64 -cpu "$cpu" -L "$root" "$root/usr/bin/node" "$src/test/native/e2e-node.cjs" "$src/test/native/vectors.txt" ||
    status=1
done
exit $status
