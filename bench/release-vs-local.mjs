// The release binary (Zig's clang: prebuilds/, from npm run prebuild:all) against the local build
// (node-gyp with the system compiler: build/Release), through the public API, on every CPU path:
// - one chain: pbkdf2Sync (the single-chain code a lone call runs);
// - pool: 16 pbkdf2 calls at once (the default pool's threads, where the multi-lane loops run).
// Each measurement is a child process loading one binary (a copy of dist/ next to only that binary,
// so node-gyp-build can find nothing else) taking the fastest of a few repeats; release and local
// children alternate, medians of the rounds; ratio = release time / local time (< 1: release faster).
//   node bench/release-vs-local.mjs [--quick] [cpu-path ...]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { hostTarget } from '../tools/release-targets.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const scale = quick ? 0.1 : 1;
const work = [
  { digest: 'sha1', iterations: 130_000 * scale },
  { digest: 'sha256', iterations: 60_000 * scale },
  { digest: 'sha512', iterations: 21_000 * scale },
].map((w) => ({ ...w, iterations: Math.round(w.iterations) }));

if (process.argv[2] === '--child') {
  // In a package directory holding one binary: time the workloads, print JSON.
  const fast = createRequire(join(process.argv[3], 'package.json'))('./dist/index.js');
  const password = 'correct horse battery staple';
  const salt = '0123456789abcdef';
  const out = { cpuPaths: fast.cpuPaths(), cpuPath: fast.cpuPath(), one: {}, pool: {} };
  // The fastest of a few repeats: on a shared machine other processes only ever add time.
  const fastest = async (times, fn) => {
    let best = Infinity;
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      await fn();
      best = Math.min(best, performance.now() - t);
    }
    return best;
  };
  for (const { digest, iterations } of work) {
    out.one[digest] = await fastest(5, () => fast.pbkdf2Sync(password, salt, iterations, 32, digest));
    out.pool[digest] = await fastest(3, () => Promise.all(Array.from({ length: 16 }, () => new Promise((ok, fail) =>
      fast.pbkdf2(password, salt, iterations, 32, digest, (err) => (err ? fail(err) : ok()))))));
  }
  console.log(JSON.stringify(out));
  process.exit(0);
}

const binaries = {
  release: [hostTarget().file],
  local: ['build/Release/fastpbkdf2.node'],
};
const tmp = mkdtempSync(join(os.tmpdir(), 'fastpbkdf2-release-vs-local-'));
const dirs = {};
for (const [name, [file]] of Object.entries(binaries)) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const f of ['package.json', 'dist', file]) cpSync(join(repo, f), join(dir, f), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  dirs[name] = dir;
}
const child = (name, force) => {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dirs[name], ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8', env: { ...process.env, FASTPBKDF2_FORCE: force ?? '' },
  });
  if (r.status !== 0) throw new Error(`${name} ${force}: ${r.stderr}`);
  return JSON.parse(r.stdout);
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const rounds = Number(process.env.ROUNDS) || (quick ? 3 : 7);
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const paths = child('release').cpuPaths.filter((p) => child('local').cpuPaths.includes(p) && (!only.length || only.includes(p)));
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`${cpu}, ${os.cpus().length} CPUs; Node ${process.version}; ${rounds} alternating rounds, medians of per-round bests (ms)`);
console.log(`release: ${binaries.release[0]}   local: ${binaries.local[0]}\n`);
console.log('| CPU path | digest, iterations | one chain: release / local | ratio | pool, 16 calls: release / local | ratio |');
console.log('|---|---|---|---|---|---|');
for (const path of paths) {
  const runs = { release: [], local: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? ['local', 'release'] : ['release', 'local']) runs[name].push(child(name, path));
  }
  for (const { digest, iterations } of work) {
    const m = (name, kind) => median(runs[name].map((x) => x[kind][digest]));
    const cell = (kind) => `${m('release', kind).toFixed(1)} / ${m('local', kind).toFixed(1)} | ${(m('release', kind) / m('local', kind)).toFixed(2)}`;
    console.log(`| ${path} | ${digest} ${iterations} | ${cell('one')} | ${cell('pool')} |`);
  }
}
rmSync(tmp, { recursive: true, force: true });
