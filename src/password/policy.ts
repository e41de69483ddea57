// Default cost parameters, and needsRehash: is a stored hash weaker than the policy asks for?
import { invalidArgument } from './errors';
import { DIGEST_RANK, isDigest, isFormat, type Digest, type Format, type HashInfo } from './types';

/** OWASP Password Storage Cheat Sheet (2023) minimums, used as hash() defaults and needsRehash floors. */
export const DEFAULT_ITERATIONS: Readonly<Record<Digest, number>> = Object.freeze({
  sha1: 1_300_000,
  sha256: 600_000,
  sha512: 210_000,
});

export interface RehashPolicy {
  /** If set, a hash in any other format needs rehashing (e.g. move everything to 'phc'). */
  format?: Format;
  /** Weakest acceptable digest, ordered sha1 < sha256 < sha512. Default 'sha256'. */
  digest?: Digest;
  /** Minimum iterations: one number for every digest, or per digest. Default DEFAULT_ITERATIONS. */
  iterations?: number | Partial<Record<Digest, number>>;
  /** Minimum derived key length in bytes. Default 32. */
  keylen?: number;
  /** Minimum salt length in bytes. Default: not checked. */
  saltLength?: number;
}

function nonNegativeInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`policy.${name} must be a non-negative integer`);
  }
  return value;
}

function minIterations(p: RehashPolicy['iterations'], digest: Digest): number {
  if (p === undefined) return DEFAULT_ITERATIONS[digest];
  if (typeof p === 'number') return nonNegativeInt('iterations', p);
  if (typeof p !== 'object' || p === null) throw invalidArgument('policy.iterations must be a number or an object');
  const v = p[digest];
  return v === undefined ? DEFAULT_ITERATIONS[digest] : nonNegativeInt(`iterations.${digest}`, v);
}

/** True when the hash described by `info` is below `policy` (each policy field is read once). */
export function belowPolicy(info: HashInfo, policy: RehashPolicy = {}): boolean {
  if (typeof policy !== 'object' || policy === null) throw invalidArgument('policy must be an object');
  const { format, digest: floorOption, keylen: keylenOption, saltLength: saltLengthOption, iterations: iterationsOption } = policy;
  const floor = floorOption ?? 'sha256';
  if (format !== undefined && !isFormat(format)) throw invalidArgument('policy.format is not a known format');
  if (!isDigest(floor)) throw invalidArgument("policy.digest must be 'sha1', 'sha256' or 'sha512'");
  const keylen = keylenOption === undefined ? 32 : nonNegativeInt('keylen', keylenOption);
  const saltLength = saltLengthOption === undefined ? 0 : nonNegativeInt('saltLength', saltLengthOption);
  const iterations = minIterations(iterationsOption, info.digest);

  if (format !== undefined && info.format !== format) return true;
  // A count the stored string does not carry depends on the verifier's version: write it down.
  if (info.implicitIterations) return true;
  return (
    DIGEST_RANK[info.digest] < DIGEST_RANK[floor] ||
    info.iterations < iterations ||
    info.keylen < keylen ||
    info.saltLength < saltLength
  );
}
