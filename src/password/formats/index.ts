// Recognises a stored hash's format from its shape and hands it to that format's parser.
import { ErrorCodes, PasswordHashError, invalidArgument, malformed, unsupportedDigest } from '../errors';
import { checkEncodedLength, type Limits } from '../limits';
import type { EncodedHash, Format, ParsedHash } from '../types';
import { aspnetV2, aspnetV3, aspnetVersion, isAspNetShaped } from './aspnet';
import type { FormatCodec, ParseContext } from './codec';
import { django, isDjango } from './django';
import { isKeycloakShaped, jsonText, keycloak, parseKeycloakParts } from './keycloak';
import { PASSLIB_IDENTS, passlib } from './passlib';
import { phc } from './phc';
import { isWerkzeug, werkzeug } from './werkzeug';

export type { FormatCodec, ParseContext } from './codec';
export { WERKZEUG_DEFAULT_ITERATIONS } from './werkzeug';

export const CODECS: Readonly<Record<Format, FormatCodec>> = {
  django,
  werkzeug,
  passlib,
  phc,
  'aspnet-v2': aspnetV2,
  'aspnet-v3': aspnetV3,
  keycloak,
};

function unknownFormat(detail: string): PasswordHashError {
  return new PasswordHashError(ErrorCodes.UNKNOWN_FORMAT, `unrecognised password hash: ${detail}`);
}

/** Which format a stored string is in, judged from its shape alone (no decoding of the hash). */
export function detectFormat(encoded: string): Format {
  if (isDjango(encoded)) return 'django';
  if (isWerkzeug(encoded)) return 'werkzeug';
  if (isKeycloakShaped(encoded)) return 'keycloak';
  if (encoded.startsWith('$pbkdf2')) {
    // passlib and PHC share "$pbkdf2-sha256$"; passlib's next field is a bare decimal, PHC's is i=...
    const parts = encoded.split('$');
    const ident = parts[1] ?? '';
    const third = parts[2] ?? '';
    if (third.includes('=')) return 'phc';
    if (/^[0-9]/.test(third)) {
      if (PASSLIB_IDENTS.has(ident)) return 'passlib';
      if (/^pbkdf2-[a-z0-9-]+$/.test(ident)) throw unsupportedDigest('passlib', ident.slice('pbkdf2-'.length));
      throw malformed('passlib', `unknown ident ${JSON.stringify(ident)}`);
    }
    throw malformed(PASSLIB_IDENTS.has(ident) ? 'passlib' : 'phc', 'expected rounds or i=<rounds> after the identifier');
  }
  if (isAspNetShaped(encoded)) return aspnetVersion(encoded).version;
  if (encoded.startsWith('!')) throw unknownFormat('Django marks unusable passwords with "!"; no password matches it');
  if (encoded.startsWith('pbkdf2_')) throw unknownFormat('Django PBKDF2 hashes start with pbkdf2_sha256$ or pbkdf2_sha1$');
  throw unknownFormat('not Django, Werkzeug, passlib, PHC, ASP.NET Identity or Keycloak PBKDF2');
}

/** Parses a stored hash (string or Keycloak credential object), within the string-length limit. */
export function parseEncoded(
  encoded: EncodedHash,
  ctx: ParseContext,
  limits: Limits,
  allowed: readonly Format[] | undefined,
): ParsedHash {
  let parsed: ParsedHash;
  if (typeof encoded === 'string') {
    checkEncodedLength(encoded.length, limits);
    const format = detectFormat(encoded);
    if (allowed && !allowed.includes(format)) throw unknownFormat(`${format} hashes are not enabled (options.formats)`);
    parsed = CODECS[format].parse(encoded, ctx);
  } else if (typeof encoded === 'object' && encoded !== null && !Array.isArray(encoded)) {
    if (!('secretData' in encoded) || !('credentialData' in encoded)) {
      throw unknownFormat('an object must be a Keycloak credential with secretData and credentialData');
    }
    // Each field is read once (a getter may answer differently each time), as the text that is
    // both measured against the limit and parsed.
    const { type, secretData, credentialData } = encoded;
    const parts = {
      type,
      secretData: jsonText(secretData, 'secretData'),
      credentialData: jsonText(credentialData, 'credentialData'),
    };
    checkEncodedLength((parts.secretData?.length ?? 0) + (parts.credentialData?.length ?? 0), limits);
    if (allowed && !allowed.includes('keycloak')) throw unknownFormat('keycloak hashes are not enabled (options.formats)');
    parsed = parseKeycloakParts(parts);
  } else {
    throw invalidArgument('the stored hash must be a string (or a Keycloak credential object)');
  }
  return parsed;
}
