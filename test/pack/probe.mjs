// An ES-module user, run unbundled and bundled (esbuild, webpack) on each runtime: imports every
// entry point, then fastpbkdf2/register, and prints report.cjs's JSON.
import crypto, { pbkdf2Sync } from 'node:crypto';

import * as fast from 'fastpbkdf2';
import * as password from 'fastpbkdf2/password';
import * as promises from 'fastpbkdf2/promises';
import 'fastpbkdf2/register';

import reporter from './report.cjs';

// No top-level await: the same file is bundled to CommonJS too.
reporter.report('esm', fast, promises, password, crypto, pbkdf2Sync).then(
  (r) => console.log(JSON.stringify(r)),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
