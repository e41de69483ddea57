// fastpbkdf2's own hashing threads: two-lane pairing stays exact, admission control rejects at once
// with a stable code, counters add up, libuv's pool stays free for fs, and shutdown never hangs.
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { runNode } from './child';
import { fast } from './load';

type Key = Buffer;

describe('createPool', () => {
  it.each(fast.cpuPaths())('pairs concurrent chains exactly on CPU path %s (mixed digests, iterations, key lengths)', async (cpuPath) => {
    const initial = fast.cpuPath()!;
    fast.setCpuPath(cpuPath);
    const pool = fast.createPool({ threads: 1 }); // one thread: every waiting chain gets paired
    try {
      const jobs = Array.from({ length: 40 }, (_, i) => ({
        password: `pw-${i}`,
        salt: `salt-${i % 7}`,
        iterations: 20_000 + ((i * 7919) % 30_000),
        keylen: [1, 20, 32, 33, 64, 100][i % 6],
        digest: ['sha1', 'sha256', 'sha512', 'SHA-256'][i % 4],
      }));
      const keys = await Promise.all(jobs.map((j) => pool.pbkdf2(j.password, j.salt, j.iterations, j.keylen, j.digest)));
      jobs.forEach((j, i) => {
        const expected = crypto.pbkdf2Sync(j.password, j.salt, j.iterations, j.keylen, j.digest);
        expect(keys[i].toString('hex'), `job ${i}`).toBe(expected.toString('hex'));
      });
      const stats = pool.stats();
      expect(stats.completed).toBe(jobs.length);
      expect(stats.pairedSteps).toBeGreaterThan(0);
      expect(stats).toMatchObject({ threads: 1, queued: 0, running: 0, rejected: 0 });
    } finally {
      pool.close();
      fast.setCpuPath(initial);
    }
  });

  it('rejects at once with ERR_FASTPBKDF2_OVERLOADED beyond maxQueue, and counts it', async () => {
    const pool = fast.createPool({ threads: 1, maxQueue: 2 });
    try {
      const calls = 40;
      const outcomes = Array.from({ length: calls }, () => {
        const started = performance.now();
        return pool.pbkdf2('pw', 'salt', 200_000, 32, 'sha256').then(
          () => ({ ok: true, ms: performance.now() - started }),
          (err: Error & { code?: string }) => ({ ok: false, code: err.code, name: err.name, ms: performance.now() - started }),
        );
      });
      const results = await Promise.all(outcomes);
      const rejected = results.filter((r) => !r.ok);
      // No call finishes during the burst, so at most one thread's widest loop (16 chains) runs
      // and two wait: everything else is turned away.
      expect(rejected.length).toBeGreaterThanOrEqual(calls - 16 - 1 - 2);
      for (const r of rejected) {
        expect(r).toMatchObject({ code: 'ERR_FASTPBKDF2_OVERLOADED', name: 'PoolOverloadedError' });
        expect(r.ms).toBeLessThan(50); // fails fast, without waiting for a thread
      }
      const stats = pool.stats();
      expect(stats.rejected).toBe(rejected.length);
      expect(stats.completed).toBe(calls - rejected.length);
    } finally {
      pool.close();
    }
  });

  it('accepts a call for an idle thread even with maxQueue 0', async () => {
    const pool = fast.createPool({ threads: 1, maxQueue: 0 });
    try {
      const key = await pool.pbkdf2('pw', 'salt', 1000, 32, 'sha256');
      expect(key.equals(crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256'))).toBe(true);
      expect(pool.stats()).toMatchObject({ completed: 1, rejected: 0 });
    } finally {
      pool.close();
    }
  });

  it('passes the overload error to a callback asynchronously', async () => {
    const pool = fast.createPool({ threads: 1, maxQueue: 0 });
    try {
      let returned = false;
      const err = await new Promise<Error & { code?: string }>((resolve) => {
        // maxQueue 0: nothing may wait, so with the thread busy the second call is refused
        pool.pbkdf2('pw', 'salt', 200_000, 32, 'sha256', () => {});
        pool.pbkdf2('pw', 'salt', 200_000, 32, 'sha256', (e) => {
          expect(returned).toBe(true);
          resolve(e as Error);
        });
        returned = true;
      }).catch((e) => e);
      expect(err.code).toBe('ERR_FASTPBKDF2_OVERLOADED');
    } finally {
      pool.close();
    }
  });

  it('keeps node:crypto errors and digests', async () => {
    const pool = fast.createPool({ threads: 1, maxQueue: 4 });
    try {
      expect(() => pool.pbkdf2('pw', 'salt', 0, 32, 'sha256', () => {})).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
      expect(() => pool.pbkdf2('pw', 'salt', 1, 32, 'nope', () => {})).toThrow(
        expect.objectContaining({ code: 'ERR_CRYPTO_INVALID_DIGEST' }),
      );
      const key: Key = await pool.pbkdf2('pw', 'salt', 10, 48, 'sha384');
      expect(key.equals(crypto.pbkdf2Sync('pw', 'salt', 10, 48, 'sha384'))).toBe(true);
    } finally {
      pool.close();
    }
  });

  it('validates its options', () => {
    expect(() => fast.createPool({ threads: 0 })).toThrow(RangeError);
    expect(() => fast.createPool({ threads: 1.5 })).toThrow(RangeError);
    expect(() => fast.createPool({ maxQueue: -1 })).toThrow(RangeError);
  });

  it('refuses calls after close, finishing the ones it accepted', async () => {
    const pool = fast.createPool({ threads: 2 });
    const pending = pool.pbkdf2('pw', 'salt', 50_000, 32, 'sha256');
    pool.close();
    expect((await pending).equals(crypto.pbkdf2Sync('pw', 'salt', 50_000, 32, 'sha256'))).toBe(true);
    expect(() => pool.pbkdf2('pw', 'salt', 1, 32, 'sha256', () => {})).toThrow(/closed/);
    expect(pool.stats().completed).toBe(1);
  });
});

describe('the drop-in pbkdf2 runs on its own threads', () => {
  it('leaves libuv\'s pool free: file reads stay fast during a hashing burst', () => {
    // In a fresh process with libuv's default 4 threads: 8 long hashes, then time fs reads.
    const probe = (impl: string) =>
      runNode(`
        const fs = require('node:fs');
        const crypto = require('node:crypto');
        const fast = require('fastpbkdf2');
        const pbkdf2 = ${impl};
        let done = 0;
        const started = Date.now();
        for (let i = 0; i < 8; i++) pbkdf2('pw' + i, 'salt', 1_500_000, 32, 'sha256', () => { done++; });
        setTimeout(() => {
          const t0 = process.hrtime.bigint();
          fs.readFile('package.json', () => {
            const readMs = Number(process.hrtime.bigint() - t0) / 1e6;
            const wait = setInterval(() => { if (done === 8) { clearInterval(wait); console.log(JSON.stringify({ readMs, totalMs: Date.now() - started })); } }, 5);
          });
        }, 20);`);
    const ours = JSON.parse(probe('fast.pbkdf2').stdout);
    const node = JSON.parse(probe('crypto.pbkdf2').stdout);
    expect(ours.readMs).toBeLessThan(Math.max(100, ours.totalMs / 10));
    // node's own pbkdf2 holds all four libuv threads, so the read waits for a hash to finish
    expect(node.readMs).toBeGreaterThan(ours.readMs);
  });

  it('exits promptly when hashing is still running at process.exit and when idle', () => {
    const started = Date.now();
    const r = runNode(`
      const fast = require('fastpbkdf2');
      fast.pbkdf2('pw', 'salt', 2 ** 31 - 1, 32, 'sha512', () => {});
      setTimeout(() => process.exit(0), 50);`);
    expect(r.status, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const idle = runNode(`
      const fast = require('fastpbkdf2');
      fast.pbkdf2('pw', 'salt', 1000, 32, 'sha256', (err, key) => console.log(key.length));`);
    expect(idle.status, idle.stderr).toBe(0);
    expect(idle.stdout).toBe('32');
  });

  it('survives terminating a worker thread mid-hash', () => {
    const r = runNode(`
      const { Worker } = require('node:worker_threads');
      const w = new Worker(\`
        const fast = require('fastpbkdf2');
        fast.pbkdf2('pw', 'salt', 2 ** 31 - 1, 32, 'sha256', () => {});
        require('node:worker_threads').parentPort.postMessage('started');
      \`, { eval: true });
      w.once('message', () => setTimeout(() => w.terminate().then((code) => {
        const fast = require('fastpbkdf2');
        fast.pbkdf2('pw', 'salt', 1000, 16, 'sha1', (err, key) => console.log('main ok', key.length));
      }), 30));`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('main ok 16');
  });

  it('honours FASTPBKDF2_THREADS and configureDefaultPool', () => {
    const r = runNode(`const f = require('fastpbkdf2'); console.log(f.defaultPoolStats().threads)`, {
      env: { FASTPBKDF2_THREADS: '3' },
    });
    expect(r.stdout).toBe('3');
    const c = runNode(`const f = require('fastpbkdf2'); f.configureDefaultPool({ threads: 1 }); console.log(f.defaultPoolStats().threads);
      try { f.configureDefaultPool({ threads: 2 }); } catch (e) { console.log('late'); }`);
    expect(c.stdout).toBe('1\nlate');
  });
});

describe('pools without the addon', () => {
  it('run on node:crypto with the same bound, errors and counters', () => {
    const r = runNode(
      `const crypto = require('node:crypto');
       const f = require('fastpbkdf2');
       const pool = f.createPool({ threads: 1, maxQueue: 1 });
       const calls = Array.from({ length: 5 }, () => pool.pbkdf2('pw', 'salt', 50000, 32, 'sha256').then(
         (k) => k.equals(crypto.pbkdf2Sync('pw', 'salt', 50000, 32, 'sha256')), (e) => e.code));
       Promise.all(calls).then((out) => console.log(JSON.stringify({ native: f.isNative(), out, stats: pool.stats() })));`,
      { env: { FASTPBKDF2_FORCE: 'node' } },
    );
    expect(r.status, r.stderr).toBe(0);
    const { native, out, stats } = JSON.parse(r.stdout);
    expect(native).toBe(false);
    // one runs, one waits, three are refused
    expect(out).toEqual([true, true, 'ERR_FASTPBKDF2_OVERLOADED', 'ERR_FASTPBKDF2_OVERLOADED', 'ERR_FASTPBKDF2_OVERLOADED']);
    expect(stats).toMatchObject({ threads: 1, queued: 0, running: 0, completed: 2, rejected: 3 });
  });
});

describe('password API on a bounded pool', () => {
  it('verify hashes on the given pool and passes its overload error through', async () => {
    const { createRequire } = await import('node:module');
    const password = createRequire(import.meta.url)('../dist/password/index.js');
    const pool = fast.createPool({ threads: 1, maxQueue: 1 });
    try {
      const stored = await password.hash('secret', { format: 'django', iterations: 100_000, pool });
      expect(stored).toMatch(/^pbkdf2_sha256\$100000\$/);
      const calls = 40;
      const results = await Promise.allSettled(Array.from({ length: calls }, () => password.verify('secret', stored, { pool })));
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(ok.every((r) => (r as PromiseFulfilledResult<boolean>).value === true)).toBe(true);
      // at most one thread's widest loop (16 chains) runs and one call waits while the burst lasts
      expect(refused.length).toBeGreaterThanOrEqual(calls - 16 - 1 - 1);
      for (const r of refused) expect(r.reason.code).toBe('ERR_FASTPBKDF2_OVERLOADED');
      expect(pool.stats().completed).toBe(1 + ok.length);
    } finally {
      pool.close();
    }
  });
});
