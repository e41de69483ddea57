// fastpbkdf2 vs node:crypto (and npm peers) at the iteration counts real systems use, measured
// side by side in one process. Prints medians and ratios; on a shared machine trust the ratios.
// Then the aggregate of 64 concurrent async calls per digest, and each CPU path without SHA-NI
// against node with SHA-NI hidden from its OpenSSL (a child process, OPENSSL_ia32cap).
// --release measures the binary npm installs (built first for this platform, with Zig, as `npm run
// prebuild:all` builds the release) instead of the local node-gyp build.
//   node bench/pbkdf2.bench.mjs [--quick] [--release] [--no-peers] [--no-concurrent] [--no-hidden-shani]
import * as crypto from 'node:crypto';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Bench } from 'tinybench';

const require = createRequire(import.meta.url);
const fast = require('../dist/index.js');
const fastPromises = require('../dist/promises.js');

/** Builds this platform's release binary into prebuilds/ (tools/prebuild-all.mjs) and returns its path. */
async function releaseBinary() {
  const { spawnSync } = await import('node:child_process');
  const { hostTarget } = await import('../tools/release-targets.mjs');
  const target = hostTarget();
  const tool = fileURLToPath(new URL('../tools/prebuild-all.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [tool, target.name], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`building the release binary for ${target.name} failed`);
  return fileURLToPath(new URL(`../${target.file}`, import.meta.url));
}
const release = process.argv.includes('--release');
if (release) fast.setNativePath(await releaseBinary());

const quick = process.argv.includes('--quick');
const peers = !process.argv.includes('--no-peers');
const samples = quick ? 3 : 7;
const scale = quick ? 0.1 : 1;

// Django 4.2's default for sha256; OWASP 2023 for sha1 and sha512.
const workloads = [
  { digest: 'sha256', iterations: 600_000, why: 'Django 4.2' },
  { digest: 'sha1', iterations: 1_300_000, why: 'OWASP' },
  { digest: 'sha512', iterations: 210_000, why: 'OWASP' },
].map((w) => ({ ...w, iterations: Math.round(w.iterations * scale), keylen: crypto.createHash(w.digest).digest().length }));

const nodeAsync = promisify(crypto.pbkdf2);
const password = 'correct horse battery staple';
const salt = crypto.randomBytes(16);
const autoPath = fast.cpuPath();

async function peerTasks({ digest, iterations, keylen }) {
  if (!peers) return [];
  const tasks = [];
  const noble = await import('@noble/hashes/pbkdf2.js');
  const nobleHashes = { sha1: (await import('@noble/hashes/legacy.js')).sha1, ...(await import('@noble/hashes/sha2.js')) };
  tasks.push(['@noble/hashes pbkdf2', () => noble.pbkdf2(nobleHashes[digest], password, salt, { c: iterations, dkLen: keylen })]);
  const wasm = await import('hash-wasm');
  const factory = { sha1: wasm.createSHA1, sha256: wasm.createSHA256, sha512: wasm.createSHA512 }[digest];
  tasks.push([
    'hash-wasm pbkdf2',
    () => wasm.pbkdf2({ password, salt, iterations, hashLength: keylen, hashFunction: factory(), outputType: 'binary' }),
  ]);
  return tasks;
}

function withPath(path, fn) {
  return async () => {
    fast.setCpuPath(path);
    try {
      await fn();
    } finally {
      fast.setCpuPath(autoPath);
    }
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

// Rounds that take each contender in turn, so a noisy neighbour hits all of them alike; medians.
async function interleaved(rounds, contenders) {
  const times = contenders.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, [, fn]] of contenders.entries()) {
      const t0 = performance.now();
      await fn();
      times[i].push(performance.now() - t0);
    }
  }
  return times.map(median);
}

// The SHA-NI-less paths against node with SHA-NI hidden: run in a child whose OpenSSL saw the mask.
if (process.argv.includes('--hidden-shani-child')) {
  const rows = [];
  const paths = fast.cpuPaths().filter((p) => !p.includes('shani'));
  for (const { digest, iterations, keylen } of workloads) {
    const contenders = [['node:crypto (SHA-NI hidden)', () => crypto.pbkdf2Sync(password, salt, iterations, keylen, digest)]];
    for (const p of paths) contenders.push([p, withPath(p, () => fast.pbkdf2Sync(password, salt, iterations, keylen, digest))]);
    const ms = await interleaved(samples, contenders);
    for (const [i, [name]] of contenders.entries()) {
      rows.push({
        digest: `${digest} c=${iterations.toLocaleString('en-US')}`,
        implementation: i === 0 ? name : `fastpbkdf2 pbkdf2Sync (${name})`,
        'median ms': ms[i].toFixed(1),
        'M iter/s': (iterations / ms[i] / 1000).toFixed(2),
        'vs node': `${(ms[0] / ms[i]).toFixed(2)}x`,
      });
    }
  }
  console.log(`\nCPUs without SHA-NI, simulated: node's OpenSSL with SHA-NI hidden (OPENSSL_ia32cap=${process.env.OPENSSL_ia32cap}) ` +
    `against the paths that do not use it; ${samples} interleaved rounds, medians`);
  console.table(rows);
  process.exit(0);
}

const rows = [];
for (const w of workloads) {
  const { digest, iterations, keylen } = w;
  const expected = crypto.pbkdf2Sync(password, salt, iterations, keylen, digest);
  if (!fast.pbkdf2Sync(password, salt, iterations, keylen, digest).equals(expected)) throw new Error(`${digest}: mismatch`);

  const tasks = [
    ['node:crypto pbkdf2Sync', () => crypto.pbkdf2Sync(password, salt, iterations, keylen, digest), 'sync'],
    [`fastpbkdf2 pbkdf2Sync (${autoPath})`, () => fast.pbkdf2Sync(password, salt, iterations, keylen, digest), 'sync'],
  ];
  if (autoPath !== 'portable') {
    tasks.push([
      'fastpbkdf2 pbkdf2Sync (portable)',
      withPath('portable', () => fast.pbkdf2Sync(password, salt, iterations, keylen, digest)),
      'sync',
    ]);
  }
  tasks.push(['node:crypto pbkdf2 (async)', () => nodeAsync(password, salt, iterations, keylen, digest), 'async']);
  tasks.push([`fastpbkdf2 pbkdf2 (async, ${autoPath})`, () => fastPromises.pbkdf2(password, salt, iterations, keylen, digest), 'async']);
  for (const [name, fn] of await peerTasks(w)) tasks.push([name, fn, 'sync']);

  const bench = new Bench({ time: 0, iterations: samples, warmupIterations: 1, warmupTime: 0, throws: true });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();

  const p50 = (name) => bench.getTask(name).result.latency.p50;
  const baseline = { sync: p50('node:crypto pbkdf2Sync'), async: p50('node:crypto pbkdf2 (async)') };
  for (const [name, , kind] of tasks) {
    const ms = p50(name);
    rows.push({
      digest: `${digest} c=${iterations.toLocaleString('en-US')}`,
      implementation: name,
      'median ms': ms.toFixed(1),
      'M iter/s': (iterations / ms / 1000).toFixed(2),
      'vs node': `${(baseline[kind] / ms).toFixed(2)}x`,
    });
  }
}

console.log(`fastpbkdf2 bench — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0].model}, ${os.cpus().length} cores,`);
const binary = fast.nativePath();
console.log(binary ? `binary: ${binary} (${release ? 'the release build, as npm installs it' : 'this machine\'s build'})` : 'binary: none, the addon did not load: every fastpbkdf2 row is node:crypto');
console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, CPU paths here: ${fast.cpuPaths().join(', ')}; ` +
  `${samples} samples per row, median latency; "vs node" = node:crypto median / this median (sync vs sync, async vs async)`);
console.table(rows);

// Many calls at once: 64 concurrent async calls per digest, aggregate iterations/s, at the same
// iteration counts as above (a round takes node 3-9 s). At a tenth of them (what --quick gives) the
// start and end of a burst weigh ten times more than in real use: SHA-512 came out 4.6-5.1x there
// against 5.2-5.4x at 210,000 (docs/performance.md).
if (!process.argv.includes('--no-concurrent')) {
  const calls = 64;
  const concurrentRows = [];
  for (const { digest, iterations, keylen } of workloads) {
    const passwords = Array.from({ length: calls }, (_, i) => `user-${i}-password`);
    const [nodeMs, fastMs] = await interleaved(quick ? 2 : 3, [
      ['node', () => Promise.all(passwords.map((p) => nodeAsync(p, salt, iterations, keylen, digest)))],
      ['fast', () => Promise.all(passwords.map((p) => fastPromises.pbkdf2(p, salt, iterations, keylen, digest)))],
    ]);
    const rate = (ms) => ((calls * iterations) / ms / 1000).toFixed(2);
    concurrentRows.push({
      digest: `${digest} c=${iterations.toLocaleString('en-US')}`,
      'node:crypto M iter/s': rate(nodeMs),
      'fastpbkdf2 M iter/s': rate(fastMs),
      'vs node': `${(nodeMs / fastMs).toFixed(2)}x`,
    });
  }
  console.log(`\n${calls} concurrent async calls per digest, aggregate (node: UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}; ` +
    `fastpbkdf2: ${fast.defaultPoolStats().threads} threads, path ${autoPath}); interleaved rounds, medians`);
  console.table(concurrentRows);
}

if (process.arch === 'x64' && !process.argv.includes('--no-hidden-shani') && fast.cpuPaths().some((p) => p !== 'portable' && !p.includes('shani'))) {
  const { spawnSync } = await import('node:child_process');
  const args = [new URL(import.meta.url).pathname, '--hidden-shani-child', ...(quick ? ['--quick'] : [])];
  // Masks CPUID.7:EBX bit 29 (SHA) in OpenSSL's view of the CPU; an empty value would hide everything.
  const env = { ...process.env, OPENSSL_ia32cap: ':~0x20000000', ...(binary ? { FASTPBKDF2_NATIVE_PATH: binary } : {}) };
  spawnSync(process.execPath, args, { stdio: 'inherit', env });
}
