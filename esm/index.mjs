// ESM entry: re-exports the CommonJS build so both module systems share one addon and one state.
import cjs from '../dist/index.js';

export const {
  pbkdf2,
  pbkdf2Sync,
  backendFor,
  cpuPath,
  cpuPaths,
  isNative,
  nativePath,
  setNativePath,
  setCpuPath,
  nativeDigestNames,
  configureDefaultPool,
  createPool,
  defaultPoolStats,
  PoolOverloadedError,
} = cjs;
export default cjs;
