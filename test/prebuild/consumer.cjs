// A CommonJS user of an installed fastpbkdf2 (copied into a fresh project by test/pack.test.ts,
// test/prebuild/installed.mjs and tools/test-platforms.mjs). Prints one JSON report: which binary node-gyp-build picks for the installed package,
// the backend query, the known answers, and fastpbkdf2/register.
'use strict';
const crypto = require('node:crypto');
const path = require('node:path');
const { createRequire } = require('node:module');
const fast = require('fastpbkdf2');
const promises = require('fastpbkdf2/promises');
const { check } = require('./vectors.cjs');

function binary() {
  const pkgDir = path.dirname(require.resolve('fastpbkdf2/package.json'));
  try {
    const nodeGypBuild = createRequire(path.join(pkgDir, 'package.json'))('node-gyp-build');
    return path.relative(pkgDir, nodeGypBuild.resolve(pkgDir)).split(path.sep).join('/');
  } catch (err) {
    return `none: ${err.message.split('\n')[0]}`;
  }
}

(async () => {
  const report = {
    module: 'cjs',
    arch: process.arch,
    binary: binary(),
    isNative: fast.isNative(),
    backend: { sha1: fast.backendFor('sha1'), sha256: fast.backendFor('sha256'), sha512: fast.backendFor('sha512') },
    cpuPaths: fast.cpuPaths(),
    vectors: await check(fast, promises),
  };
  require('fastpbkdf2/register');
  report.register = crypto.pbkdf2Sync === fast.pbkdf2Sync && require('node:crypto').pbkdf2 === fast.pbkdf2;
  console.log(JSON.stringify(report));
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
