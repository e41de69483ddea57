// Bad arguments: fastpbkdf2 must throw what node:crypto throws (class, code, message), at the same
// time (synchronously, before any callback), and never crash or hang.
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { fast, fastPromises } from './load';

type Args = unknown[];

function thrown(fn: () => unknown): { name: string; code: unknown; message: string } | 'no error' {
  try {
    fn();
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { name: e.constructor.name, code: e.code, message: e.message };
  }
  return 'no error';
}

const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });

// [label, password, salt, iterations, keylen, digest]
const badArgs: [string, ...Args][] = [
  ['number password', 1, 'salt', 1, 32, 'sha256'],
  ['null password', null, 'salt', 1, 32, 'sha256'],
  ['undefined password', undefined, 'salt', 1, 32, 'sha256'],
  ['object password', {}, 'salt', 1, 32, 'sha256'],
  ['array password', [1, 2, 3], 'salt', 1, 32, 'sha256'],
  ['boolean salt', 'pw', true, 1, 32, 'sha256'],
  ['symbol salt', 'pw', Symbol('s'), 1, 32, 'sha256'],
  ['function salt', 'pw', () => 1, 1, 32, 'sha256'],
  ['string iterations', 'pw', 'salt', '1', 32, 'sha256'],
  ['bigint iterations', 'pw', 'salt', 1n, 32, 'sha256'],
  ['zero iterations', 'pw', 'salt', 0, 32, 'sha256'],
  ['negative iterations', 'pw', 'salt', -1, 32, 'sha256'],
  ['fractional iterations', 'pw', 'salt', 1.5, 32, 'sha256'],
  ['NaN iterations', 'pw', 'salt', NaN, 32, 'sha256'],
  ['Infinity iterations', 'pw', 'salt', Infinity, 32, 'sha256'],
  ['2^31 iterations', 'pw', 'salt', 2 ** 31, 32, 'sha256'],
  ['-0 iterations', 'pw', 'salt', -0, 32, 'sha256'],
  ['missing keylen', 'pw', 'salt', 1, undefined, 'sha256'],
  ['negative keylen', 'pw', 'salt', 1, -1, 'sha256'],
  ['fractional keylen', 'pw', 'salt', 1, 31.5, 'sha256'],
  ['2^31 keylen', 'pw', 'salt', 1, 2 ** 31, 'sha256'],
  ['string keylen', 'pw', 'salt', 1, '32', 'sha256'],
  ['missing digest', 'pw', 'salt', 1, 32, undefined],
  ['null digest', 'pw', 'salt', 1, 32, null],
  ['number digest', 'pw', 'salt', 1, 32, 256],
  ['unknown digest', 'pw', 'salt', 1, 32, 'sha257'],
  ['empty digest', 'pw', 'salt', 1, 32, ''],
  ['digest with spaces', 'pw', 'salt', 1, 32, ' sha256'],
  ['invalid digest and password (order)', 5, 'salt', 1, 32, 'nope'],
  ['invalid iterations and keylen (order)', 'pw', 'salt', 0, -1, 'sha256'],
  ['invalid salt and digest type (order)', 'pw', 7, 1, 32, 7],
  ['String object password', new String('pw'), 'salt', 1, 32, 'sha256'],
  ['Number object iterations', 'pw', 'salt', new Number(1), 32, 'sha256'],
];

describe('pbkdf2Sync rejects bad arguments exactly like node:crypto', () => {
  it.each(badArgs)('%s', (_label, ...args) => {
    const expected = thrown(() => (crypto.pbkdf2Sync as (...a: Args) => unknown)(...args));
    expect(expected).not.toBe('no error');
    expect(thrown(() => (fast.pbkdf2Sync as (...a: Args) => unknown)(...args))).toEqual(expected);
  });
});

describe('pbkdf2 (callback) throws synchronously like node:crypto', () => {
  it.each(badArgs)('%s', (_label, ...args) => {
    let called = false;
    const callback = () => {
      called = true;
    };
    const expected = thrown(() => (crypto.pbkdf2 as (...a: Args) => unknown)(...args, callback));
    expect(expected).not.toBe('no error');
    expect(thrown(() => (fast.pbkdf2 as (...a: Args) => unknown)(...args, callback))).toEqual(expected);
    expect(called).toBe(false);
  });

  it.each([
    ['missing callback', ['pw', 'salt', 1, 32, 'sha256']],
    ['string callback', ['pw', 'salt', 1, 32, 'sha256', 'cb']],
    ['null callback', ['pw', 'salt', 1, 32, 'sha256', null]],
    ['callback in place of digest', ['pw', 'salt', 1, 32, () => {}]],
    ['missing callback and bad digest', ['pw', 'salt', 1, 32, 'nope']],
    ['missing callback and bad password', [1, 'salt', 1, 32, 'sha256']],
  ] as [string, Args][])('%s', (_label, args) => {
    const expected = thrown(() => (crypto.pbkdf2 as (...a: Args) => unknown)(...args));
    expect(expected).not.toBe('no error');
    expect(thrown(() => (fast.pbkdf2 as (...a: Args) => unknown)(...args))).toEqual(expected);
  });
});

describe('errors node:crypto passes to the callback', () => {
  it('shake256 (an XOF without a default length) fails in the callback, asynchronously, like node', async () => {
    const run = (fn: typeof crypto.pbkdf2) =>
      new Promise<{ sync: boolean; name: string; message: string }>((resolve) => {
        let returned = false;
        fn('pw', 'salt', 1, 32, 'shake256', (err) =>
          resolve({ sync: !returned, name: err!.constructor.name, message: err!.message }),
        );
        returned = true;
      });
    const expected = await run(crypto.pbkdf2);
    expect(expected.sync).toBe(false);
    expect(await run(fast.pbkdf2)).toEqual(expected);
    expect(() => crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'shake256')).toThrow();
    expect(thrown(() => fast.pbkdf2Sync('pw', 'salt', 1, 32, 'shake256'))).toEqual(
      thrown(() => crypto.pbkdf2Sync('pw', 'salt', 1, 32, 'shake256')),
    );
  });
});

describe('promises API rejects with node:crypto\'s errors', () => {
  it.each(badArgs)('%s', async (_label, ...args) => {
    const expected = thrown(() => (crypto.pbkdf2Sync as (...a: Args) => unknown)(...args));
    const rejection = await (fastPromises.pbkdf2 as (...a: Args) => Promise<Buffer>)(...args).then(
      () => 'no error',
      (e: Error & { code?: unknown }) => ({ name: e.constructor.name, code: e.code, message: e.message }),
    );
    expect(rejection).toEqual(expected);
  });
});

describe('edge inputs node:crypto accepts', () => {
  it.each([
    ['detached ArrayBuffer password', detached, 'salt'],
    ['empty SharedArrayBuffer salt', 'pw', new SharedArrayBuffer(0)],
    ['zero-length view of a big buffer', new Uint8Array(100).subarray(50, 50), 'salt'],
    ['lone surrogates', '\uD800x\uDFFF', '\uDC00'],
  ] as [string, unknown, unknown][])('%s', (_label, password, salt) => {
    const args = [password, salt, 2, 32, 'sha256'] as Args;
    const expected = (crypto.pbkdf2Sync as (...a: Args) => Buffer)(...args);
    expect((fast.pbkdf2Sync as (...a: Args) => Buffer)(...args).equals(expected)).toBe(true);
  });

  it('never crashes on a fuzz of argument values', () => {
    const values: unknown[] = [
      undefined, null, 0, -1, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 53, NaN, '', 'sha1', 'SHA512', 'x', {}, [], true,
      Buffer.alloc(3), new Float32Array(2), new DataView(new ArrayBuffer(4)), new ArrayBuffer(2), Symbol('x'), 10n,
    ];
    let count = 0;
    for (let i = 0; i < 3000; i++) {
      const args = Array.from({ length: 5 }, (_, k) => values[(i * (k + 3) * 2654435761) % values.length]);
      // keep any accidentally valid call cheap: iterations must stay small
      if (typeof args[2] === 'number' && args[2] > 1000) args[2] = 1;
      if (typeof args[3] === 'number' && args[3] > 1000) args[3] = 1;
      const expected = thrown(() => (crypto.pbkdf2Sync as (...a: Args) => unknown)(...args));
      const actual = thrown(() => (fast.pbkdf2Sync as (...a: Args) => unknown)(...args));
      expect(actual, JSON.stringify(args.map(String))).toEqual(expected);
      count++;
    }
    expect(count).toBe(3000);
  });
});
