// Hashing thread pools: fastpbkdf2's own threads (not libuv's, which fs, dns and zlib share), with
// an optional bound on waiting work so that an overloaded login endpoint fails fast instead of
// queueing forever. Concurrent calls of one digest are paired into two-lane loops natively.
import type * as crypto from 'node:crypto';
import * as os from 'node:os';

import { type NativeCall, nativeCall, nodePbkdf2 } from './dispatch';
import { addon, type NativePool, Submitted } from './native';

export interface PoolOptions {
  /** Hashing threads; default: the number of CPUs (os.availableParallelism()). */
  threads?: number;
  /** Most calls that may wait for a thread; beyond it calls fail with ERR_FASTPBKDF2_OVERLOADED. Default: no bound. */
  maxQueue?: number;
}

export interface PoolStats {
  threads: number;
  /** Calls waiting for a thread. */
  queued: number;
  /** Calls being hashed. */
  running: number;
  completed: number;
  /** Calls refused because `maxQueue` calls were already waiting. */
  rejected: number;
  /** Hashing steps that ran two calls' chains side by side in a two-lane loop. */
  pairedSteps: number;
}

type Callback = (err: Error | null, derivedKey: NonSharedBuffer) => void;

/** The error of a call refused because the pool's queue is full. */
export class PoolOverloadedError extends Error {
  readonly code = 'ERR_FASTPBKDF2_OVERLOADED';
  constructor(maxQueue: number) {
    super(`fastpbkdf2: hashing queue is full (maxQueue ${maxQueue}); try again later`);
    this.name = 'PoolOverloadedError';
  }
}

/** node's error for memory its C++ layer could not allocate (here: a call's copies or its key). */
function allocationFailed(): Error {
  return Object.assign(new Error('Failed to allocate memory'), { code: 'ERR_MEMORY_ALLOCATION_FAILED' });
}

function checkOptions(options: PoolOptions): { threads: number; maxQueue: number } {
  const threads = options.threads ?? (os.availableParallelism?.() ?? os.cpus().length);
  const maxQueue = options.maxQueue ?? Infinity;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new RangeError(`fastpbkdf2: threads must be an integer from 1 to 1024, got ${threads}`);
  }
  if (!(maxQueue === Infinity || (Number.isInteger(maxQueue) && maxQueue >= 0))) {
    throw new RangeError(`fastpbkdf2: maxQueue must be a non-negative integer or Infinity, got ${maxQueue}`);
  }
  return { threads, maxQueue };
}

class Pool {
  readonly #native: NativePool | undefined;
  readonly #maxQueue: number;
  readonly #threads: number;
  // Without the addon, calls go to node:crypto and are counted here instead.
  #fallback = { pending: 0, completed: 0, rejected: 0 };
  #closed = false;

  /** Throws ERR_FASTPBKDF2_THREAD_START when fewer than minThreads threads (default: all) can start. */
  constructor(options: PoolOptions, minThreads?: number) {
    const { threads, maxQueue } = checkOptions(options);
    this.#maxQueue = maxQueue;
    this.#threads = threads;
    const bound = maxQueue === Infinity ? Number.MAX_SAFE_INTEGER : maxQueue;
    this.#native = addon ? new addon.Pool(threads, bound, minThreads ?? threads) : undefined;
  }

  /** crypto.pbkdf2 on this pool, returning a Promise. Rejects at once when the queue is full. */
  pbkdf2(password: crypto.BinaryLike, salt: crypto.BinaryLike, iterations: number, keylen: number, digest: string): Promise<NonSharedBuffer>;
  /** crypto.pbkdf2 on this pool with a callback; an overload error is passed to it (asynchronously). */
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
    callback?: Callback,
  ): Promise<NonSharedBuffer> | undefined {
    if (callback === undefined) {
      return new Promise((resolve, reject) =>
        this.pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key))),
      );
    }
    if (this.#closed) throw new Error('fastpbkdf2: pool is closed');
    const call = nativeCall(password, salt, iterations, keylen, digest);
    if (call && this.#native) {
      this.submitNative(call, callback);
      return undefined;
    }
    // node:crypto serves it (another digest, no addon, or bad arguments, which throw here as in node).
    if (this.#native === undefined && this.#fallback.pending - this.#threads >= this.#maxQueue) {
      this.#fallback.rejected++;
      process.nextTick(callback, new PoolOverloadedError(this.#maxQueue));
      return undefined;
    }
    nodePbkdf2(password, salt, iterations, keylen, digest, (err, key) => {
      this.#fallback.pending--;
      this.#fallback.completed++;
      callback(err, key);
    });
    this.#fallback.pending++;
    return undefined;
  }

  /** Runs a call already checked by nativeCall() (used by the drop-in pbkdf2 too). */
  submitNative(call: NativeCall, callback: Callback): void {
    const native = this.#native!;
    const submitted = native.submit(call.password, call.salt, call.iterations, call.keylen, call.digest, (err, key) =>
      callback(err, key as NonSharedBuffer),
    );
    if (submitted === Submitted.QueueFull) process.nextTick(callback, new PoolOverloadedError(this.#maxQueue));
    else if (submitted === Submitted.NoMemory) process.nextTick(callback, allocationFailed());
  }

  stats(): PoolStats {
    if (this.#native) return this.#native.stats();
    const { pending, completed, rejected } = this.#fallback;
    const running = Math.min(pending, this.#threads);
    return { threads: this.#threads, queued: pending - running, running, completed, rejected, pairedSteps: 0 };
  }

  /** Refuses new calls; calls already accepted complete; the threads then exit. */
  close(): void {
    this.#closed = true;
    this.#native?.close();
  }
}

/** A pool of hashing threads: pbkdf2 (promise or callback), stats(), close(). */
export type HashPool = Pick<Pool, 'pbkdf2' | 'stats' | 'close'>;

/** A pool of hashing threads with its own size and queue bound. */
export function createPool(options: PoolOptions = {}): HashPool {
  return new Pool(options);
}

let sharedPool: Pool | undefined;
let sharedOptions: PoolOptions = {};

/**
 * The pool behind the drop-in pbkdf2 (no queue bound, like node); created on first use, with fewer
 * threads if the system cannot start them all. Throws if it cannot start even one (the next call
 * tries again).
 */
export function defaultPool(): Pool {
  sharedPool ??= new Pool({ threads: envThreads(), ...sharedOptions, maxQueue: Infinity }, 1);
  return sharedPool;
}

function envThreads(): number | undefined {
  const value = process.env.FASTPBKDF2_THREADS;
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
