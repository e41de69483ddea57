// Property-based fuzzing of pbkdf2Sync, pbkdf2 (callback) and fastpbkdf2/promises against
// node:crypto with fast-check: any argument types (see fuzz-args.ts), same key bytes or the same
// error (class, code, message), thrown at the same time (synchronously vs through the callback).
// A failure prints fast-check's seed and path: replay with FASTPBKDF2_TEST_SEED=<seed>
// FASTPBKDF2_FUZZ_PATH=<path>. `npm run fuzz` runs FASTPBKDF2_FUZZ_RUNS cases per property.
import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { type Arg, binaryLikeArg, callbackKind, digestArg, fcParams, iterationsArg, keylenArg, runs } from './fuzz-args';
import { fast, fastPromises } from './load';
import { seed } from './random';

type Outcome = { key: string } | { error: string; code: unknown; message: string };

function outcomeOfError(err: unknown): Outcome {
  const e = err as Error & { code?: unknown };
  return { error: e?.constructor?.name ?? typeof err, code: e?.code, message: String(e?.message) };
}

function syncOutcome(fn: () => Buffer): Outcome {
  try {
    return { key: fn().toString('hex') };
  } catch (err) {
    return outcomeOfError(err);
  }
}

interface CallbackOutcome {
  /** Thrown by the call itself (validation), or the callback's arguments. */
  thrown?: Outcome;
  called?: Outcome;
  /** True if the callback ran before the call returned (it never may). */
  calledBeforeReturn?: boolean;
}

const NO_CALLBACK_MS = 10_000;

function callbackOutcome(fn: (...a: unknown[]) => void, args: unknown[], callback: Arg | 'function'): Promise<CallbackOutcome> {
  return new Promise((resolve) => {
    let returned = false;
    const timer = setTimeout(() => resolve({ thrown: { error: 'none', code: 'NO_CALLBACK', message: `no callback in ${NO_CALLBACK_MS} ms` } }), NO_CALLBACK_MS);
    const cb =
      callback === 'function'
        ? (err: Error | null, key: Buffer) => {
            clearTimeout(timer);
            resolve({ called: err ? outcomeOfError(err) : { key: key.toString('hex') }, calledBeforeReturn: !returned });
          }
        : callback.make();
    try {
      fn(...args, cb);
    } catch (err) {
      clearTimeout(timer);
      resolve({ thrown: outcomeOfError(err) });
    }
    returned = true;
  });
}

function promiseOutcome(fn: (...a: unknown[]) => Promise<Buffer>, args: unknown[]): Promise<Outcome> {
  try {
    return fn(...args).then((key) => ({ key: key.toString('hex') }), outcomeOfError);
  } catch (err) {
    // Both APIs must reject rather than throw; report it as a distinct outcome.
    return Promise.resolve({ ...outcomeOfError(err), code: 'THREW_SYNCHRONOUSLY' });
  }
}

const callArgs = fc.record({
  password: binaryLikeArg,
  salt: binaryLikeArg,
  iterations: iterationsArg,
  keylen: keylenArg,
  digest: digestArg,
});

type CallArgs = typeof callArgs extends fc.Arbitrary<infer T> ? T : never;
const make = (c: CallArgs) =>
  [c.password, c.salt, c.iterations, c.keylen, c.digest].map((a) => a.make());

const nodePromise = promisify(crypto.pbkdf2) as (...a: unknown[]) => Promise<Buffer>;
const initialPath = fast.cpuPath();
afterAll(() => {
  if (initialPath) fast.setCpuPath(initialPath);
});

describe('keylen -0 (node 20 aborts the process on it; fastpbkdf2 never aborts)', () => {
  it('gives an empty key, sync, callback and promise', async () => {
    expect(fast.pbkdf2Sync('pw', 'salt', 1, -0, 'sha256')).toEqual(Buffer.alloc(0));
    const viaCallback = await new Promise((resolve, reject) =>
      fast.pbkdf2('pw', 'salt', 1, -0, 'sha256', (err, key) => (err ? reject(err) : resolve(key))),
    );
    expect(viaCallback).toEqual(Buffer.alloc(0));
    await expect(fastPromises.pbkdf2('pw', 'salt', 1, -0, 'sha512')).resolves.toEqual(Buffer.alloc(0));
  });
});

describe(`pbkdf2 fuzzed against node:crypto (seed ${seed})`, () => {
  const numRuns = runs(400);
  const timeout = 120_000 + numRuns * 50;

  it(
    `pbkdf2Sync: ${numRuns} cases, every CPU path`,
    () => {
      const paths = fast.cpuPaths();
      fc.assert(
        fc.property(callArgs, fc.nat(paths.length - 1), (c, pathIndex) => {
          if (paths.length) fast.setCpuPath(paths[pathIndex]!);
          const expected = syncOutcome(() => (crypto.pbkdf2Sync as (...a: unknown[]) => Buffer)(...make(c)));
          const actual = syncOutcome(() => (fast.pbkdf2Sync as (...a: unknown[]) => Buffer)(...make(c)));
          expect(actual).toEqual(expected);
        }),
        fcParams(seed, numRuns),
      );
    },
    timeout,
  );

  it(
    `pbkdf2 (callback): ${numRuns} cases, same throw-or-callback timing`,
    async () => {
      await fc.assert(
        fc.asyncProperty(callArgs, callbackKind, async (c, callback) => {
          const expected = await callbackOutcome(crypto.pbkdf2 as never, make(c), callback);
          const actual = await callbackOutcome(fast.pbkdf2 as never, make(c), callback);
          expect(actual).toEqual(expected);
          if (actual.called) expect(actual.calledBeforeReturn).toBe(false);
        }),
        fcParams(seed, numRuns),
      );
    },
    timeout,
  );

  it(
    `fastpbkdf2/promises: ${numRuns} cases against util.promisify(crypto.pbkdf2)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(callArgs, async (c) => {
          const expected = await promiseOutcome(nodePromise, make(c));
          const actual = await promiseOutcome(fastPromises.pbkdf2 as never, make(c));
          expect(actual).toEqual(expected);
        }),
        fcParams(seed, numRuns),
      );
    },
    timeout,
  );
});
