// The release binary (Zig's clang, prebuilds/: npm run prebuild:all) against the local build
// (node-gyp with the system compiler, build/Release: npm run compile:native), both loaded in this
// process and measured side by side, alternating, on every CPU path both offer:
// - one chain: pbkdf2Sync on the single-chain code (what a lone call runs);
// - pool: 16 calls at once through each binary's own thread pool (2 threads), where the wide
//   multi-lane loops (AVX-512 / AVX2) run.
// Prints medians (ms) and release/local time ratios (< 1: the release binary is faster).
//   node bench/release-vs-local.mjs [--quick] [release.node] [local.node]
import { createRequire } from 'node:module';
import * as os from 'node:os';

const require = createRequire(import.meta.url);
const { nativeDigestId } = require('../dist/digests.js');
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = process.argv.includes('--quick');
const libc = require('node:fs').existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
const files = {
  release: args[0] ?? new URL(`../prebuilds/${process.platform}-${process.arch}/fastpbkdf2.napi${process.platform === 'linux' ? `.${libc}` : ''}.node`, import.meta.url).pathname,
  local: args[1] ?? new URL('../build/Release/fastpbkdf2.node', import.meta.url).pathname,
};
const load = (file) => {
  const module = { exports: {} };
  process.dlopen(module, file);
  return module.exports;
};
const addons = { release: load(files.release), local: load(files.local) };
const rounds = quick ? 3 : 7;
const scale = quick ? 0.1 : 1;
const work = [
  { digest: 'sha1', iterations: 130_000 * scale },
  { digest: 'sha256', iterations: 60_000 * scale },
  { digest: 'sha512', iterations: 21_000 * scale },
].map((w) => ({ ...w, iterations: Math.round(w.iterations) }));
const password = Buffer.from('correct horse battery staple');
const salt = Buffer.from('0123456789abcdef');
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];

function oneChain(addon, { digest, iterations }) {
  const t = process.hrtime.bigint();
  addon.pbkdf2Sync(password, salt, iterations, 32, nativeDigestId(digest));
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function pool(addon, { digest, iterations }, calls = 16) {
  const p = new addon.Pool(2, 1e9);
  const t = process.hrtime.bigint();
  await Promise.all(Array.from({ length: calls }, () => new Promise((done) => {
    p.submit(password, salt, iterations, 32, nativeDigestId(digest), done);
  })));
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  p.close();
  return ms;
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`${cpu}, ${os.cpus().length} CPUs; Node ${process.version}; ${rounds} alternating rounds, medians\n  release ${files.release}\n  local   ${files.local}\n`);
console.log('| CPU path | digest, iterations | one chain: release / local ms | ratio | pool, 16 calls: release / local ms | ratio |');
console.log('|---|---|---|---|---|---|');
const paths = addons.release.backends().filter((p) => addons.local.backends().includes(p));
for (const path of paths) {
  for (const name of ['release', 'local']) addons[name].setBackend(path);
  for (const w of work) {
    const t = { release: { one: [], pool: [] }, local: { one: [], pool: [] } };
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 ? ['local', 'release'] : ['release', 'local']) {
        t[name].one.push(oneChain(addons[name], w));
        t[name].pool.push(await pool(addons[name], w));
      }
    }
    const m = (name, k) => median(t[name][k]);
    const cell = (k) => `${m('release', k).toFixed(1)} / ${m('local', k).toFixed(1)} | ${(m('release', k) / m('local', k)).toFixed(2)}`;
    console.log(`| ${path} | ${w.digest} ${w.iterations} | ${cell('one')} | ${cell('pool')} |`);
  }
}
