// Limits on what a stored string may ask of us. A stored hash is data: a hostile or corrupted row
// with 2^31 iterations or a gigabyte key must be refused before any hashing starts.
import { util } from '../builtins';

import { byteLength, viewBytes } from '../binary-input';
import { invalidArgument, limitExceeded } from './errors';
import type { Format, ParsedHash, Password } from './types';

export interface Limits {
  /** Highest iteration count accepted (default 5,000,000; at most 2^31-1, node's own limit). */
  maxIterations: number;
  /** Longest derived key accepted, in bytes (default 128: covers every format's default). */
  maxKeyLength: number;
  /** Longest password accepted, in UTF-8 bytes (default 4096). */
  maxPasswordBytes: number;
  /** Longest stored string accepted, in characters (default 16384). */
  maxEncodedLength: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxIterations: 5_000_000,
  maxKeyLength: 128,
  maxPasswordBytes: 4096,
  maxEncodedLength: 16384,
});

const INT32_MAX = 2 ** 31 - 1;
const { isUint8Array } = util.types;

function positiveInt(name: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument(`options.${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

/** The effective limits: defaults overridden by the option fields that are set (each read once). */
export function resolveLimits(options: Partial<Limits> | undefined): Limits {
  const { maxIterations, maxKeyLength, maxPasswordBytes, maxEncodedLength } = options ?? {};
  const limit = (name: keyof Limits, value: unknown) =>
    value === undefined ? DEFAULT_LIMITS[name] : positiveInt(name, value, INT32_MAX);
  return {
    maxIterations: limit('maxIterations', maxIterations),
    maxKeyLength: limit('maxKeyLength', maxKeyLength),
    maxPasswordBytes: limit('maxPasswordBytes', maxPasswordBytes),
    maxEncodedLength: limit('maxEncodedLength', maxEncodedLength),
  };
}

/**
 * The password as the bytes every supported system hashes (UTF-8 for strings), within limits. Bytes
 * are read through the view's internal slots (see binary-input.ts), never its own properties.
 */
export function passwordBytes(password: Password, limits: Limits): Uint8Array {
  let bytes: Uint8Array;
  if (typeof password === 'string') {
    // Cheap pre-check: a UTF-8 encoding has at least one byte per UTF-16 unit.
    if (password.length > limits.maxPasswordBytes) throw passwordTooLong(limits);
    bytes = Buffer.from(password, 'utf8');
  } else if (isUint8Array(password)) {
    bytes = viewBytes(password);
  } else {
    throw invalidArgument('password must be a string or a Uint8Array');
  }
  if (byteLength(bytes) > limits.maxPasswordBytes) throw passwordTooLong(limits);
  return bytes;
}

function passwordTooLong(limits: Limits) {
  return limitExceeded(`password is longer than maxPasswordBytes (${limits.maxPasswordBytes} bytes)`);
}

export function checkEncodedLength(length: number, limits: Limits): void {
  if (length > limits.maxEncodedLength) {
    throw limitExceeded(`stored hash is longer than maxEncodedLength (${limits.maxEncodedLength} characters)`);
  }
}

/** Refuses, before any hashing, a stored hash whose cost is above the limits. */
export function checkCost(format: Format, iterations: number, keylen: number, limits: Limits): void {
  if (iterations > limits.maxIterations) {
    throw limitExceeded(`${format} hash asks for ${iterations} iterations; maxIterations is ${limits.maxIterations}`, format);
  }
  if (keylen > limits.maxKeyLength) {
    throw limitExceeded(`${format} hash has a ${keylen}-byte key; maxKeyLength is ${limits.maxKeyLength}`, format);
  }
}

export function checkParsed(parsed: ParsedHash, limits: Limits): void {
  checkCost(parsed.format, parsed.iterations, parsed.hash.length, limits);
}

