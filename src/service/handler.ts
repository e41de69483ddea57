// The service's request handling, independent of the transport (node:http or an AWS Lambda event):
// authenticate, check the request against the limits, hash on the pool, answer in JSON. Every
// refusal (auth, size, limits, overload) happens before any hashing; passwords are never logged.
import { PasswordHashError, hash, verify } from '../password/index';
import { limitExceeded } from '../password/errors';
import { DEFAULT_LIMITS, passwordBytes, resolveLimits, type Limits } from '../password/limits';
import { FORMATS, type Digest, type Format } from '../password/types';
import { createPool, type HashPool, type PoolOptions, type PoolStats } from '../pool';
import { DEFAULT_MAX_SKEW_MS, checkRequest, secretBytes, signResponse } from './auth';
import { ROUTES, SIGNATURE_HEADER, ServiceErrorCodes, TIMESTAMP_HEADER, type ErrorBody } from './protocol';

export interface ServiceOptions {
  /** The shared secret (at least 32 bytes); the service refuses to start without one. */
  secret: string | Uint8Array;
  /**
   * The pool to hash on: one from createPool (not closed by close()), or options for a pool the
   * service creates and owns (default: os.availableParallelism() threads, maxQueue 64). Options the
   * pool does not know are passed through unchanged.
   */
  pool?: HashPool | (PoolOptions & Record<string, unknown>);
  /** fastpbkdf2/password limits, applied to every endpoint before any hashing. */
  limits?: Partial<Limits>;
  /** Longest salt accepted by /pbkdf2, in bytes (default 1024). */
  maxSaltBytes?: number;
  /** Largest request body, in bytes (default 32 KiB). */
  maxBodyBytes?: number;
  /** Accepted difference between the client's timestamp and this clock (default 30,000 ms). */
  maxSkewMs?: number;
  /** Seconds sent in Retry-After with a 503 (default 1). */
  retryAfterSeconds?: number;
  /** Answer GET /health without authentication, for load-balancer probes (default false). */
  publicHealth?: boolean;
  /** Called once per request with what may be logged: never a body, a password or a hash. */
  log?: (entry: LogEntry) => void;
}

export interface LogEntry {
  method: string;
  /** The route asked for (at most 100 characters). */
  route: string;
  status: number;
  ms: number;
  code?: string;
  /** For a 500 only: the internal error's message. */
  error?: string;
}

export interface ServiceRequest {
  method: string;
  /** The path below the service's base path, without query string, e.g. /pbkdf2. */
  route: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  /** Aborts the request's hashing (e.g. when its client has gone). */
  signal?: AbortSignal;
}

export interface ServiceResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ServiceStats {
  requests: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Requests refused because their signature or timestamp did not check out. */
  unauthorized: number;
  /** Requests refused with 503 because the pool was overloaded. */
  overloaded: number;
  pool: PoolStats;
  uptimeSeconds: number;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024;
export const DEFAULT_MAX_QUEUE = 64;
const DEFAULT_MAX_SALT_BYTES = 1024;
const DIGESTS: readonly Digest[] = ['sha1', 'sha256', 'sha512'];

/** The code of a pool refusing work for now (its queue or its waiting-time budget is full). */
const OVERLOADED = 'ERR_FASTPBKDF2_OVERLOADED';

type Endpoint = (body: Buffer, signal: AbortSignal | undefined) => Promise<unknown> | unknown;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function badRequest(message: string): HttpError {
  return new HttpError(400, ServiceErrorCodes.BAD_REQUEST, message);
}

function isPool(value: unknown): value is HashPool {
  return typeof (value as HashPool | undefined)?.pbkdf2 === 'function';
}

function nonNegativeInt(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`fastpbkdf2 service: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Decodes a base64 field into bytes; strict, so that a typo is refused rather than half-read. */
function base64Field(body: Record<string, unknown>, name: string): Buffer {
  const value = body[name];
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw badRequest(`${name} must be base64 (standard alphabet, padded)`);
  }
  return Buffer.from(value, 'base64');
}

function intField(body: Record<string, unknown>, name: string, min: number): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > 2 ** 31 - 1) {
    throw badRequest(`${name} must be an integer from ${min} to ${2 ** 31 - 1}`);
  }
  return value;
}

function optionalField<T>(body: Record<string, unknown>, name: string, check: (v: unknown) => boolean, what: string): T | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!check(value)) throw badRequest(`${name} must be ${what}`);
  return value as T;
}

const isFormatList = (v: unknown) => Array.isArray(v) && v.every((f) => (FORMATS as readonly unknown[]).includes(f));
const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

export class HashService {
  readonly maxBodyBytes: number;
  readonly #secret: Buffer;
  readonly #pool: HashPool;
  readonly #ownsPool: boolean;
  readonly #limits: Limits;
  readonly #maxSaltBytes: number;
  readonly #maxSkewMs: number;
  readonly #retryAfter: number;
  readonly #publicHealth: boolean;
  readonly #log: ((entry: LogEntry) => void) | undefined;
  readonly #started = Date.now();
  #counters = { requests: 0, unauthorized: 0, overloaded: 0, statuses: {} as Record<string, number> };

  constructor(options: ServiceOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('fastpbkdf2 service: options must be an object');
    this.#secret = secretBytes(options.secret);
    this.#limits = resolveLimits(options.limits);
    this.maxBodyBytes = nonNegativeInt('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    this.#maxSaltBytes = nonNegativeInt('maxSaltBytes', options.maxSaltBytes, DEFAULT_MAX_SALT_BYTES);
    this.#maxSkewMs = nonNegativeInt('maxSkewMs', options.maxSkewMs, DEFAULT_MAX_SKEW_MS);
    this.#retryAfter = nonNegativeInt('retryAfterSeconds', options.retryAfterSeconds, 1);
    this.#publicHealth = options.publicHealth === true;
    this.#log = options.log;
    if (isPool(options.pool)) {
      this.#pool = options.pool;
      this.#ownsPool = false;
    } else {
      // Unset (undefined) fields keep the defaults.
      const given = Object.entries(options.pool ?? {}).filter(([, value]) => value !== undefined);
      this.#pool = createPool({ maxQueue: DEFAULT_MAX_QUEUE, ...Object.fromEntries(given) });
      this.#ownsPool = true;
    }
  }

  /** Answers one request; never rejects. */
  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const started = performance.now();
    this.#counters.requests++;
    const { method, route } = request;
    const signature = request.headers[SIGNATURE_HEADER];
    let status = 200;
    let payload: unknown;
    let code: string | undefined;
    let signed = false;
    let internal: string | undefined;
    let retryAfter: number | undefined;
    try {
      const endpoint = this.#route(method, route);
      if (request.body.length > this.maxBodyBytes) {
        throw new HttpError(413, ServiceErrorCodes.BODY_TOO_LARGE, `request body is larger than ${this.maxBodyBytes} bytes`);
      }
      if (!(route === ROUTES.health && this.#publicHealth)) {
        const failure = checkRequest(this.#secret, method, route, request.body, request.headers[TIMESTAMP_HEADER], signature, this.#maxSkewMs);
        if (failure) {
          this.#counters.unauthorized++;
          const why = { missing: 'no valid timestamp and signature headers', stale: 'timestamp outside the accepted window', 'bad-signature': 'signature does not match' }[failure];
          throw new HttpError(401, ServiceErrorCodes.UNAUTHORIZED, `unauthorized: ${why}`);
        }
        signed = true;
      }
      payload = await endpoint(request.body, request.signal);
    } catch (err) {
      ({ status, code, payload } = this.#errorAnswer(err));
      if (status === 503) retryAfter = this.#retryAfterFor(err);
      if (status === 500) internal = String((err as Error)?.message ?? err).slice(0, 200);
    }
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    if (signed) headers[SIGNATURE_HEADER] = signResponse(this.#secret, signature as string, status, Buffer.from(body));
    this.#counters.statuses[status] = (this.#counters.statuses[status] ?? 0) + 1;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    this.#log?.({ method: method.slice(0, 16), route: route.slice(0, 100), status, ms, ...(code ? { code } : {}), ...(internal ? { error: internal } : {}) });
    return { status, headers, body };
  }

  stats(): ServiceStats {
    const { requests, unauthorized, overloaded, statuses } = this.#counters;
    return { requests, statuses: { ...statuses }, unauthorized, overloaded, pool: this.#pool.stats(), uptimeSeconds: Math.round((Date.now() - this.#started) / 1000) };
  }

  /** Closes the pool if the service created it (calls already accepted complete). */
  close(): void {
    if (this.#ownsPool) this.#pool.close();
  }

  #route(method: string, route: string): Endpoint {
    const table: Record<string, [string, Endpoint]> = {
      [ROUTES.pbkdf2]: ['POST', (b, signal) => this.#pbkdf2(b, signal)],
      [ROUTES.verify]: ['POST', (b, signal) => this.#verify(b, signal)],
      [ROUTES.hash]: ['POST', (b, signal) => this.#hash(b, signal)],
      [ROUTES.health]: ['GET', () => ({ status: 'ok' })],
      [ROUTES.stats]: ['GET', () => this.stats()],
    };
    const entry = Object.hasOwn(table, route) ? table[route] : undefined;
    if (!entry) throw new HttpError(404, ServiceErrorCodes.NOT_FOUND, `no such endpoint: ${route.slice(0, 100)}`);
    if (method !== entry[0]) throw new HttpError(405, ServiceErrorCodes.METHOD_NOT_ALLOWED, `${route} takes ${entry[0]}`);
    return entry[1];
  }

  #json(body: Buffer): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('body must be JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('body must be a JSON object');
    return parsed as Record<string, unknown>;
  }

  async #pbkdf2(raw: Buffer, signal: AbortSignal | undefined): Promise<{ key: string }> {
    const body = this.#json(raw);
    const digest = body.digest;
    if (!DIGESTS.includes(digest as Digest)) throw badRequest(`digest must be one of ${DIGESTS.join(', ')}`);
    const iterations = intField(body, 'iterations', 1);
    const keylen = intField(body, 'keylen', 0);
    const password = base64Field(body, 'password');
    const salt = base64Field(body, 'salt');
    try {
      passwordBytes(password, this.#limits);
      if (salt.length > this.#maxSaltBytes) throw limitExceeded(`salt is longer than ${this.#maxSaltBytes} bytes`);
      if (iterations > this.#limits.maxIterations) throw limitExceeded(`iterations ${iterations} exceed maxIterations (${this.#limits.maxIterations})`);
      if (keylen > this.#limits.maxKeyLength) throw limitExceeded(`keylen ${keylen} exceeds maxKeyLength (${this.#limits.maxKeyLength})`);
      const key = await this.#pool.pbkdf2(password, salt, iterations, keylen, digest as Digest, { signal });
      const encoded = key.toString('base64');
      key.fill(0);
      return { key: encoded };
    } finally {
      password.fill(0);
    }
  }

  async #verify(raw: Buffer, signal: AbortSignal | undefined): Promise<{ ok: boolean }> {
    const body = this.#json(raw);
    const password = base64Field(body, 'password');
    const stored = body.hash ?? null;
    if (stored !== null && typeof stored !== 'string' && (typeof stored !== 'object' || Array.isArray(stored))) {
      throw badRequest('hash must be a stored hash string, a Keycloak credential object, or null (unknown user)');
    }
    const formats = optionalField<Format[]>(body, 'formats', isFormatList, `a list of ${FORMATS.join(', ')}`);
    const dummyLike = optionalField<string>(body, 'dummyLike', (v) => typeof v === 'string', 'a stored hash string');
    try {
      // A null hash (no such user) costs one dummy verification, as with verify({ dummy: true }).
      const ok = await verify(password, stored as string | null, { ...this.#limits, pool: this.#pool, dummy: true, formats, dummyLike, signal });
      return { ok };
    } finally {
      password.fill(0);
    }
  }

  async #hash(raw: Buffer, signal: AbortSignal | undefined): Promise<{ hash: string }> {
    const body = this.#json(raw);
    const password = base64Field(body, 'password');
    const options = {
      format: optionalField<Format>(body, 'format', (v) => (FORMATS as readonly unknown[]).includes(v), `one of ${FORMATS.join(', ')}`),
      digest: optionalField<Digest>(body, 'digest', (v) => DIGESTS.includes(v as Digest), `one of ${DIGESTS.join(', ')}`),
      iterations: optionalField<number>(body, 'iterations', isInt, 'an integer'),
      keylen: optionalField<number>(body, 'keylen', isInt, 'an integer'),
      saltLength: optionalField<number>(body, 'saltLength', isInt, 'an integer'),
    };
    try {
      return { hash: await hash(password, { ...this.#limits, ...options, pool: this.#pool, signal }) };
    } finally {
      password.fill(0);
    }
  }

  /** Seconds to wait: the pool's own estimate when it gives one (maxWaitMs refusals), else the configured value. */
  #retryAfterFor(err: unknown): number {
    const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
    return typeof ms === 'number' && ms > 0 ? Math.max(this.#retryAfter, Math.ceil(ms / 1000)) : this.#retryAfter;
  }

  #errorAnswer(err: unknown): { status: number; code: string; payload: ErrorBody } {
    let status = 500;
    let code: string = ServiceErrorCodes.INTERNAL;
    let message = 'internal error';
    if (err instanceof HttpError) {
      ({ status, code, message } = err);
    } else if (err instanceof PasswordHashError) {
      status = 400;
      ({ code, message } = err);
    } else if ((err as { code?: string } | null)?.code === 'ABORT_ERR') {
      // The client has gone (nobody reads this answer; the status is for the log).
      status = 499;
      code = 'ABORT_ERR';
      message = 'the client closed the request';
    } else if ((err as { code?: string } | null)?.code === OVERLOADED) {
      this.#counters.overloaded++;
      status = 503;
      code = (err as { code: string }).code;
      message = 'the hashing queue is full; retry later or elsewhere';
    }
    return { status, code, payload: { error: { code, message } } };
  }
}

export { DEFAULT_LIMITS };
