// The demo's user set, shared by seed.mjs (which stores their hashes) and loadtest.mjs (which logs
// in as them). Passwords are derived from the index so the load test knows them; a real service
// never knows its users' passwords, only their hashes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DB = path.join(HERE, 'users.db');
export const DEFAULT_USERS = 200;
/** Django 4.2's PBKDF2PasswordHasher.iterations. */
export const DEFAULT_ITERATIONS = 600_000;

export const username = (i) => `user${String(i).padStart(4, '0')}`;
export const passwordOf = (i) => `correct horse battery staple #${i}`;
