// passlib's pbkdf2_sha1 / pbkdf2_sha256 / pbkdf2_sha512 (modular crypt format):
// "$pbkdf2$<rounds>$<ab64 salt>$<ab64 dk>", "$pbkdf2-sha256$...", "$pbkdf2-sha512$...".
// Raw salt bytes (0 to 1024, 16 by default), key length = digest size, rounds 1 to 2^32-1 without
// zero padding, "adapted base64" (no padding, '.' for '+').
import { decodeAb64, encodeAb64, parseDecimal } from '../encoding';
import { malformed } from '../errors';
import { DIGEST_SIZE, type Digest, type EncodeParams, type ParsedHash } from '../types';
import { UINT32_MAX, checkSaltBytes, digestSizedKey, type FormatCodec } from './codec';

export const PASSLIB_IDENTS: ReadonlyMap<string, Digest> = new Map([
  ['pbkdf2', 'sha1'],
  ['pbkdf2-sha256', 'sha256'],
  ['pbkdf2-sha512', 'sha512'],
]);

const IDENT_OF: Readonly<Record<Digest, string>> = { sha1: 'pbkdf2', sha256: 'pbkdf2-sha256', sha512: 'pbkdf2-sha512' };

export const passlib: FormatCodec = {
  format: 'passlib',
  saltKind: 'bytes',
  digests: ['sha256', 'sha1', 'sha512'],
  defaultDigest: 'sha256',
  defaultSaltLength: 16,
  maxIterations: UINT32_MAX,
  keylen: digestSizedKey('passlib'),
  checkSalt: (salt, saltText) => checkSaltBytes('passlib', salt, saltText, 0, 1024),

  parse(encoded: string): ParsedHash {
    const parts = encoded.split('$');
    if (parts.length !== 5 || parts[0] !== '') throw malformed('passlib', 'expected $ident$rounds$salt$checksum');
    const [, ident, roundsText, saltText, checksumText] = parts as [string, string, string, string, string];
    const digest = PASSLIB_IDENTS.get(ident);
    if (!digest) throw malformed('passlib', `unknown ident ${JSON.stringify(ident)}`);
    const iterations = parseDecimal(roundsText);
    if (iterations === undefined || iterations > UINT32_MAX) throw malformed('passlib', 'rounds is not a decimal from 1 to 2^32-1');
    const salt = decodeAb64(saltText);
    if (!salt || salt.length > 1024) throw malformed('passlib', 'salt is not adapted base64 of at most 1024 bytes');
    const hash = decodeAb64(checksumText);
    if (!hash) throw malformed('passlib', 'checksum is not adapted base64');
    if (hash.length !== DIGEST_SIZE[digest]) {
      throw malformed('passlib', `checksum is ${hash.length} bytes, ${ident} stores ${DIGEST_SIZE[digest]}`);
    }
    return { format: 'passlib', digest, iterations, salt, hash };
  },

  encode(p: EncodeParams): string {
    return `$${IDENT_OF[p.digest]}$${p.iterations}$${encodeAb64(p.salt)}$${encodeAb64(p.hash)}`;
  },
};
