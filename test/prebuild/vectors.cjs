// Known answers for the installed-package checks (test/pack.test.ts, tools/test-platforms.mjs): RFC 6070
// (PBKDF2-HMAC-SHA1) and RFC 7914 section 11 (PBKDF2-HMAC-SHA256), plus SHA-512 cases compared with
// the running Node's own node:crypto. check() runs them through an API object shaped like
// require('fastpbkdf2') and returns a JSON-able report.
'use strict';
// getBuiltinModule first, so that ES-module bundles of test/pack/probe.mjs need no createRequire banner.
const crypto = process.getBuiltinModule?.('node:crypto') ?? require('node:crypto');

const published = [
  ['sha1', 'password', 'salt', 1, 20, '0c60c80f961f0e71f3a9b524af6012062fe037a6'],
  ['sha1', 'password', 'salt', 2, 20, 'ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957'],
  ['sha1', 'password', 'salt', 4096, 20, '4b007901b765489abead49d926f721d065a429c1'],
  ['sha1', 'passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 25, '3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038'],
  ['sha1', 'pass\0word', 'sa\0lt', 4096, 16, '56fa6aa75548099dcc37d7f03425e0c3'],
  ['sha256', 'passwd', 'salt', 1, 64,
    '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783'],
  ['sha256', 'Password', 'NaCl', 80000, 64,
    '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d'],
];
const nodeOnly = [
  ['sha512', 'password', 'salt', 1, 64],
  ['sha512', 'passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 131],
];

async function check(api, promises) {
  const failures = [];
  const cases = [
    ...published.map(([digest, pw, salt, c, len, hex]) => ({ digest, pw, salt, c, len, hex, source: 'RFC' })),
    ...nodeOnly.map(([digest, pw, salt, c, len]) => ({
      digest, pw, salt, c, len, hex: crypto.pbkdf2Sync(pw, salt, c, len, digest).toString('hex'), source: 'node:crypto',
    })),
  ];
  for (const v of cases) {
    const name = `${v.source} ${v.digest} ${JSON.stringify(v.pw)} c=${v.c} dkLen=${v.len}`;
    const sync = api.pbkdf2Sync(v.pw, v.salt, v.c, v.len, v.digest).toString('hex');
    if (sync !== v.hex) failures.push(`${name}: pbkdf2Sync ${sync}`);
    if (v.source === 'RFC' && crypto.pbkdf2Sync(v.pw, v.salt, v.c, v.len, v.digest).toString('hex') !== v.hex) {
      failures.push(`${name}: node:crypto disagrees with the RFC`);
    }
    const cb = await new Promise((resolve, reject) =>
      api.pbkdf2(v.pw, v.salt, v.c, v.len, v.digest, (err, key) => (err ? reject(err) : resolve(key.toString('hex')))));
    if (cb !== v.hex) failures.push(`${name}: pbkdf2 (callback) ${cb}`);
    const viaPromise = (await promises.pbkdf2(v.pw, v.salt, v.c, v.len, v.digest)).toString('hex');
    if (viaPromise !== v.hex) failures.push(`${name}: promises.pbkdf2 ${viaPromise}`);
  }
  if (api.createPool) {
    for (const priority of ['below-normal', 'low']) failures.push(...(await checkLoweredPool(api, cases, priority)));
  }
  return { checked: cases.length, failures };
}

/**
 * The same answers from a pool whose threads run at a lower priority, which takes a different system
 * call on each platform (Linux: nice or SCHED_IDLE, Windows: SetThreadPriority; macOS keeps normal
 * priority).
 */
async function checkLoweredPool(api, cases, priority) {
  const failures = [];
  const pool = api.createPool({ threads: 2, priority });
  try {
    const expected = api.isNative() && process.platform !== 'darwin' ? priority : 'normal';
    const got = pool.stats().priority;
    if (got !== expected) failures.push(`createPool({ priority: '${priority}' }): stats().priority is ${got}, expected ${expected}`);
    const keys = await Promise.all(cases.map((v) => pool.pbkdf2(v.pw, v.salt, v.c, v.len, v.digest)));
    keys.forEach((key, i) => {
      if (key.toString('hex') !== cases[i].hex) failures.push(`${priority}-priority pool, ${cases[i].digest} c=${cases[i].c}: ${key.toString('hex')}`);
    });
  } finally {
    pool.close();
  }
  return failures;
}

module.exports = { check };
