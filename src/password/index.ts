// fastpbkdf2/password: hash, verify and needsRehash for the PBKDF2 password hashes other systems
// already store (Django, Werkzeug, passlib, PHC strings, ASP.NET Core Identity, Keycloak), computed on
// fastpbkdf2's native fast path.
//
// Contract:
// - verify resolves to false only for a well-formed hash and a wrong password, and to true only when
//   the derived key equals the stored one (compared with crypto.timingSafeEqual).
// - Anything else throws (sync) or rejects (async) with a PasswordHashError whose `code` is stable:
//   unknown format, malformed string, unsupported digest, a limit exceeded, or a bad argument. Such
//   errors are raised before any hashing, so a hostile stored string costs nothing.
import { util } from '../builtins';

import { viewBytes } from '../binary-input';
import { ErrorCodes, PasswordHashError, invalidArgument, limitExceeded } from './errors';
import { CODECS, WERKZEUG_DEFAULT_ITERATIONS, parseEncoded, type ParseContext } from './formats/index';
import type { PasswordPool } from './kdf';
import { derive, deriveSync, keysEqual } from './kdf';
import { DEFAULT_LIMITS, checkParsed, passwordBytes, resolveLimits, type Limits } from './limits';
import { DEFAULT_ITERATIONS, belowPolicy, type RehashPolicy } from './policy';
import { randomSaltBytes, randomSaltText } from './salt';
import {
  FORMATS,
  isDigest,
  isFormat,
  type Digest,
  type EncodedHash,
  type Format,
  type HashInfo,
  type ParsedHash,
  type Password,
} from './types';

export { ErrorCodes, PasswordHashError, type PasswordHashErrorCode } from './errors';
export { DEFAULT_LIMITS, type Limits } from './limits';
export { DEFAULT_ITERATIONS, type RehashPolicy } from './policy';
export { FORMATS, WERKZEUG_DEFAULT_ITERATIONS };
export type { Digest, EncodedHash, Format, HashInfo, KeycloakCredential, Password } from './types';

/** Options shared by verify, identify and needsRehash. */
export interface ReadOptions {
  /** Iterations assumed for a Werkzeug string that has none. Default 1,000,000 (Werkzeug 3.1+). */
  werkzeugDefaultIterations?: number;
  /** Accept only these formats; any other throws ERR_FASTPBKDF2_UNKNOWN_FORMAT. Default: all. */
  formats?: readonly Format[];
  /** Longest stored string accepted (default 16384 characters). */
  maxEncodedLength?: number;
}

export interface VerifyOptions extends ReadOptions, Partial<Limits> {
  /**
   * When the stored hash is null or undefined (no such user), run a dummy verification of the same
   * cost and resolve to false instead of throwing, so the response time does not tell whether the
   * account exists.
   */
  dummy?: boolean;
  /** A stored hash whose parameters the dummy verification copies (default: hash()'s defaults). */
  dummyLike?: EncodedHash;
  /**
   * Hash on this pool (from createPool, or createRemotePool from fastpbkdf2/remote) instead of the
   * default one; verify then rejects with ERR_FASTPBKDF2_OVERLOADED at once when the pool's queue is
   * full. Async verify only.
   */
  pool?: PasswordPool;
  /**
   * Aborts the verification (e.g. when the client has gone): a queued hash is dropped at once, a
   * running one at its next step; verify rejects with node's AbortError (code ABORT_ERR). Async only.
   */
  signal?: AbortSignal;
}

export interface HashOptions extends Partial<Limits> {
  /** Output format (default 'phc'). */
  format?: Format;
  /** Digest (default: sha256; sha512 for 'aspnet-v3' and 'keycloak'; sha1 for 'aspnet-v2'). */
  digest?: Digest;
  /** Iterations (default: 1,300,000 for sha1, 600,000 for sha256, 210,000 for sha512; 1000 for aspnet-v2). */
  iterations?: number;
  /** Derived key length in bytes, for 'phc', 'aspnet-v3' and 'keycloak'; the others use the digest size. */
  keylen?: number;
  /** A given salt: a string for 'django'/'werkzeug', bytes for the others. Default: random. */
  salt?: string | Uint8Array;
  /** Length of the random salt: characters for 'django' (22)/'werkzeug' (16), bytes otherwise (16). */
  saltLength?: number;
  /** Hash on this pool (from createPool); see VerifyOptions.pool. Async hash only. */
  pool?: PasswordPool;
  /** Aborts the hashing; see VerifyOptions.signal. Async hash only. */
  signal?: AbortSignal;
}

const INT32_MAX = 2 ** 31 - 1;
const { isUint8Array } = util.types;

// ------------------------------------------------------------------------------------------------
// Argument handling

function optionsObject<T extends object>(options: T | undefined, name = 'options'): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidArgument(`${name} must be an object`);
  return options;
}

// Each helper reads each option field once: a getter may answer differently on every read.

/** Where and how the async functions hash: options.pool and options.signal. */
function hashingOptions(options: VerifyOptions | HashOptions | undefined): { pool?: PasswordPool; signal?: AbortSignal } {
  const o = optionsObject<VerifyOptions | HashOptions>(options);
  const pool = o.pool;
  const signal = o.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgument('options.signal must be an AbortSignal');
  return { pool, signal };
}

function parseContext(o: ReadOptions): ParseContext {
  const w = o.werkzeugDefaultIterations;
  if (w !== undefined && (typeof w !== 'number' || !Number.isSafeInteger(w) || w < 1)) {
    throw invalidArgument('options.werkzeugDefaultIterations must be a positive integer');
  }
  return { werkzeugDefaultIterations: w ?? WERKZEUG_DEFAULT_ITERATIONS };
}

function allowedFormats(o: ReadOptions): readonly Format[] | undefined {
  const formats: unknown = o.formats;
  if (formats === undefined) return undefined;
  // A copy: what is checked is what is used.
  const list: unknown[] | undefined = Array.isArray(formats) ? [...(formats as unknown[])] : undefined;
  if (!list || !list.every(isFormat)) {
    throw invalidArgument(`options.formats must be an array of ${FORMATS.join(', ')}`);
  }
  return list;
}

function describe(parsed: ParsedHash): HashInfo {
  const info: HashInfo = {
    format: parsed.format,
    digest: parsed.digest,
    iterations: parsed.iterations,
    keylen: parsed.hash.length,
    saltLength: parsed.salt.length,
  };
  if (parsed.implicitIterations) info.implicitIterations = true;
  return info;
}

// ------------------------------------------------------------------------------------------------
// verify

/** What one verification will compute: a real comparison or a dummy of the same cost. */
interface VerifyPlan {
  password: Uint8Array;
  digest: Digest;
  iterations: number;
  salt: Buffer;
  expected: Buffer;
  dummy: boolean;
}

/** The parameters hash() uses by default; the dummy verification mimics them unless told otherwise. */
const DEFAULT_DUMMY = { digest: 'sha256' as Digest, iterations: DEFAULT_ITERATIONS.sha256, keylen: 32, saltLength: 16 };

function planVerify(password: unknown, encoded: unknown, options: VerifyOptions | undefined): VerifyPlan {
  const o = optionsObject(options);
  const limits = resolveLimits(o);
  const ctx = parseContext(o);
  const formats = allowedFormats(o);
  const pw = passwordBytes(password as Password, limits);

  if (encoded === null || encoded === undefined) {
    const { dummy, dummyLike } = o;
    if (dummy !== true) {
      throw invalidArgument('no stored hash given; pass { dummy: true } to verify unknown users in constant time');
    }
    let like = DEFAULT_DUMMY;
    if (dummyLike !== undefined) {
      const parsed = parseEncoded(dummyLike, ctx, limits, formats);
      checkParsed(parsed, limits);
      like = { digest: parsed.digest, iterations: parsed.iterations, keylen: parsed.hash.length, saltLength: parsed.salt.length };
    } else if (like.iterations > limits.maxIterations) {
      throw limitExceeded(`the dummy verification's ${like.iterations} iterations exceed maxIterations; pass dummyLike`);
    }
    return {
      password: pw,
      digest: like.digest,
      iterations: like.iterations,
      salt: Buffer.alloc(like.saltLength, 0x5a),
      // Random, so no password can match it.
      expected: randomSaltBytes(like.keylen),
      dummy: true,
    };
  }

  const parsed = parseEncoded(encoded as EncodedHash, ctx, limits, formats);
  checkParsed(parsed, limits);
  return { password: pw, digest: parsed.digest, iterations: parsed.iterations, salt: parsed.salt, expected: parsed.hash, dummy: false };
}

function conclude(plan: VerifyPlan, derived: Buffer): boolean {
  const equal = keysEqual(derived, plan.expected);
  return equal && !plan.dummy;
}

/**
 * Checks a password against a stored hash in any supported format, off the event loop.
 * Resolves to true or false; rejects with a PasswordHashError for anything that is not a well-formed
 * hash within the limits. With `{ dummy: true }` and a null/undefined hash, does a dummy verification
 * and resolves to false.
 */
export async function verify(password: Password, encoded: EncodedHash | null | undefined, options?: VerifyOptions): Promise<boolean> {
  const plan = planVerify(password, encoded, options);
  const { pool, signal } = hashingOptions(options);
  const derived = await derive(plan.password, plan.salt, plan.iterations, plan.expected.length, plan.digest, pool, signal);
  return conclude(plan, derived);
}

/** verify, blocking the calling thread. */
export function verifySync(password: Password, encoded: EncodedHash | null | undefined, options?: VerifyOptions): boolean {
  const plan = planVerify(password, encoded, options);
  return conclude(plan, deriveSync(plan.password, plan.salt, plan.iterations, plan.expected.length, plan.digest));
}

/** A verification against no account: costs what verify costs, always resolves to false. */
export async function verifyUnknownUser(password: Password, options?: Omit<VerifyOptions, 'dummy'>): Promise<false> {
  await verify(password, undefined, { ...optionsObject(options), dummy: true });
  return false;
}

/** verifyUnknownUser, blocking the calling thread. */
export function verifyUnknownUserSync(password: Password, options?: Omit<VerifyOptions, 'dummy'>): false {
  verifySync(password, undefined, { ...optionsObject(options), dummy: true });
  return false;
}

// ------------------------------------------------------------------------------------------------
// hash

interface HashPlan {
  format: Format;
  password: Uint8Array;
  digest: Digest;
  iterations: number;
  keylen: number;
  salt: Buffer;
  saltText: string | undefined;
}

function planHash(password: unknown, options: HashOptions | undefined): HashPlan {
  const o = optionsObject(options);
  const limits = resolveLimits(o);
  const pw = passwordBytes(password as Password, limits);
  const { format: formatOption, digest: digestOption, iterations: iterationsOption, keylen: keylenOption } = o;
  const { salt: saltOption, saltLength: saltLengthOption } = o;

  const format = formatOption ?? 'phc';
  if (!isFormat(format)) throw invalidArgument(`options.format must be one of ${FORMATS.join(', ')}`);
  const codec = CODECS[format];

  const digest = digestOption ?? codec.defaultDigest;
  if (!isDigest(digest) || !codec.digests.includes(digest)) {
    throw invalidArgument(`${format} supports digest ${codec.digests.join(', ')}`);
  }

  const iterations = iterationsOption ?? codec.fixedIterations ?? DEFAULT_ITERATIONS[digest];
  const maxIterations = Math.min(codec.maxIterations, INT32_MAX);
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 1 || iterations > maxIterations) {
    throw invalidArgument(`options.iterations must be an integer from 1 to ${maxIterations}`);
  }
  if (codec.fixedIterations !== undefined && iterations !== codec.fixedIterations) {
    throw invalidArgument(`${format} always uses ${codec.fixedIterations} iterations`);
  }
  if (iterations > limits.maxIterations) {
    throw limitExceeded(`iterations ${iterations} exceed maxIterations (${limits.maxIterations}); verify would refuse this hash`);
  }

  if (keylenOption !== undefined && (typeof keylenOption !== 'number' || !Number.isInteger(keylenOption))) {
    throw invalidArgument('options.keylen must be an integer');
  }
  const keylen = codec.keylen(digest, keylenOption);
  if (keylen > limits.maxKeyLength) {
    throw limitExceeded(`keylen ${keylen} exceeds maxKeyLength (${limits.maxKeyLength}); verify would refuse this hash`);
  }

  let salt: Buffer;
  let saltText: string | undefined;
  if (saltOption !== undefined) {
    if (saltLengthOption !== undefined) throw invalidArgument('pass options.salt or options.saltLength, not both');
    if (typeof saltOption === 'string') {
      saltText = saltOption;
      salt = Buffer.from(saltOption, 'utf8');
    } else if (isUint8Array(saltOption)) {
      salt = Buffer.from(viewBytes(saltOption)); // a copy of the real bytes: the caller may reuse its buffer
    } else {
      throw invalidArgument('options.salt must be a string or a Uint8Array');
    }
  } else {
    const length = saltLengthOption ?? codec.defaultSaltLength;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > 1024) {
      throw invalidArgument('options.saltLength must be an integer from 1 to 1024');
    }
    if (codec.saltKind === 'text') {
      saltText = randomSaltText(length);
      salt = Buffer.from(saltText, 'utf8');
    } else {
      salt = randomSaltBytes(length);
    }
  }
  codec.checkSalt(salt, saltText);
  return { format, password: pw, digest, iterations, keylen, salt, saltText };
}

function encodePlan(plan: HashPlan, hash: Buffer): string {
  const params = { digest: plan.digest, iterations: plan.iterations, salt: plan.salt, hash };
  return CODECS[plan.format].encode(plan.saltText === undefined ? params : { ...params, saltText: plan.saltText });
}

/**
 * Hashes a password into the chosen format (default: PHC string, PBKDF2-HMAC-SHA256, 600,000
 * iterations, 16-byte random salt), exactly as the original system writes it. Runs off the event loop.
 */
export async function hash(password: Password, options?: HashOptions): Promise<string> {
  const plan = planHash(password, options);
  const { pool, signal } = hashingOptions(options);
  return encodePlan(plan, await derive(plan.password, plan.salt, plan.iterations, plan.keylen, plan.digest, pool, signal));
}

/** hash, blocking the calling thread. */
export function hashSync(password: Password, options?: HashOptions): string {
  const plan = planHash(password, options);
  return encodePlan(plan, deriveSync(plan.password, plan.salt, plan.iterations, plan.keylen, plan.digest));
}

// ------------------------------------------------------------------------------------------------
// identify, needsRehash

/**
 * Recognises and takes apart a stored hash without hashing anything (iteration and key-length limits
 * do not apply here; verify enforces them). Throws a PasswordHashError if it is not a supported hash.
 */
export function identify(encoded: EncodedHash, options?: ReadOptions): HashInfo {
  const o = optionsObject(options);
  const limits = resolveLimits({ maxEncodedLength: o.maxEncodedLength ?? DEFAULT_LIMITS.maxEncodedLength });
  return describe(parseEncoded(encoded, parseContext(o), limits, allowedFormats(o)));
}

/**
 * True when the stored hash is weaker than the policy: fewer iterations than the policy's minimum for
 * its digest, a weaker digest, a shorter key or salt, a different format (if policy.format is set),
 * or a Werkzeug string without an iteration count. Default policy: digest at least sha256, at least
 * 1,300,000 / 600,000 / 210,000 iterations for sha1 / sha256 / sha512, key at least 32 bytes.
 * Rehash after a successful verify, while the plain password is at hand.
 */
export function needsRehash(encoded: EncodedHash, policy?: RehashPolicy, options?: ReadOptions): boolean {
  return belowPolicy(identify(encoded, options), optionsObject(policy, 'policy'));
}

/** True if `err` is a PasswordHashError (optionally with this code). */
export function isPasswordHashError(err: unknown, code?: (typeof ErrorCodes)[keyof typeof ErrorCodes]): err is PasswordHashError {
  return err instanceof PasswordHashError && (code === undefined || err.code === code);
}

