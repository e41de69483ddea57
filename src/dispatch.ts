// Decides who computes a call. It takes the native path only when every argument is one
// node:crypto accepts and the digest is SHA-1/256/512; any other call, including every invalid one,
// goes to node:crypto itself, which therefore throws its own errors (same class, code, message,
// and sync-vs-callback timing) in its own order.
import { isBinaryLike, toBytes } from './binary-input';
import { crypto } from './builtins';
import { type DigestId, nativeDigestId } from './digests';
import { nativeAddon } from './native';

/** Marks our replacements so that a second copy of this package never mistakes them for node's. */
export const kNodeOriginal = Symbol.for('fastpbkdf2.nodeOriginal');

function nodeOriginal<T extends object>(fn: T): T {
  return ((fn as Record<symbol, T>)[kNodeOriginal] ?? fn) as T;
}

// Captured at load, before fastpbkdf2/register can replace them.
export const nodePbkdf2 = nodeOriginal(crypto.pbkdf2);
export const nodePbkdf2Sync = nodeOriginal(crypto.pbkdf2Sync);

const MAX_INT32 = 2 ** 31 - 1;

function isInt32InRange(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_INT32;
}

export interface NativeCall {
  password: Uint8Array;
  salt: Uint8Array;
  iterations: number;
  keylen: number;
  digest: DigestId;
}

/** The call in native form, or undefined when node:crypto must handle it. */
export function nativeCall(...args: Parameters<typeof checkedCall>): NativeCall | undefined {
  return nativeAddon() ? checkedCall(...args) : undefined;
}

/**
 * The call as bytes and a digest id when every argument is one node:crypto accepts and the digest is
 * SHA-1/256/512 (whether or not the addon is loaded: fastpbkdf2/remote ships such calls elsewhere).
 */
export function checkedCall(
  password: unknown,
  salt: unknown,
  iterations: unknown,
  keylen: unknown,
  digest: unknown,
): NativeCall | undefined {
  if (typeof digest !== 'string') return undefined;
  const digestId = nativeDigestId(digest);
  if (digestId === undefined || !isBinaryLike(password) || !isBinaryLike(salt)) return undefined;
  if (!isInt32InRange(iterations, 1) || !isInt32InRange(keylen, 0)) return undefined;
  const passwordBytes = toBytes(password);
  const saltBytes = toBytes(salt);
  if (!passwordBytes || !saltBytes) return undefined;
  return { password: passwordBytes, salt: saltBytes, iterations, keylen, digest: digestId } satisfies NativeCall;
}

