// Which digest names node:crypto resolves to SHA-1, SHA-256 or SHA-512. Node hands the name to
// OpenSSL, which matches names case-insensitively and knows several aliases (listed here as node 20
// with OpenSSL 3 accepts them; test/digests.test.ts checks every one side by side with node).
// A name not listed here is passed to node:crypto unchanged, so an alias we miss is slower, not wrong.

/** Numeric ids shared with the native addon (native/pbkdf2.h, fp_digest). */
export const enum DigestId {
  SHA1 = 0,
  SHA256 = 1,
  SHA512 = 2,
}

export const nativeDigestNames: Readonly<Record<string, readonly string[]>> = {
  sha1: ['sha1', 'sha-1', 'rsa-sha1', 'rsa-sha1-2', 'sha1withrsaencryption', 'ssl3-sha1', '1.3.14.3.2.26'],
  sha256: ['sha256', 'sha-256', 'sha2-256', 'rsa-sha256', 'sha256withrsaencryption', '2.16.840.1.101.3.4.2.1'],
  sha512: ['sha512', 'sha-512', 'sha2-512', 'rsa-sha512', 'sha512withrsaencryption', '2.16.840.1.101.3.4.2.3'],
};

const idOfCanonical: Record<string, DigestId> = { sha1: DigestId.SHA1, sha256: DigestId.SHA256, sha512: DigestId.SHA512 };

const idByAlias = new Map<string, DigestId>();
for (const [canonical, aliases] of Object.entries(nativeDigestNames)) {
  for (const alias of aliases) idByAlias.set(alias, idOfCanonical[canonical]);
}

/** The native digest id for a name node accepts for SHA-1/256/512, else undefined. */
export function nativeDigestId(name: string): DigestId | undefined {
  // Aliases are short; a long string cannot match, and skipping it avoids lower-casing megabytes.
  if (name.length > 32) return undefined;
  return idByAlias.get(name.toLowerCase());
}
