// fastpbkdf2/password: fixtures written by tools/gen-password-fixtures.py (Python's hashlib, re-implementing
// each original system's encoder, never our code), round trips, tampering, limits, dummy verification.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

import { backendFor, isNative } from '../src/index';
import * as password from '../src/password/index';
import {
  DEFAULT_ITERATIONS,
  DEFAULT_LIMITS,
  ErrorCodes,
  FORMATS,
  PasswordHashError,
  hash,
  hashSync,
  identify,
  needsRehash,
  verify,
  verifySync,
  verifyUnknownUser,
  verifyUnknownUserSync,
  type Digest,
  type Format,
  type HashOptions,
} from '../src/password/index';

interface Vector {
  id: string;
  format: Format;
  digest: Digest;
  iterations: number;
  keylen: number;
  password: string;
  encoded: string;
  reproducible: boolean;
  salt?: string;
  saltHex?: string;
  werkzeugDefaultIterations?: number;
}

const root = join(__dirname, '..');
const fixtures = JSON.parse(readFileSync(join(root, 'test/fixtures/password-vectors.json'), 'utf8')) as { vectors: Vector[] };
const vectors = fixtures.vectors;
const byId = (id: string): Vector => {
  const v = vectors.find((x) => x.id === id);
  if (!v) throw new Error(`no fixture ${id}`);
  return v;
};
const readOptions = (v: Vector) =>
  v.werkzeugDefaultIterations === undefined ? {} : { werkzeugDefaultIterations: v.werkzeugDefaultIterations };
const wrong = (pw: string) => (pw === '' ? 'x' : `${pw}x`);

/** Runs fn and returns the PasswordHashError it throws (failing if it returns or throws anything else). */
function thrown(fn: () => unknown): PasswordHashError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PasswordHashError);
    return err as PasswordHashError;
  }
  throw new Error('expected a PasswordHashError, nothing was thrown');
}
const codeOf = (fn: () => unknown) => thrown(fn).code;

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Options for hash() that reproduce a fixture (its salt, digest, iterations, key length). */
function reproduce(v: Vector): HashOptions {
  return {
    format: v.format,
    digest: v.digest,
    iterations: v.iterations,
    keylen: v.keylen,
    salt: v.salt ?? Buffer.from(v.saltHex ?? '', 'hex'),
  };
}

// Cheapest fixture per format, for the exhaustive tampering tests.
const cheap: Record<Format, Vector> = {
  django: byId('django/sha256-1'),
  werkzeug: byId('werkzeug/sha256-1'),
  passlib: byId('passlib/sha256-1'),
  phc: byId('phc/sha256-1'),
  'aspnet-v2': byId('aspnet-v2/v2-latin1'),
  'aspnet-v3': byId('aspnet-v3/v3-sha1-1-cjk'),
  keycloak: byId('keycloak/sha256-1-nfd'),
};

describe('fixtures from the original algorithms', () => {
  it('cover every format, digest, unicode and empty passwords', () => {
    expect(new Set(vectors.map((v) => v.format))).toEqual(new Set(FORMATS));
    for (const format of FORMATS) {
      const digests = new Set(vectors.filter((v) => v.format === format).map((v) => v.digest));
      const expected = format === 'django' ? ['sha1', 'sha256'] : format === 'aspnet-v2' ? ['sha1'] : ['sha1', 'sha256', 'sha512'];
      expect([...digests].sort()).toEqual(expected);
    }
    expect(vectors.some((v) => v.password === '')).toBe(true);
    expect(vectors.some((v) => /[^\x00-\x7f]/.test(v.password))).toBe(true);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s verifies (sync), wrong password does not', (_id, v) => {
    expect(verifySync(v.password, v.encoded, readOptions(v))).toBe(true);
    expect(verifySync(wrong(v.password), v.encoded, readOptions(v))).toBe(false);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s verifies (async), as bytes too', async (_id, v) => {
    await expect(verify(v.password, v.encoded, readOptions(v))).resolves.toBe(true);
    await expect(verify(Buffer.from(v.password, 'utf8'), v.encoded, readOptions(v))).resolves.toBe(true);
    await expect(verify(wrong(v.password), v.encoded, readOptions(v))).resolves.toBe(false);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s is identified', (_id, v) => {
    const info = identify(v.encoded, readOptions(v));
    expect(info).toMatchObject({ format: v.format, digest: v.digest, iterations: v.iterations, keylen: v.keylen });
    const saltLength = v.salt !== undefined ? Buffer.byteLength(v.salt) : (v.saltHex ?? '').length / 2;
    expect(info.saltLength).toBe(saltLength);
  });

  const reproducible = vectors.filter((v) => v.reproducible);
  it.each(reproducible.map((v) => [v.id, v] as const))('%s: hash() with its salt reproduces it exactly', async (_id, v) => {
    expect(hashSync(v.password, reproduce(v))).toBe(v.encoded);
    await expect(hash(v.password, reproduce(v))).resolves.toBe(v.encoded);
  });

  it('Werkzeug strings without iterations use werkzeugDefaultIterations (default 1,000,000)', () => {
    const v = byId('werkzeug/implicit-sha256-default-1000');
    expect(identify(v.encoded).iterations).toBe(1_000_000);
    expect(identify(v.encoded).implicitIterations).toBe(true);
    expect(verifySync(v.password, v.encoded, { werkzeugDefaultIterations: 1000 })).toBe(true);
    expect(verifySync(v.password, v.encoded, { werkzeugDefaultIterations: 1001 })).toBe(false);
  });

  it('Keycloak credentials are accepted as objects (database columns) too', async () => {
    const v = byId('keycloak/sha512-2-object-fields');
    const parsed = JSON.parse(v.encoded) as { secretData: Record<string, unknown>; credentialData: Record<string, unknown> };
    expect(verifySync(v.password, parsed)).toBe(true);
    const columns = { secretData: JSON.stringify(parsed.secretData), credentialData: JSON.stringify(parsed.credentialData) };
    await expect(verify(v.password, columns)).resolves.toBe(true);
    await expect(verify('nope', columns)).resolves.toBe(false);
    expect(identify(columns)).toMatchObject({ format: 'keycloak', digest: 'sha512', iterations: 2, keylen: 64 });
  });

  it('passwords are not Unicode-normalised (as in every original system)', () => {
    const v = byId('django/sha256-1000-nfd');
    expect(verifySync(v.password, v.encoded)).toBe(true);
    expect(verifySync(v.password.normalize('NFC'), v.encoded)).toBe(false);
  });
});

describe('round trip hash -> verify', () => {
  const cases: [Format, Digest][] = [];
  for (const format of FORMATS) {
    const digests: Digest[] = format === 'django' ? ['sha1', 'sha256'] : format === 'aspnet-v2' ? ['sha1'] : ['sha1', 'sha256', 'sha512'];
    for (const digest of digests) cases.push([format, digest]);
  }

  it.each(cases)('%s %s', async (format, digest) => {
    const iterations = format === 'aspnet-v2' ? 1000 : 3;
    for (const pw of ['hunter2', '', 'pässwörd 密码 🔑']) {
      const encoded = hashSync(pw, { format, digest, iterations });
      expect(identify(encoded)).toMatchObject({ format, digest, iterations });
      expect(verifySync(pw, encoded)).toBe(true);
      expect(verifySync(wrong(pw), encoded)).toBe(false);
      const encodedAsync = await hash(pw, { format, digest, iterations });
      expect(encodedAsync).not.toBe(encoded); // fresh random salt
      await expect(verify(pw, encodedAsync)).resolves.toBe(true);
    }
  });

  it('default hash() is PHC PBKDF2-SHA256, 600,000 iterations, 16-byte random salt, 32-byte key', async () => {
    const encoded = await hash('correct horse');
    expect(encoded).toMatch(/^\$pbkdf2-sha256\$i=600000,l=32\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(identify(encoded)).toEqual({ format: 'phc', digest: 'sha256', iterations: 600000, keylen: 32, saltLength: 16 });
    await expect(verify('correct horse', encoded)).resolves.toBe(true);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('format defaults follow the original systems', () => {
    const django = hashSync('pw', { format: 'django', iterations: 1 });
    expect(django).toMatch(/^pbkdf2_sha256\$1\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/);
    const werkzeug = hashSync('pw', { format: 'werkzeug', iterations: 1 });
    expect(werkzeug).toMatch(/^pbkdf2:sha256:1\$[A-Za-z0-9]{16}\$[0-9a-f]{64}$/);
    expect(identify(hashSync('pw', { format: 'passlib', iterations: 1 }))).toMatchObject({ digest: 'sha256', keylen: 32, saltLength: 16 });
    expect(identify(hashSync('pw', { format: 'aspnet-v2' }))).toMatchObject({ digest: 'sha1', iterations: 1000, keylen: 32, saltLength: 16 });
    expect(identify(hashSync('pw', { format: 'aspnet-v3', iterations: 1 }))).toMatchObject({ digest: 'sha512', keylen: 32, saltLength: 16 });
    expect(identify(hashSync('pw', { format: 'keycloak', iterations: 1 }))).toMatchObject({ digest: 'sha512', keylen: 64, saltLength: 16 });
    expect(identify(hashSync('pw', { format: 'keycloak', digest: 'sha256', iterations: 1 }))).toMatchObject({ keylen: 32 });
    expect(identify(hashSync('pw', { format: 'phc', digest: 'sha512', iterations: 1 }))).toMatchObject({ keylen: 64 });
    expect(identify(hashSync('pw', { format: 'phc', iterations: 1, keylen: 48, saltLength: 32 }))).toMatchObject({ keylen: 48, saltLength: 32 });
  });

  it('hash() rejects options the format cannot store', () => {
    const bad: HashOptions[] = [
      { format: 'nope' as Format },
      { format: 'django', digest: 'sha512' },
      { format: 'django', salt: Buffer.from('abc') },
      { format: 'django', salt: 'a$b' },
      { format: 'django', salt: '' },
      { format: 'werkzeug', keylen: 20 },
      { format: 'passlib', salt: 'text' },
      { format: 'aspnet-v2', iterations: 2000 },
      { format: 'aspnet-v2', salt: Buffer.alloc(15) },
      { format: 'aspnet-v3', salt: Buffer.alloc(8), iterations: 1 },
      { format: 'aspnet-v3', keylen: 8, iterations: 1 },
      { format: 'phc', keylen: 4, iterations: 1 },
      { iterations: 0 },
      { iterations: 1.5 },
      { iterations: 2 ** 31 },
      { saltLength: 0 },
      { salt: Buffer.alloc(16), saltLength: 16 },
      { digest: 'md5' as Digest },
    ];
    for (const options of bad) expect(codeOf(() => hashSync('pw', options)), JSON.stringify(options)).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => hashSync('pw', { iterations: 6_000_000 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => hashSync('pw', { keylen: 129, iterations: 1 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => hashSync(42 as unknown as string, { iterations: 1 }))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });
});

describe('tampered and malformed strings never verify and never crash', () => {
  /** The outcome of verifying a (possibly broken) string: true, false, or a PasswordHashError code. */
  function outcome(pw: string, encoded: string): boolean | string {
    try {
      return verifySync(pw, encoded, { maxIterations: 10_000 });
    } catch (err) {
      if (!(err instanceof PasswordHashError)) throw err;
      expect(Object.values(ErrorCodes)).toContain(err.code);
      return err.code;
    }
  }

  /**
   * A broken string may only verify if it still says the same thing: same parameters and a stored key
   * that is a prefix of the original (ASP.NET V3, Keycloak and PHC without l= derive as many bytes as
   * are stored, exactly as the original systems do; a shorter PBKDF2 output is a prefix of a longer one).
   */
  function expectEquivalent(original: string, changed: string) {
    const a = identify(original);
    const b = identify(changed);
    expect({ ...b, keylen: 0 }, changed).toEqual({ ...a, keylen: 0 });
    expect(b.keylen).toBeGreaterThanOrEqual(16);
    expect(hashBytes(original, a.format).subarray(0, b.keylen).equals(hashBytes(changed, b.format))).toBe(true);
    expect(verifySync('definitely wrong', changed)).toBe(false);
  }

  it.each(FORMATS.map((f) => [f, cheap[f]] as const))('%s: every truncation is false or a typed error', (_f, v) => {
    for (let n = 0; n < v.encoded.length; n++) {
      const cut = v.encoded.slice(0, n);
      if (outcome(v.password, cut) === true) expectEquivalent(v.encoded, cut);
    }
  });

  it.each(FORMATS.map((f) => [f, cheap[f]] as const))('%s: random single-character edits are false or a typed error', (_f, v) => {
    const alphabet = 'A/+=.$:,{}"0129azAZ_-i\u00e9 ';
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      const i = rand(v.encoded.length);
      const mutated = v.encoded.slice(0, i) + alphabet[rand(alphabet.length)] + v.encoded.slice(i + 1);
      if (outcome(v.password, mutated) === true) expectEquivalent(v.encoded, mutated);
    }
  });

  // Well-formed variants of a fixture with one thing changed: verification must say false.
  function reencode(v: Vector, change: { hash?: true; salt?: true; iterations?: number }): string {
    const original = hashBytes(v.encoded, v.format);
    if (change.hash) {
      const flipped = Buffer.from(original);
      flipped[flipped.length - 1] ^= 0x01;
      return swapHash(v.encoded, v.format, flipped);
    }
    // Rewrite the string with another salt or iteration count, then put the original key back.
    const opts = reproduce(v);
    if (change.iterations) opts.iterations = change.iterations;
    if (change.salt) {
      const s = opts.salt;
      opts.salt = typeof s === 'string' ? s.slice(0, -1) + (s.endsWith('Y') ? 'Z' : 'Y') : Buffer.from(s as Uint8Array).map((b) => b ^ 1);
    }
    return swapHash(hashSync(v.password, opts), v.format, original);
  }

  /** The stored key of a string, by format (test-side decoder). */
  function hashBytes(encoded: string, format: Format): Buffer {
    switch (format) {
      case 'django':
        return Buffer.from(encoded.split('$')[3] as string, 'base64');
      case 'werkzeug':
        return Buffer.from(encoded.split('$')[2] as string, 'hex');
      case 'passlib':
        return Buffer.from((encoded.split('$')[4] as string).replace(/\./g, '+'), 'base64');
      case 'phc':
        return Buffer.from(encoded.split('$')[4] as string, 'base64');
      case 'aspnet-v2':
        return Buffer.from(encoded, 'base64').subarray(17);
      case 'aspnet-v3': {
        const blob = Buffer.from(encoded, 'base64');
        return blob.subarray(13 + blob.readUInt32BE(9));
      }
      case 'keycloak':
        return Buffer.from(JSON.parse(JSON.parse(encoded).secretData).value, 'base64');
    }
  }

  function swapHash(encoded: string, format: Format, key: Buffer): string {
    switch (format) {
      case 'django': {
        const p = encoded.split('$');
        return [p[0], p[1], p[2], key.toString('base64')].join('$');
      }
      case 'werkzeug': {
        const p = encoded.split('$');
        return [p[0], p[1], key.toString('hex')].join('$');
      }
      case 'passlib': {
        const p = encoded.split('$');
        p[4] = key.toString('base64').replace(/=+$/, '').replace(/\+/g, '.');
        return p.join('$');
      }
      case 'phc': {
        const p = encoded.split('$');
        p[4] = key.toString('base64').replace(/=+$/, '');
        return p.join('$');
      }
      case 'aspnet-v2': {
        const blob = Buffer.from(encoded, 'base64');
        return b64(Buffer.concat([blob.subarray(0, 17), key]));
      }
      case 'aspnet-v3': {
        const blob = Buffer.from(encoded, 'base64');
        return b64(Buffer.concat([blob.subarray(0, 13 + blob.readUInt32BE(9)), key]));
      }
      case 'keycloak': {
        const outer = JSON.parse(encoded);
        const secret = JSON.parse(outer.secretData);
        secret.value = key.toString('base64');
        outer.secretData = JSON.stringify(secret);
        return JSON.stringify(outer);
      }
    }
  }

  const tamperable = FORMATS.map((f) => [f, f === 'aspnet-v2' ? cheap[f] : byId(vectors.find((v) => v.format === f && v.reproducible && v.iterations <= 1000 && v.iterations > 1)!.id)] as const);

  it.each(tamperable)('%s: a changed hash byte, salt or iteration count verifies false', (format, v) => {
    expect(verifySync(v.password, v.encoded)).toBe(true);
    const changedHash = reencode(v, { hash: true });
    expect(changedHash).not.toBe(v.encoded);
    expect(verifySync(v.password, changedHash)).toBe(false);
    const changedSalt = reencode(v, { salt: true });
    expect(changedSalt).not.toBe(v.encoded);
    expect(verifySync(v.password, changedSalt)).toBe(false);
    if (format !== 'aspnet-v2') {
      const changedIterations = reencode(v, { iterations: v.iterations + 1 });
      expect(identify(changedIterations).iterations).toBe(v.iterations + 1);
      expect(verifySync(v.password, changedIterations)).toBe(false);
    }
  });

  it('unknown strings: ERR_FASTPBKDF2_UNKNOWN_FORMAT', () => {
    for (const s of ['', 'garbage', 'x', '$', '$$$$', 'null', '!', '!Xz9unusableDjangoPassword', 'pbkdf2_sha512$1$salt$aGFzaA==', 'bcrypt$$2b$12$abc', 'sha1$salt$abcdef', 'AgAAAAAAAAAAAAAAAAAAAA==', ' pbkdf2_sha256$1$s$h', '密码', '[]', 'pbkdf2_sha256']) {
      expect(codeOf(() => verifySync('pw', s)), s).toBe(ErrorCodes.UNKNOWN_FORMAT);
    }
    // base64-shaped but not canonical base64, or without an ASP.NET marker byte
    const v3 = b64(Buffer.concat([Buffer.from('01000000010000000100000010', 'hex'), Buffer.alloc(48)]));
    expect(codeOf(() => verifySync('pw', `${v3}=`))).toBe(ErrorCodes.UNKNOWN_FORMAT);
    expect(codeOf(() => verifySync('pw', v3.replace(/=+$/, '')))).toBe(ErrorCodes.UNKNOWN_FORMAT);
    expect(codeOf(() => verifySync('pw', b64(Buffer.alloc(49, 2))))).toBe(ErrorCodes.UNKNOWN_FORMAT);
    expect(codeOf(() => identify('{"no":"credential"}' as string))).toBe(ErrorCodes.MALFORMED_HASH);
    expect(codeOf(() => verifySync('pw', { foo: 1 } as unknown as string))).toBe(ErrorCodes.UNKNOWN_FORMAT);
    expect(codeOf(() => verifySync('pw', 42 as unknown as string))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => verifySync('pw', cheap.django.encoded, { formats: ['werkzeug'] }))).toBe(ErrorCodes.UNKNOWN_FORMAT);
    expect(verifySync(cheap.django.password, cheap.django.encoded, { formats: ['django'] })).toBe(true);
  });

  it('malformed strings: ERR_FASTPBKDF2_MALFORMED_HASH', () => {
    const h32 = Buffer.alloc(32, 7);
    const cases = [
      // Django
      'pbkdf2_sha256$1$salt',
      'pbkdf2_sha256$$salt$' + b64(h32),
      'pbkdf2_sha256$01$salt$' + b64(h32),
      'pbkdf2_sha256$+1$salt$' + b64(h32),
      'pbkdf2_sha256$1 $salt$' + b64(h32),
      'pbkdf2_sha256$600_000$salt$' + b64(h32),
      'pbkdf2_sha256$0$salt$' + b64(h32),
      'pbkdf2_sha256$1$$' + b64(h32),
      'pbkdf2_sha256$1$salt$' + b64(Buffer.alloc(31)),
      'pbkdf2_sha256$1$salt$' + b64(h32).replace(/=$/, ''),
      'pbkdf2_sha256$1$salt$' + b64(h32).replace(/=$/, 'A'),
      'pbkdf2_sha256$1$salt$' + b64(h32).slice(0, 42) + 'B=', // non-zero trailing bits
      'pbkdf2_sha256$1$salt$' + b64(h32).replace('B', '*'),
      'pbkdf2_sha256$1$salt$' + b64(h32) + '$x',
      'pbkdf2_sha1$1$salt$' + b64(h32),
      // Werkzeug
      'pbkdf2:sha256:1$salt$' + Buffer.alloc(32, 0xab).toString('hex').toUpperCase(),
      'pbkdf2:sha256:1$salt$' + h32.toString('hex').slice(1),
      'pbkdf2:sha256:1$salt$' + h32.toString('hex') + '00',
      'pbkdf2:sha256:$salt$' + h32.toString('hex'),
      'pbkdf2:sha256:1:2$salt$' + h32.toString('hex'),
      'pbkdf2:$salt$' + h32.toString('hex'),
      'pbkdf2:sha256:1$salt',
      'pbkdf2:sha256:1e3$salt$' + h32.toString('hex'),
      // passlib
      '$pbkdf2-sha256$1$c2FsdA$' + b64(h32),
      '$pbkdf2-sha256$01$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$4294967296$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$1$c2FsdA$',
      '$pbkdf2-sha256$1$c2FsdA',
      '$pbkdf2-sha256$1$c2F+dA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2$1$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$abc$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      // PHC
      '$pbkdf2-sha256$i=1,l=31$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$l=32$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1,i=2$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1,x=2$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=01$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1$c2FsdA==$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1$$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1$c2FsdA$' + b64(Buffer.alloc(8)).replace(/=+$/, ''),
      '$pbkdf2-sha256$v=19$i=1$c2FsdA$' + b64(h32).replace(/=+$/, ''),
      '$pbkdf2-sha256$i=1$c2FsdA$' + b64(h32),
      '$pbkdf2-sha256$$c2FsdA$' + b64(h32),
      '$pbkdf2-whatever',
      // ASP.NET
      b64(Buffer.concat([Buffer.of(0), Buffer.alloc(47)])),
      b64(Buffer.concat([Buffer.of(0), Buffer.alloc(49)])),
      b64(Buffer.of(1, 0, 0)),
      b64(Buffer.concat([Buffer.from('0100000001000003e800000010', 'hex'), Buffer.alloc(16 + 15)])),
      b64(Buffer.concat([Buffer.from('0100000001000003e80000000f', 'hex'), Buffer.alloc(15 + 32)])),
      b64(Buffer.concat([Buffer.from('010000000100000000' + '00000010', 'hex'), Buffer.alloc(48)])),
      b64(Buffer.concat([Buffer.from('0100000001000003e8ffffffff', 'hex'), Buffer.alloc(48)])),
      // Keycloak
      '{',
      '{}',
      '{"secretData":"{}","credentialData":"{}"}',
      '{"type":"otp","secretData":"{}","credentialData":"{}"}',
      '{"secretData":"not json","credentialData":"{\\"hashIterations\\":1,\\"algorithm\\":\\"pbkdf2-sha256\\"}"}',
      '{"secretData":{"value":"AAAA","salt":"AAAA"},"credentialData":{"hashIterations":1.5,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAAA","salt":"AAAA"},"credentialData":{"hashIterations":0,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAAA","salt":"AAAA"},"credentialData":{"hashIterations":-1,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAA","salt":"AAAA"},"credentialData":{"hashIterations":1,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAAA","salt":"__SALT__"},"credentialData":{"hashIterations":1,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAAA"},"credentialData":{"hashIterations":1,"algorithm":"pbkdf2-sha256"}}',
      '{"secretData":{"value":"AAAA","salt":"AAAA"},"credentialData":{"hashIterations":1}}',
    ];
    for (const s of cases) {
      let code: string | boolean;
      try {
        code = verifySync('pw', s);
      } catch (err) {
        code = (err as PasswordHashError).code;
      }
      expect(code, s).toBe(ErrorCodes.MALFORMED_HASH);
    }
  });

  it('unsupported digests: ERR_FASTPBKDF2_UNSUPPORTED_DIGEST', () => {
    const h = Buffer.alloc(32, 1);
    const cases = [
      'pbkdf2:md5:1000$salt$' + Buffer.alloc(16).toString('hex'),
      'pbkdf2:sha384:1000$salt$' + Buffer.alloc(48).toString('hex'),
      '$pbkdf2-sha384$i=1000,l=32$c2FsdA$' + b64(h).replace(/=+$/, ''),
      '$pbkdf2-sha384$1000$c2FsdA$' + b64(h).replace(/=+$/, ''),
      b64(Buffer.concat([Buffer.from('01000000030000000100000010', 'hex'), Buffer.alloc(48)])),
      '{"secretData":{"value":"AAAA","salt":"AAAA"},"credentialData":{"hashIterations":1,"algorithm":"argon2"}}',
    ];
    for (const s of cases) expect(codeOf(() => verifySync('pw', s)), s).toBe(ErrorCodes.UNSUPPORTED_DIGEST);
  });

  it('errors from the async variants are rejections, not synchronous throws', async () => {
    const p = verify('pw', 'garbage');
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toMatchObject({ name: 'PasswordHashError', code: ErrorCodes.UNKNOWN_FORMAT });
    await expect(hash('pw', { format: 'nope' as Format })).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
    await expect(verifyUnknownUser(5 as unknown as string)).rejects.toMatchObject({ code: ErrorCodes.INVALID_ARGUMENT });
  });
});

describe('limits', () => {
  const hostile = 2 ** 31 - 1;
  const h32 = Buffer.alloc(32, 9);
  const hostileStrings: [string, string][] = [
    ['django', `pbkdf2_sha256$${hostile}$salt$${b64(h32)}`],
    ['werkzeug', `pbkdf2:sha256:${hostile}$salt$${h32.toString('hex')}`],
    ['passlib', `$pbkdf2-sha256$${hostile}$c2FsdA$${b64(h32).replace(/=+$/, '')}`],
    ['phc', `$pbkdf2-sha256$i=${hostile},l=32$c2FsdA$${b64(h32).replace(/=+$/, '')}`],
    ['aspnet-v3', b64(Buffer.concat([Buffer.from('01000000017fffffff00000010', 'hex'), Buffer.alloc(16), h32]))],
    ['keycloak', JSON.stringify({ secretData: JSON.stringify({ value: b64(h32), salt: 'c2FsdA==' }), credentialData: JSON.stringify({ hashIterations: hostile, algorithm: 'pbkdf2-sha256' }) })],
  ];

  it.each(hostileStrings)('%s: a stored hash with 2^31-1 iterations is refused at once', async (_f, s) => {
    const start = process.hrtime.bigint();
    expect(codeOf(() => verifySync('pw', s))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    await expect(verify('pw', s)).rejects.toMatchObject({ code: ErrorCodes.LIMIT_EXCEEDED });
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(100);
    expect(identify(s).iterations).toBe(hostile); // identify reports it; only verify refuses
    expect(needsRehash(s)).toBe(false);
  });

  it('maxIterations is configurable; the default is 5,000,000', () => {
    const v = byId('django/sha256-1000-cjk');
    expect(DEFAULT_LIMITS.maxIterations).toBe(5_000_000);
    expect(codeOf(() => verifySync(v.password, v.encoded, { maxIterations: 999 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(verifySync(v.password, v.encoded, { maxIterations: 1000 })).toBe(true);
    expect(codeOf(() => verifySync(v.password, v.encoded, { maxIterations: 0 }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => verifySync(v.password, v.encoded, { maxIterations: 2 ** 31 }))).toBe(ErrorCodes.INVALID_ARGUMENT);
  });

  it('long passwords are refused (default 4096 UTF-8 bytes)', async () => {
    const v = cheap.django;
    expect(codeOf(() => verifySync('a'.repeat(4097), v.encoded))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => verifySync('€'.repeat(1366), v.encoded))).toBe(ErrorCodes.LIMIT_EXCEEDED); // 4098 bytes
    expect(codeOf(() => verifySync(Buffer.alloc(4097), v.encoded))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(verifySync('a'.repeat(4096), v.encoded)).toBe(false);
    expect(codeOf(() => verifySync('a'.repeat(11), v.encoded, { maxPasswordBytes: 10 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => hashSync('a'.repeat(5000), { iterations: 1 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    await expect(verifyUnknownUser('a'.repeat(5000))).rejects.toMatchObject({ code: ErrorCodes.LIMIT_EXCEEDED });
    const time = Date.now();
    expect(codeOf(() => verifySync('a'.repeat(50_000_000), v.encoded))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(Date.now() - time).toBeLessThan(200);
  });

  it('long keys and long strings are refused', () => {
    const big = Buffer.alloc(200, 3);
    const phc = `$pbkdf2-sha256$i=1,l=200$c2FsdA$${b64(big).replace(/=+$/, '')}`;
    expect(codeOf(() => verifySync('pw', phc))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(verifySync('pw', phc, { maxKeyLength: 200 })).toBe(false);
    const huge = `pbkdf2_sha256$1$${'s'.repeat(20_000)}$${b64(Buffer.alloc(32))}`;
    expect(codeOf(() => verifySync('pw', huge))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(codeOf(() => identify(huge))).toBe(ErrorCodes.LIMIT_EXCEEDED);
    expect(verifySync('pw', huge, { maxEncodedLength: 30_000 })).toBe(false);
  });
});

describe('unknown users: dummy verification', () => {
  it('needs to be asked for, then costs a verification and is always false', async () => {
    expect(codeOf(() => verifySync('pw', undefined))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => verifySync('pw', null))).toBe(ErrorCodes.INVALID_ARGUMENT);
    const like = cheap.django.encoded;
    expect(verifySync(cheap.django.password, null, { dummy: true, dummyLike: like })).toBe(false);
    await expect(verify(cheap.django.password, undefined, { dummy: true, dummyLike: like })).resolves.toBe(false);
    expect(verifyUnknownUserSync('pw', { dummyLike: like })).toBe(false);
    await expect(verifyUnknownUser('pw', { dummyLike: byId('keycloak/sha512-1000-cjk').encoded })).resolves.toBe(false);
    // A real stored hash is still checked when dummy is set.
    expect(verifySync(cheap.django.password, like, { dummy: true })).toBe(true);
    // The default dummy costs what hash()'s default costs (600,000 SHA-256 iterations): over the limit, refused.
    expect(codeOf(() => verifyUnknownUserSync('pw', { maxIterations: 1000 }))).toBe(ErrorCodes.LIMIT_EXCEEDED);
  });

  it('takes about as long as verifying a real hash with the same parameters', async () => {
    const v = byId('django/sha256-600000-django42');
    // CPU time of the whole process (the hashing threads included), not wall time: what other
    // processes on a shared machine do then changes little.
    const time = async (fn: () => Promise<unknown>) => {
      const start = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(start);
      return used.user + used.system;
    };
    const real: number[] = [];
    const dummy: number[] = [];
    const dflt: number[] = [];
    for (let i = 0; i < 3; i++) {
      real.push(await time(() => verify('wrong', v.encoded)));
      dummy.push(await time(() => verifyUnknownUser('wrong', { dummyLike: v.encoded })));
      dflt.push(await time(() => verifyUnknownUser('wrong')));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1] as number;
    expect(median(dummy) / median(real)).toBeGreaterThan(0.4);
    expect(median(dummy) / median(real)).toBeLessThan(2.5);
    expect(median(dflt) / median(real)).toBeGreaterThan(0.4);
    expect(median(dflt) / median(real)).toBeLessThan(2.5);
  });
});

describe('needsRehash', () => {
  const fake = (format: 'phc', digest: Digest, iterations: number, keylen: number) =>
    `$pbkdf2-${digest}$i=${iterations},l=${keylen}$${b64(Buffer.alloc(16, 1)).replace(/=+$/, '')}$${b64(Buffer.alloc(keylen, 2)).replace(/=+$/, '')}`;

  it('default policy: OWASP iterations per digest, at least sha256, 32-byte key', () => {
    expect(needsRehash(byId('django/sha256-600000-django42').encoded)).toBe(false);
    expect(needsRehash(byId('django/sha256-1000-cjk').encoded)).toBe(true);
    expect(needsRehash(byId('django/sha1-1').encoded)).toBe(true);
    expect(needsRehash(byId('aspnet-v2/v2-latin1').encoded)).toBe(true);
    expect(needsRehash(byId('aspnet-v3/v3-sha512-100000-net7').encoded)).toBe(true);
    expect(needsRehash(fake('phc', 'sha512', 210_000, 64))).toBe(false);
    expect(needsRehash(fake('phc', 'sha512', 209_999, 64))).toBe(true);
    expect(needsRehash(fake('phc', 'sha256', 600_000, 16))).toBe(true);
    expect(needsRehash(hashSync('pw', { format: 'aspnet-v3', iterations: DEFAULT_ITERATIONS.sha512 }))).toBe(false);
  });

  it('custom policies', () => {
    const d = byId('django/sha256-1000-cjk').encoded;
    expect(needsRehash(d, { iterations: 1000 })).toBe(false);
    expect(needsRehash(d, { iterations: 1001 })).toBe(true);
    expect(needsRehash(d, { iterations: { sha256: 1000 } })).toBe(false);
    expect(needsRehash(d, { iterations: 1000, format: 'phc' })).toBe(true);
    expect(needsRehash(d, { iterations: 1000, format: 'django' })).toBe(false);
    expect(needsRehash(d, { iterations: 1000, digest: 'sha512' })).toBe(true);
    expect(needsRehash(d, { iterations: 1000, keylen: 33 })).toBe(true);
    expect(needsRehash(d, { iterations: 1000, saltLength: 23 })).toBe(true);
    expect(needsRehash(byId('django/sha1-1').encoded, { iterations: 1, digest: 'sha1', keylen: 20 })).toBe(false);
    // Werkzeug strings without a stored count always deserve an explicit one.
    expect(needsRehash(byId('werkzeug/implicit-sha256-default-1000').encoded, { iterations: 1 })).toBe(true);
    expect(codeOf(() => needsRehash(d, { digest: 'md5' as Digest }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => needsRehash(d, { iterations: -1 }))).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(codeOf(() => needsRehash('garbage'))).toBe(ErrorCodes.UNKNOWN_FORMAT);
  });
});

describe('async behaviour', () => {
  it('hashes off the event loop', async () => {
    const v = byId('phc/sha256-600000-default');
    let ticks = 0;
    let done = false;
    const spin = () => {
      if (done) return;
      ticks++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const result = await verify(v.password, v.encoded);
    done = true;
    expect(result).toBe(true);
    expect(ticks).toBeGreaterThan(2);
  });

  it('concurrent verifications give the right answers', async () => {
    const some = vectors.filter((v) => v.iterations <= 1000 && !v.werkzeugDefaultIterations);
    const results = await Promise.all(some.flatMap((v) => [verify(v.password, v.encoded), verify(wrong(v.password), v.encoded)]));
    expect(results).toEqual(some.flatMap(() => [true, false]));
  });
});

describe('implementation', () => {
  it('computes with fastpbkdf2 (native for SHA-1/256/512), not node:crypto directly', () => {
    const dir = join(root, 'src/password');
    const files = [...readdirSync(dir).map((f) => join(dir, f)), ...readdirSync(join(dir, 'formats')).map((f) => join(dir, 'formats', f))].filter((f) => f.endsWith('.ts'));
    const sources = files.map((f) => readFileSync(f, 'utf8'));
    expect(sources.some((s) => /import \{ pbkdf2, pbkdf2Sync \} from '\.\.\/index'/.test(s))).toBe(true);
    for (const s of sources) expect(s).not.toMatch(/\bpbkdf2(Sync)?\b[^\n]*from 'node:crypto'/);
    if (isNative()) for (const d of ['sha1', 'sha256', 'sha512']) expect(backendFor(d).backend).toBe('native');
  });

  it('compares keys with crypto.timingSafeEqual', () => {
    // The builtin's CommonJS object; syncBuiltinESMExports makes ESM importers see the spy too.
    const cryptoCjs = createRequire(__filename)('node:crypto') as typeof import('node:crypto');
    const spy = vi.spyOn(cryptoCjs, 'timingSafeEqual');
    syncBuiltinESMExports();
    try {
      const v = cheap.passlib;
      expect(verifySync(v.password, v.encoded)).toBe(true);
      expect(verifySync('nope', v.encoded)).toBe(false);
      expect(verifyUnknownUserSync('nope', { dummyLike: v.encoded })).toBe(false);
      expect(spy).toHaveBeenCalledTimes(3);
      for (const [a, b] of spy.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
    } finally {
      spy.mockRestore();
      syncBuiltinESMExports();
    }
  });

  it('errors are PasswordHashError with a stable code and name', () => {
    const err = thrown(() => verifySync('pw', 'garbage'));
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PasswordHashError');
    expect(password.isPasswordHashError(err, ErrorCodes.UNKNOWN_FORMAT)).toBe(true);
    expect(password.isPasswordHashError(new Error('x'))).toBe(false);
    expect(Object.values(ErrorCodes).every((c) => c.startsWith('ERR_FASTPBKDF2_'))).toBe(true);
  });

  it('the ESM wrapper re-exports every runtime export', () => {
    const text = readFileSync(join(root, 'esm/password.mjs'), 'utf8');
    const m = /export const \{([^}]*)\} = m;/.exec(text);
    expect(m).not.toBeNull();
    const names = (m?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
    expect(names).toEqual(Object.keys(password).sort());
  });
});
