// One call, node:crypto vs fastpbkdf2, built for a busy shared machine: many short runs (a tenth
// of the real iteration counts by default) taking node and each fastpbkdf2 path in turn, so load
// from other processes hits all of them alike. Prints per digest the median of the per-round ratios
// and the ratio of the best runs (the quiet moments). With --hidden-shani, node's OpenSSL runs with
// SHA-NI masked (as on CPUs without it) and the paths without SHA-NI are compared to it.
//   node bench/one-chain.bench.mjs [--rounds N] [--scale F] [--hidden-shani] [--paths a,b]
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as os from 'node:os';

const require = createRequire(import.meta.url);
const fast = require('../dist/index.js');

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const rounds = Number(opt('--rounds', 31));
const scale = Number(opt('--scale', 0.1));
const hidden = argv.includes('--hidden-shani');

if (hidden && process.env.OPENSSL_ia32cap === undefined) {
  // OpenSSL reads the mask once at start: run again in a child. It masks CPUID.7:EBX bit 29 (SHA).
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, ...argv], {
    stdio: 'inherit',
    env: { ...process.env, OPENSSL_ia32cap: ':~0x20000000' },
  });
  process.exit(r.status ?? 1);
}

const paths = opt('--paths', null)?.split(',') ??
  (hidden ? fast.cpuPaths().filter((p) => p !== 'portable' && !p.includes('shani')) : [fast.cpuPath()]);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const password = 'correct horse battery staple';
const salt = crypto.randomBytes(16);
const autoPath = fast.cpuPath();

console.log(`${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}; node's OpenSSL ` +
  `${hidden ? `with SHA-NI hidden (OPENSSL_ia32cap=${process.env.OPENSSL_ia32cap})` : 'as is'}; ${rounds} interleaved rounds`);
const rows = [];
for (const [digest, full] of [['sha256', 600_000], ['sha1', 1_300_000], ['sha512', 210_000]]) {
  const iterations = Math.round(full * scale);
  const keylen = crypto.createHash(digest).digest().length;
  const expected = crypto.pbkdf2Sync(password, salt, iterations, keylen, digest);
  const times = { node: [] };
  for (const p of paths) {
    fast.setCpuPath(p);
    if (!fast.pbkdf2Sync(password, salt, iterations, keylen, digest).equals(expected)) throw new Error(`${p} ${digest}: mismatch`);
    times[p] = [];
  }
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    crypto.pbkdf2Sync(password, salt, iterations, keylen, digest);
    times.node.push(performance.now() - t0);
    for (const p of paths) {
      fast.setCpuPath(p);
      t0 = performance.now();
      fast.pbkdf2Sync(password, salt, iterations, keylen, digest);
      times[p].push(performance.now() - t0);
    }
  }
  fast.setCpuPath(autoPath);
  const rate = (ms) => (iterations / ms / 1000).toFixed(2);
  const row = { digest: `${digest} c=${iterations.toLocaleString('en-US')}`, 'node M it/s (best)': rate(Math.min(...times.node)) };
  for (const p of paths) {
    const ratios = times[p].map((ms, i) => times.node[i] / ms);
    row[`${p} M it/s (best)`] = rate(Math.min(...times[p]));
    row[`${p} vs node: median, best`] = `${median(ratios).toFixed(2)}x, ${(Math.min(...times.node) / Math.min(...times[p])).toFixed(2)}x`;
  }
  rows.push(row);
}
console.table(rows);
