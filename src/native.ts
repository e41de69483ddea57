// Loads the native addon (a prebuild or a local build, via node-gyp-build) and applies
// FASTPBKDF2_FORCE. Without the addon every call goes to node:crypto, with one warning.
import * as path from 'node:path';

export interface NativeAddon {
  /** Fills `key` (keylen bytes). */
  pbkdf2Sync(password: Uint8Array, salt: Uint8Array, iterations: number, keylen: number, digest: number, key: Uint8Array): void;
  /** Starts `threads` threads, or as many as the system allows if at least minThreads; else throws (ERR_FASTPBKDF2_THREAD_START). */
  Pool: new (threads: number, maxQueue: number, minThreads: number, maxWaitMs: number) => NativePool;
  backends(): string[];
  backend(): string;
  setBackend(name: string): boolean;
}

/** NativePool.submit's answer. */
export const enum Submitted {
  Accepted = 0,
  /** maxQueue calls are already waiting: the call is not queued. */
  QueueFull = 1,
  /** The call's copies or its key could not be allocated. */
  NoMemory = 2,
  /** The estimated wait is over maxWaitMs: the call is not queued. */
  WaitTooLong = 3,
}

/** fastpbkdf2's own hashing threads (native/hash_pool.h). */
export interface NativePool {
  submit(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    keylen: number,
    digest: number,
    id: number,
    done: (err: null, key: Buffer) => void,
  ): Submitted;
  /** Drops call `id` (queued, or at its running step's end): `done` is never called. False if not pending. */
  cancel(id: number): boolean;
  stats(): {
    threads: number;
    queued: number;
    running: number;
    completed: number;
    rejectedQueue: number;
    rejectedWait: number;
    aborted: number;
    pairedSteps: number;
    estimatedWaitMs: number;
    iterationsPerSecond: { sha1: number; sha256: number; sha512: number };
  };
  close(): void;
}

/** FASTPBKDF2_FORCE=node turns the addon off; any other value names the CPU path to use. */
export const FORCE_NODE = 'node';

function loadAddon(): { addon: NativeAddon | undefined; loadError: Error | undefined } {
  const force = process.env.FASTPBKDF2_FORCE;
  if (force === FORCE_NODE) {
    return { addon: undefined, loadError: new Error('native addon disabled by FASTPBKDF2_FORCE=node') };
  }
  let addon: NativeAddon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeAddon;
    addon = nodeGypBuild(path.join(__dirname, '..'));
  } catch (err) {
    const loadError = err instanceof Error ? err : new Error(String(err));
    process.emitWarning(`fastpbkdf2: native addon not loaded (${loadError.message}); using node:crypto instead`, {
      code: 'FASTPBKDF2_NO_NATIVE',
    });
    return { addon: undefined, loadError };
  }
  if (force && !addon.setBackend(force)) {
    // Asking for a path this CPU or build cannot run is a configuration error, not something to hide.
    throw new Error(
      `FASTPBKDF2_FORCE=${force}: no such CPU path here; available: ${[...addon.backends(), FORCE_NODE].join(', ')}`,
    );
  }
  return { addon, loadError: undefined };
}

export const { addon, loadError } = loadAddon();
