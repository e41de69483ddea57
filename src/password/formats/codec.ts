// The contract each stored-hash format implements: parse a stored string, write one, and the rules
// hash() applies to that format's parameters.
import { invalidArgument } from '../errors';
import { DIGEST_SIZE, type Digest, type EncodeParams, type Format, type ParsedHash } from '../types';

export interface ParseContext {
  /** Werkzeug: iterations assumed when the method has none ("pbkdf2:sha256$salt$hex"). */
  werkzeugDefaultIterations: number;
}

export interface FormatCodec {
  readonly format: Format;
  /** 'text': the salt is a string stored as is (Django, Werkzeug); 'bytes': binary, stored encoded. */
  readonly saltKind: 'text' | 'bytes';
  readonly digests: readonly Digest[];
  readonly defaultDigest: Digest;
  /** Random salt length for hash(): characters for text salts, bytes otherwise. */
  readonly defaultSaltLength: number;
  /** Highest iteration count the format can store. */
  readonly maxIterations: number;
  /** The iteration count hash() uses when none is given; undefined means "the digest's default". */
  readonly fixedIterations?: number;
  /** The key length hash() writes for this digest, given the caller's request (throws if not allowed). */
  keylen(digest: Digest, requested: number | undefined): number;
  /** Throws INVALID_ARGUMENT if hash() was given a salt this format cannot store. */
  checkSalt(salt: Buffer, saltText: string | undefined): void;
  parse(encoded: string, ctx: ParseContext): ParsedHash;
  encode(params: EncodeParams): string;
}

export const UINT32_MAX = 2 ** 32 - 1;
export const INT32_MAX = 2 ** 31 - 1;

/** keylen rule of formats whose key length is always the digest size (Django, Werkzeug, passlib). */
export function digestSizedKey(format: Format) {
  return (digest: Digest, requested: number | undefined): number => {
    const size = DIGEST_SIZE[digest];
    if (requested !== undefined && requested !== size) {
      throw invalidArgument(`${format} stores a ${size}-byte key for ${digest}; keylen ${requested} is not possible`);
    }
    return size;
  };
}

/** keylen rule of formats that store any key length from min to max. */
export function variableKey(format: Format, min: number, defaultFor: (digest: Digest) => number) {
  return (digest: Digest, requested: number | undefined): number => {
    if (requested === undefined) return defaultFor(digest);
    if (!Number.isInteger(requested) || requested < min || requested > INT32_MAX) {
      throw invalidArgument(`${format} keylen must be an integer of at least ${min} bytes`);
    }
    return requested;
  };
}

/** Text salts may not contain the separator; the stored salt is the text itself. */
export function checkTextSalt(format: Format, saltText: string | undefined, allowEmpty: boolean): void {
  if (saltText === undefined) throw invalidArgument(`${format} salts are text: pass options.salt as a string`);
  if (saltText.includes('$')) throw invalidArgument(`${format} salt may not contain "$"`);
  if (!allowEmpty && saltText.length === 0) throw invalidArgument(`${format} salt may not be empty`);
}

export function checkSaltBytes(format: Format, salt: Buffer, saltText: string | undefined, min: number, max: number) {
  if (saltText !== undefined) {
    throw invalidArgument(`${format} salts are bytes: pass options.salt as a Buffer/Uint8Array`);
  }
  if (salt.length < min || salt.length > max) {
    throw invalidArgument(`${format} salt must be ${min === max ? min : `${min} to ${max}`} bytes`);
  }
}

export function invalidKeylen(format: Format, rule: string) {
  return invalidArgument(`${format} keylen must be ${rule}`);
}
