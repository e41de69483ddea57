// fastpbkdf2/password against hostile stored values and arguments (issue 10, cases 5 and 6):
// names that exist on Object.prototype are not algorithms, a polluted Object.prototype changes
// nothing, and an object argument is read exactly once (what is measured is what is hashed).
import { describe, expect, it } from 'vitest';

import {
  ErrorCodes,
  PasswordHashError,
  hashSync,
  identify,
  needsRehash,
  verify,
  verifySync,
  type HashOptions,
  type KeycloakCredential,
} from '../src/password/index';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const KEY = b64(Buffer.alloc(32, 7));
const SALT = b64(Buffer.from('saltsaltsaltsalt'));

const keycloakText = (credentialData: object, secretData: object = { value: KEY, salt: SALT }) =>
  JSON.stringify({ type: 'password', secretData: JSON.stringify(secretData), credentialData: JSON.stringify(credentialData) });

/** The PasswordHashError code of each entry point on `encoded` (sync and async verify). */
async function codes(encoded: string | KeycloakCredential): Promise<string[]> {
  const out: string[] = [];
  const record = (err: unknown) => {
    expect(err).toBeInstanceOf(PasswordHashError);
    out.push((err as PasswordHashError).code);
  };
  for (const fn of [() => identify(encoded), () => needsRehash(encoded), () => verifySync('pw', encoded)]) {
    try {
      out.push(`returned ${String(fn())}`);
    } catch (err) {
      record(err);
    }
  }
  await verify('pw', encoded).then((v) => out.push(`resolved ${v}`), record);
  return out;
}

const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
];

describe('names found on Object.prototype are not algorithms', () => {
  it.each(PROTOTYPE_NAMES)('Keycloak algorithm %j: every entry point throws UNSUPPORTED_DIGEST', async (name) => {
    const expected = Array(4).fill(ErrorCodes.UNSUPPORTED_DIGEST);
    const credentialData = { hashIterations: 1, algorithm: name };
    expect(await codes(keycloakText(credentialData))).toEqual(expected);
    expect(await codes({ secretData: { value: KEY, salt: SALT }, credentialData })).toEqual(expected);
    expect(await codes({ secretData: JSON.stringify({ value: KEY, salt: SALT }), credentialData: JSON.stringify(credentialData) })).toEqual(
      expected,
    );
  });

  it.each(PROTOTYPE_NAMES)('passlib/PHC/Django/Werkzeug identifiers built on %j are refused', async (name) => {
    const key = KEY.replace(/=+$/, '');
    for (const encoded of [
      `$pbkdf2-${name}$1$c2FsdA$${key}`,
      `$pbkdf2-${name}$i=1$c2FsdA$${key}`,
      `$pbkdf2${name}$1$c2FsdA$${key}`,
      `pbkdf2_${name}$1$salt$${KEY}`,
      `pbkdf2:${name}:1$salt$${'07'.repeat(32)}`,
    ]) {
      for (const code of await codes(encoded)) expect(Object.values(ErrorCodes)).toContain(code);
    }
  });

  it('a polluted Object.prototype is not consulted (Keycloak fields, identifiers)', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    const pollution: Record<string, unknown> = {
      algorithm: 'pbkdf2-sha256',
      hashIterations: 1,
      salt: SALT,
      secretData: JSON.stringify({ value: KEY, salt: SALT }),
      'pbkdf2-sha384': 'sha256',
      'pbkdf2-md5': 'sha1',
      pbkdf2_sha384: 'sha256',
    };
    try {
      Object.assign(proto, pollution);
      // Each would parse as a valid hash if an inherited property were read. (Not `value`: an inherited
    // `value` breaks Object.defineProperty everywhere.)
      expect(await codes(keycloakText({ hashIterations: 1 }))).toEqual(Array(4).fill(ErrorCodes.MALFORMED_HASH));
      expect(await codes(keycloakText({ algorithm: 'pbkdf2-sha256' }))).toEqual(Array(4).fill(ErrorCodes.MALFORMED_HASH));
      expect(await codes(keycloakText({ hashIterations: 1, algorithm: 'pbkdf2-sha256' }, { value: KEY }))).toEqual(
        Array(4).fill(ErrorCodes.MALFORMED_HASH),
      );
      expect(await codes(JSON.stringify({ credentialData: JSON.stringify({ hashIterations: 1, algorithm: 'pbkdf2' }) }))).toEqual(
        Array(4).fill(ErrorCodes.MALFORMED_HASH),
      );
      const key = KEY.replace(/=+$/, '');
      expect(await codes(`$pbkdf2-sha384$i=1$c2FsdA$${key}`)).toEqual(Array(4).fill(ErrorCodes.UNSUPPORTED_DIGEST));
      expect((await codes(`$pbkdf2-md5$1$c2FsdA$${key}`)).every((c) => c === ErrorCodes.UNSUPPORTED_DIGEST)).toBe(true);
    } finally {
      for (const name of Object.keys(pollution)) delete proto[name];
    }
  });
});

describe('object arguments are read once', () => {
  const password = 'correct horse';
  const good = JSON.parse(hashSync(password, { format: 'keycloak', digest: 'sha256', iterations: 1 })) as {
    secretData: string;
    credentialData: string;
  };
  const other = JSON.parse(hashSync('another password', { format: 'keycloak', digest: 'sha256', iterations: 1 })) as typeof good;
  // The right key, padded to 10 MB: far above maxEncodedLength (16384 by default).
  const huge = JSON.stringify({ ...JSON.parse(good.secretData), padding: 'x'.repeat(10_000_000) });

  /** A credential whose secretData getter answers `first`, then `later` on every further read. */
  function shifty(first: unknown, later: unknown) {
    const credential = {
      reads: 0,
      get secretData() {
        return this.reads++ === 0 ? first : later;
      },
      credentialData: good.credentialData,
    };
    return credential;
  }

  it('a secretData getter answering small, then 10 MB: the small answer is measured and hashed', async () => {
    const sync = shifty(other.secretData, huge);
    expect(verifySync(password, sync as unknown as KeycloakCredential)).toBe(false);
    expect(sync.reads).toBe(1);
    const async = shifty(other.secretData, huge);
    await expect(verify(password, async as unknown as KeycloakCredential)).resolves.toBe(false);
    expect(async.reads).toBe(1);
    const info = shifty(other.secretData, huge);
    expect(identify(info as unknown as KeycloakCredential).format).toBe('keycloak');
    expect(info.reads).toBe(1);
  });

  it('a secretData getter answering 10 MB first is refused by maxEncodedLength', () => {
    const credential = shifty(huge, good.secretData);
    expect(() => verifySync(password, credential as unknown as KeycloakCredential)).toThrow(
      expect.objectContaining({ code: ErrorCodes.LIMIT_EXCEEDED }),
    );
    expect(credential.reads).toBe(1);
  });

  it('getters inside an object secretData are read once too', () => {
    let reads = 0;
    const secretData = {
      salt: JSON.parse(good.secretData).salt as string,
      get value() {
        reads++;
        return reads === 1 ? JSON.parse(other.secretData).value : `${JSON.parse(good.secretData).value}${' '.repeat(1e6)}`;
      },
    };
    expect(verifySync(password, { secretData, credentialData: good.credentialData })).toBe(false);
    expect(reads).toBe(1);
  });

  it('a credentialData getter cannot change the iteration count after it was checked', () => {
    let reads = 0;
    const credential = {
      secretData: good.secretData,
      get credentialData() {
        reads++;
        return reads === 1 ? good.credentialData : JSON.stringify({ hashIterations: 2 ** 31 - 1, algorithm: 'pbkdf2-sha256' });
      },
    };
    // Read twice, the second answer would be hashed: 2^31-1 iterations, above maxIterations.
    expect(verifySync(password, credential)).toBe(true);
    expect(reads).toBe(1);
  });

  it('options are read once: formats, limits, policy fields, the salt', () => {
    const counted = <T>(values: T[]) => {
      let reads = 0;
      return { get: () => values[Math.min(reads++, values.length - 1)], reads: () => reads };
    };
    const formats = counted([['keycloak'], ['django']]);
    const limit = counted([16384, 1]);
    const options = Object.defineProperties({}, {
      formats: { get: formats.get },
      maxEncodedLength: { get: limit.get },
    });
    const encoded = JSON.stringify(good);
    expect(verifySync(password, encoded, options)).toBe(true);
    expect([formats.reads(), limit.reads()]).toEqual([1, 1]);

    const keylen = counted([32, 64]);
    const policy = Object.defineProperty({}, 'keylen', { get: keylen.get });
    expect(needsRehash(encoded, policy)).toBe(true); // 1 iteration is below every default floor
    expect(keylen.reads()).toBe(1);

    const salt = counted([Buffer.alloc(16, 1), Buffer.alloc(8, 2)]);
    const saltLength = counted([undefined, 16]);
    const hashOptions = Object.defineProperties<HashOptions>({ format: 'phc', iterations: 1 }, { salt: { get: salt.get }, saltLength: { get: saltLength.get } });
    expect(identify(hashSync(password, hashOptions)).saltLength).toBe(16);
    expect([salt.reads(), saltLength.reads()]).toEqual([1, 1]);
  });

  it('a Uint8Array password is read through its internal slots, not its own properties', () => {
    const encoded = hashSync(password, { iterations: 1 });
    class Lying extends Uint8Array {
      override get byteLength() {
        return 3;
      }
      override get byteOffset() {
        return 1;
      }
    }
    expect(verifySync(new Lying(Buffer.from(password)), encoded)).toBe(true);
    const pooled = Object.defineProperty(Buffer.from(password), 'byteOffset', { get: () => 0 });
    expect(verifySync(pooled, encoded)).toBe(true);
    const bytes = Buffer.from('x'.repeat(5000));
    const short = Object.defineProperty(bytes, 'byteLength', { get: () => 1 });
    expect(() => verifySync(short, encoded)).toThrow(expect.objectContaining({ code: ErrorCodes.LIMIT_EXCEEDED }));
  });
});
