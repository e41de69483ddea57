// Aggregate hashes per second with 1..64 concurrent async calls: node:crypto's pbkdf2 (libuv pool,
// 4 threads by default) against fastpbkdf2 (its own threads, same-digest calls paired into two-lane
// loops). Side by side in one process; ratios are what to trust on a shared machine.
//   node bench/concurrency.bench.mjs [--quick] [--digest sha256]
import * as crypto from 'node:crypto';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { promisify } from 'node:util';

import { Bench } from 'tinybench';

const require = createRequire(import.meta.url);
const fast = require('../dist/index.js');
const fastPromises = require('../dist/promises.js');

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const digest = argv.includes('--digest') ? argv[argv.indexOf('--digest') + 1] : 'sha256';
const iterations = { sha256: 600_000, sha1: 1_300_000, sha512: 210_000 }[digest] * (quick ? 0.1 : 1);
const keylen = crypto.createHash(digest).digest().length;
const levels = quick ? [1, 2, 4, 16] : [1, 2, 4, 16, 64];
const nodeAsync = promisify(crypto.pbkdf2);

const rows = [];
for (const n of levels) {
  const passwords = Array.from({ length: n }, (_, i) => `user-${i}-password`);
  const salt = crypto.randomBytes(16);
  const bench = new Bench({ time: 0, iterations: quick ? 2 : 3, warmupIterations: 1, warmupTime: 0, throws: true });
  bench.add('node:crypto', () => Promise.all(passwords.map((p) => nodeAsync(p, salt, iterations, keylen, digest))));
  bench.add('fastpbkdf2', () => Promise.all(passwords.map((p) => fastPromises.pbkdf2(p, salt, iterations, keylen, digest))));
  await bench.run();
  const rate = (name) => n / (bench.getTask(name).result.latency.p50 / 1000);
  rows.push({
    concurrent: n,
    'node:crypto hashes/s': rate('node:crypto').toFixed(1),
    'fastpbkdf2 hashes/s': rate('fastpbkdf2').toFixed(1),
    ratio: `${(rate('fastpbkdf2') / rate('node:crypto')).toFixed(2)}x`,
  });
}

console.log(`${digest} c=${iterations.toLocaleString('en-US')}, concurrent async calls — ${os.cpus()[0].model}, ${os.cpus().length} cores, ` +
  `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}, fastpbkdf2 threads=${fast.defaultPoolStats().threads}, path ${fast.cpuPath()}`);
console.table(rows);
