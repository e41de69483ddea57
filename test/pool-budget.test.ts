// Overload by latency budget (issue 12): createPool({ maxWaitMs }) refuses a call whose estimated
// wait is over the budget, with retryAfterMs; an AbortSignal drops a queued call at once and stops a
// running one at its next step; no hash is completed for an aborted call.
import * as crypto from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';

import { fast } from './load';

type CodedError = Error & { code?: string; reason?: string; retryAfterMs?: number; cause?: unknown };
const LONG = 2 ** 31 - 1; // minutes of hashing: only ever aborted here
const settle = (p: Promise<unknown>) => p.then(() => 'resolved', (e: CodedError) => e);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(5)) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
  }
}

describe('maxWaitMs', () => {
  it('refuses at once a call that would wait longer, with retryAfterMs, from the measured rate', async () => {
    const pool = fast.createPool({ threads: 1, maxWaitMs: 50 });
    const ac = new AbortController();
    setMaxListeners(32, ac.signal); // one signal for the 16 calls below
    try {
      // An idle thread takes a call whatever the budget.
      expect((await pool.pbkdf2('pw', 'salt', 1000, 32, 'sha256')).equals(crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256'))).toBe(true);
      // Calls start while the thread's widest loop has room (up to 16 chains): fill it with minutes
      // of work. Those beyond the room, if any, are refused already.
      const busy = Array.from({ length: 16 }, () => settle(pool.pbkdf2('pw', 'salt', LONG, 32, 'sha256', { signal: ac.signal })));
      await until(() => pool.stats().running > 0);
      const stats = pool.stats();
      expect(stats.iterationsPerSecond.sha256).toBeGreaterThan(0);
      expect(stats.estimatedWaitMs).toBeGreaterThan(10_000);
      const started = performance.now();
      const refused = (await settle(pool.pbkdf2('pw', 'salt', 1000, 32, 'sha256'))) as CodedError;
      expect(performance.now() - started).toBeLessThan(100);
      expect(refused).toMatchObject({ name: 'PoolOverloadedError', code: 'ERR_FASTPBKDF2_OVERLOADED', reason: 'wait' });
      expect(refused.retryAfterMs).toBeGreaterThan(10_000);
      const refusedBusy = pool.stats().rejectedBy.wait - 1;
      expect(pool.stats().rejectedBy).toEqual({ queue: 0, wait: refusedBusy + 1, aborted: 0 });
      ac.abort();
      const outcomes = (await Promise.all(busy)) as CodedError[];
      expect(outcomes.filter((r) => r.code === 'ABORT_ERR')).toHaveLength(16 - refusedBusy);
      expect(outcomes.filter((r) => r.code === 'ERR_FASTPBKDF2_OVERLOADED')).toHaveLength(refusedBusy);
      // The work is gone: the estimate falls and calls are taken again.
      await until(() => pool.stats().running === 0);
      expect(pool.stats().estimatedWaitMs).toBe(0);
      expect((await pool.pbkdf2('pw', 'salt', 10, 20, 'sha1')).length).toBe(20);
    } finally {
      ac.abort();
      pool.close();
    }
  });

  it('is validated', () => {
    expect(() => fast.createPool({ maxWaitMs: -1 })).toThrow(RangeError);
    expect(() => fast.createPool({ maxWaitMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('priority', () => {
  /** Linux: a field of each thread of this process (/proc/self/task/TID/stat; index after the name). */
  const perThread = (index: number) =>
    new Map(fs.readdirSync('/proc/self/task').map((tid) => [tid, Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[index])]));
  const policies = () => perThread(38); // field 41: the scheduling policy
  const niceValues = () => perThread(16); // field 19: nice
  const SCHED_IDLE = 5;
  const SCHED_OTHER = 0;

  /**
   * A two-thread pool at `priority`: stats() reports it as soon as createPool returns (where the
   * system has it), `check` gets the ids of the threads it started (Linux), and its keys are node's.
   */
  async function checkLoweredPool(priority: 'below-normal' | 'low', check: (started: string[]) => void) {
    const before = process.platform === 'linux' ? policies() : new Map();
    const pool = fast.createPool({ threads: 2, priority });
    try {
      expect(pool.stats().priority).toBe(process.platform === 'darwin' || !fast.isNative() ? 'normal' : priority);
      if (process.platform === 'linux' && fast.isNative()) check([...policies().keys()].filter((tid) => !before.has(tid)));
      const digests = ['sha1', 'sha256', 'sha512'];
      const keys = await Promise.all(digests.map((d) => pool.pbkdf2('pw', 'salt', 3000, 100, d)));
      keys.forEach((key, i) => expect(key.equals(crypto.pbkdf2Sync('pw', 'salt', 3000, 100, digests[i]))).toBe(true));
    } finally {
      pool.close();
    }
  }

  it("'low' puts every hashing thread at the system's lowest priority; the bytes are node's", async () => {
    await checkLoweredPool('low', (started) => {
      const policy = policies();
      expect(started.map((tid) => policy.get(tid))).toEqual([SCHED_IDLE, SCHED_IDLE]);
    });
  });

  it("'below-normal' runs every hashing thread at nice +5 (Linux), a normal policy; the bytes are node's", async () => {
    const ownNice = process.platform === 'linux' ? niceValues().get(String(process.pid)) ?? 0 : 0;
    await checkLoweredPool('below-normal', (started) => {
      const policy = policies();
      expect(started.map((tid) => policy.get(tid))).toEqual([SCHED_OTHER, SCHED_OTHER]);
      const nice = niceValues();
      expect(started.map((tid) => nice.get(tid))).toEqual([Math.min(19, ownNice + 5), Math.min(19, ownNice + 5)]);
      expect(nice.get(String(process.pid))).toBe(ownNice); // the event loop's thread keeps its own
    });
  });

  it("is 'normal' unless asked, and validated", () => {
    const pool = fast.createPool({ threads: 1 });
    expect(pool.stats().priority).toBe('normal');
    pool.close();
    expect(fast.defaultPoolStats().priority).toBe('normal');
    expect(() => fast.createPool({ priority: 'high' as 'low' })).toThrow(TypeError);
    expect(() => fast.createPool({ priority: 'LOW' as 'low' })).toThrow(TypeError);
    expect(() => fast.createPool({ priority: '__proto__' as 'low' })).toThrow(TypeError);
    expect(() => fast.createPool({ priority: 1 as unknown as 'low' })).toThrow(TypeError);
  });
});

describe('signal', () => {
  it('drops a queued call at once, with node\'s AbortError and the reason as cause', async () => {
    const pool = fast.createPool({ threads: 1 });
    const running = new AbortController();
    setMaxListeners(32, running.signal); // one signal for the 20 calls below
    try {
      // More calls than one thread's widest loop (16 lanes at most): the last ones queue.
      const first = Array.from({ length: 20 }, () => settle(pool.pbkdf2('pw', 'salt', LONG, 32, 'sha512', { signal: running.signal })));
      const ac = new AbortController();
      const queued = settle(pool.pbkdf2('pw', 'salt', LONG, 32, 'sha512', { signal: ac.signal }));
      await until(() => pool.stats().running > 0);
      // The thread may regroup meanwhile (queued calls start), so count what the pool holds.
      const held = () => {
        const stats = pool.stats(); // one snapshot
        return stats.queued + stats.running;
      };
      expect(pool.stats().queued).toBeGreaterThan(0);
      expect(held()).toBe(21);
      const reason = new Error('client went away');
      ac.abort(reason);
      expect(held()).toBe(20); // removed at once
      const err = (await queued) as CodedError;
      expect(err).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', message: 'The operation was aborted' });
      expect(err.cause).toBe(reason);
      running.abort();
      await Promise.all(first);
      await until(() => pool.stats().running === 0 && pool.stats().queued === 0);
      expect(pool.stats()).toMatchObject({ completed: 0, rejected: 21, rejectedBy: { queue: 0, wait: 0, aborted: 21 } });
    } finally {
      running.abort();
      pool.close();
    }
  });

  it('stops a running call at its next step; the callback form gets the error once', async () => {
    const pool = fast.createPool({ threads: 2 });
    try {
      const ac = new AbortController();
      const calls: unknown[] = [];
      pool.pbkdf2('pw', 'salt', LONG, 64, 'sha256', { signal: ac.signal }, (err) => calls.push(err));
      await until(() => pool.stats().running === 1);
      await sleep(20);
      const started = Date.now();
      ac.abort();
      expect(calls).toEqual([]); // asynchronously, as node does
      await until(() => pool.stats().running === 0, 2000); // the threads have let go of it
      expect(Date.now() - started).toBeLessThan(2000);
      await sleep(20);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ code: 'ABORT_ERR' });
      expect(pool.stats()).toMatchObject({ completed: 0, rejectedBy: { aborted: 1 } });
      // The pool goes on, with the right answers.
      const key = await pool.pbkdf2('pw', 'salt', 3, 64, 'sha256', { signal: new AbortController().signal });
      expect(key.equals(crypto.pbkdf2Sync('pw', 'salt', 3, 64, 'sha256'))).toBe(true);
    } finally {
      pool.close();
    }
  });

  it('an already aborted signal hashes nothing; a signal that never fires changes nothing', async () => {
    const pool = fast.createPool({ threads: 1 });
    try {
      const err = (await settle(pool.pbkdf2('pw', 'salt', LONG, 32, 'sha1', { signal: AbortSignal.abort('gone') }))) as CodedError;
      expect(err).toMatchObject({ code: 'ABORT_ERR', cause: 'gone' });
      expect(pool.stats()).toMatchObject({ running: 0, queued: 0, rejectedBy: { aborted: 1 } });
      // Digests node:crypto serves (sha384) take the signal too.
      const other = (await settle(pool.pbkdf2('pw', 'salt', 1, 48, 'sha384', { signal: AbortSignal.abort() }))) as CodedError;
      expect(other.code).toBe('ABORT_ERR');
      const signal = new AbortController().signal;
      const keys = await Promise.all([1, 2, 3].map((i) => pool.pbkdf2('pw', 'salt', 1000 * i, 20 * i, 'sha1', { signal })));
      keys.forEach((key, i) => expect(key.equals(crypto.pbkdf2Sync('pw', 'salt', 1000 * (i + 1), 20 * (i + 1), 'sha1'))).toBe(true));
    } finally {
      pool.close();
    }
  });

  it('checks its options as node does', () => {
    const pool = fast.createPool({ threads: 1 });
    try {
      expect(() => pool.pbkdf2('pw', 'salt', 1, 32, 'sha256', { signal: {} as AbortSignal }, () => {})).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
      );
      expect(() => pool.pbkdf2('pw', 'salt', 1, 32, 'sha256', null as unknown as object, () => {})).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    } finally {
      pool.close();
    }
  });
});

describe('fastpbkdf2/password with { signal }', () => {
  it('verify and hash stop when aborted, on a given pool or the default one', async () => {
    const { createRequire } = await import('node:module');
    const password = createRequire(import.meta.url)('../dist/password/index.js');
    const stored = await password.hash('secret', { format: 'django', iterations: 1000, signal: new AbortController().signal });
    expect(await password.verify('secret', stored, { signal: new AbortController().signal })).toBe(true);

    const gone = (await settle(password.verify('secret', stored, { signal: AbortSignal.abort('gone') }))) as CodedError;
    expect(gone).toMatchObject({ code: 'ABORT_ERR', cause: 'gone' });

    const pool = fast.createPool({ threads: 1 });
    try {
      const huge = 'pbkdf2_sha256$2147483647$salt$' + Buffer.alloc(32).toString('base64');
      const ac = new AbortController();
      const running = settle(password.verify('secret', huge, { pool, signal: ac.signal, maxIterations: 2 ** 31 - 1 }));
      const hashing = settle(password.hash('secret', { pool, signal: ac.signal, iterations: 2 ** 31 - 1, maxIterations: 2 ** 31 - 1 }));
      await until(() => pool.stats().running === 2);
      ac.abort();
      expect(await running).toMatchObject({ code: 'ABORT_ERR' });
      expect(await hashing).toMatchObject({ code: 'ABORT_ERR' });
      expect(pool.stats()).toMatchObject({ completed: 0, rejectedBy: { aborted: 2 } });
    } finally {
      pool.close();
    }
    await expect(password.verify('secret', stored, { signal: 'soon' })).rejects.toMatchObject({ code: 'ERR_FASTPBKDF2_INVALID_ARGUMENT' });
  });
});
