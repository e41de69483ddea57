// The report every probe prints (test/pack/runtimes.mjs judges it): where the addon came from, the
// backend, the known answers (vectors.cjs) and whether fastpbkdf2/register reached node:crypto.
'use strict';
const { check } = require('./vectors.cjs');

async function report(kind, fast, promises, password, cryptoModule, namedPbkdf2Sync) {
  const hash = password.hashSync('secret', { format: 'django', iterations: 2 });
  return {
    kind,
    runtime: process.versions.bun ? `bun ${process.versions.bun}` : globalThis.Deno ? `deno ${globalThis.Deno.version.deno}` : `node ${process.versions.node}`,
    nativePath: fast.nativePath(),
    backend: fast.backendFor('sha256'),
    vectors: await check(fast, promises),
    password: password.verifySync('secret', hash) && !password.verifySync('wrong', hash),
    register: {
      module: cryptoModule.pbkdf2Sync === fast.pbkdf2Sync && cryptoModule.pbkdf2 === fast.pbkdf2,
      named: namedPbkdf2Sync === undefined ? null : namedPbkdf2Sync === fast.pbkdf2Sync,
    },
  };
}

module.exports = { report };
