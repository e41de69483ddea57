// Turns the password and salt arguments node:crypto accepts into a Uint8Array view for the addon,
// without copying: strings are UTF-8 encoded (as node does), views and buffers are read through their
// internal slots, as node's C++ reads them. Properties a caller can override (own `byteLength`
// getters on a Buffer, a subclass's `byteOffset`, a swapped prototype) are never consulted: the
// engine's own getters, captured here at load, are called on the value instead.
import { util } from './builtins';

export type BinaryLike = string | ArrayBufferLike | NodeJS.ArrayBufferView;

const { isAnyArrayBuffer, isDataView, isSharedArrayBuffer } = util.types;
const { isView } = ArrayBuffer;
const { apply } = Reflect;

/** The engine's getter `name` of `proto`, callable on any receiver. */
function intrinsicGetter<T>(proto: object, name: string): (self: unknown) => T {
  const get = Object.getOwnPropertyDescriptor(proto, name)?.get;
  if (!get) throw new Error(`fastpbkdf2: no intrinsic getter ${name}`);
  return (self) => apply(get, self, []) as T;
}

const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArray = {
  buffer: intrinsicGetter<ArrayBufferLike>(TypedArrayPrototype, 'buffer'),
  byteOffset: intrinsicGetter<number>(TypedArrayPrototype, 'byteOffset'),
  byteLength: intrinsicGetter<number>(TypedArrayPrototype, 'byteLength'),
};
const dataView = {
  buffer: intrinsicGetter<ArrayBufferLike>(DataView.prototype, 'buffer'),
  byteOffset: intrinsicGetter<number>(DataView.prototype, 'byteOffset'),
  byteLength: intrinsicGetter<number>(DataView.prototype, 'byteLength'),
};
const arrayBufferByteLength = intrinsicGetter<number>(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength = intrinsicGetter<number>(SharedArrayBuffer.prototype, 'byteLength');

const EMPTY = new Uint8Array(0);

/** Largest password or salt node:crypto hands to OpenSSL (it uses a signed int). */
const MAX_INPUT_BYTES = 2 ** 31 - 1;

/** True for the argument types node:crypto's pbkdf2 accepts for password and salt. */
export function isBinaryLike(value: unknown): value is BinaryLike {
  return typeof value === 'string' || isAnyArrayBuffer(value) || isView(value);
}

/** The length of a Uint8Array (or Buffer) from its internal slot. */
export function byteLength(bytes: Uint8Array): number {
  return typedArray.byteLength(bytes);
}

/**
 * A fixed-length Uint8Array over exactly the bytes node:crypto reads from a view or an
 * ArrayBuffer/SharedArrayBuffer (the current window of a length-tracking view, nothing of a detached
 * or out-of-bounds one). Not a copy.
 */
export function viewBytes(value: ArrayBufferLike | NodeJS.ArrayBufferView): Uint8Array {
  let buffer: ArrayBufferLike;
  let offset = 0;
  let length: number;
  if (isDataView(value)) {
    buffer = dataView.buffer(value);
    try {
      offset = dataView.byteOffset(value);
      length = dataView.byteLength(value);
    } catch {
      // These throw only for a detached or out-of-bounds view, which node reads as empty.
      return EMPTY;
    }
  } else if (isView(value)) {
    // 0 for a detached or out-of-bounds typed array.
    buffer = typedArray.buffer(value);
    offset = typedArray.byteOffset(value);
    length = typedArray.byteLength(value);
  } else {
    buffer = value as ArrayBufferLike;
    length = isSharedArrayBuffer(buffer) ? sharedArrayBufferByteLength(buffer) : arrayBufferByteLength(buffer);
  }
  return length === 0 ? EMPTY : new Uint8Array(buffer, offset, length);
}

/**
 * The bytes of a value that passed isBinaryLike, or undefined when only node:crypto should judge
 * it (inputs too large for node's own limits).
 */
export function toBytes(value: BinaryLike): Uint8Array | undefined {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : viewBytes(value);
  return byteLength(bytes) > MAX_INPUT_BYTES ? undefined : bytes;
}
