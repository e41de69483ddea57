// Random cases against node:crypto, byte for byte, on every CPU path this machine can run:
// every input type, lengths around block boundaries, multi-block keys, every digest alias.
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

import { fast, fastPromises } from './load';
import { INPUT_KINDS, asInputType, interestingLength, pick, randomBytes, randomString, seed, seededRandom } from './random';

const CASES_PER_PATH = 300;
const nodePbkdf2 = promisify(crypto.pbkdf2);
const aliases = Object.values(fast.nativeDigestNames).flat();
const caseVariants = (name: string, rand: () => number) =>
  [...name].map((ch) => (rand() < 0.5 ? ch.toUpperCase() : ch)).join('');

interface Case {
  password: ReturnType<typeof asInputType>;
  salt: ReturnType<typeof asInputType>;
  iterations: number;
  keylen: number;
  digest: string;
  label: string;
}

function makeCase(rand: () => number): Case {
  const digest = caseVariants(pick(rand, aliases), rand);
  const password =
    rand() < 0.3
      ? randomString(rand, interestingLength(rand, 150))
      : asInputType(randomBytes(rand, interestingLength(rand, 300)), pick(rand, INPUT_KINDS));
  const salt =
    rand() < 0.3
      ? randomString(rand, interestingLength(rand, 100))
      : asInputType(randomBytes(rand, interestingLength(rand, 300)), pick(rand, INPUT_KINDS));
  const iterations = rand() < 0.8 ? 1 + Math.floor(rand() * 40) : 1 + Math.floor(rand() * 3000);
  const keylen = interestingLength(rand, 300);
  const kind = (v: unknown) => (typeof v === 'string' ? 'string' : (v as object).constructor.name);
  return {
    password,
    salt,
    iterations,
    keylen,
    digest,
    label: `${digest} pw:${kind(password)} salt:${kind(salt)} c=${iterations} dkLen=${keylen}`,
  };
}

const initialPath = fast.cpuPath();
afterAll(() => {
  if (initialPath) fast.setCpuPath(initialPath);
});

describe.each(fast.cpuPaths())('differential vs node:crypto on CPU path %s (seed %i)', (cpuPath) => {
  it(`${CASES_PER_PATH} random sync cases`, () => {
    fast.setCpuPath(cpuPath);
    const rand = seededRandom(seed);
    for (let i = 0; i < CASES_PER_PATH; i++) {
      const c = makeCase(rand);
      const expected = crypto.pbkdf2Sync(c.password, c.salt, c.iterations, c.keylen, c.digest);
      const actual = fast.pbkdf2Sync(c.password, c.salt, c.iterations, c.keylen, c.digest);
      expect(actual.toString('hex'), `case ${i}: ${c.label}`).toBe(expected.toString('hex'));
      expect(Buffer.isBuffer(actual)).toBe(true);
    }
  });

  it('random callback and promise cases, all in flight at once', async () => {
    fast.setCpuPath(cpuPath);
    const rand = seededRandom(seed ^ 0x5bd1e995);
    const cases = Array.from({ length: 100 }, () => makeCase(rand));
    const results = await Promise.all(
      cases.map(async (c, i) => {
        const viaCallback = new Promise<Buffer>((resolve, reject) =>
          fast.pbkdf2(c.password, c.salt, c.iterations, c.keylen, c.digest, (err, key) =>
            err ? reject(err) : resolve(key),
          ),
        );
        const [expected, actual, promised] = await Promise.all([
          nodePbkdf2(c.password, c.salt, c.iterations, c.keylen, c.digest),
          viaCallback,
          fastPromises.pbkdf2(c.password, c.salt, c.iterations, c.keylen, c.digest),
        ]);
        return { i, c, expected, actual, promised };
      }),
    );
    for (const { i, c, expected, actual, promised } of results) {
      expect(actual.toString('hex'), `case ${i}: ${c.label}`).toBe(expected.toString('hex'));
      expect(promised.toString('hex'), `promise case ${i}: ${c.label}`).toBe(expected.toString('hex'));
    }
  });

  it.each(['sha1', 'sha256', 'sha512'])('%s: 64 KiB+ output and long inputs', (digest) => {
    fast.setCpuPath(cpuPath);
    const password = crypto.randomBytes(5000);
    const salt = crypto.randomBytes(3000);
    const keylen = 65536 + 37;
    expect(fast.pbkdf2Sync(password, salt, 2, keylen, digest).equals(crypto.pbkdf2Sync(password, salt, 2, keylen, digest))).toBe(true);
  });

  it.each(['sha1', 'sha256', 'sha512'])('%s: keylen 0, 1 and the digest size', (digest) => {
    fast.setCpuPath(cpuPath);
    const size = crypto.createHash(digest).digest().length;
    for (const keylen of [0, 1, size - 1, size, size + 1, 2 * size]) {
      for (const [password, salt] of [['', ''], ['p', ''], ['', 's'], ['pässwörd', 'salt']]) {
        const actual = fast.pbkdf2Sync(password, salt, 3, keylen, digest);
        expect(actual.length).toBe(keylen);
        expect(actual.equals(crypto.pbkdf2Sync(password, salt, 3, keylen, digest))).toBe(true);
      }
    }
  });
});

describe('digests node:crypto serves', () => {
  it('passes every other digest to node:crypto unchanged', () => {
    for (const digest of ['sha384', 'sha224', 'sha512-256', 'SHA3-256', 'md5', 'ripemd160', 'RSA-SHA384', 'sha256\0']) {
      expect(fast.backendFor(digest).backend).toBe('node:crypto');
      expect(fast.pbkdf2Sync('pw', 'salt', 3, 40, digest).equals(crypto.pbkdf2Sync('pw', 'salt', 3, 40, digest))).toBe(true);
    }
  });

  it('serves every SHA-1/256/512 alias natively, in any case', () => {
    const rand = seededRandom(seed);
    for (const alias of aliases) {
      for (const name of [alias, alias.toUpperCase(), caseVariants(alias, rand)]) {
        expect(fast.backendFor(name).backend, name).toBe('native');
        expect(fast.pbkdf2Sync('pw', 'salt', 2, 20, name).equals(crypto.pbkdf2Sync('pw', 'salt', 2, 20, name)), name).toBe(true);
      }
    }
  });

  it('agrees with node on which digest every name in crypto.getHashes() means', () => {
    const reference = Object.fromEntries(
      ['sha1', 'sha256', 'sha512'].map((d) => [crypto.pbkdf2Sync('p', 's', 1, 64, d).toString('hex'), d]),
    );
    for (const name of crypto.getHashes()) {
      let nodeKey: Buffer;
      try {
        nodeKey = crypto.pbkdf2Sync('p', 's', 1, 64, name);
      } catch {
        expect(fast.backendFor(name).backend, name).toBe('node:crypto');
        continue;
      }
      const isOurs = reference[nodeKey.toString('hex')] !== undefined;
      expect(fast.backendFor(name).backend, name).toBe(isOurs ? 'native' : 'node:crypto');
      expect(fast.pbkdf2Sync('p', 's', 1, 64, name).equals(nodeKey), name).toBe(true);
    }
  });
});
