// Mutation fuzzing of every stored-hash format of fastpbkdf2/password with fast-check: the valid
// fixtures (test/fixtures/password-vectors.json) are edited character by character, field by field,
// as decoded bytes (ASP.NET) and as JSON (Keycloak, also passed as objects), then handed to
// identify, needsRehash, verifySync and verify. Each must return (false unless the hash still says
// the same thing) or throw a PasswordHashError with a known code, the four must agree with each other,
// and nothing may hang or crash. A failure prints fast-check's seed and path: replay with
// FASTPBKDF2_TEST_SEED=<seed> FASTPBKDF2_FUZZ_PATH=<path>. `npm run fuzz` runs many more cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ErrorCodes, PasswordHashError, identify, needsRehash, verify, verifySync, type Format, type HashInfo } from '../src/password/index';
import { fcParams, runs, utf16String } from './fuzz-args';
import { seed } from './random';

interface Vector {
  id: string;
  format: Format;
  password: string;
  encoded: string;
  werkzeugDefaultIterations?: number;
}

const vectors = (
  JSON.parse(readFileSync(join(__dirname, 'fixtures/password-vectors.json'), 'utf8')) as { vectors: Vector[] }
).vectors;

// ------------------------------------------------------------------------------------------------
// Mutations

const FRAGMENTS = [
  '$', ':', ',', '=', '==', '{', '}', '[', ']', '"', '\\', '\\u0000', '0', '1', '9', 'A', '/', '+', '.', '-', '_', ' ', '\t', '\n',
  'i=', 'l=', 'i=1', 'l=0', 'pbkdf2', 'pbkdf2-sha1', 'pbkdf2-sha384', 'pbkdf2_sha1', 'sha1', 'SHA-512', 'md5',
  '0', '01', '-1', '1e3', '1.5', '2147483647', '2147483648', '4294967295', '4294967296', '9007199254740993', '99999999999999999999',
  'constructor', '__proto__', 'toString', 'hasOwnProperty', 'null', 'true', '[]', '{}', 'NaN', 'Infinity',
  '\u0000', '\uD800', '\uDFFF', '\u00e9', '\u{1F600}', '\uFEFF', 'AAAA', '////', '====',
];

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

const fragment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 3, arbitrary: utf16String },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('A', '0', '$', 'x', 'aGFzaA', '\u00e9'), fc.integer({ min: 1, max: 200 })).map(([s, n]) => s.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => 'A'.repeat(n)) },
);

type Mutation =
  | { op: 'replace' | 'insert'; at: number; text: string }
  | { op: 'delete' | 'truncate'; at: number; count: number }
  | { op: 'field'; separator: string; index: number; action: 'set' | 'drop' | 'duplicate' | 'swap'; text: string; other: number }
  | { op: 'bytes'; at: number; value: number; action: 'set' | 'u32' | 'cut' | 'extend' }
  | { op: 'json'; part: 'outer' | 'secretData' | 'credentialData'; key: string; action: 'set' | 'delete'; value: unknown }
  | { op: 'repeat'; times: number };

const position = fc.nat(1_000_000);

const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

const textEdit = fc.oneof(
  weighted(3, fc.record({ op: fc.constantFrom('replace' as const, 'insert' as const), at: position, text: fragment })),
  weighted(2, fc.record({ op: fc.constantFrom('delete' as const, 'truncate' as const), at: position, count: fc.integer({ min: 1, max: 8 }) })),
  weighted(1, fc.record({ op: fc.constant('repeat' as const), times: fc.integer({ min: 2, max: 300 }) })),
);

const fieldEdit = fc.record({
  op: fc.constant('field' as const),
  separator: fc.constantFrom('$', ':', ',', '='),
  index: fc.nat(6),
  action: fc.constantFrom('set' as const, 'drop' as const, 'duplicate' as const, 'swap' as const),
  text: fragment,
  other: fc.nat(6),
});

const byteEdit = fc.record({
  op: fc.constant('bytes' as const),
  at: position,
  value: fc.oneof(fc.nat(255), fc.constantFrom(0, 1, 2, 3, 16, 0x7fffffff, 0x80000000, 0xffffffff, 12, 13)),
  action: fc.constantFrom('set' as const, 'u32' as const, 'cut' as const, 'extend' as const),
});

const KEYS = {
  outer: ['type', 'secretData', 'credentialData', 'id'],
  secretData: ['value', 'salt', 'additionalParameters'],
  credentialData: ['algorithm', 'hashIterations', 'additionalParameters'],
};

const anyJsonValue = fc.oneof(
  weighted(3, fc.constantFrom('c2FsdA==', '', 1, 0, -1, 2 ** 31, 2 ** 31 - 1, 30_000, '1', '01', 1.5, null, {}, [])),
  weighted(2, fc.jsonValue({ maxDepth: 2 })),
  weighted(2, fragment),
);

/** Values aimed at one field (algorithm names, counts, base64), or anything. */
function valueFor(key: string): fc.Arbitrary<unknown> {
  const aimed =
    key === 'algorithm' || key === 'type'
      ? fc.constantFrom('pbkdf2', 'pbkdf2-sha256', 'pbkdf2-sha512', 'pbkdf2-sha384', 'password', 'PBKDF2', ...PROTOTYPE_NAMES)
      : key === 'hashIterations'
        ? fc.oneof(fc.integer({ min: -2, max: 40_000 }), fc.constantFrom(2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e400, '1000', '01', '1e3', ' 1', 1.5))
        : fc.oneof(fc.base64String({ maxLength: 200 }), fc.constantFrom('', 'AA==', 'AAAA', 'AA', '====', 'c2FsdA', 'c2FsdA=='));
  return fc.oneof(weighted(3, aimed), weighted(1, anyJsonValue));
}

const jsonEdit = fc
  .constantFrom('outer' as const, 'secretData' as const, 'credentialData' as const)
  .chain((part) => fc.tuple(fc.constant(part), fc.oneof(weighted(5, fc.constantFrom(...KEYS[part])), weighted(1, fc.constantFrom('__proto__', 'constructor', 'toString')))))
  .chain(([part, key]) =>
    fc.record({
      op: fc.constant('json' as const),
      part: fc.constant(part),
      key: fc.constant(key),
      action: fc.oneof(weighted(5, fc.constant('set' as const)), weighted(1, fc.constant('delete' as const))),
      value: valueFor(key),
    }),
  );

/** Edits of any kind, most of them the kind that keeps this format's structure. */
function mutationFor(format: Format): fc.Arbitrary<Mutation> {
  const structured: fc.Arbitrary<Mutation> = format === 'keycloak' ? jsonEdit : format.startsWith('aspnet') ? byteEdit : fieldEdit;
  return fc.oneof(weighted(3, structured), weighted(2, textEdit), weighted(1, fc.oneof(fieldEdit, byteEdit, jsonEdit)));
}

function editJson(text: string, m: Extract<Mutation, { op: 'json' }>): string {
  let outer: Record<string, unknown>;
  try {
    outer = JSON.parse(text) as Record<string, unknown>;
    if (typeof outer !== 'object' || outer === null) return text;
  } catch {
    return text;
  }
  let target = outer;
  let inner: Record<string, unknown> | undefined;
  if (m.part !== 'outer') {
    const field = outer[m.part];
    try {
      inner = (typeof field === 'string' ? JSON.parse(field) : field) as Record<string, unknown>;
    } catch {
      return text;
    }
    if (typeof inner !== 'object' || inner === null) return text;
    target = inner;
  }
  // defineProperty, so that "__proto__" becomes an own key as JSON.parse would make it.
  if (m.action === 'delete') delete target[m.key];
  else Object.defineProperty(target, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  if (inner) outer[m.part] = typeof outer[m.part] === 'string' ? JSON.stringify(inner) : inner;
  return JSON.stringify(outer);
}

function editBytes(text: string, m: Extract<Mutation, { op: 'bytes' }>): string {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) return text;
  const at = m.at % bytes.length;
  let out: Buffer = bytes;
  if (m.action === 'set') bytes[at] = m.value & 0xff;
  else if (m.action === 'u32' && bytes.length >= 4) bytes.writeUInt32BE(m.value >>> 0, Math.min(at, bytes.length - 4));
  else if (m.action === 'cut') out = bytes.subarray(0, at);
  else if (m.action === 'extend') out = Buffer.concat([bytes, Buffer.alloc(m.value % 300, m.value & 0xff)]);
  return out.toString('base64');
}

function editField(text: string, m: Extract<Mutation, { op: 'field' }>): string {
  const parts = text.split(m.separator);
  const i = m.index % parts.length;
  if (m.action === 'set') parts[i] = m.text;
  else if (m.action === 'drop') parts.splice(i, 1);
  else if (m.action === 'duplicate') parts.splice(i, 0, parts[i]!);
  else {
    const j = m.other % parts.length;
    [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return parts.join(m.separator);
}

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.op === 'replace' || m.op === 'insert' || m.op === 'delete' || m.op === 'truncate' ? m.at % (text.length + 1) : 0;
  switch (m.op) {
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + m.text.length);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.count);
    case 'truncate':
      return text.slice(0, at);
    case 'field':
      return editField(text, m);
    case 'bytes':
      return editBytes(text, m);
    case 'json':
      return editJson(text, m);
    case 'repeat':
      // Well past maxEncodedLength (16384), not past memory.
      return text.repeat(Math.max(1, Math.min(m.times, Math.floor(200_000 / Math.max(1, text.length)))));
  }
}

/** How the mutated hash is handed over: the string, or (Keycloak) an object with string or object fields. */
type Shape = 'string' | 'object' | 'object with parsed fields';

function shaped(text: string, shape: Shape): unknown {
  if (shape === 'string') return text;
  try {
    const outer = JSON.parse(text) as Record<string, unknown>;
    if (shape === 'object with parsed fields' && outer && typeof outer === 'object') {
      for (const key of ['secretData', 'credentialData']) {
        if (typeof outer[key] === 'string') outer[key] = JSON.parse(outer[key] as string);
      }
    }
    return outer;
  } catch {
    return text;
  }
}

// ------------------------------------------------------------------------------------------------
// The property

type Result = { value: unknown } | { code: string };

function run(fn: () => unknown): Result {
  try {
    return { value: fn() };
  } catch (err) {
    if (!(err instanceof PasswordHashError)) throw err;
    expect(Object.values(ErrorCodes)).toContain(err.code);
    return { code: err.code };
  }
}

async function runAsync(fn: () => Promise<unknown>): Promise<Result> {
  try {
    return { value: await fn() };
  } catch (err) {
    if (!(err instanceof PasswordHashError)) throw err;
    return { code: err.code };
  }
}

const LIMITS = { maxIterations: 30_000 };
const stats = { cases: 0, verified: 0, rejected: 0, slowestMs: 0 };

async function check(v: Vector, encoded: unknown, formats: Format[] | undefined): Promise<void> {
  const options = {
    ...(v.werkzeugDefaultIterations ? { werkzeugDefaultIterations: v.werkzeugDefaultIterations } : {}),
    ...(formats ? { formats } : {}),
  };
  const started = performance.now();
  const info = run(() => identify(encoded as string, options));
  const rehash = run(() => needsRehash(encoded as string, undefined, options));
  const sync = run(() => verifySync(v.password, encoded as string, { ...options, ...LIMITS }));
  const async = await runAsync(() => verify(v.password, encoded as string, { ...options, ...LIMITS }));
  stats.slowestMs = Math.max(stats.slowestMs, performance.now() - started);
  stats.cases++;

  expect(async).toEqual(sync);
  if ('code' in info) {
    // Nothing that identify refuses may verify, and every entry point says why in the same words.
    expect(rehash).toEqual(info);
    expect(sync).toEqual(info);
    stats.rejected++;
    return;
  }
  const parsed = info.value as HashInfo;
  expect(['sha1', 'sha256', 'sha512']).toContain(parsed.digest);
  expect(Number.isSafeInteger(parsed.iterations) && parsed.iterations >= 1).toBe(true);
  expect(Number.isSafeInteger(parsed.keylen) && parsed.keylen >= 1).toBe(true);
  expect(typeof (rehash as { value: unknown }).value).toBe('boolean');
  if ('code' in sync) {
    expect(sync.code).toBe(ErrorCodes.LIMIT_EXCEEDED);
    return;
  }
  expect(typeof sync.value).toBe('boolean');
  if (sync.value === true) {
    // Still the same hash: same digest, rounds and salt length; a key at most as long (a prefix,
    // for the formats that derive as many bytes as are stored).
    stats.verified++;
    const original = identify(v.encoded, options);
    expect({ ...parsed, keylen: 0 }).toEqual({ ...original, keylen: 0 });
    expect(parsed.keylen).toBeLessThanOrEqual(original.keylen);
    expect(verifySync(`${v.password}x`, encoded as string, { ...options, ...LIMITS })).toBe(false);
  }
}

const fuzzCase = fc.nat(vectors.length - 1).chain((vector) =>
  fc.record({
    vector: fc.constant(vector),
    mutations: fc.array(mutationFor(vectors[vector]!.format), { minLength: 1, maxLength: 3 }),
    shape: fc.oneof(weighted(4, fc.constant<Shape>('string')), weighted(1, fc.constantFrom<Shape>('object', 'object with parsed fields'))),
    formats: fc.option(fc.subarray(['django', 'werkzeug', 'passlib', 'phc', 'aspnet-v2', 'aspnet-v3', 'keycloak'] as Format[]), { freq: 8 }),
  }),
);

describe(`stored hashes mutated (seed ${seed})`, () => {
  const numRuns = runs(500);

  it(
    `every format, ${numRuns} mutated hashes: a boolean or a PasswordHashError, consistently`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fuzzCase, async (c) => {
          const v = vectors[c.vector]!;
          const text = c.mutations.reduce(mutate, v.encoded);
          await check(v, v.format === 'keycloak' ? shaped(text, c.shape) : text, c.formats ?? undefined);
        }),
        fcParams(seed, numRuns),
      );
      console.log(
        `password mutation fuzz: ${stats.cases} cases clean (${stats.rejected} refused with a PasswordHashError, ` +
          `${stats.verified} still verified as equivalent), slowest case ${stats.slowestMs.toFixed(1)} ms`,
      );
    },
    120_000 + numRuns * 100,
  );

  it(`anything at all as the stored hash: ${numRuns} values`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withTypedArray: true, withNullPrototype: true }), async (value) => {
        await check(vectors[0]!, value, undefined);
      }),
      fcParams(seed, numRuns),
    );
  }, 120_000 + numRuns * 20);
});
