// Hashing thread pools: fastpbkdf2's own threads (not libuv's, which fs, dns and zlib share), with
// optional bounds on waiting work (calls, or estimated milliseconds) so that an overloaded login
// endpoint fails fast instead of queueing forever, and calls that can be aborted. Concurrent calls
// of one digest are paired into two-lane loops natively.
import type * as crypto from 'node:crypto';

import { os } from './builtins';
import { type NativeCall, nativeCall, nodePbkdf2 } from './dispatch';
import { readEnv } from './env';
import { nativeAddon, type NativePool, Submitted } from './native';
import { abortError, callbackOrPromise, callSignal, type Pbkdf2Args, type Pbkdf2Callback, type RemoteCallOptions } from './call-options';

export interface PoolOptions {
  /** Hashing threads; default: the number of CPUs (os.availableParallelism()). */
  threads?: number;
  /** Most calls that may wait for a thread; beyond it calls fail with ERR_FASTPBKDF2_OVERLOADED. Default: no bound. */
  maxQueue?: number;
  /**
   * Longest estimated wait (ms) before a call starts: a call that would wait longer fails at once with
   * ERR_FASTPBKDF2_OVERLOADED and `retryAfterMs`. Estimated from the work the pool holds and its
   * measured hashing rate. Default: no bound. Not applied without the native addon.
   */
  maxWaitMs?: number;
  /**
   * The hashing threads' priority, so that the event loop answers health checks and refusals without
   * waiting behind a hash when every core hashes. 'below-normal' (Linux: nice +5 on each hashing
   * thread; Windows: below normal): the event loop runs first, and next to other busy processes
   * hashing still gets a share (about a quarter of a core against one at normal priority). 'low'
   * (Linux SCHED_IDLE, Windows lowest): only CPU time no other thread wants, so on a shared machine
   * other work comes first. Not available on macOS: `stats().priority` says what the threads got.
   * Default 'normal'.
   */
  priority?: PoolPriority;
}

/**
 * Options of one pool.pbkdf2 call: `signal` aborts it (a queued call is dropped at once, a running
 * one at its next step, a few ms); it fails with node's AbortError. The same as the remote pool's.
 */
export type CallOptions = RemoteCallOptions;

export interface PoolStats {
  threads: number;
  /** Calls waiting for a thread. */
  queued: number;
  /** Calls being hashed. */
  running: number;
  completed: number;
  /** Calls that will not complete: refused (maxQueue, maxWaitMs) or aborted; `rejectedBy` splits them. */
  rejected: number;
  rejectedBy: { queue: number; wait: number; aborted: number };
  /** Hashing steps that ran two calls' chains side by side in a two-lane loop. */
  pairedSteps: number;
  /** How long a call submitted now would wait before it starts, estimated (ms). */
  estimatedWaitMs: number;
  /** The whole pool's measured hashing rate per digest (iterations per second; 0: not measured yet). */
  iterationsPerSecond: { sha1: number; sha256: number; sha512: number };
  /** The hashing threads' priority: the one asked for when every thread got it, else 'normal'. */
  priority: PoolPriority;
}

type Callback = Pbkdf2Callback;

export type PoolPriority = 'normal' | 'below-normal' | 'low';
const PRIORITY_LEVELS: Record<PoolPriority, number> = { normal: 0, 'below-normal': 1, low: 2 }; // native/thread_priority.h

/** The error of a call refused because the pool's queue is full or its wait would exceed maxWaitMs. */
export class PoolOverloadedError extends Error {
  readonly code = 'ERR_FASTPBKDF2_OVERLOADED';
  /** Which bound refused the call. */
  readonly reason: 'queue' | 'wait';
  /** maxWaitMs refusals: when the estimated wait should be back within the budget (ms). */
  readonly retryAfterMs?: number;
  constructor(maxQueue: number, wait?: { maxWaitMs: number; estimatedWaitMs: number }) {
    super(
      wait
        ? `fastpbkdf2: estimated wait ${Math.round(wait.estimatedWaitMs)} ms is over maxWaitMs ${wait.maxWaitMs}; try again later`
        : `fastpbkdf2: hashing queue is full (maxQueue ${maxQueue}); try again later`,
    );
    this.name = 'PoolOverloadedError';
    this.reason = wait ? 'wait' : 'queue';
    if (wait) this.retryAfterMs = Math.max(1, Math.ceil(wait.estimatedWaitMs - wait.maxWaitMs));
  }
}

/** node's error for memory its C++ layer could not allocate (here: a call's copies or its key). */
function allocationFailed(): Error {
  return Object.assign(new Error('Failed to allocate memory'), { code: 'ERR_MEMORY_ALLOCATION_FAILED' });
}

function checkOptions(options: PoolOptions): { threads: number; maxQueue: number; maxWaitMs: number; priority: PoolPriority } {
  const threads = options.threads ?? (os.availableParallelism?.() ?? os.cpus().length);
  const maxQueue = options.maxQueue ?? Infinity;
  const maxWaitMs = options.maxWaitMs ?? Infinity;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new RangeError(`fastpbkdf2: threads must be an integer from 1 to 1024, got ${threads}`);
  }
  if (!(maxQueue === Infinity || (Number.isInteger(maxQueue) && maxQueue >= 0))) {
    throw new RangeError(`fastpbkdf2: maxQueue must be a non-negative integer or Infinity, got ${maxQueue}`);
  }
  if (!(typeof maxWaitMs === 'number' && maxWaitMs >= 0)) {
    throw new RangeError(`fastpbkdf2: maxWaitMs must be a non-negative number or Infinity, got ${maxWaitMs}`);
  }
  const priority = options.priority ?? 'normal';
  if (!Object.hasOwn(PRIORITY_LEVELS, priority)) {
    throw new TypeError(`fastpbkdf2: priority must be 'normal', 'below-normal' or 'low', got ${String(priority)}`);
  }
  return { threads, maxQueue, maxWaitMs, priority };
}

/**
 * A pool of hashing threads: pbkdf2 (promise or callback), stats(), close(). An interface rather
 * than the class, whose private fields would put `#private` in the declarations, which TypeScript
 * rejects for users targeting ES5.
 */
export interface HashPool {
  /** crypto.pbkdf2 on this pool, returning a Promise. Rejects at once when the pool is overloaded. */
  pbkdf2(
    password: crypto.BinaryLike,
    salt: crypto.BinaryLike,
    iterations: number,
    keylen: number,
    digest: string,
    options?: CallOptions,
  ): Promise<Buffer>;
  /** crypto.pbkdf2 on this pool with a callback; an overload or abort error is passed to it (asynchronously). */
  pbkdf2(
    password: crypto.BinaryLike,
    salt: crypto.BinaryLike,
    iterations: number,
    keylen: number,
    digest: string,
    callback: Callback,
  ): void;
  pbkdf2(
    password: crypto.BinaryLike,
    salt: crypto.BinaryLike,
    iterations: number,
    keylen: number,
    digest: string,
    options: CallOptions,
    callback: Callback,
  ): void;
  stats(): PoolStats;
  /** Refuses new calls; calls already accepted complete; the threads then exit. */
  close(): void;
}

class Pool implements HashPool {
  readonly #native: NativePool | undefined;
  readonly #maxQueue: number;
  readonly #maxWaitMs: number;
  readonly #threads: number;
  readonly #priority: PoolPriority;
  #lastId = 0;
  // Calls aborted before they reached the native pool, and every call when there is no addon
  // (node:crypto serves them and they are counted here).
  #aborted = 0;
  #fallback = { pending: 0, completed: 0, rejected: 0 };
  #closed = false;

  /** Throws ERR_FASTPBKDF2_THREAD_START when fewer than minThreads threads (default: all) can start. */
  constructor(options: PoolOptions, minThreads?: number) {
    const { threads, maxQueue, maxWaitMs, priority } = checkOptions(options);
    this.#maxQueue = maxQueue;
    this.#maxWaitMs = maxWaitMs;
    this.#threads = threads;
    this.#priority = priority;
    const bound = maxQueue === Infinity ? Number.MAX_SAFE_INTEGER : maxQueue;
    const addon = nativeAddon();
    this.#native = addon ? new addon.Pool(threads, bound, minThreads ?? threads, maxWaitMs, PRIORITY_LEVELS[priority]) : undefined;
  }

  /** Typed as HashPool's overloads (promise, callback, options with either). */
  readonly pbkdf2 = ((...[password, salt, iterations, keylen, digest, optionsOrCallback, callback]: Pbkdf2Args) =>
    callbackOrPromise(optionsOrCallback, callback, (options, done) =>
      this.#pbkdf2(password, salt, iterations, keylen, digest, options, done),
    )) as HashPool['pbkdf2'];

  #pbkdf2(
    password: crypto.BinaryLike,
    salt: crypto.BinaryLike,
    iterations: number,
    keylen: number,
    digest: string,
    options: CallOptions | undefined,
    callback: Callback,
  ): undefined {
    if (this.#closed) throw new Error('fastpbkdf2: pool is closed');
    const signal = callSignal(options);
    const call = nativeCall(password, salt, iterations, keylen, digest);
    if (call && this.#native) {
      if (signal?.aborted) {
        this.#aborted++;
        process.nextTick(callback, abortError(signal));
      } else {
        this.submitNative(call, callback, signal);
      }
      return undefined;
    }
    // node:crypto serves it (another digest, no addon, or bad arguments, which throw here as in node).
    if (this.#native === undefined && !signal?.aborted && this.#fallback.pending - this.#threads >= this.#maxQueue) {
      this.#fallback.rejected++;
      process.nextTick(callback, new PoolOverloadedError(this.#maxQueue));
      return undefined;
    }
    let finish: Callback | undefined;
    nodePbkdf2(password, salt, iterations, keylen, digest, (err, key) => {
      this.#fallback.pending--;
      this.#fallback.completed++;
      finish!(err, key);
    });
    finish = this.#abortable(callback, signal); // after node has thrown its argument errors, if any
    this.#fallback.pending++;
    return undefined;
  }

  // For node:crypto's calls, which cannot be stopped: the callback gets the AbortError at once and
  // never the key (node still computes it).
  #abortable(callback: Callback, signal: AbortSignal | undefined): Callback {
    if (!signal) return callback;
    let settled = false;
    const onAbort = () => {
      settled = true;
      this.#aborted++;
      process.nextTick(callback, abortError(signal));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return (err, key) => {
      signal.removeEventListener('abort', onAbort);
      if (!settled) callback(err, key);
    };
  }

  /** Runs a call already checked by nativeCall() (used by the drop-in pbkdf2 too). */
  submitNative(call: NativeCall, callback: Callback, signal?: AbortSignal): void {
    const native = this.#native!;
    const id = ++this.#lastId;
    let onAbort: (() => void) | undefined;
    const submitted = native.submit(call.password, call.salt, call.iterations, call.keylen, call.digest, id, (err, key) => {
      if (onAbort) signal!.removeEventListener('abort', onAbort);
      callback(err, key as Parameters<Callback>[1]);
    });
    switch (submitted) {
      case Submitted.Accepted:
        if (signal) {
          onAbort = () => {
            if (native.cancel(id)) process.nextTick(callback, abortError(signal));
          };
          signal.addEventListener('abort', onAbort, { once: true });
        }
        return;
      case Submitted.QueueFull:
        process.nextTick(callback, new PoolOverloadedError(this.#maxQueue));
        return;
      case Submitted.WaitTooLong: {
        const { estimatedWaitMs } = native.stats();
        process.nextTick(callback, new PoolOverloadedError(this.#maxQueue, { maxWaitMs: this.#maxWaitMs, estimatedWaitMs }));
        return;
      }
      default:
        process.nextTick(callback, allocationFailed());
    }
  }

  stats(): PoolStats {
    const fallback = this.#fallback;
    const running = Math.min(fallback.pending, this.#threads);
    const s = this.#native?.stats() ?? {
      threads: this.#threads,
      queued: fallback.pending - running,
      running,
      completed: fallback.completed,
      rejectedQueue: fallback.rejected,
      rejectedWait: 0,
      aborted: 0,
      pairedSteps: 0,
      estimatedWaitMs: 0,
      iterationsPerSecond: { sha1: 0, sha256: 0, sha512: 0 },
      loweredThreads: 0,
    };
    const rejectedBy = { queue: s.rejectedQueue, wait: s.rejectedWait, aborted: s.aborted + this.#aborted };
    return {
      threads: s.threads,
      queued: s.queued,
      running: s.running,
      completed: s.completed,
      rejected: rejectedBy.queue + rejectedBy.wait + rejectedBy.aborted,
      rejectedBy,
      pairedSteps: s.pairedSteps,
      estimatedWaitMs: s.estimatedWaitMs,
      iterationsPerSecond: s.iterationsPerSecond,
      priority: s.threads > 0 && s.loweredThreads === s.threads ? this.#priority : 'normal',
    };
  }

  /** Refuses new calls; calls already accepted complete; the threads then exit. */
  close(): void {
    this.#closed = true;
    this.#native?.close();
  }
}

/** A pool of hashing threads with its own size and queue bound. */
export function createPool(options: PoolOptions = {}): HashPool {
  return new Pool(options);
}

let sharedPool: Pool | undefined;
let sharedOptions: PoolOptions = {};

/**
 * @internal The pool behind the drop-in pbkdf2 (no queue bound, like node); created on first use, with fewer
 * threads if the system cannot start them all. Throws if it cannot start even one (the next call
 * tries again).
 */
export function defaultPool(): Pool {
  sharedPool ??= new Pool({ threads: envThreads(), ...sharedOptions, maxQueue: Infinity }, 1);
  return sharedPool;
}

function envThreads(): number | undefined {
  const value = readEnv('FASTPBKDF2_THREADS');
  return value === undefined || value === '' ? undefined : Number(value);
}

/** Sets the drop-in pbkdf2's thread count; only before its first async call. */
export function configureDefaultPool(options: Pick<PoolOptions, 'threads'>): void {
  if (sharedPool) throw new Error('fastpbkdf2: the default pool is already running; configure it before the first call');
  checkOptions(options);
  sharedOptions = { threads: options.threads };
}

/** Counters of the drop-in pbkdf2's pool. */
export function defaultPoolStats(): PoolStats {
  return defaultPool().stats();
}
