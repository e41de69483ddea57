// pbkdf2 and pbkdf2Sync with node:crypto's exact signatures and behaviour (see dispatch.ts for who
// computes what). Async calls run on fastpbkdf2's own hashing threads, never on libuv's pool.
import type * as crypto from 'node:crypto';

import { kNodeOriginal, nativeCall, nodePbkdf2, nodePbkdf2Sync } from './dispatch';
import { nativeAddon } from './native';
import { defaultPool } from './pool';

// Typed exactly as node:crypto's own (which also accepts ArrayBuffer at run time, as we do).
export const pbkdf2Sync: typeof crypto.pbkdf2Sync = function pbkdf2Sync(password, salt, iterations, keylen, digest) {
  const call = nativeCall(password, salt, iterations, keylen, digest);
  const addon = nativeAddon();
  if (!call || !addon) return nodePbkdf2Sync(password, salt, iterations, keylen, digest);
  // Allocated here, so that a key too large for memory is node's RangeError, as for any Buffer.
  const key = Buffer.allocUnsafeSlow(call.keylen);
  addon.pbkdf2Sync(call.password, call.salt, call.iterations, call.keylen, call.digest, key);
  return key;
};

export const pbkdf2: typeof crypto.pbkdf2 = function pbkdf2(password, salt, iterations, keylen, digest, callback) {
  const call = nativeCall(password, salt, iterations, keylen, digest);
  if (!call || typeof callback !== 'function') {
    nodePbkdf2(password, salt, iterations, keylen, digest, callback);
    return;
  }
  // The default pool has no queue bound, like node: nothing is ever rejected here.
  let pool;
  try {
    pool = defaultPool();
  } catch (err) {
    process.nextTick(callback, err); // not a single hashing thread could start
    return;
  }
  pool.submitNative(call, callback);
};

(pbkdf2 as unknown as Record<symbol, unknown>)[kNodeOriginal] = nodePbkdf2;
(pbkdf2Sync as unknown as Record<symbol, unknown>)[kNodeOriginal] = nodePbkdf2Sync;
