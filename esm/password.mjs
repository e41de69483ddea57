// ESM entry for fastpbkdf2/password: re-exports the CommonJS build, so both module systems share one
// native addon.
import m from '../dist/password/index.js';

export const {
  verify,
  verifySync,
  verifyUnknownUser,
  verifyUnknownUserSync,
  hash,
  hashSync,
  identify,
  needsRehash,
  isPasswordHashError,
  PasswordHashError,
  ErrorCodes,
  DEFAULT_LIMITS,
  DEFAULT_ITERATIONS,
  FORMATS,
  WERKZEUG_DEFAULT_ITERATIONS,
} = m;
export default m;
