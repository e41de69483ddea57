// fastpbkdf2/register: makes node:crypto's pbkdf2 and pbkdf2Sync the fast ones for the whole process,
// including ESM named imports of node:crypto evaluated afterwards. Importing it twice is harmless.
import * as crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

import { pbkdf2, pbkdf2Sync } from './pbkdf2';

// `import * as` gives a read-only namespace; the builtin module object itself is writable.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cryptoModule = require('node:crypto') as typeof crypto;

export function register(): void {
  if (cryptoModule.pbkdf2 === pbkdf2 && cryptoModule.pbkdf2Sync === pbkdf2Sync) return;
  cryptoModule.pbkdf2 = pbkdf2;
  cryptoModule.pbkdf2Sync = pbkdf2Sync;
  syncBuiltinESMExports();
}

register();
