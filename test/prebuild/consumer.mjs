// An ES-module user of an installed fastpbkdf2: the same report as consumer.cjs, through the
// package's "import" entry points (named exports).
import 'fastpbkdf2/register';
import { backendFor, cpuPaths, createPool, isNative, pbkdf2, pbkdf2Sync } from 'fastpbkdf2';
import * as promises from 'fastpbkdf2/promises';
import { pbkdf2Sync as cryptoPbkdf2Sync } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);
const { check } = require('./vectors.cjs');

const pkgDir = path.dirname(require.resolve('fastpbkdf2/package.json'));
let binary;
try {
  const nodeGypBuild = createRequire(path.join(pkgDir, 'package.json'))('node-gyp-build');
  binary = path.relative(pkgDir, nodeGypBuild.resolve(pkgDir)).split(path.sep).join('/');
} catch (err) {
  binary = `none: ${err.message.split('\n')[0]}`;
}

console.log(
  JSON.stringify({
    module: 'esm',
    arch: process.arch,
    binary,
    isNative: isNative(),
    backend: { sha1: backendFor('sha1'), sha256: backendFor('sha256'), sha512: backendFor('sha512') },
    cpuPaths: cpuPaths(),
    vectors: await check({ pbkdf2, pbkdf2Sync, createPool, isNative }, promises),
    register: cryptoPbkdf2Sync === pbkdf2Sync,
  }),
);
