// ESM entry for fastpbkdf2/service: re-exports the CommonJS build, so both module systems share one
// native addon.
import m from '../dist/service/index.js';

export const {
  createServer,
  HashService,
  createLambdaHandler,
  lambdaHandler,
  signRequest,
  MIN_SECRET_BYTES,
  ROUTES,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  ServiceErrorCodes,
} = m;
export default m;
