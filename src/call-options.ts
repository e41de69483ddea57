// Options of one pool.pbkdf2 call ({ signal }), shared by createPool() and createRemotePool().
// ABORT_ERR and the options' TypeErrors are node's (as for fs.readFile's signal).
import type * as crypto from 'node:crypto';

/** Options of one pbkdf2 call. */
export interface RemoteCallOptions {
  /** Aborts the call: it fails at once with an AbortError (a remote call's request is cancelled). */
  signal?: AbortSignal;
}

/** node:crypto's own pbkdf2 callback type, whatever @types/node version the user has. */
export type Pbkdf2Callback = Parameters<typeof crypto.pbkdf2>[5];

/** pool.pbkdf2's arguments: node's five, then options, a callback, or options and a callback. */
export type Pbkdf2Args = [
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  iterations: number,
  keylen: number,
  digest: string,
  optionsOrCallback?: RemoteCallOptions | Pbkdf2Callback,
  callback?: Pbkdf2Callback,
];

function invalidArgType(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** The call's signal, or undefined; throws node's TypeError for options of the wrong type. */
export function callSignal(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw invalidArgType(`The "options" argument must be of type object. Received ${String(options)}`);
  }
  const { signal } = options as RemoteCallOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgType('The "options.signal" property must be an instance of AbortSignal');
  }
  return signal;
}

/** What node's abortable APIs reject with: name AbortError, code ABORT_ERR, cause the signal's reason. */
export function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/**
 * pool.pbkdf2's shape, shared by both pools: with a callback (after the options, or in their place),
 * runs `call` and returns undefined; without one, returns a promise of the key, which also gets the
 * errors `call` would have thrown.
 */
export function callbackOrPromise<Key>(
  optionsOrCallback: RemoteCallOptions | ((err: Error | null, key: Key) => void) | undefined,
  maybeCallback: ((err: Error | null, key: Key) => void) | undefined,
  call: (options: RemoteCallOptions | undefined, callback: (err: Error | null, key: Key) => void) => void,
): Promise<Key> | undefined {
  const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback;
  const options = typeof optionsOrCallback === 'function' ? undefined : optionsOrCallback;
  if (callback !== undefined) {
    call(options, callback);
    return undefined;
  }
  return new Promise((resolve, reject) => call(options, (err, key) => (err ? reject(err) : resolve(key))));
}
