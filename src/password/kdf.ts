// The one place that computes PBKDF2: fastpbkdf2's own drop-ins for node:crypto, so SHA-1/256/512 run
// on the native fast path (and the async variant runs off the event loop, on fastpbkdf2's threads:
// the default pool, or the caller's pool whose overload errors then reach the caller).
import { crypto } from '../builtins';

import { pbkdf2, pbkdf2Sync } from '../index';
import { defaultPool, type HashPool } from '../pool';
import type { Digest } from './types';

/** What verify and hash need of a pool: its promise pbkdf2 (createPool and createRemotePool both fit). */
export type PasswordPool = Pick<HashPool, 'pbkdf2'>;

export function deriveSync(password: Uint8Array, salt: Buffer, iterations: number, keylen: number, digest: Digest): Buffer {
  return pbkdf2Sync(password, salt, iterations, keylen, digest);
}

export function derive(
  password: Uint8Array,
  salt: Buffer,
  iterations: number,
  keylen: number,
  digest: Digest,
  pool?: PasswordPool,
  signal?: AbortSignal,
): Promise<Buffer> {
  if (pool) return signal ? pool.pbkdf2(password, salt, iterations, keylen, digest, { signal }) : pool.pbkdf2(password, salt, iterations, keylen, digest);
  if (signal) return defaultPool().pbkdf2(password, salt, iterations, keylen, digest, { signal }); // the drop-in takes none
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Constant-time equality of a derived key and a stored one. Callers derive exactly as many bytes as
 * are stored, so the lengths (public: they come from the stored string) always match; a mismatch is
 * answered without looking at the contents.
 */
export function keysEqual(derived: Buffer, stored: Buffer): boolean {
  if (derived.length !== stored.length) return false;
  return crypto.timingSafeEqual(derived, stored);
}
