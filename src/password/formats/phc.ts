// The PHC string format for PBKDF2, as written by RustCrypto's pbkdf2 crate (and read from other PHC
// writers such as @phc/pbkdf2): "$pbkdf2-sha256$i=<rounds>,l=<keylen>$<B64 salt>$<B64 hash>".
// B64 is standard base64 without padding, canonical. Ids: pbkdf2 (SHA-1; also "pbkdf2-sha1"),
// pbkdf2-sha256, pbkdf2-sha512. Parameters: i (required), l (optional; when present it must equal the
// stored hash length, when absent the stored hash length is the key length). No version field.
import { decodeB64, encodeB64, parseDecimal } from '../encoding';
import { malformed, unsupportedDigest } from '../errors';
import { DIGEST_SIZE, type Digest, type EncodeParams, type ParsedHash } from '../types';
import { UINT32_MAX, checkSaltBytes, variableKey, type FormatCodec } from './codec';

const IDS: ReadonlyMap<string, Digest> = new Map([
  ['pbkdf2', 'sha1'],
  ['pbkdf2-sha1', 'sha1'],
  ['pbkdf2-sha256', 'sha256'],
  ['pbkdf2-sha512', 'sha512'],
]);
const ID_OF: Readonly<Record<Digest, string>> = { sha1: 'pbkdf2', sha256: 'pbkdf2-sha256', sha512: 'pbkdf2-sha512' };

/** RustCrypto's password-hash Output holds 10 to 64 bytes; we accept longer keys (up to the limits). */
const MIN_HASH = 10;

export const phc: FormatCodec = {
  format: 'phc',
  saltKind: 'bytes',
  digests: ['sha256', 'sha1', 'sha512'],
  defaultDigest: 'sha256',
  defaultSaltLength: 16,
  maxIterations: UINT32_MAX,
  keylen: variableKey('phc', MIN_HASH, (digest) => DIGEST_SIZE[digest]),
  checkSalt: (salt, saltText) => checkSaltBytes('phc', salt, saltText, 1, 1024),

  parse(encoded: string): ParsedHash {
    const parts = encoded.split('$');
    if (parts.length !== 5 || parts[0] !== '') throw malformed('phc', 'expected $id$i=<rounds>[,l=<length>]$salt$hash');
    const [, id, paramText, saltText, hashText] = parts as [string, string, string, string, string];
    const digest = IDS.get(id);
    if (!digest) {
      if (/^pbkdf2-[a-z0-9-]+$/.test(id)) throw unsupportedDigest('phc', id.slice('pbkdf2-'.length));
      throw malformed('phc', `unknown id ${JSON.stringify(id)}`);
    }
    let iterations: number | undefined;
    let length: number | undefined;
    for (const param of paramText.split(',')) {
      const eq = param.indexOf('=');
      const name = param.slice(0, eq);
      const value = eq > 0 ? parseDecimal(param.slice(eq + 1)) : undefined;
      if (value === undefined || value > UINT32_MAX) throw malformed('phc', `bad parameter ${JSON.stringify(param)}`);
      if (name === 'i' && iterations === undefined) iterations = value;
      else if (name === 'l' && length === undefined) length = value;
      else throw malformed('phc', `unexpected or repeated parameter ${JSON.stringify(name)}`);
    }
    if (iterations === undefined) throw malformed('phc', 'missing i=<rounds>');
    const salt = decodeB64(saltText);
    if (!salt || salt.length === 0) throw malformed('phc', 'salt is not canonical unpadded base64');
    const hash = decodeB64(hashText);
    if (!hash) throw malformed('phc', 'hash is not canonical unpadded base64');
    if (hash.length < MIN_HASH) throw malformed('phc', `hash is shorter than ${MIN_HASH} bytes`);
    if (length !== undefined && length !== hash.length) {
      throw malformed('phc', `l=${length} but the hash is ${hash.length} bytes`);
    }
    return { format: 'phc', digest, iterations, salt, hash };
  },

  encode(p: EncodeParams): string {
    return `$${ID_OF[p.digest]}$i=${p.iterations},l=${p.hash.length}$${encodeB64(p.salt)}$${encodeB64(p.hash)}`;
  },
};
