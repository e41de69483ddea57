// The wire protocol shared by fastpbkdf2/service and fastpbkdf2/remote: routes, headers, the JSON
// shapes and the error codes a client can act on.

export const ROUTES = {
  pbkdf2: '/pbkdf2',
  verify: '/verify',
  hash: '/hash',
  health: '/health',
  stats: '/stats',
} as const;

/** Milliseconds since the Unix epoch at which the client signed the request. */
export const TIMESTAMP_HEADER = 'x-fastpbkdf2-timestamp';
/** Hex HMAC-SHA256 of the request (client) or of the response bound to its request (service). */
export const SIGNATURE_HEADER = 'x-fastpbkdf2-signature';

/** POST /pbkdf2: password and salt as base64 bytes; digest sha1, sha256 or sha512. */
export interface Pbkdf2Request {
  password: string;
  salt: string;
  iterations: number;
  keylen: number;
  digest: 'sha1' | 'sha256' | 'sha512';
}
export interface Pbkdf2Response {
  key: string;
}

/** Codes of the service's own refusals (fastpbkdf2/password's codes are passed through as they are). */
export const ServiceErrorCodes = {
  UNAUTHORIZED: 'ERR_FASTPBKDF2_UNAUTHORIZED',
  BAD_REQUEST: 'ERR_FASTPBKDF2_BAD_REQUEST',
  BODY_TOO_LARGE: 'ERR_FASTPBKDF2_BODY_TOO_LARGE',
  NOT_FOUND: 'ERR_FASTPBKDF2_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'ERR_FASTPBKDF2_METHOD_NOT_ALLOWED',
  OVERLOADED: 'ERR_FASTPBKDF2_OVERLOADED',
  INTERNAL: 'ERR_FASTPBKDF2_INTERNAL',
} as const;

/** Body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}
