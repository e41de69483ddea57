// Keycloak's PBKDF2 password credentials (org.keycloak.credential.hash.Pbkdf2PasswordHashProvider).
// A credential is stored as two JSON documents (database columns SECRET_DATA and CREDENTIAL_DATA,
// realm-export fields "secretData" and "credentialData", each a JSON string):
//   secretData     {"value": base64(dk), "salt": base64(salt), "additionalParameters": {}}
//   credentialData {"hashIterations": n, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}
// algorithm: "pbkdf2" (HMAC-SHA1), "pbkdf2-sha256", "pbkdf2-sha512". Verification derives as many bits
// as the stored value holds (keySize(credential) = decoded value length * 8), so 512-bit keys (the
// DEFAULT_DERIVED_KEY_SIZE, used by pbkdf2 and pbkdf2-sha512, and by pbkdf2-sha256 before it moved to
// 256 bits) and 256-bit keys both verify. The optional "max-padding-length" setting pads short
// passwords with NUL characters; HMAC pads its key with zeros anyway, so padded and unpadded hashes are
// identical and nothing needs doing here.
//
// As a string, we read and write {"type":"password","secretData":"<json>","credentialData":"<json>"}
// (a realm-export credential entry; extra fields such as id or createdDate are ignored), and we also
// accept secretData/credentialData as objects, in a string or as a KeycloakCredential object.
import { decodeBase64, encodeBase64, parseDecimal } from '../encoding';
import { malformed, unsupportedDigest } from '../errors';
import type { Digest, EncodeParams, ParsedHash } from '../types';
import { INT32_MAX, checkSaltBytes, variableKey, type FormatCodec } from './codec';

const ALGORITHMS: ReadonlyMap<string, Digest> = new Map([
  ['pbkdf2', 'sha1'],
  ['pbkdf2-sha256', 'sha256'],
  ['pbkdf2-sha512', 'sha512'],
]);
const ALGORITHM_OF: Readonly<Record<Digest, string>> = { sha1: 'pbkdf2', sha256: 'pbkdf2-sha256', sha512: 'pbkdf2-sha512' };

/** Keycloak's current derived key sizes: 256 bits for pbkdf2-sha256, 512 bits otherwise. */
function defaultKeylen(digest: Digest): number {
  return digest === 'sha256' ? 32 : 64;
}

type JsonObject = Record<string, unknown>;

/** A field of a parsed JSON object; inherited properties (Object.prototype's) do not count. */
function field(object: JsonObject, name: string): unknown {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

function parseJsonObject(text: string, what: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed('keycloak', `${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformed('keycloak', `${what} is not a JSON object`);
  }
  return parsed as JsonObject;
}

/**
 * A credential's parts as read from the caller, each read exactly once: `secretData` and
 * `credentialData` as JSON text (a string as given, an object serialised once), so that the length
 * checked against the limits is the length of what is parsed.
 */
export interface KeycloakParts {
  type: unknown;
  secretData: string | undefined;
  credentialData: string | undefined;
}

/** A credential field as JSON text: a string as is, anything else serialised (once). */
export function jsonText(value: unknown, what: string): string | undefined {
  if (typeof value === 'string' || value === undefined) return value;
  try {
    return JSON.stringify(value);
  } catch {
    throw malformed('keycloak', `${what} cannot be serialised as JSON`);
  }
}

/** The parts of a credential written as one JSON string (a realm-export credential entry). */
function partsOfText(encoded: string): KeycloakParts {
  const outer = parseJsonObject(encoded, 'credential');
  return {
    type: field(outer, 'type'),
    secretData: jsonText(field(outer, 'secretData'), 'secretData'),
    credentialData: jsonText(field(outer, 'credentialData'), 'credentialData'),
  };
}

/** Takes a credential apart. */
export function parseKeycloakParts(parts: KeycloakParts): ParsedHash {
  if (parts.type !== undefined && parts.type !== 'password') {
    throw malformed('keycloak', `credential type is ${JSON.stringify(parts.type)}, not "password"`);
  }
  if (parts.secretData === undefined || parts.credentialData === undefined) {
    throw malformed('keycloak', 'secretData and credentialData are both required');
  }
  const secret = parseJsonObject(parts.secretData, 'secretData');
  const data = parseJsonObject(parts.credentialData, 'credentialData');

  const algorithm = field(data, 'algorithm');
  if (typeof algorithm !== 'string') throw malformed('keycloak', 'credentialData.algorithm is missing');
  const digest = ALGORITHMS.get(algorithm);
  if (!digest) throw unsupportedDigest('keycloak', algorithm);

  // Jackson reads an int from a number or (by default) from a numeric string.
  const rawIterations = field(data, 'hashIterations');
  const iterations =
    typeof rawIterations === 'number' ? rawIterations : typeof rawIterations === 'string' ? parseDecimal(rawIterations) : undefined;
  if (iterations === undefined || !Number.isInteger(iterations) || iterations < 1 || iterations > INT32_MAX) {
    throw malformed('keycloak', 'credentialData.hashIterations is not an integer from 1 to 2^31-1');
  }

  const valueText = field(secret, 'value');
  const value = typeof valueText === 'string' ? decodeBase64(valueText) : undefined;
  if (!value || value.length === 0) throw malformed('keycloak', 'secretData.value is not canonical base64');
  const saltText = field(secret, 'salt');
  const salt = typeof saltText === 'string' ? decodeBase64(saltText) : undefined;
  if (!salt || salt.length === 0) throw malformed('keycloak', 'secretData.salt is not canonical base64');

  return { format: 'keycloak', digest, iterations, salt, hash: value };
}

export function isKeycloakShaped(encoded: string): boolean {
  return encoded.startsWith('{');
}

export const keycloak: FormatCodec = {
  format: 'keycloak',
  saltKind: 'bytes',
  digests: ['sha512', 'sha256', 'sha1'],
  defaultDigest: 'sha512', // Keycloak 24+
  defaultSaltLength: 16,
  maxIterations: INT32_MAX,
  keylen: variableKey('keycloak', 1, defaultKeylen),
  checkSalt: (salt, saltText) => checkSaltBytes('keycloak', salt, saltText, 1, 1024),

  parse: (encoded: string) => parseKeycloakParts(partsOfText(encoded)),

  encode(p: EncodeParams): string {
    const secretData = JSON.stringify({ value: encodeBase64(p.hash), salt: encodeBase64(p.salt), additionalParameters: {} });
    const credentialData = JSON.stringify({
      hashIterations: p.iterations,
      algorithm: ALGORITHM_OF[p.digest],
      additionalParameters: {},
    });
    return JSON.stringify({ type: 'password', secretData, credentialData });
  },
};

