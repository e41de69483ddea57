// Shared types of fastpbkdf2/password.

/** The hash functions the native core computes. */
export type Digest = 'sha1' | 'sha256' | 'sha512';

export const DIGEST_SIZE: Readonly<Record<Digest, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** Strength order used by needsRehash: sha1 < sha256 < sha512. */
export const DIGEST_RANK: Readonly<Record<Digest, number>> = { sha1: 1, sha256: 2, sha512: 3 };

export function isDigest(value: unknown): value is Digest {
  return value === 'sha1' || value === 'sha256' || value === 'sha512';
}

/** The stored-hash formats this module reads and writes. */
export type Format = 'django' | 'werkzeug' | 'passlib' | 'phc' | 'aspnet-v2' | 'aspnet-v3' | 'keycloak';

export const FORMATS: readonly Format[] = ['django', 'werkzeug', 'passlib', 'phc', 'aspnet-v2', 'aspnet-v3', 'keycloak'];

export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}

/** A Keycloak credential given as an object (a realm-export entry or the two database columns). */
export interface KeycloakCredential {
  type?: string;
  /** PasswordSecretData: JSON text or the parsed object {value, salt, additionalParameters}. */
  secretData: string | Record<string, unknown>;
  /** PasswordCredentialData: JSON text or the parsed object {hashIterations, algorithm, ...}. */
  credentialData: string | Record<string, unknown>;
  [extra: string]: unknown;
}

/** What verify/identify/needsRehash accept: the stored string, or a Keycloak credential object. */
export type EncodedHash = string | KeycloakCredential;

/** A password: a string (hashed as UTF-8, like every supported system does) or raw bytes. */
export type Password = string | Uint8Array;

/** A stored hash taken apart: everything needed to recompute and compare it. */
export interface ParsedHash {
  format: Format;
  digest: Digest;
  iterations: number;
  /** The bytes PBKDF2 uses as salt (for Django and Werkzeug: the UTF-8 of the salt text). */
  salt: Buffer;
  /** The stored derived key; its length is the key length to derive. */
  hash: Buffer;
  /** Werkzeug only: the string had no iteration count, so the configured default was used. */
  implicitIterations?: boolean;
}

/** Public description of a stored hash, from identify(). */
export interface HashInfo {
  format: Format;
  digest: Digest;
  iterations: number;
  /** Derived key length in bytes. */
  keylen: number;
  /** Salt length in bytes (UTF-8 bytes of the salt text for Django and Werkzeug). */
  saltLength: number;
  /** Werkzeug only: true when the iteration count is not stored and the default was assumed. */
  implicitIterations?: boolean;
}

/** Everything a format's encoder needs to write a hash string. */
export interface EncodeParams {
  digest: Digest;
  iterations: number;
  salt: Buffer;
  /** Django/Werkzeug: the salt as text (salt is its UTF-8). */
  saltText?: string;
  hash: Buffer;
}
