// Deterministic pseudo-random inputs for differential tests (seeded so a failure can be replayed).
import * as crypto from 'node:crypto';

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

export const seed = Number(process.env.FASTPBKDF2_TEST_SEED ?? crypto.randomInt(2 ** 31));

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

export function randomBytes(rand: () => number, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

const SAMPLE_CHARS = ['a', 'Z', '0', ' ', 'é', 'ß', '€', '中', '😀', '\u0000', '\uD800'];

export function randomString(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += pick(rand, SAMPLE_CHARS);
  return s;
}

/** Lengths around the block sizes of SHA-1/256 (64) and SHA-512 (128), plus random ones. */
export function interestingLength(rand: () => number, max: number): number {
  const edges = [0, 1, 2, 19, 20, 21, 31, 32, 33, 55, 56, 63, 64, 65, 111, 112, 119, 127, 128, 129, 200, 300];
  return rand() < 0.6 ? pick(rand, edges.filter((n) => n <= max)) : Math.floor(rand() * (max + 1));
}

/** The same bytes in each input form node:crypto accepts. */
export function asInputType(bytes: Buffer, kind: string): string | ArrayBuffer | SharedArrayBuffer | NodeJS.ArrayBufferView {
  switch (kind) {
    case 'Buffer':
      return bytes;
    case 'Uint8Array':
      return new Uint8Array(bytes);
    case 'offset Uint8Array': {
      // A view into the middle of a larger buffer: only its own window may be read.
      const big = new Uint8Array(bytes.length + 16).fill(0xaa);
      big.set(bytes, 7);
      return big.subarray(7, 7 + bytes.length);
    }
    case 'Uint16Array': {
      if (bytes.length % 2) return bytes;
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return new Uint16Array(copy);
    }
    case 'Float64Array': {
      if (bytes.length % 8) return bytes;
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return new Float64Array(copy);
    }
    case 'DataView': {
      const big = new ArrayBuffer(bytes.length + 9);
      new Uint8Array(big).set(bytes, 3);
      return new DataView(big, 3, bytes.length);
    }
    case 'ArrayBuffer': {
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return copy;
    }
    case 'SharedArrayBuffer': {
      const shared = new SharedArrayBuffer(bytes.length);
      new Uint8Array(shared).set(bytes);
      return shared;
    }
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
}

export const INPUT_KINDS = [
  'Buffer',
  'Uint8Array',
  'offset Uint8Array',
  'Uint16Array',
  'Float64Array',
  'DataView',
  'ArrayBuffer',
  'SharedArrayBuffer',
] as const;
