// Random salts for hash(): bytes from crypto.randomBytes, or for the formats that store the salt as
// text (Django, Werkzeug) characters drawn uniformly from [A-Za-z0-9], as those systems do.
import { crypto } from '../builtins';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function randomSaltBytes(length: number): Buffer {
  return crypto.randomBytes(length);
}

export function randomSaltText(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.randomBytes(length * 2)) {
      // 248 = 4 * 62: rejecting bytes >= 248 keeps every character equally likely.
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}
