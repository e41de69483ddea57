// Werkzeug (Flask): "pbkdf2:<hash>:<iterations>$<salt>$<hex(dk)>".
// werkzeug.security._hash_internal: the salt is the text as stored (UTF-8), the key length is the
// digest size, the key is lower-case hex compared as text. check_password_hash splits on the first two
// "$". A method without an iteration count ("pbkdf2:sha256", or "pbkdf2" alone since Werkzeug 2.3,
// meaning sha256) makes Werkzeug use its own DEFAULT_PBKDF2_ITERATIONS at verification time, which has
// changed across releases (150,000 in 1.0, 260,000 in 2.0, 600,000 in 2.3, 1,000,000 in 3.1);
// generate_password_hash has always written the count, so such strings come from elsewhere. We use
// options.werkzeugDefaultIterations (default 1,000,000, current Werkzeug) for them.
import { decodeHex, encodeHex, parseDecimal } from '../encoding';
import { malformed, unsupportedDigest } from '../errors';
import { DIGEST_SIZE, isDigest, type EncodeParams, type ParsedHash } from '../types';
import { checkTextSalt, digestSizedKey, type FormatCodec, type ParseContext } from './codec';

export const WERKZEUG_DEFAULT_ITERATIONS = 1_000_000;

export function isWerkzeug(encoded: string): boolean {
  return encoded.startsWith('pbkdf2:') || encoded.startsWith('pbkdf2$');
}

export const werkzeug: FormatCodec = {
  format: 'werkzeug',
  saltKind: 'text',
  digests: ['sha256', 'sha1', 'sha512'],
  defaultDigest: 'sha256',
  defaultSaltLength: 16, // generate_password_hash(salt_length=16)
  maxIterations: Number.MAX_SAFE_INTEGER,
  keylen: digestSizedKey('werkzeug'),
  checkSalt: (_salt, saltText) => checkTextSalt('werkzeug', saltText, false),

  parse(encoded: string, ctx: ParseContext): ParsedHash {
    const first = encoded.indexOf('$');
    const second = first < 0 ? -1 : encoded.indexOf('$', first + 1);
    if (second < 0) throw malformed('werkzeug', 'expected method$salt$hash');
    const method = encoded.slice(0, first);
    const saltText = encoded.slice(first + 1, second);
    const hashText = encoded.slice(second + 1);

    const [name, ...args] = method.split(':');
    if (name !== 'pbkdf2' || args.length > 2) throw malformed('werkzeug', 'method must be pbkdf2[:<hash>[:<iterations>]]');
    // hashlib resolves the name through OpenSSL, which ignores case and knows "sha-256" too.
    const hashName = args.length === 0 ? 'sha256' : (args[0] as string).toLowerCase().replace(/^sha-(1|256|512)$/, 'sha$1');
    if (!/^[a-z0-9_-]+$/.test(hashName)) throw malformed('werkzeug', 'bad hash name');
    if (!isDigest(hashName)) throw unsupportedDigest('werkzeug', hashName);
    let iterations = ctx.werkzeugDefaultIterations;
    const implicitIterations = args.length < 2;
    if (!implicitIterations) {
      const parsed = parseDecimal(args[1] as string);
      if (parsed === undefined) throw malformed('werkzeug', 'iterations is not a positive decimal number');
      iterations = parsed;
    }
    const hash = decodeHex(hashText);
    if (!hash) throw malformed('werkzeug', 'hash is not lower-case hex');
    if (hash.length !== DIGEST_SIZE[hashName]) {
      throw malformed('werkzeug', `hash is ${hash.length} bytes, ${hashName} gives ${DIGEST_SIZE[hashName]}`);
    }
    const parsed: ParsedHash = { format: 'werkzeug', digest: hashName, iterations, salt: Buffer.from(saltText, 'utf8'), hash };
    if (implicitIterations) parsed.implicitIterations = true;
    return parsed;
  },

  encode(p: EncodeParams): string {
    return `pbkdf2:${p.digest}:${p.iterations}$${p.saltText ?? ''}$${encodeHex(p.hash)}`;
  },
};
