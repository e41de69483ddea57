#!/usr/bin/env bash
# The linux-arm64 prebuild, end to end on an x86-64 Debian host: cross-compiles it with the real
# `npm run prebuild -- --arch arm64` (prebuildify + node-gyp with Debian's aarch64 cross compilers),
# packs the package with `npm pack`, installs the tarball into a fresh project whose install script
# runs on Debian's arm64 Node under qemu-user with no compiler on PATH, then runs the CommonJS and
# ES-module consumers (consumer.cjs / consumer.mjs) on that Node for several CPU models: the prebuild
# must be the binary loaded, the backend native, and every RFC vector right.
#
# Needs: apt-get install -y g++-aarch64-linux-gnu qemu-user; the repository's node_modules (npm ci).
# The arm64 Node (nodejs:arm64 and its libraries, Debian bookworm) is fetched with apt into ARM64_ROOT
# using private apt lists: the system's dpkg architectures are not touched.
# Env: ARM64_ROOT (default /tmp/fastpbkdf2-arm64-node/root, shared with test/native/run-arm64-node.sh)
#      WORK       scratch directory (default: a new temporary directory, removed on success)
#      CPUS       qemu CPU models (default "max cortex-a57": with and without SHA-512 instructions)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ARM64_ROOT=${ARM64_ROOT:-/tmp/fastpbkdf2-arm64-node/root}
CPUS=${CPUS:-max cortex-a57}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/fastpbkdf2-arm64-prebuild.XXXXXX")}
QEMU=$(command -v qemu-aarch64) || { echo "missing qemu-aarch64 (apt-get install -y qemu-user)" >&2; exit 2; }
for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ aarch64-linux-gnu-strip node npm; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y g++-aarch64-linux-gnu)" >&2; exit 2; }
done

# 1. arm64 Node sysroot.
if [[ ! -x $ARM64_ROOT/usr/bin/node ]]; then
  fetch=$(dirname "$ARM64_ROOT")/apt-fetch
  mkdir -p "$fetch/lists/partial" "$fetch/cache/archives/partial" "$fetch/debs" "$ARM64_ROOT"
  opts=(-o APT::Architectures=amd64,arm64 -o Dir::State::Lists="$fetch/lists" -o Dir::Cache="$fetch/cache")
  apt-get "${opts[@]}" update >/dev/null
  (cd "$fetch/debs" && apt-get "${opts[@]}" download nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 \
    libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64 libstdc++6:arm64 libgcc-s1:arm64 \
    libc6:arm64 node-acorn node-cjs-module-lexer node-undici node-xtend >/dev/null)
  for deb in "$fetch"/debs/*.deb; do dpkg-deb -x "$deb" "$ARM64_ROOT"; done
fi
arm64_node() { "$QEMU" ${QEMU_CPU:+-cpu "$QEMU_CPU"} -L "$ARM64_ROOT" "$ARM64_ROOT/usr/bin/node" "$@"; }
echo "arm64 Node: $(arm64_node -p 'process.version + " " + process.arch + ", N-API " + process.versions.napi')"

# 2. Cross-compile the prebuild and pack, in a copy of the working tree (build/ and prebuilds/ of the
#    repository are left alone).
stage=$WORK/stage
mkdir -p "$stage"
(cd "$repo" && git ls-files -co --exclude-standard -z | xargs -0 cp -P --parents -t "$stage")
rm -rf "$stage/prebuilds" "$stage/build"
ln -s "$repo/node_modules" "$stage/node_modules"
(cd "$stage" && CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
  PREBUILD_STRIP_BIN=aarch64-linux-gnu-strip npm run prebuild -- --arch arm64 >"$WORK/prebuild.log" 2>&1) ||
  { tail -40 "$WORK/prebuild.log"; exit 1; }
prebuild=prebuilds/linux-arm64/fastpbkdf2.napi.glibc.node
ls "$stage"/prebuilds/*/
# Informational here: Debian 12's cross toolchain (GCC 12) may need a newer libstdc++ than a release
# may; release binaries are built in the CI containers, where this check is enforced.
"$here/check-linux-binary.sh" "$stage/$prebuild" || echo "(local build: not a portable release binary)"
tarball=$(cd "$stage" && npm pack --silent --pack-destination "$WORK" | tail -n 1)
echo "packed $tarball"

# 3. Install it: npm runs on the host, but the package's install script (node-gyp-build, which builds
#    from source only if no prebuild loads) runs on the arm64 Node, with only node, npm and sh on PATH.
bin=$WORK/bin
mkdir -p "$bin"
printf '#!/bin/sh\nexec %q -L %q %q "$@"\n' "$QEMU" "$ARM64_ROOT" "$ARM64_ROOT/usr/bin/node" >"$bin/node"
chmod +x "$bin/node"
ln -sf "$(command -v sh)" "$bin/sh"
npm_cli=$(readlink -f "$(command -v npm)")
ln -sf "$npm_cli" "$bin/npm"
consumer=$WORK/consumer
mkdir -p "$consumer"
cp "$here/consumer.cjs" "$here/consumer.mjs" "$here/vectors.cjs" "$consumer/"
echo '{ "name": "consumer", "version": "1.0.0", "private": true }' >"$consumer/package.json"
(cd "$consumer" && env -i HOME="$HOME" PATH="$bin" ${npm_config_cache:+npm_config_cache=$npm_config_cache} \
  "$(command -v node)" "$npm_cli" install --prefer-offline --no-audit --no-fund --foreground-scripts "$WORK/$tarball")
[[ ! -e $consumer/node_modules/fastpbkdf2/build ]] || { echo "ERROR: the install compiled something" >&2; exit 1; }

# 4. The consumers on the arm64 Node, per CPU model.
status=0
for cpu in $CPUS; do
  for consumer_file in consumer.cjs consumer.mjs; do
    report=$(cd "$consumer" && QEMU_CPU=$cpu arm64_node "$consumer_file") || { echo "[FAIL] $cpu $consumer_file" >&2; status=1; continue; }
    if REPORT=$report PREBUILD=$prebuild node -e '
      const r = JSON.parse(process.env.REPORT);
      const problems = [];
      if (r.arch !== "arm64") problems.push(`arch ${r.arch}`);
      if (r.binary !== process.env.PREBUILD) problems.push(`loaded ${r.binary}`);
      if (!r.isNative) problems.push("not native");
      for (const d of ["sha1", "sha256", "sha512"]) if (r.backend[d].backend !== "native") problems.push(`${d}: ${r.backend[d].backend}`);
      problems.push(...r.vectors.failures);
      if (!r.register) problems.push("register did not patch node:crypto");
      console.log(`${problems.length ? "[FAIL]" : "[ok]"} ${r.module} ${r.binary} cpuPath=${r.backend.sha256.cpuPath} (${r.cpuPaths.join(", ")}); ${r.vectors.checked} vectors`);
      for (const p of problems) console.log(`    ${p}`);
      process.exit(problems.length ? 1 : 0);'; then :; else status=1; fi
  done
done
if [[ $status == 0 ]]; then
  echo "ALL OK"
  [[ -n ${KEEP:-} ]] || rm -rf "$WORK"
else
  echo "FAILURES (kept $WORK)"
fi
exit $status
