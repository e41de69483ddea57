// Request and response authentication with a shared secret. The client signs method, route, body and
// a timestamp with HMAC-SHA256; the service refuses a signature that does not match (compared in
// constant time) or whose timestamp is outside a short window. The service signs its answer together
// with the request's signature, so a client never accepts an answer forged or replayed on the wire.
// This authenticates; it does not encrypt: passwords cross the wire, so use TLS or a private network.
import { crypto } from '../builtins';

const { createHash, createHmac, timingSafeEqual } = crypto;

/** Shortest secret accepted: 32 bytes (an HMAC-SHA256 key gains nothing beyond 64). */
export const MIN_SECRET_BYTES = 32;

/** Default window, either side of the service's clock, in which a request timestamp is accepted. */
export const DEFAULT_MAX_SKEW_MS = 30_000;

/** The secret as bytes; throws unless it is long enough to resist guessing. */
export function secretBytes(secret: unknown): Buffer {
  let bytes: Buffer;
  if (typeof secret === 'string') bytes = Buffer.from(secret.trim(), 'utf8');
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  else throw new TypeError('fastpbkdf2: a shared secret (string or bytes) is required');
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(`fastpbkdf2: the shared secret must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -hex 32)`);
  }
  return bytes;
}

function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Signature of a request: route is the path below the endpoint's base URL, e.g. /pbkdf2. */
export function signRequest(secret: Buffer, method: string, route: string, timestamp: string, body: Uint8Array): string {
  const text = `fastpbkdf2-request-v1\n${method.toUpperCase()}\n${route}\n${timestamp}\n${bodyDigest(body)}`;
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Signature of a response, bound to the request it answers. */
export function signResponse(secret: Buffer, requestSignature: string, status: number, body: Uint8Array): string {
  const text = `fastpbkdf2-response-v1\n${requestSignature}\n${status}\n${bodyDigest(body)}`;
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** Constant-time comparison of two hex signatures (a malformed one never matches). */
export function signaturesEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

export type AuthFailure = 'missing' | 'stale' | 'bad-signature';

/** Why a request fails authentication, or undefined when it passes. */
export function checkRequest(
  secret: Buffer,
  method: string,
  route: string,
  body: Uint8Array,
  timestamp: unknown,
  signature: unknown,
  maxSkewMs: number,
  now = Date.now(),
): AuthFailure | undefined {
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d{1,15}$/.test(timestamp)) return 'missing';
  // Checked before the HMAC so that a stale request costs no hashing; its signature is still checked
  // below for fresh ones, so a forged timestamp gains nothing.
  if (Math.abs(now - Number(timestamp)) > maxSkewMs) return 'stale';
  return signaturesEqual(signRequest(secret, method, route, timestamp, body), signature) ? undefined : 'bad-signature';
}
