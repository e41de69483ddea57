// Which implementation serves a call: the native addon (and on which CPU path) or node:crypto.
import { nativeDigestId } from './digests';
import { nativeAddon, nativeLoadError } from './native';

export interface BackendInfo {
  /** 'native' when fastpbkdf2's C code computes this digest, else 'node:crypto'. */
  backend: 'native' | 'node:crypto';
  /** The CPU path the native code uses ('shani', 'armv8', 'portable', ...), or null. */
  cpuPath: string | null;
  /** Why node:crypto serves it: the digest is not one of ours, or the addon did not load. */
  reason?: string;
}

/** Reports which backend pbkdf2/pbkdf2Sync use for this digest name (default 'sha256'). */
export function backendFor(digest = 'sha256'): BackendInfo {
  const addon = nativeAddon();
  if (!addon) return { backend: 'node:crypto', cpuPath: null, reason: `addon not loaded: ${nativeLoadError()?.message}` };
  if (nativeDigestId(digest) === undefined) {
    return { backend: 'node:crypto', cpuPath: null, reason: `digest ${JSON.stringify(digest)} is not SHA-1/256/512` };
  }
  return { backend: 'native', cpuPath: addon.backend() };
}

/** True when the native addon is loaded. */
export function isNative(): boolean {
  return nativeAddon() !== undefined;
}

/** The CPU paths this machine and build can run, fastest first ([] without the addon). */
export function cpuPaths(): string[] {
  return nativeAddon()?.backends() ?? [];
}

/** The CPU path in use, or null without the addon. Set FASTPBKDF2_FORCE to choose it at load. */
export function cpuPath(): string | null {
  return nativeAddon()?.backend() ?? null;
}

/** Switches this thread's CPU path; throws if the path is unknown or this CPU cannot run it. */
export function setCpuPath(name: string): void {
  const addon = nativeAddon();
  if (!addon) throw new Error(`fastpbkdf2: native addon not loaded (${nativeLoadError()?.message})`);
  if (!addon.setBackend(name)) {
    throw new Error(`fastpbkdf2: CPU path "${name}" is not available here; available: ${addon.backends().join(', ')}`);
  }
}
