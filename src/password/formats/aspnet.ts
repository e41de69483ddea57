// ASP.NET Core Identity PasswordHasher<TUser>: the stored string is standard padded base64 of
//   V2: 0x00 | salt (16 bytes) | subkey (32 bytes)           PBKDF2-HMAC-SHA1, 1000 iterations
//   V3: 0x01 | prf (u32 BE) | iterations (u32 BE) | salt length (u32 BE) | salt | subkey
// with prf 0 = HMAC-SHA1, 1 = HMAC-SHA256, 2 = HMAC-SHA512. VerifyHashedPasswordV3 requires a salt of
// at least 16 bytes and a subkey (the rest of the payload) of at least 16 bytes.
// HashPasswordV3 defaults: HMAC-SHA256, 10,000 iterations, 16-byte salt, 32-byte subkey in ASP.NET
// Core 2.x-6; HMAC-SHA512 and 100,000 iterations since .NET 7.
import { decodeBase64, encodeBase64 } from '../encoding';
import { PasswordHashError, ErrorCodes, malformed, unsupportedDigest } from '../errors';
import type { Digest, EncodeParams, ParsedHash } from '../types';
import { INT32_MAX, checkSaltBytes, invalidKeylen, type FormatCodec } from './codec';

const PRF_DIGESTS: readonly Digest[] = ['sha1', 'sha256', 'sha512'];
const V2_SALT = 16;
const V2_SUBKEY = 32;
const V2_ITERATIONS = 1000;
const MIN_SALT = 16;
const MIN_SUBKEY = 16;

const BASE64_SHAPE = /^[A-Za-z0-9+/]+={0,2}$/;

/** True for a string shaped like base64 (which is how ASP.NET Identity hashes look). */
export function isAspNetShaped(encoded: string): boolean {
  return encoded.length >= 4 && BASE64_SHAPE.test(encoded);
}

/** Decodes the blob and tells V2 from V3 by the marker byte. */
export function aspnetVersion(encoded: string): { version: 'aspnet-v2' | 'aspnet-v3'; blob: Buffer } {
  // Only a canonical base64 string whose first byte is a format marker is taken for ASP.NET: a plain
  // word ("garbage") is base64-shaped too, and is reported as an unknown format.
  const blob = decodeBase64(encoded);
  if (blob && blob[0] === 0x00) return { version: 'aspnet-v2', blob };
  if (blob && blob[0] === 0x01) return { version: 'aspnet-v3', blob };
  throw new PasswordHashError(
    ErrorCodes.UNKNOWN_FORMAT,
    'unrecognised password hash: not Django, Werkzeug, passlib, PHC, Keycloak, nor base64 with an ASP.NET Identity marker',
  );
}

export const aspnetV2: FormatCodec = {
  format: 'aspnet-v2',
  saltKind: 'bytes',
  digests: ['sha1'],
  defaultDigest: 'sha1',
  defaultSaltLength: V2_SALT,
  maxIterations: V2_ITERATIONS,
  fixedIterations: V2_ITERATIONS,
  keylen(_digest, requested) {
    if (requested !== undefined && requested !== V2_SUBKEY) throw invalidKeylen('aspnet-v2', `always ${V2_SUBKEY} bytes`);
    return V2_SUBKEY;
  },
  checkSalt: (salt, saltText) => checkSaltBytes('aspnet-v2', salt, saltText, V2_SALT, V2_SALT),

  parse(encoded: string): ParsedHash {
    const { version, blob } = aspnetVersion(encoded);
    if (version !== 'aspnet-v2') throw malformed('aspnet-v2', 'format marker is not 0x00');
    if (blob.length !== 1 + V2_SALT + V2_SUBKEY) {
      throw malformed('aspnet-v2', `payload is ${blob.length} bytes, V2 is exactly ${1 + V2_SALT + V2_SUBKEY}`);
    }
    return {
      format: 'aspnet-v2',
      digest: 'sha1',
      iterations: V2_ITERATIONS,
      salt: blob.subarray(1, 1 + V2_SALT),
      hash: blob.subarray(1 + V2_SALT),
    };
  },

  encode(p: EncodeParams): string {
    return encodeBase64(Buffer.concat([Buffer.of(0x00), p.salt, p.hash]));
  },
};

export const aspnetV3: FormatCodec = {
  format: 'aspnet-v3',
  saltKind: 'bytes',
  digests: ['sha512', 'sha256', 'sha1'],
  defaultDigest: 'sha512', // .NET 7+
  defaultSaltLength: MIN_SALT,
  maxIterations: INT32_MAX, // read as u32, then cast to int
  keylen(_digest, requested) {
    if (requested === undefined) return 32; // numBytesRequested: 256 / 8
    if (!Number.isInteger(requested) || requested < MIN_SUBKEY || requested > INT32_MAX) {
      throw invalidKeylen('aspnet-v3', `at least ${MIN_SUBKEY} bytes`);
    }
    return requested;
  },
  checkSalt: (salt, saltText) => checkSaltBytes('aspnet-v3', salt, saltText, MIN_SALT, 1024),

  parse(encoded: string): ParsedHash {
    const { version, blob } = aspnetVersion(encoded);
    if (version !== 'aspnet-v3') throw malformed('aspnet-v3', 'format marker is not 0x01');
    if (blob.length < 13) throw malformed('aspnet-v3', 'header is truncated');
    const prf = blob.readUInt32BE(1);
    const iterations = blob.readUInt32BE(5);
    const saltLength = blob.readUInt32BE(9);
    const digest = PRF_DIGESTS[prf];
    if (!digest) throw unsupportedDigest('aspnet-v3', `prf ${prf}`);
    if (iterations < 1 || iterations > INT32_MAX) throw malformed('aspnet-v3', `iteration count ${iterations} is out of range`);
    if (saltLength < MIN_SALT) throw malformed('aspnet-v3', `salt is ${saltLength} bytes, at least ${MIN_SALT} required`);
    const subkeyLength = blob.length - 13 - saltLength;
    if (subkeyLength < MIN_SUBKEY) {
      throw malformed('aspnet-v3', `subkey is ${Math.max(subkeyLength, 0)} bytes, at least ${MIN_SUBKEY} required`);
    }
    return {
      format: 'aspnet-v3',
      digest,
      iterations,
      salt: blob.subarray(13, 13 + saltLength),
      hash: blob.subarray(13 + saltLength),
    };
  },

  encode(p: EncodeParams): string {
    const header = Buffer.alloc(13);
    header[0] = 0x01;
    header.writeUInt32BE(PRF_DIGESTS.indexOf(p.digest), 1);
    header.writeUInt32BE(p.iterations, 5);
    header.writeUInt32BE(p.salt.length, 9);
    return encodeBase64(Buffer.concat([header, p.salt, p.hash]));
  },
};

