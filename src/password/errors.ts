// The one error type fastpbkdf2/password throws, with a stable machine-readable code.

/** Stable error codes; match on `err.code`, never on the message. */
export const ErrorCodes = {
  /** The stored string is not in any format this module reads (or not in `options.formats`). */
  UNKNOWN_FORMAT: 'ERR_FASTPBKDF2_UNKNOWN_FORMAT',
  /** The format was recognised but the string is truncated, badly encoded or inconsistent. */
  MALFORMED_HASH: 'ERR_FASTPBKDF2_MALFORMED_HASH',
  /** The format names a hash function other than SHA-1, SHA-256 or SHA-512. */
  UNSUPPORTED_DIGEST: 'ERR_FASTPBKDF2_UNSUPPORTED_DIGEST',
  /** Iterations, key length, password length or string length is above the configured limit. */
  LIMIT_EXCEEDED: 'ERR_FASTPBKDF2_LIMIT_EXCEEDED',
  /** A caller-supplied argument or option is of the wrong type or out of range. */
  INVALID_ARGUMENT: 'ERR_FASTPBKDF2_INVALID_ARGUMENT',
} as const;

export type PasswordHashErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class PasswordHashError extends Error {
  readonly code: PasswordHashErrorCode;
  /** The format the string was recognised as, when it got that far. */
  readonly format: string | undefined;

  constructor(code: PasswordHashErrorCode, message: string, format?: string) {
    super(message);
    this.name = 'PasswordHashError';
    this.code = code;
    this.format = format;
  }
}

export function malformed(format: string, what: string): PasswordHashError {
  return new PasswordHashError(ErrorCodes.MALFORMED_HASH, `malformed ${format} hash: ${what}`, format);
}

export function invalidArgument(message: string): PasswordHashError {
  return new PasswordHashError(ErrorCodes.INVALID_ARGUMENT, message);
}

export function unsupportedDigest(format: string, name: string): PasswordHashError {
  return new PasswordHashError(
    ErrorCodes.UNSUPPORTED_DIGEST,
    `${format} hash uses ${JSON.stringify(name)}; only SHA-1, SHA-256 and SHA-512 are supported`,
    format,
  );
}

export function limitExceeded(message: string, format?: string): PasswordHashError {
  return new PasswordHashError(ErrorCodes.LIMIT_EXCEEDED, message, format);
}
