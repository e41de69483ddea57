// fastpbkdf2: crypto.pbkdf2 and crypto.pbkdf2Sync, computed by native code for SHA-1/256/512.
export { pbkdf2, pbkdf2Sync } from './pbkdf2';
export { backendFor, cpuPath, cpuPaths, isNative, setCpuPath, type BackendInfo } from './backend';
export { nativeDigestNames } from './digests';
export { nativePath, setNativePath } from './native';
export {
  configureDefaultPool,
  createPool,
  defaultPoolStats,
  PoolOverloadedError,
  type CallOptions,
  type HashPool,
  type PoolOptions,
  type PoolPriority,
  type PoolStats,
} from './pool';
export type { BinaryLike } from './binary-input';
