// The seven release binaries: each target's Zig triple, its file under prebuilds/ (where
// node-gyp-build looks for it) and its CPU baseline. Built by tools/prebuild-all.mjs, checked by
// tools/test-platforms.mjs, measured by the benches' --release runs.
const x64 = ['-mcpu=x86_64', '-mevex512']; // zig's clang 19 needs evex512 to emit the AVX-512 loops on zmm
export const targets = {
  'linux-x64-glibc': { zig: 'x86_64-linux-gnu.2.17', out: 'linux-x64/fastpbkdf2.napi.glibc.node', cflags: x64 },
  'linux-x64-musl': { zig: 'x86_64-linux-musl', out: 'linux-x64/fastpbkdf2.napi.musl.node', cflags: x64 },
  'linux-arm64-glibc': { zig: 'aarch64-linux-gnu.2.17', out: 'linux-arm64/fastpbkdf2.napi.glibc.node', cflags: ['-mcpu=generic'] },
  'linux-arm64-musl': { zig: 'aarch64-linux-musl', out: 'linux-arm64/fastpbkdf2.napi.musl.node', cflags: ['-mcpu=generic'] },
  'darwin-x64': { zig: 'x86_64-macos.10.15', out: 'darwin-x64/fastpbkdf2.napi.node', cflags: x64 },
  'darwin-arm64': { zig: 'aarch64-macos.11.0', out: 'darwin-arm64/fastpbkdf2.napi.node', cflags: [] },
  'win32-x64': { zig: 'x86_64-windows-gnu', out: 'win32-x64/fastpbkdf2.napi.node', cflags: x64 },
};

/** The target of the running platform (on Linux by the C library this Node runs on), and its file relative to the repository. */
export function hostTarget() {
  const libc = process.platform !== 'linux' ? '' : process.report.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
  const name = [process.platform, process.arch, libc].filter(Boolean).join('-');
  if (!targets[name]) throw new Error(`no release binary is built for ${name}`);
  return { name, file: `prebuilds/${targets[name].out}` };
}
