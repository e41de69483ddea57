// fast-check arbitraries for pbkdf2's arguments, valid and not: strings with lone surrogates, every
// TypedArray kind, DataView, ArrayBuffer, SharedArrayBuffer (fixed, resizable, growable), offset and
// length-tracking views, detached buffers, lying accessors, subclasses, Proxies, other prototypes,
// and values of every other type. Each argument is a recipe (`make` builds a fresh value, so node and
// fastpbkdf2 never share one) that prints readably in a counterexample.
import fc from 'fast-check';

import { fast } from './load';

export interface Arg {
  make(): unknown;
  [fc.toStringMethod](): string;
}

export function arg(label: string, make: () => unknown): Arg {
  return { make, [fc.toStringMethod]: () => label };
}

export const FUZZ_RUNS = Number(process.env.FASTPBKDF2_FUZZ_RUNS ?? 0);

/** Runs per property: small in `npm test`, FASTPBKDF2_FUZZ_RUNS in `npm run fuzz`. */
export function runs(fallback: number): number {
  return FUZZ_RUNS > 0 ? FUZZ_RUNS : fallback;
}

/** fast-check parameters replaying FASTPBKDF2_TEST_SEED / FASTPBKDF2_FUZZ_PATH. */
export function fcParams(seed: number, numRuns: number): fc.Parameters<unknown> {
  const path = process.env.FASTPBKDF2_FUZZ_PATH;
  return { seed, numRuns, ...(path ? { path } : {}), endOnFailure: false };
}

// ------------------------------------------------------------------------------------------------
// Strings

const UNITS = ['a', 'Z', '0', ' ', '\u00e9', '\u00df', '\u20ac', '\u4e2d', '\u{1f600}', '\u0000', '\uD800', '\uDBFF', '\uDC00', '\uFFFF'];

/** UTF-16 strings, lone surrogates included. */
export const utf16String = fc.string({
  unit: fc.oneof(fc.constantFrom(...UNITS), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c))),
  maxLength: 80,
});

// ------------------------------------------------------------------------------------------------
// Binary inputs

/** 'none': the buffer itself; else a Buffer, a DataView or a TypedArray (by name) over it. */
type ViewKind = string;
type Backing = 'ArrayBuffer' | 'SharedArrayBuffer' | 'resizable ArrayBuffer' | 'growable SharedArrayBuffer';
type Disguise = 'none' | 'own getters' | 'subclass' | 'null prototype' | 'other prototype' | 'Proxy';

type TypedArrayCtor = (new (buffer: ArrayBufferLike, offset?: number, length?: number) => object) & { BYTES_PER_ELEMENT: number };

const VIEW_CTORS: Record<string, TypedArrayCtor> = {
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};
const { Float16Array } = globalThis as { Float16Array?: TypedArrayCtor };
if (Float16Array) VIEW_CTORS.Float16Array = Float16Array;

interface BinarySpec {
  bytes: Uint8Array;
  backing: Backing;
  view: ViewKind;
  /** Bytes before and after the view inside its buffer (rounded to the element size). */
  pad: [number, number];
  /** Length-tracking view of a resizable/growable buffer. */
  tracking: boolean;
  /** Resize (shrink or grow) the buffer by this many bytes after making the view. */
  resizeBy: number;
  detach: boolean;
  disguise: Disguise;
  /** What the lying accessors answer. */
  lies: { byteOffset: number; byteLength: number; length: number; otherBuffer: boolean };
}

function newBacking(backing: Backing, length: number, max: number): ArrayBufferLike {
  switch (backing) {
    case 'ArrayBuffer':
      return new ArrayBuffer(length);
    case 'SharedArrayBuffer':
      return new SharedArrayBuffer(length);
    case 'resizable ArrayBuffer':
      return new (ArrayBuffer as unknown as new (n: number, o: object) => ArrayBuffer)(length, { maxByteLength: max });
    case 'growable SharedArrayBuffer':
      return new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer)(length, { maxByteLength: max });
  }
}

function lieAbout<T extends object>(target: T, lies: BinarySpec['lies']): T {
  const fake = filledBuffer(64);
  Object.defineProperties(target, {
    byteOffset: { get: () => lies.byteOffset, configurable: true },
    byteLength: { get: () => lies.byteLength, configurable: true },
    length: { get: () => lies.length, configurable: true },
    buffer: { get: () => (lies.otherBuffer ? fake : undefined), configurable: true },
  });
  return target;
}

function filledBuffer(n: number): ArrayBuffer {
  const buffer = new ArrayBuffer(n);
  new Uint8Array(buffer).fill(0x5c);
  return buffer;
}

/** A subclass of `Base` whose byteOffset/byteLength/length/buffer getters lie. */
function lyingSubclass(Base: new (...a: never[]) => object, lies: BinarySpec['lies']) {
  const fake = filledBuffer(64);
  const Lying = class extends (Base as new (...a: unknown[]) => object) {
    get byteOffset() {
      return lies.byteOffset;
    }
    get byteLength() {
      return lies.byteLength;
    }
    get length() {
      return lies.length;
    }
    get buffer() {
      return lies.otherBuffer ? fake : undefined;
    }
  };
  return Lying as unknown as new (...a: unknown[]) => object;
}

function elementSize(view: ViewKind): number {
  if (view === 'none' || view === 'Buffer' || view === 'DataView') return 1;
  return VIEW_CTORS[view]!.BYTES_PER_ELEMENT;
}

function buildBinary(s: BinarySpec): unknown {
  const size = elementSize(s.view);
  const n = s.bytes.length - (s.bytes.length % size);
  const [before, after] = [s.pad[0] - (s.pad[0] % size), s.pad[1] - (s.pad[1] % size)];
  const total = before + n + after;
  const growable = s.backing === 'resizable ArrayBuffer' || s.backing === 'growable SharedArrayBuffer';
  const max = total + 64;
  const subclassed = s.disguise === 'subclass';

  let buffer: ArrayBufferLike;
  if (subclassed && s.view === 'none') {
    const Base = s.backing.includes('Shared') ? SharedArrayBuffer : ArrayBuffer;
    const Sub = lyingSubclass(Base as never, s.lies);
    buffer = (growable ? new Sub(total, { maxByteLength: max }) : new Sub(total)) as ArrayBufferLike;
  } else {
    buffer = newBacking(s.backing, total, max);
  }
  const all = new Uint8Array(buffer);
  all.fill(0xa5);
  all.set(s.bytes.subarray(0, n), before);

  let value: object = buffer;
  const length = growable && s.tracking ? undefined : s.view === 'DataView' || s.view === 'Buffer' ? n : n / size;
  if (s.view === 'Buffer') {
    value = Buffer.from(buffer, before, n);
  } else if (s.view === 'DataView') {
    const Ctor = subclassed ? lyingSubclass(DataView as never, s.lies) : DataView;
    value = new (Ctor as typeof DataView)(buffer, before, length);
  } else if (s.view !== 'none') {
    const Base = VIEW_CTORS[s.view]!;
    const Ctor = subclassed ? lyingSubclass(Base as never, s.lies) : Base;
    value = new (Ctor as typeof Uint8Array)(buffer, before, length);
  }

  if (growable && s.resizeBy !== 0) {
    const target = Math.max(0, Math.min(max, total + s.resizeBy));
    if (s.backing === 'resizable ArrayBuffer') (buffer as unknown as { resize(n: number): void }).resize(target);
    else if (target > total) (buffer as unknown as { grow(n: number): void }).grow(target);
  }
  if (s.detach && !s.backing.includes('Shared')) structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });

  switch (s.disguise) {
    case 'own getters':
      return lieAbout(value, s.lies);
    case 'null prototype':
      return Object.setPrototypeOf(value, null);
    case 'other prototype':
      return Object.setPrototypeOf(value, s.view === 'DataView' ? Uint8Array.prototype : DataView.prototype);
    case 'Proxy':
      return new Proxy(value, {});
    default:
      return value;
  }
}

function describeBinary(s: BinarySpec): string {
  const parts = [`${s.view === 'none' ? '' : `${s.view} over `}${s.backing} of ${s.bytes.length} bytes ${Buffer.from(s.bytes).toString('hex')}`];
  if (s.pad[0] || s.pad[1]) parts.push(`padded ${s.pad.join('/')}`);
  if (s.tracking) parts.push('length-tracking');
  if (s.resizeBy) parts.push(`resized by ${s.resizeBy}`);
  if (s.detach) parts.push('detached');
  if (s.disguise !== 'none') parts.push(s.disguise === 'own getters' || s.disguise === 'subclass' ? `${s.disguise} ${JSON.stringify(s.lies)}` : s.disguise);
  return parts.join(', ');
}

const lie = fc.oneof(fc.integer({ min: -2, max: 80 }), fc.constantFrom(2 ** 31, -(2 ** 31), 0));

export const binaryArg: fc.Arbitrary<Arg> = fc
  .record({
    bytes: fc.uint8Array({ maxLength: 160 }),
    backing: fc.constantFrom<Backing>('ArrayBuffer', 'SharedArrayBuffer', 'resizable ArrayBuffer', 'growable SharedArrayBuffer'),
    view: fc.constantFrom<ViewKind>('none', 'Buffer', 'DataView', ...Object.keys(VIEW_CTORS)),
    pad: fc.tuple(fc.nat(17), fc.nat(17)),
    tracking: fc.boolean(),
    resizeBy: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -40, max: 40 }) }),
    // Detaching is rare in real calls: about one case in ten.
    detach: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    disguise: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Disguise>('none') },
      { weight: 4, arbitrary: fc.constantFrom<Disguise>('own getters', 'subclass', 'null prototype', 'other prototype', 'Proxy') },
    ),
    lies: fc.record({ byteOffset: lie, byteLength: lie, length: lie, otherBuffer: fc.boolean() }),
  })
  .map((s) => arg(describeBinary(s), () => buildBinary(s)));

export const stringArg: fc.Arbitrary<Arg> = utf16String.map((s) => arg(JSON.stringify(s), () => s));

// ------------------------------------------------------------------------------------------------
// Everything else a caller might pass

export const otherArg: fc.Arbitrary<Arg> = fc.oneof(
  fc.constantFrom(
    arg('null', () => null),
    arg('undefined', () => undefined),
    arg('true', () => true),
    arg('Symbol()', () => Symbol('s')),
    arg('() => 1', () => () => 1),
    arg("new String('pw')", () => new String('pw')),
    arg('[1, 2, 3]', () => [1, 2, 3]),
    arg('{ length: 2, 0: 1, 1: 2 }', () => ({ length: 2, 0: 1, 1: 2 })),
    arg('Object.create(Uint8Array.prototype)', () => Object.create(Uint8Array.prototype)),
    arg('Object.create(ArrayBuffer.prototype)', () => Object.create(ArrayBuffer.prototype)),
    arg('{ buffer, byteOffset, byteLength }', () => ({ buffer: new ArrayBuffer(8), byteOffset: 0, byteLength: 8 })),
    arg('new Date(0)', () => new Date(0)),
    arg('KeyObject', () => {
      // node:crypto accepts neither a KeyObject nor anything else here.
      return { type: 'secret', export: () => Buffer.from('x') };
    }),
  ),
  fc.double().map((d) => arg(String(d), () => d)),
  fc.bigInt().map((b) => arg(`${b}n`, () => b)),
  fc.object({ maxDepth: 1 }).map((o) => arg(fc.stringify(o), () => o)),
);

/** A password or salt: mostly things node accepts. */
export const binaryLikeArg = fc.oneof({ weight: 3, arbitrary: binaryArg }, { weight: 2, arbitrary: stringArg }, { weight: 1, arbitrary: otherArg });

// ------------------------------------------------------------------------------------------------
// Numbers: valid ones stay small (a valid 2^31-1 would run for hours), invalid ones are anything.

const oddNumbers = [0, -0, -1, 1.5, 0.5, NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, -(2 ** 31), 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300];

function numberArg(validMin: number, validMax: number): fc.Arbitrary<Arg> {
  const isCostly = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > validMax && x <= 2 ** 31 - 1;
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: validMin, max: validMax }).map((n) => arg(String(n), () => n)) },
    { weight: 3, arbitrary: fc.constantFrom(...oddNumbers).map((n) => arg(Object.is(n, -0) ? '-0' : String(n), () => n)) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.double(), fc.integer({ min: -(2 ** 31) - 2, max: 2 ** 32 }))
        .filter((n) => !isCostly(n))
        .map((n) => arg(Object.is(n, -0) ? '-0' : String(n), () => n)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        arg("'1'", () => '1'),
        arg('1n', () => 1n),
        arg('null', () => null),
        arg('undefined', () => undefined),
        arg('true', () => true),
        arg('new Number(1)', () => new Number(1)),
        arg('[1]', () => [1]),
        arg('{ valueOf: () => 1 }', () => ({ valueOf: () => 1 })),
      ),
    },
  );
}

export const iterationsArg = numberArg(1, 40);
// Not -0: node 20's pbkdf2 aborts the whole process on keylen -0 (a C++ CHECK that -0 is not an
// Int32), so it cannot be a reference; fuzz-pbkdf2.test.ts checks fastpbkdf2 answers it with an
// empty key instead.
export const keylenArg = numberArg(0, 300).filter((a) => !Object.is(a.make(), -0));

// ------------------------------------------------------------------------------------------------
// Digests

const aliases = Object.values(fast.nativeDigestNames).flat();

export const digestArg: fc.Arbitrary<Arg> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom(...aliases), fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }))
      .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''))
      .map((name) => arg(JSON.stringify(name), () => name)),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('md5', 'sha384', 'sha224', 'sha3-256', 'sha512-256', 'ripemd160', '', ' sha256', 'sha256 ', 'sha256\0', 'sha_256', 'x'.repeat(40), 'SHA-1\n')
      .map((name) => arg(JSON.stringify(name), () => name)),
  },
  { weight: 1, arbitrary: utf16String.map((s) => arg(JSON.stringify(s), () => s)) },
  { weight: 1, arbitrary: otherArg },
);

/** A callback: nearly always a function (recorded by the caller), sometimes something else. */
export const callbackKind = fc.oneof(
  { weight: 20, arbitrary: fc.constant('function' as const) },
  { weight: 1, arbitrary: fc.constantFrom(arg('undefined', () => undefined), arg('null', () => null), arg("'cb'", () => 'cb'), arg('{}', () => ({}))) },
);
