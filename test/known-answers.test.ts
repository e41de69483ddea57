// Published PBKDF2 test vectors, checked on every CPU path this machine can run.
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';

import { fast } from './load';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

interface Vector {
  password: string;
  salt: string;
  iterations: number;
  keylen: number;
  digest: string;
  expected: Buffer;
  source: string;
}

// RFC 6070 section 2 (PBKDF2-HMAC-SHA1).
const rfc6070: Vector[] = [
  ['password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
  ['password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
  ['password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'],
  ['password', 'salt', 16777216, 20, 'eefe3d61cd4da4e4e9945b3d6ba2158c2634e984'],
  ['passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25, '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038'],
  ['pass\0word', 'sa\0lt', 4096, 16, '56fa6aa75548099dcc37d7f03425e0c3'],
].map(([password, salt, iterations, keylen, expected]) => ({
  password: password as string,
  salt: salt as string,
  iterations: iterations as number,
  keylen: keylen as number,
  digest: 'sha1',
  expected: hex(expected as string),
  source: 'RFC 6070',
}));

// RFC 7914 section 11 (PBKDF2-HMAC-SHA256).
const rfc7914: Vector[] = [
  {
    password: 'passwd',
    salt: 'salt',
    iterations: 1,
    keylen: 64,
    digest: 'sha256',
    expected: hex(`55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc
                   49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783`),
    source: 'RFC 7914',
  },
  {
    password: 'Password',
    salt: 'NaCl',
    iterations: 80000,
    keylen: 64,
    digest: 'sha256',
    expected: hex(`4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56
                   a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d`),
    source: 'RFC 7914',
  },
];

// SHA-512 has no RFC vectors; these were generated with node:crypto and committed.
const sha512Fixture = JSON.parse(readFileSync(new URL('./fixtures/sha512-vectors.json', import.meta.url), 'utf8'));
const sha512: Vector[] = sha512Fixture.vectors.map((v: Vector & { hex: string }) => ({
  ...v,
  expected: hex(v.hex),
  source: 'node:crypto fixture',
}));

const initialPath = fast.cpuPath();
afterAll(() => {
  if (initialPath) fast.setCpuPath(initialPath);
});

describe.each(fast.cpuPaths())('known answers on CPU path %s', (cpuPath) => {
  describe.each([...rfc6070, ...rfc7914, ...sha512])(
    '$source $digest P=$password S=$salt c=$iterations dkLen=$keylen',
    (v) => {
      it('sync matches the published value and node:crypto', () => {
        fast.setCpuPath(cpuPath);
        expect(fast.pbkdf2Sync(v.password, v.salt, v.iterations, v.keylen, v.digest).toString('hex')).toBe(
          v.expected.toString('hex'),
        );
        if (v.iterations <= 100_000) {
          expect(crypto.pbkdf2Sync(v.password, v.salt, v.iterations, v.keylen, v.digest)).toEqual(v.expected);
        }
      });

      it('async matches the published value', async () => {
        fast.setCpuPath(cpuPath);
        const key = await new Promise<Buffer>((resolve, reject) =>
          fast.pbkdf2(v.password, v.salt, v.iterations, v.keylen, v.digest, (err, k) => (err ? reject(err) : resolve(k))),
        );
        expect(key.toString('hex')).toBe(v.expected.toString('hex'));
      });
    },
  );
});

it('runs on the native backend on this machine (CI builds the addon)', () => {
  expect(fast.isNative()).toBe(true);
  expect(fast.cpuPaths()).toContain('portable');
});
