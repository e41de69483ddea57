// Loads the native addon (a prebuild or a local build, via node-gyp-build) and applies
// FASTPBKDF2_FORCE. Without the addon every call goes to node:crypto, with one warning.
import * as path from 'node:path';

export interface NativeAddon {
  pbkdf2Sync(password: Uint8Array, salt: Uint8Array, iterations: number, keylen: number, digest: number): Buffer;
  Pool: new (threads: number, maxQueue: number) => NativePool;
  backends(): string[];
  backend(): string;
  setBackend(name: string): boolean;
}

/** fastpbkdf2's own hashing threads (native/hash_pool.h). */
export interface NativePool {
  /** False when maxQueue calls are already waiting (the call is not queued). */
  submit(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    keylen: number,
    digest: number,
    done: (err: null, key: Buffer) => void,
  ): boolean;
  stats(): { threads: number; queued: number; running: number; completed: number; rejected: number; pairedSteps: number };
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
