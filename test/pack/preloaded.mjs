// Run after fastpbkdf2/register was preloaded (node --import / -r, bun --preload, deno --preload):
// do ES-module named imports of node:crypto see the replacement?
import crypto, { pbkdf2Sync } from 'node:crypto';

import * as fast from 'fastpbkdf2';

console.log(JSON.stringify({ kind: 'preloaded', module: crypto.pbkdf2Sync === fast.pbkdf2Sync, named: pbkdf2Sync === fast.pbkdf2Sync, native: fast.isNative() }));
