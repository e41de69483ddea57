// End-to-end check of a built addon, meant for a foreign-architecture Node under qemu-user (see
// run-arm64-node.sh): every known answer in vectors.txt through every CPU path the addon offers,
// then a random differential against this Node's own node:crypto.
// Usage: node test/native/e2e-node.cjs [vectors.txt]     (needs dist/ and build/ in the tree)
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..', '..');
const fp = require(path.join(root, 'dist', 'index.js'));
const be = require(path.join(root, 'dist', 'backend.js'));

const file = process.argv[2] || path.join(__dirname, 'vectors.txt');
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && l[0] !== '#');
const hex = (x) => Buffer.from(x === '-' ? '' : x, 'hex');
console.log(`${process.arch} node ${process.version}; CPU paths: ${be.cpuPaths().join(', ')}; default: ${be.cpuPath()}`);
if (!be.isNative()) {
  console.log('addon not loaded');
  process.exit(1);
}
let pass = 0;
let fail = 0;
for (const p of be.cpuPaths()) {
  be.setCpuPath(p);
  const t0 = Date.now();
  let bad = 0;
  for (const l of lines) {
    const [digest, pw, salt, iterations, keylen, dk] = l.split(' ');
    const got = fp.pbkdf2Sync(hex(pw), hex(salt), Number(iterations), Number(keylen), digest);
    if (got.equals(hex(dk))) pass++;
    else if (++bad <= 5) console.log(`FAIL ${p}: ${l.slice(0, 100)}`);
  }
  fail += bad;
  console.log(`path ${p}: ${lines.length - bad}/${lines.length} ok (${Date.now() - t0} ms)`);
}
be.setCpuPath(be.cpuPaths()[0]);
for (let i = 0; i < 300; i++) {
  const digest = ['sha1', 'sha256', 'sha512'][i % 3];
  const pw = crypto.randomBytes(i % 150);
  const salt = crypto.randomBytes((i * 7) % 140);
  const iterations = 1 + (i % 40);
  const keylen = (i * 13) % 200;
  const ok = fp.pbkdf2Sync(pw, salt, iterations, keylen, digest).equals(crypto.pbkdf2Sync(pw, salt, iterations, keylen, digest));
  if (ok) pass++;
  else fail++;
}
console.log(`${pass} passed, ${fail} failed`);
process.exitCode = fail ? 1 : 0;
