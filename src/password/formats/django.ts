// Django: "pbkdf2_sha256$<iterations>$<salt>$<base64(dk)>" and "pbkdf2_sha1$...".
// PBKDF2PasswordHasher.encode: the salt is the text as stored (UTF-8), the key length is the digest
// size, the key is written with base64.b64encode (padded). Django's verify re-encodes and compares the
// whole string, so only the canonical form of each field can ever verify; we require it up front.
import { decodeBase64, encodeBase64, parseDecimal } from '../encoding';
import { malformed } from '../errors';
import { DIGEST_SIZE, type Digest, type EncodeParams, type ParsedHash } from '../types';
import { checkTextSalt, digestSizedKey, type FormatCodec } from './codec';

const ALGORITHMS: ReadonlyMap<string, Digest> = new Map([
  ['pbkdf2_sha256', 'sha256'],
  ['pbkdf2_sha1', 'sha1'],
]);

export function isDjango(encoded: string): boolean {
  return encoded.startsWith('pbkdf2_sha256$') || encoded.startsWith('pbkdf2_sha1$');
}

export const django: FormatCodec = {
  format: 'django',
  saltKind: 'text',
  digests: ['sha256', 'sha1'],
  defaultDigest: 'sha256',
  // get_random_string(22): ceil(128 / log2(62)) characters since Django 3.2's salt_entropy = 128.
  defaultSaltLength: 22,
  maxIterations: Number.MAX_SAFE_INTEGER,
  keylen: digestSizedKey('django'),
  checkSalt: (_salt, saltText) => checkTextSalt('django', saltText, false),

  parse(encoded: string): ParsedHash {
    const parts = encoded.split('$');
    if (parts.length !== 4) throw malformed('django', 'expected algorithm$iterations$salt$hash');
    const [algorithm, iterationsText, saltText, hashText] = parts as [string, string, string, string];
    const digest = ALGORITHMS.get(algorithm);
    if (!digest) throw malformed('django', `unknown algorithm ${JSON.stringify(algorithm)}`);
    const iterations = parseDecimal(iterationsText);
    if (iterations === undefined) throw malformed('django', 'iterations is not a positive decimal number');
    if (saltText.length === 0) throw malformed('django', 'empty salt');
    const hash = decodeBase64(hashText);
    if (!hash) throw malformed('django', 'hash is not canonical padded base64');
    if (hash.length !== DIGEST_SIZE[digest]) {
      throw malformed('django', `hash is ${hash.length} bytes, ${algorithm} stores ${DIGEST_SIZE[digest]}`);
    }
    return { format: 'django', digest, iterations, salt: Buffer.from(saltText, 'utf8'), hash };
  },

  encode(p: EncodeParams): string {
    const algorithm = p.digest === 'sha1' ? 'pbkdf2_sha1' : 'pbkdf2_sha256';
    return `${algorithm}$${p.iterations}$${p.saltText ?? ''}$${encodeBase64(p.hash)}`;
  },
};
