// fastpbkdf2/register and the package entry points, each in a fresh process as users load them.
import { describe, expect, it } from 'vitest';

import { runNode } from './child';

describe('fastpbkdf2/register', () => {
  it('patches node:crypto for CommonJS users, idempotently', () => {
    const r = runNode(`
      const before = require('node:crypto').pbkdf2Sync;
      require('fastpbkdf2/register');
      require('fastpbkdf2/register');
      const crypto = require('node:crypto');
      const fast = require('fastpbkdf2');
      console.log(JSON.stringify({
        patched: crypto.pbkdf2Sync === fast.pbkdf2Sync && crypto.pbkdf2 === fast.pbkdf2,
        changed: before !== crypto.pbkdf2Sync,
        key: crypto.pbkdf2Sync('password', 'salt', 2, 20, 'sha1').toString('hex'),
        badDigest: (() => { try { crypto.pbkdf2Sync('p', 's', 1, 1, 'nope'); } catch (e) { return e.code; } })(),
      }));`);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      patched: true,
      changed: true,
      key: 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957',
      badDigest: 'ERR_CRYPTO_INVALID_DIGEST',
    });
  });

  it('patches ESM named imports of node:crypto loaded afterwards', () => {
    const r = runNode(
      `
      import 'fastpbkdf2/register';
      import { pbkdf2Sync as fastSync, pbkdf2 as fastAsync } from 'fastpbkdf2';
      const { pbkdf2Sync, pbkdf2, default: cryptoDefault } = await import('node:crypto');
      pbkdf2('password', 'salt', 2, 20, 'sha1', (err, key) => {
        console.log(JSON.stringify({
          named: pbkdf2Sync === fastSync && pbkdf2 === fastAsync,
          defaultExport: cryptoDefault.pbkdf2Sync === fastSync,
          key: key.toString('hex'),
        }));
      });`,
      { esm: true },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ named: true, defaultExport: true, key: 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957' });
  });

  it('an exception thrown in a callback surfaces as uncaught, like node', () => {
    const r = runNode(`
      process.on('uncaughtException', (e) => { console.log('uncaught:' + e.message); });
      require('fastpbkdf2').pbkdf2('p', 's', 1, 8, 'sha256', () => { throw new Error('boom'); });`);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('uncaught:boom');
  });
});

describe('entry points', () => {
  it('CommonJS: require("fastpbkdf2"), "fastpbkdf2/promises"', () => {
    const r = runNode(`
      const { pbkdf2Sync, backendFor } = require('fastpbkdf2');
      const promises = require('fastpbkdf2/promises');
      promises.pbkdf2('password', 'salt', 1, 20, 'sha1').then((k) => console.log(JSON.stringify({
        sync: pbkdf2Sync('password', 'salt', 1, 20, 'sha1').toString('hex'),
        promise: k.toString('hex'),
        backend: backendFor('sha1').backend,
      })));`);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      sync: '0c60c80f961f0e71f3a9b524af6012062fe037a6',
      promise: '0c60c80f961f0e71f3a9b524af6012062fe037a6',
      backend: 'native',
    });
  });

  it('ESM: import from "fastpbkdf2" and "fastpbkdf2/promises"', () => {
    const r = runNode(
      `
      import { pbkdf2Sync, cpuPath } from 'fastpbkdf2';
      import { pbkdf2 } from 'fastpbkdf2/promises';
      const k = await pbkdf2('password', 'salt', 1, 20, 'sha1');
      console.log(JSON.stringify({ same: k.equals(pbkdf2Sync('password', 'salt', 1, 20, 'sha1')), path: typeof cpuPath() }));`,
      { esm: true },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ same: true, path: 'string' });
  });
});

describe('FASTPBKDF2_FORCE', () => {
  it('=portable selects the portable C path', () => {
    const r = runNode(`console.log(require('fastpbkdf2').cpuPath())`, { env: { FASTPBKDF2_FORCE: 'portable' } });
    expect(r.stdout).toBe('portable');
  });

  it('=node turns the addon off: everything goes to node:crypto, still correct', () => {
    const r = runNode(
      `const f = require('fastpbkdf2');
       console.log(JSON.stringify({ native: f.isNative(), backend: f.backendFor('sha256').backend,
         key: f.pbkdf2Sync('password', 'salt', 2, 20, 'sha1').toString('hex') }));`,
      { env: { FASTPBKDF2_FORCE: 'node' } },
    );
    expect(JSON.parse(r.stdout)).toEqual({ native: false, backend: 'node:crypto', key: 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957' });
  });

  it('naming a path this machine cannot run fails loudly at load', () => {
    const r = runNode(`require('fastpbkdf2')`, { env: { FASTPBKDF2_FORCE: 'no-such-path' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('FASTPBKDF2_FORCE=no-such-path');
  });
});
