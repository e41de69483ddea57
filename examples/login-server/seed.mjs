// Creates users.db: a Django-shaped auth_user table with N users whose passwords are stored as
// Django's PBKDF2PasswordHasher writes them, pbkdf2_sha256$600000$<22-char salt>$<base64 key>,
// computed by fastpbkdf2 (byte-identical to Django/hashlib; a sample is re-derived with node:crypto).
//
//   node seed.mjs [--users 200] [--iterations 600000] [--db ./users.db]
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import Database from 'better-sqlite3';

// In an application: import { hash } from 'fastpbkdf2/password';
import { hash } from '../../esm/password.mjs';
import { DEFAULT_DB, DEFAULT_ITERATIONS, DEFAULT_USERS, passwordOf, username } from './users.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: String(DEFAULT_USERS) },
    iterations: { type: 'string', default: String(DEFAULT_ITERATIONS) },
    db: { type: 'string', default: DEFAULT_DB },
  },
});
const count = Number(values.users);
const iterations = Number(values.iterations);
if (!Number.isInteger(count) || count < 1) throw new Error('--users must be a positive integer');
if (!Number.isInteger(iterations) || iterations < 1) throw new Error('--iterations must be a positive integer');

const started = performance.now();
// hash() runs on fastpbkdf2's threads; all at once is fine, the default pool queues them.
const rows = await Promise.all(
  Array.from({ length: count }, async (_, k) => {
    const i = k + 1;
    return { username: username(i), password: await hash(passwordOf(i), { format: 'django', iterations }) };
  }),
);
const hashMs = performance.now() - started;

// Byte-exactness spot check against node:crypto (what Django's hashlib.pbkdf2_hmac also computes).
for (const k of [0, count - 1]) {
  const [algorithm, iter, salt, b64] = rows[k].password.split('$');
  const expected = crypto.pbkdf2Sync(passwordOf(k + 1), salt, Number(iter), 32, 'sha256').toString('base64');
  if (algorithm !== 'pbkdf2_sha256' || expected !== b64) throw new Error(`hash of ${rows[k].username} differs from node:crypto`);
}

// Write to a temporary file and rename, so an interrupted seed never leaves a half-filled database.
const tmp = `${values.db}.tmp-${process.pid}`;
fs.rmSync(tmp, { force: true });
const db = new Database(tmp);
db.exec(`CREATE TABLE auth_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password TEXT NOT NULL
)`);
const insert = db.prepare('INSERT INTO auth_user (username, password) VALUES (@username, @password)');
db.transaction((all) => all.forEach((row) => insert.run(row)))(rows);
db.close();
fs.renameSync(tmp, values.db);

console.log(
  `seeded ${count} users into ${values.db} (pbkdf2_sha256, ${iterations} iterations) in ${(hashMs / 1000).toFixed(1)} s; ` +
    'spot check against node:crypto: identical',
);
console.log(`example row: ${rows[0].username}  ${rows[0].password}`);
