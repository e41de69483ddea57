// ESM entry for fastpbkdf2/remote: re-exports the CommonJS build, so both module systems share one
// native addon.
import m from '../dist/remote/index.js';

export const { createRemotePool, RemoteUnavailableError, RemoteServiceError } = m;
export default m;
