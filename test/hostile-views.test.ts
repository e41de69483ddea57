// Views whose JS-visible properties lie (own byteOffset/byteLength getters, subclasses, swapped
// prototypes), detached and resized buffers, Proxies: node:crypto reads the engine's internal slots,
// so fastpbkdf2 must hash exactly the same bytes, or throw exactly the same error (issue 10, case 4).
import * as crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { fast, fastPromises } from './load';

type Input = unknown;

/** Non-zero bytes: a key of zeros gives the same HMAC as an empty key, which would hide a wrong length. */
function filled<T extends ArrayBufferLike>(buffer: T): T {
  const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x41 + (i % 50);
  return buffer;
}

function detach(buffer: ArrayBuffer): void {
  structuredClone(buffer, { transfer: [buffer] });
}

function resizable(length: number, max: number): ArrayBuffer {
  return filled(new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(length, { maxByteLength: max }));
}

function resize(buffer: ArrayBuffer, length: number): void {
  (buffer as unknown as { resize(n: number): void }).resize(length);
}

function withGetters<T extends object>(target: T, props: Record<string, unknown>): T {
  for (const [name, value] of Object.entries(props)) Object.defineProperty(target, name, { get: () => value });
  return target;
}

// Each builder makes a fresh input (some are consumed: detached, resized).
const hostile: [string, () => Input][] = [
  // A small Buffer lives in node's shared 8 KiB pool: a lying byteOffset would reach other Buffers.
  ['pooled Buffer with own byteOffset getter', () => withGetters(Buffer.from('password'), { byteOffset: 0 })],
  ['pooled Buffer with own byteLength getter', () => withGetters(Buffer.from('password'), { byteLength: 3 })],
  ['Buffer with own buffer getter', () => withGetters(Buffer.from('password'), { buffer: filled(new ArrayBuffer(64)) })],
  ['Buffer with own length and byteOffset', () => withGetters(Buffer.from('secret'), { length: 2, byteOffset: 5 })],
  [
    'Uint8Array subclass overriding byteLength',
    () => {
      class Long extends Uint8Array {
        override get byteLength() {
          return 99;
        }
      }
      return new Long(Buffer.from('password'));
    },
  ],
  [
    'Float64Array subclass overriding byteOffset',
    () => {
      class Shifted extends Float64Array {
        override get byteOffset() {
          return 3;
        }
      }
      return new Shifted(filled(new ArrayBuffer(16)));
    },
  ],
  ['Uint8Array with prototype set to DataView.prototype', () => Object.setPrototypeOf(new Uint8Array(filled(new ArrayBuffer(8))), DataView.prototype)],
  ['Uint8Array with null prototype', () => Object.setPrototypeOf(new Uint8Array(filled(new ArrayBuffer(8))), null)],
  ['DataView with own byteLength', () => withGetters(new DataView(filled(new ArrayBuffer(8)), 1), { byteLength: 2 })],
  ['DataView with null prototype', () => Object.setPrototypeOf(new DataView(filled(new ArrayBuffer(8)), 3), null)],
  ['ArrayBuffer with own byteLength', () => withGetters(filled(new ArrayBuffer(8)), { byteLength: 0 })],
  ['SharedArrayBuffer with own byteLength', () => withGetters(filled(new SharedArrayBuffer(8)), { byteLength: 2 })],
  [
    'ArrayBuffer subclass overriding byteLength',
    () => {
      class Short extends ArrayBuffer {
        override get byteLength() {
          return 3;
        }
      }
      return filled(new Short(16));
    },
  ],
  ['Proxy of a Buffer', () => new Proxy(Buffer.from('password'), {})],
  ['Proxy of an ArrayBuffer', () => new Proxy(filled(new ArrayBuffer(8)), {})],
  ['object with Uint8Array.prototype', () => Object.create(Uint8Array.prototype)],
  [
    'detached Uint8Array',
    () => {
      const ab = filled(new ArrayBuffer(8));
      const view = new Uint8Array(ab, 2);
      detach(ab);
      return view;
    },
  ],
  [
    'detached DataView',
    () => {
      const ab = filled(new ArrayBuffer(8));
      const view = new DataView(ab, 2);
      detach(ab);
      return view;
    },
  ],
  [
    'detached ArrayBuffer',
    () => {
      const ab = filled(new ArrayBuffer(8));
      detach(ab);
      return ab;
    },
  ],
  [
    'grown resizable ArrayBuffer',
    () => {
      const ab = resizable(8, 16);
      resize(ab, 12);
      return ab;
    },
  ],
  [
    'length-tracking view of a grown buffer',
    () => {
      const ab = resizable(8, 16);
      const view = new Uint8Array(ab, 2);
      resize(ab, 12);
      new Uint8Array(ab).fill(0x42, 8);
      return view;
    },
  ],
  [
    'length-tracking view of a shrunk buffer',
    () => {
      const ab = resizable(8, 16);
      const view = new Uint16Array(ab, 2);
      resize(ab, 6);
      return view;
    },
  ],
  [
    'fixed view made out of bounds by a shrink',
    () => {
      const ab = resizable(8, 16);
      const view = new Uint8Array(ab, 2, 4);
      resize(ab, 4);
      return view;
    },
  ],
  [
    'DataView made out of bounds by a shrink',
    () => {
      const ab = resizable(8, 16);
      const view = new DataView(ab, 2, 4);
      resize(ab, 4);
      return view;
    },
  ],
  [
    'length-tracking DataView of a grown buffer',
    () => {
      const ab = resizable(8, 16);
      const view = new DataView(ab, 2);
      resize(ab, 12);
      return view;
    },
  ],
  [
    'grown growable SharedArrayBuffer, through a view',
    () => {
      const sab = filled(new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(8, { maxByteLength: 16 }));
      const view = new Uint16Array(sab, 2);
      (sab as unknown as { grow(n: number): void }).grow(12);
      return view;
    },
  ],
];

type Outcome = { key: string } | { name: string; code: unknown; message: string };

function outcomeOf(run: () => Buffer): Outcome {
  try {
    return { key: run().toString('hex') };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { name: e.constructor.name, code: e.code, message: e.message };
  }
}

function callbackOutcome(fn: typeof crypto.pbkdf2, args: unknown[]): Promise<Outcome> {
  return new Promise((resolve) => {
    try {
      (fn as (...a: unknown[]) => void)(...args, (err: Error | null, key: Buffer) =>
        resolve(err ? outcomeOf(() => { throw err; }) : { key: key.toString('hex') }),
      );
    } catch (err) {
      resolve(outcomeOf(() => { throw err; }));
    }
  });
}

describe('hostile views hash what node:crypto hashes', () => {
  it.each(hostile)('%s, as password and as salt (sync)', (_label, make) => {
    for (const args of [
      (v: Input) => [v, 'salt', 2, 24, 'sha256'],
      (v: Input) => ['pw', v, 2, 24, 'sha512'],
    ]) {
      const [forNode, forFast] = [args(make()), args(make())];
      const expected = outcomeOf(() => (crypto.pbkdf2Sync as (...a: unknown[]) => Buffer)(...forNode));
      const actual = outcomeOf(() => (fast.pbkdf2Sync as (...a: unknown[]) => Buffer)(...forFast));
      expect(actual).toEqual(expected);
    }
  });

  it.each(hostile)('%s (callback and promise)', async (_label, make) => {
    const args = () => [make(), make(), 3, 40, 'sha1'];
    const [forNode, forFast, forPromise] = [args(), args(), args()];
    const expected = await callbackOutcome(crypto.pbkdf2, forNode);
    expect(await callbackOutcome(fast.pbkdf2, forFast)).toEqual(expected);
    const viaPromise = await (fastPromises.pbkdf2 as (...a: unknown[]) => Promise<Buffer>)(...forPromise).then(
      (key) => ({ key: key.toString('hex') }),
      (err) => outcomeOf(() => { throw err; }),
    );
    expect(viaPromise).toEqual(expected);
  });

  it('the async path copies the real bytes at call time, even through lying accessors', async () => {
    const password = withGetters(Buffer.from('correct horse battery staple'), { byteOffset: 0, byteLength: 1 });
    const ab = resizable(16, 32);
    const salt = new Uint8Array(ab, 4); // length-tracking
    const expected = crypto.pbkdf2Sync(password, salt, 5000, 32, 'sha256');
    const pending = fastPromises.pbkdf2(password, salt, 5000, 32, 'sha256');
    password.fill(0);
    resize(ab, 32);
    new Uint8Array(ab).fill(0xee);
    expect((await pending).equals(expected)).toBe(true);
  });
});
