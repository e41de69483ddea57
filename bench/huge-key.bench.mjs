// Huge async keys (issue 10): time of a sha1, 2-iteration async key of 1, 4 and 16 MiB, node:crypto
// vs fastpbkdf2 side by side (medians of interleaved runs), the wait of a small call submitted while
// the big one runs, and the peak RSS of a fresh process deriving one 64 MiB async key.
// Usage: node bench/huge-key.bench.mjs [runs]   (after npm run compile)
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { createRequire } from 'node:module';
import * as os from 'node:os';

const require = createRequire(import.meta.url);
const fast = require('../dist/index.js');
const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// The big call's time, and how long a 1000-iteration sha256 call submitted 20 ms into it takes.
function measure(pbkdf2, keylen) {
  return new Promise((resolve) => {
    const started = performance.now();
    let small;
    pbkdf2('pw', 'salt', 2, keylen, 'sha1', () => resolve({ big: performance.now() - started, small }));
    setTimeout(() => {
      const t = performance.now();
      pbkdf2('pw', 'salt', 1000, 32, 'sha256', () => (small = performance.now() - t));
    }, 20);
  });
}

console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} CPUs, node ${process.version}, ${runs} runs`);
console.log('| keylen, sha1, 2 iterations, async | node:crypto | fastpbkdf2 | small call during it: node / fastpbkdf2 |');
console.log('|---|---|---|---|');
for (const mib of [1, 4, 16]) {
  const node = [], ours = [];
  for (let i = 0; i < runs; i++) {
    node.push(await measure(crypto.pbkdf2, mib << 20));
    ours.push(await measure(fast.pbkdf2, mib << 20));
  }
  const ms = (xs, k) => `${median(xs.map((x) => x[k] ?? Infinity)).toFixed(0)} ms`;
  console.log(`| ${mib} MiB | ${ms(node, 'big')} | ${ms(ours, 'big')} | ${ms(node, 'small')} / ${ms(ours, 'small')} |`);
}

// Peak RSS (VmHWM: unlike getrusage's maxRSS, not inherited from this big parent across fork) of a
// fresh process: baseline (addon loaded, one tiny key) and with one 64 MiB key.
function maxRssMiB(impl, keylen) {
  const code = `const c = require('node:crypto'); const f = require('./dist/index.js');
    ${impl}('pw', 'salt', 2, ${keylen}, 'sha1', (e, k) =>
      console.log(/VmHWM:\\s*(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
  return Number(r.stdout.trim()) / 1024;
}
console.log('\n| 64 MiB async key, sha1, 2 iterations | peak RSS | over a 32-byte key |');
console.log('|---|---|---|');
for (const [name, impl] of [['node:crypto', 'c.pbkdf2'], ['fastpbkdf2', 'f.pbkdf2']]) {
  const base = median(Array.from({ length: 3 }, () => maxRssMiB(impl, 32)));
  const big = median(Array.from({ length: 3 }, () => maxRssMiB(impl, 64 << 20)));
  console.log(`| ${name} | ${big.toFixed(0)} MiB | +${(big - base).toFixed(0)} MiB |`);
}
