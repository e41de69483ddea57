// fastpbkdf2/register: makes node:crypto's pbkdf2 and pbkdf2Sync the fast ones for the whole process,
// including ESM named imports of node:crypto evaluated afterwards. Importing it twice is harmless.
import { crypto as cryptoModule, nodeModule } from './builtins';
import { pbkdf2, pbkdf2Sync } from './pbkdf2';

// The builtin module object (writable, unlike an `import * as` namespace).
export function register(): void {
  if (cryptoModule.pbkdf2 === pbkdf2 && cryptoModule.pbkdf2Sync === pbkdf2Sync) return;
  cryptoModule.pbkdf2 = pbkdf2;
  cryptoModule.pbkdf2Sync = pbkdf2Sync;
  // Updates ESM named imports of node:crypto in Node (a no-op in Bun and Deno, see README).
  nodeModule.syncBuiltinESMExports?.();
}

register();
