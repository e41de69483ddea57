// Strict text encodings of salts and derived keys. Buffer.from(s, 'base64') skips characters it does
// not know and accepts any padding, so every decoder here validates the alphabet and the length first
// and then requires the canonical encoding (re-encoding the bytes must give back the same text, which
// also rejects non-zero trailing bits). Callers turn a `undefined` result into a typed error.

const STD_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STD_UNPADDED = /^[A-Za-z0-9+/]*$/;
const AB64 = /^[A-Za-z0-9./]*$/;
const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** Standard base64 with '=' padding (Python's b64encode, .NET Convert, Java, Jackson). */
export function decodeBase64(text: string): Buffer | undefined {
  if (!STD_PADDED.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Standard base64 without padding: the PHC string format's "B64". */
export function decodeB64(text: string): Buffer | undefined {
  if (!STD_UNPADDED.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encodeB64(bytes) === text ? bytes : undefined;
}

export function encodeB64(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/=+$/, '');
}

/** passlib's "adapted base64": standard alphabet with '.' instead of '+', no padding. */
export function decodeAb64(text: string): Buffer | undefined {
  if (!AB64.test(text)) return undefined;
  return decodeB64(text.replace(/\./g, '+'));
}

export function encodeAb64(bytes: Uint8Array): string {
  return encodeB64(bytes).replace(/\+/g, '.');
}

/** Lower-case hex, as Python's bytes.hex() writes it (Werkzeug compares the hex text exactly). */
export function decodeHex(text: string): Buffer | undefined {
  return LOWER_HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

export function encodeHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/**
 * A canonical decimal iteration count or length ("1", "600000"; no sign, no leading zero, no space),
 * or undefined. Values past 2^53 cannot be represented exactly and are rejected too.
 */
export function parseDecimal(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
