// Loads the native addon on first use and applies FASTPBKDF2_FORCE. It is taken from the location
// given by setNativePath() or FASTPBKDF2_NATIVE_PATH if any, else from the first of the places in
// addon-places.ts that has one. Without it every call goes to node:crypto, with one warning that
// names every place looked in.
import { addonFileIn, defaultPlaces, prebuildNames } from './addon-places';
import { path } from './builtins';
import { permission, readEnv } from './env';
import { embeddedAddon } from '#embedded-addon';

export interface NativeAddon {
  /** Fills `key` (keylen bytes). */
  pbkdf2Sync(password: Uint8Array, salt: Uint8Array, iterations: number, keylen: number, digest: number, key: Uint8Array): void;
  /**
   * Starts `threads` threads, or as many as the system allows if at least minThreads; else throws
   * (ERR_FASTPBKDF2_THREAD_START). priority: 0 normal, 1 below normal, 2 low (native/thread_priority.h).
   */
  Pool: new (threads: number, maxQueue: number, minThreads: number, maxWaitMs: number, priority: number) => NativePool;
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
    loweredThreads: number;
  };
  close(): void;
}

/** FASTPBKDF2_FORCE=node turns the addon off; any other value names the CPU path to use. */
export const FORCE_NODE = 'node';

interface Loaded {
  addon: NativeAddon | undefined;
  file: string | undefined;
  loadError: Error | undefined;
}

let loaded: Loaded | undefined;
let explicitLocation: string | undefined;

/** The addon, loaded on the first call; undefined when node:crypto serves everything. */
export function nativeAddon(): NativeAddon | undefined {
  return (loaded ??= load()).addon;
}

/** Why the addon is not in use (undefined when it is). */
export function nativeLoadError(): Error | undefined {
  return (loaded ??= load()).loadError;
}

/** The addon file in use, or null when node:crypto serves every call. */
export function nativePath(): string | null {
  return (loaded ??= load()).file ?? null;
}

/**
 * Where to load the addon from: its .node file, or a directory holding prebuilds/ (or build/Release/).
 * Overrides FASTPBKDF2_NATIVE_PATH and the default places; only before the first call.
 */
export function setNativePath(location: string): void {
  if (loaded) {
    throw new Error(`fastpbkdf2: setNativePath() must come before the first call (the addon was already ${loaded.addon ? `loaded from ${loaded.file}` : 'looked for'})`);
  }
  explicitLocation = path.resolve(location);
}

function load(): Loaded {
  const force = readEnv('FASTPBKDF2_FORCE');
  if (force === FORCE_NODE) {
    return { addon: undefined, file: undefined, loadError: new Error('native addon disabled by FASTPBKDF2_FORCE=node') };
  }
  const found = open();
  if (!found.addon) {
    process.emitWarning(`fastpbkdf2: native addon not loaded (${found.loadError?.message}); using node:crypto instead`, {
      code: 'FASTPBKDF2_NO_NATIVE',
    });
    return found;
  }
  if (force && !found.addon.setBackend(force)) {
    // Asking for a path this CPU or build cannot run is a configuration error, not something to hide.
    throw new Error(
      `FASTPBKDF2_FORCE=${force}: no such CPU path here; available: ${[...found.addon.backends(), FORCE_NODE].join(', ')}`,
    );
  }
  return found;
}

function open(): Loaded {
  const fail = (message: string): Loaded => ({ addon: undefined, file: undefined, loadError: new Error(message) });
  // Deno asks before loading native code; a library should not make it ask.
  if (permission({ name: 'ffi' }) !== 'granted') return fail('native code needs --allow-ffi in Deno');
  const explicit = explicitLocation ?? readEnv('FASTPBKDF2_NATIVE_PATH');
  const failures: string[] = [];
  const embedded = explicit ? undefined : embeddedAddon();
  if (embedded) return { addon: embedded.addon as NativeAddon, file: embedded.file, loadError: undefined };
  const places = explicit ? [path.resolve(explicit)] : defaultPlaces();
  for (const place of places) {
    const file = addonFileIn(place);
    if (!file) continue;
    try {
      return { addon: dlopen(file), file, loadError: undefined };
    } catch (err) {
      failures.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const platform = `${process.platform}-${process.arch}`;
  const looked =
    `looked for build/Release/fastpbkdf2.node and prebuilds/${platform}/{${prebuildNames().join(',')}} in ` +
    `${places.join(', ')}; FASTPBKDF2_NATIVE_PATH or setNativePath() can name the location`;
  const denoRead = permission({ name: 'read' }) === 'granted' ? '' : ' (Deno: without --allow-read)';
  return fail(
    failures.length ? `${failures.join('; ')} (${looked})` : `No native build was found for ${platform}${denoRead}; ${looked}`,
  );
}

/** What require() does for a .node file, without require (absent in ES-module bundles). */
function dlopen(file: string): NativeAddon {
  const module = { exports: {} as NativeAddon };
  process.dlopen(module, path.toNamespacedPath(file));
  return module.exports;
}

// A CPU path named in FASTPBKDF2_FORCE is checked at import, so that a wrong name fails at start-up.
if (readEnv('FASTPBKDF2_FORCE') && readEnv('FASTPBKDF2_FORCE') !== FORCE_NODE) nativeAddon();
