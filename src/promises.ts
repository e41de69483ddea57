// fastpbkdf2/promises: pbkdf2 returning a Promise, like util.promisify(crypto.pbkdf2).
import type * as crypto from 'node:crypto';

import { pbkdf2 as pbkdf2Callback } from './pbkdf2';

export function pbkdf2(
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  iterations: number,
  keylen: number,
  digest: string,
): Promise<Buffer> {
  // Validation errors become rejections, as with util.promisify(crypto.pbkdf2).
  return new Promise((resolve, reject) => {
    pbkdf2Callback(password, salt, iterations, keylen, digest, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
