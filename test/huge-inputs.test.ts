// Huge keys and exhausted resources (issue 10): a multi-megabyte async key takes time in proportion
// to its length and leaves room for other calls; out of memory and out of threads are errors for
// the caller, never an abort of the process.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { fast, packageRoot } from './load';

function timed(pbkdf2: typeof crypto.pbkdf2, keylen: number): Promise<{ ms: number; key: Buffer }> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    pbkdf2('pw', 'salt', 2, keylen, 'sha1', (err, key) => (err ? reject(err) : resolve({ ms: performance.now() - started, key }))),
  );
}

describe('a huge async key', () => {
  it('takes time linear in its length and does not hold up a small call', async () => {
    const keylen = 8 << 20; // before the fix: ~10 s (quadratic), while node takes ~0.2 s
    const node = await timed(crypto.pbkdf2, keylen);
    const big = timed(fast.pbkdf2, keylen);
    await new Promise((resolve) => setTimeout(resolve, 50)); // both threads are on the big one
    const small = await timed(fast.pbkdf2, 32);
    const ours = await big;
    expect(ours.key.equals(node.key)).toBe(true);
    expect(small.key.equals(crypto.pbkdf2Sync('pw', 'salt', 2, 32, 'sha1'))).toBe(true);
    expect(small.ms).toBeLessThan(1000);
    expect(ours.ms).toBeLessThan(Math.max(3000, 10 * node.ms));
  });
});

// Runs a script under `ulimit -v` (kB): the virtual size a fresh node with the addon and a pool
// reaches, plus `headroomMiB`. A 2 GiB key or 1024 thread stacks (8 MiB each) cannot fit in 1 GiB.
function underMemoryLimit(code: string, headroomMiB: number, env: Record<string, string> = {}) {
  const probe = spawnSync(
    process.execPath,
    ['-e', `require('./').createPool({ threads: 2 }).pbkdf2('pw', 'salt', 1, 32, 'sha1').then(() =>
      console.log(/VmPeak:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]))`],
    { cwd: packageRoot, encoding: 'utf8' },
  );
  const limitKiB = Number(probe.stdout.trim()) + headroomMiB * 1024;
  expect(limitKiB, probe.stderr).toBeGreaterThan(headroomMiB * 1024);
  const r = spawnSync('bash', ['-c', `ulimit -v ${limitKiB} && exec "$0" -e "$1"`, process.execPath, code], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

describe.runIf(process.platform === 'linux')('exhausted resources', () => {
  it('a key that cannot be allocated is an error for that call; the process goes on', () => {
    const r = underMemoryLimit(
      `const f = require('./');
       const out = [];
       f.pbkdf2('pw', 'salt', 1, 2 ** 31 - 1, 'sha1', (err, key) => {
         out.push(err.code + ': ' + err.message, String(key));
         f.createPool({ threads: 1 }).pbkdf2('pw', 'salt', 1, 2 ** 31 - 1, 'sha256').catch((e) => {
           out.push('pool ' + e.code);
           try { f.pbkdf2Sync('pw', 'salt', 1, 2 ** 31 - 1, 'sha512'); } catch (e) { out.push(e.name + ': ' + e.message); }
           f.pbkdf2('pw', 'salt', 1, 20, 'sha1', (err, key) => { out.push(key.toString('hex')); console.log(out.join('\\n')); process.exit(0); });
         });
       });`,
      1024,
    );
    expect(r.stderr).not.toMatch(/terminate|Aborted|FATAL/);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'ERR_MEMORY_ALLOCATION_FAILED: Failed to allocate memory',
      'undefined',
      'pool ERR_MEMORY_ALLOCATION_FAILED',
      'RangeError: Array buffer allocation failed', // what node throws for any Buffer it cannot allocate
      crypto.pbkdf2Sync('pw', 'salt', 1, 20, 'sha1').toString('hex'),
    ]);
  });

  it('createPool throws when its threads cannot start; the default pool starts fewer', () => {
    const r = underMemoryLimit(
      `const f = require('./');
       try { f.createPool({ threads: 1024 }); } catch (e) { console.log(e.code, e.message); }
       f.createPool({ threads: 2 }).pbkdf2('pw', 'salt', 1, 20, 'sha1').then((key) => {
         console.log(key.length);
         f.pbkdf2('pw', 'salt', 1, 20, 'sha1', (err, key) => {
           const { threads } = f.defaultPoolStats();
           console.log(key.length, threads >= 1 && threads < 1024);
           process.exit(0);
         });
       });`,
      1024,
      { FASTPBKDF2_THREADS: '1024' },
    );
    expect(r.stderr).not.toMatch(/terminate|Aborted|FATAL/);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ERR_FASTPBKDF2_THREAD_START fastpbkdf2: could not start 1024 hashing threads: /),
      '20',
      '20 true',
    ]);
  });
});
