// Turns the password and salt arguments node:crypto accepts into a Uint8Array view for the addon,
// without copying: strings are UTF-8 encoded (as node does), views keep their byteOffset/byteLength.
import { types } from 'node:util';

export type BinaryLike = string | ArrayBufferLike | NodeJS.ArrayBufferView;

const EMPTY = new Uint8Array(0);

/** Largest password or salt node:crypto hands to OpenSSL (it uses a signed int). */
const MAX_INPUT_BYTES = 2 ** 31 - 1;

/** True for the argument types node:crypto's pbkdf2 accepts for password and salt. */
export function isBinaryLike(value: unknown): value is BinaryLike {
  return typeof value === 'string' || types.isAnyArrayBuffer(value) || ArrayBuffer.isView(value);
}

/**
 * The bytes of a value that passed isBinaryLike, or undefined when only node:crypto should judge
 * it (inputs too large for node's own limits).
 */
export function toBytes(value: BinaryLike): Uint8Array | undefined {
  let bytes: Uint8Array;
  if (typeof value === 'string') {
    bytes = Buffer.from(value, 'utf8');
  } else if (ArrayBuffer.isView(value)) {
    // A view over a detached buffer has byteLength 0 and cannot be re-viewed.
    bytes = value.byteLength === 0 ? EMPTY : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  } else {
    bytes = value.byteLength === 0 ? EMPTY : new Uint8Array(value as ArrayBufferLike);
  }
  return bytes.byteLength > MAX_INPUT_BYTES ? undefined : bytes;
}
