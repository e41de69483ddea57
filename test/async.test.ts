// The callback API's contract: inputs copied at call time, callback always asynchronous and called
// once, many calls in flight, event loop free while hashing, usable from worker threads.
import * as crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import { fast, packageRoot } from './load';

const pbkdf2Async = (...args: Parameters<typeof fast.pbkdf2Sync>) =>
  new Promise<Buffer>((resolve, reject) => fast.pbkdf2(...args, (err, key) => (err ? reject(err) : resolve(key))));

describe('pbkdf2 (callback)', () => {
  it('copies password and salt before returning: mutating them afterwards changes nothing', async () => {
    const password = Buffer.from('correct horse battery staple');
    const salt = new Uint8Array(Buffer.from('NaCl-NaCl-NaCl'));
    const expected = crypto.pbkdf2Sync(password, salt, 20_000, 32, 'sha256');
    const pending = pbkdf2Async(password, salt, 20_000, 32, 'sha256');
    password.fill(0);
    salt.fill(0xff);
    expect((await pending).equals(expected)).toBe(true);
  });

  it('never calls back synchronously, and calls back exactly once', async () => {
    let returned = false;
    let calls = 0;
    await new Promise<void>((resolve) => {
      fast.pbkdf2('pw', 'salt', 1, 0, 'sha1', () => {
        calls++;
        expect(returned).toBe(true);
        setTimeout(resolve, 20);
      });
      returned = true;
    });
    expect(calls).toBe(1);
  });

  it('calls back with (null, Buffer) like node', async () => {
    const args = await new Promise<unknown[]>((resolve) => fast.pbkdf2('pw', 'salt', 2, 16, 'sha512', (...a) => resolve(a)));
    expect(args.length).toBe(2);
    expect(args[0]).toBeNull();
    expect(Buffer.isBuffer(args[1])).toBe(true);
  });

  it('handles 200 concurrent calls, each with its own answer', async () => {
    const digests = ['sha1', 'sha256', 'sha512'];
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      password: `password-${i}`,
      salt: crypto.randomBytes(i % 40),
      iterations: 1 + (i % 97),
      keylen: 1 + ((i * 7) % 150),
      digest: digests[i % 3],
    }));
    const keys = await Promise.all(jobs.map((j) => pbkdf2Async(j.password, j.salt, j.iterations, j.keylen, j.digest)));
    jobs.forEach((j, i) => {
      expect(keys[i].equals(crypto.pbkdf2Sync(j.password, j.salt, j.iterations, j.keylen, j.digest)), `job ${i}`).toBe(true);
    });
  });

  it('keeps the event loop turning while a long hash runs', async () => {
    // Counts turns of the event loop (setImmediate) until the hash is done: a hash that blocked the
    // loop would leave none. Not timed, so a loaded machine cannot make it fail.
    let done = false;
    const hashing = pbkdf2Async('pw', 'salt', 1_000_000, 32, 'sha256').then(() => {
      done = true;
    });
    let turns = 0;
    await new Promise<void>((resolve) => {
      const turn = () => (done ? resolve() : (turns++, setImmediate(turn)));
      setImmediate(turn);
    });
    await hashing;
    expect(turns).toBeGreaterThan(1);
  });

  it('works in several worker threads at once, each with its own addon instance', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const crypto = require('node:crypto');
      const fast = require(workerData.entry);
      const same = (a, b) => a.toString('hex') === b.toString('hex');
      fast.pbkdf2('worker', 'salt' + workerData.n, 5000, 48, 'sha512', (err, key) => {
        parentPort.postMessage({
          native: fast.isNative(),
          async: !err && same(key, crypto.pbkdf2Sync('worker', 'salt' + workerData.n, 5000, 48, 'sha512')),
          sync: same(fast.pbkdf2Sync('w', 's', 100, 20, 'sha1'), crypto.pbkdf2Sync('w', 's', 100, 20, 'sha1')),
        });
      });`;
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        (n) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(source, { eval: true, workerData: { entry: `${packageRoot}dist/index.js`, n } });
            worker.once('message', (m) => {
              resolve(m);
              void worker.terminate();
            });
            worker.once('error', reject);
          }),
      ),
    );
    for (const r of results) expect(r).toEqual({ native: true, async: true, sync: true });
  });
});
