// Service settings from the environment, shared by the command line and the Lambda handler.
import { fs } from '../builtins';
import { env as processEnv } from '../env';

export const SECRET_ENV = 'FASTPBKDF2_SERVICE_SECRET';
export const SECRET_FILE_ENV = 'FASTPBKDF2_SERVICE_SECRET_FILE';

/** The shared secret: from a file if one is named, else from FASTPBKDF2_SERVICE_SECRET; else throws. */
export function loadSecret(env: NodeJS.ProcessEnv = processEnv, file = env[SECRET_FILE_ENV]): string {
  if (file) return fs.readFileSync(file, 'utf8').trim();
  const secret = env[SECRET_ENV];
  if (!secret) {
    throw new Error(`fastpbkdf2 service: no shared secret; set ${SECRET_ENV} or ${SECRET_FILE_ENV} (or --secret-file); refusing to start`);
  }
  return secret;
}

/** A whole number from an environment variable or option, or undefined when unset. */
export function intSetting(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`fastpbkdf2 service: ${name} must be a non-negative integer, got ${value}`);
  return n;
}
