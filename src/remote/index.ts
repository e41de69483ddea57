// fastpbkdf2/remote: createRemotePool() hashes on fastpbkdf2/service endpoints, with the shape of
// createPool() (pbkdf2 with a callback or a promise, stats, close), so fastpbkdf2/password accepts it
// as { pool }. Calls are spread over the endpoints (fewest calls in flight first) on keep-alive
// connections; a connection error, a timeout, a 503 or an unsigned answer moves the call to another
// endpoint; when none can answer, the call is hashed locally or rejected, as configured. Every call is
// answered exactly once. Arguments are checked as node:crypto checks them, before anything is sent.
import type * as crypto from 'node:crypto';
import type * as http from 'node:http';

import { http as httpModule, https as httpsModule } from '../builtins';

import { checkedCall, nodePbkdf2, type NativeCall } from '../dispatch';
import { createPool, type HashPool, type PoolOptions } from '../pool';
import { secretBytes } from '../service/auth';
import { ROUTES, type ErrorBody, type Pbkdf2Request } from '../service/protocol';
import { abortError, callbackOrPromise, callSignal, type Pbkdf2Args, type RemoteCallOptions } from '../call-options';
import { requestOnce, type Answer } from './transport';

export interface RemotePoolOptions {
  /** Base URLs of fastpbkdf2/service instances, e.g. ['https://hash-1.internal:8080', ...]. */
  endpoints: readonly string[];
  /** The services' shared secret (at least 32 bytes). */
  secret: string | Uint8Array;
  /** Deadline of one attempt on one endpoint, in ms (default 5000); then the next endpoint is tried. */
  timeoutMs?: number;
  /** When no endpoint can answer: 'local' hashes on a local pool (default), 'reject' rejects with ERR_FASTPBKDF2_REMOTE_UNAVAILABLE. */
  fallback?: 'local' | 'reject';
  /** Options of the local pool used by fallback 'local' (created on first use). */
  local?: PoolOptions;
  /** How long an endpoint that failed to connect or answer is skipped, in ms (default 2000). */
  downMs?: number;
  /** Most connections per endpoint (default 64). */
  maxSockets?: number;
  /** Extra trust anchors for https endpoints (PEM), e.g. a private CA. */
  ca?: string | Buffer | Array<string | Buffer>;
}

export interface RemoteEndpointStats {
  url: string;
  /** False while the endpoint is skipped after a failure. */
  up: boolean;
  inFlight: number;
  completed: number;
  /** Attempts that failed (connection, timeout, unsigned or server error). */
  failed: number;
  /** Attempts answered 503 (overloaded). */
  overloaded: number;
}

export interface RemotePoolStats {
  /** Calls not yet answered. */
  inFlight: number;
  /** Calls answered by an endpoint. */
  remote: number;
  /** Calls hashed locally: fallbacks, and digests other than SHA-1/256/512 (node:crypto computes them). */
  local: number;
  /** Calls hashed locally because no endpoint could answer. */
  fallbacks: number;
  /** Calls rejected because no endpoint could answer (fallback 'reject'). */
  unavailable: number;
  /** Calls refused by a service (limits), passed on as errors. */
  refused: number;
  /** Attempts moved on to another endpoint. */
  retries: number;
  /** Calls aborted by their signal. */
  aborted: number;
  endpoints: RemoteEndpointStats[];
}

type Callback = (err: Error | null, derivedKey: NonSharedBuffer) => void;

/** No endpoint could answer and the pool's fallback is 'reject'. */
export class RemoteUnavailableError extends Error {
  readonly code = 'ERR_FASTPBKDF2_REMOTE_UNAVAILABLE';
  constructor(reason: string, cause?: unknown) {
    super(`fastpbkdf2/remote: no endpoint could answer (${reason})`, { cause });
    this.name = 'RemoteUnavailableError';
  }
}

/** A service refused the call itself (a limit, a bad request); `code` is the service's. */
export class RemoteServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`fastpbkdf2/remote: ${message}`);
    this.name = 'RemoteServiceError';
  }
}

const DIGEST_NAMES = ['sha1', 'sha256', 'sha512'] as const;

interface Endpoint extends Omit<RemoteEndpointStats, 'up'> {
  agent: http.Agent;
  downUntil: number;
  /** Failed last time: after downMs, one call at a time tries it until one succeeds. */
  suspect: boolean;
}

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`fastpbkdf2/remote: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A call whose bytes this pool owns (copied at submission, wiped once answered). */
interface OwnedCall extends NativeCall {
  password: Buffer;
  salt: Buffer;
}

class RemotePool {
  readonly #secret: Buffer;
  readonly #endpoints: Endpoint[];
  readonly #timeoutMs: number;
  readonly #downMs: number;
  readonly #fallback: 'local' | 'reject';
  readonly #localOptions: PoolOptions;
  #local: HashPool | undefined;
  #warned = false;
  #closed = false;
  #next = 0;
  #counters = { inFlight: 0, remote: 0, local: 0, fallbacks: 0, unavailable: 0, refused: 0, retries: 0, aborted: 0 };

  constructor(options: RemotePoolOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('fastpbkdf2/remote: options must be an object');
    const { endpoints, fallback = 'local' } = options;
    if (!Array.isArray(endpoints) || endpoints.length === 0) throw new TypeError('fastpbkdf2/remote: endpoints must be a non-empty array of URLs');
    if (fallback !== 'local' && fallback !== 'reject') throw new TypeError("fastpbkdf2/remote: fallback must be 'local' or 'reject'");
    this.#secret = secretBytes(options.secret);
    this.#timeoutMs = positive('timeoutMs', options.timeoutMs, 5000);
    this.#downMs = positive('downMs', options.downMs, 2000);
    this.#fallback = fallback;
    this.#localOptions = options.local ?? {};
    const maxSockets = positive('maxSockets', options.maxSockets, 64);
    this.#endpoints = endpoints.map((url: unknown) => {
      const parsed = typeof url === 'string' ? parseUrl(url) : undefined;
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        throw new TypeError(`fastpbkdf2/remote: endpoint must be an http(s) URL, got ${String(url)}`);
      }
      // Idle connections close after 30 s, before the service's 60 s, so none is reused as it closes.
      const agentOptions = { keepAlive: true, maxSockets, timeout: 30_000, ...(options.ca ? { ca: options.ca } : {}) };
      const agent = parsed.protocol === 'https:' ? new httpsModule.Agent(agentOptions) : new httpModule.Agent(agentOptions);
      return { url: parsed.href, agent, downUntil: 0, suspect: false, inFlight: 0, completed: 0, failed: 0, overloaded: 0 };
    });
  }

  /**
   * crypto.pbkdf2 on the remote endpoints: with a callback (called exactly once), or returning a
   * Promise; options { signal } abort a call. Typed as createPool()'s, so either pool fits wherever
   * the other does.
   */
  readonly pbkdf2 = ((...[password, salt, iterations, keylen, digest, optionsOrCallback, callback]: Pbkdf2Args) =>
    callbackOrPromise(optionsOrCallback, callback, (options, done) =>
      this.#pbkdf2(password, salt, iterations, keylen, digest, options, done),
    )) as HashPool['pbkdf2'];

  #pbkdf2(
    password: crypto.BinaryLike,
    salt: crypto.BinaryLike,
    iterations: number,
    keylen: number,
    digest: string,
    options: RemoteCallOptions | undefined,
    callback: Callback,
  ): undefined {
    if (this.#closed) throw new Error('fastpbkdf2: pool is closed');
    const signal = callSignal(options);
    const call = checkedCall(password, salt, iterations, keylen, digest);
    if (!call) {
      // Bad arguments (node:crypto throws its own error here) or a digest the service does not take.
      let finish: Callback | undefined;
      nodePbkdf2(password, salt, iterations, keylen, digest, (err, key) => finish!(err, key));
      this.#counters.local++;
      finish = this.#once(callback, signal, () => {});
      return undefined;
    }
    if (signal?.aborted) {
      this.#counters.aborted++;
      process.nextTick(callback, abortError(signal));
      return undefined;
    }
    // Copies: the caller may reuse its buffers while the call is away; wiped once it is answered.
    const owned: OwnedCall = { ...call, password: Buffer.from(call.password), salt: Buffer.from(call.salt) };
    const cancel = new AbortController(); // stops the call's HTTP request when the caller aborts
    this.#counters.inFlight++;
    const answer = this.#once(callback, signal, () => {
      cancel.abort();
      this.#counters.inFlight--;
      owned.password.fill(0);
      this.#settled();
    });
    this.#run(owned, cancel.signal).then(
      (key) => answer(null, key),
      (err: Error) => answer(err, undefined as unknown as NonSharedBuffer),
    );
    return undefined;
  }

  /** The callback, called once only: with the call's result, or with an AbortError when `signal` aborts first. */
  #once(callback: Callback, signal: AbortSignal | undefined, done: () => void): Callback {
    let answered = false;
    const finish: Callback = (err, key) => {
      if (answered) return;
      answered = true;
      signal?.removeEventListener('abort', onAbort);
      done();
      callback(err, key);
    };
    const onAbort = () => {
      if (!answered) this.#counters.aborted++;
      finish(abortError(signal!), undefined as unknown as NonSharedBuffer);
    };
    if (signal?.aborted) process.nextTick(onAbort);
    else signal?.addEventListener('abort', onAbort, { once: true });
    return finish;
  }

  async #run(call: OwnedCall, cancelled: AbortSignal): Promise<NonSharedBuffer> {
    const request: Pbkdf2Request = {
      password: call.password.toString('base64'),
      salt: call.salt.toString('base64'),
      iterations: call.iterations,
      keylen: call.keylen,
      digest: DIGEST_NAMES[call.digest],
    };
    const body = Buffer.from(JSON.stringify(request));
    let reason = 'every endpoint is marked down after recent failures';
    let lastError: unknown;
    try {
      const order = this.#order();
      for (const [i, endpoint] of order.entries()) {
        if (i > 0) this.#counters.retries++;
        let answer: Answer;
        endpoint.inFlight++;
        try {
          const attempt = { url: endpoint.url, secret: this.#secret, method: 'POST', route: ROUTES.pbkdf2, body, timeoutMs: this.#timeoutMs, agent: endpoint.agent, signal: cancelled } as const;
          answer = await requestOnce(attempt).catch((err: { staleConnection?: boolean }) => {
            // A kept-alive connection closed under us says nothing about the endpoint: once more.
            if (err.staleConnection) return requestOnce(attempt);
            throw err;
          });
        } catch (err) {
          if (cancelled.aborted) throw err; // the caller aborted: says nothing about the endpoint
          endpoint.failed++;
          this.#markDown(endpoint);
          lastError = err;
          reason = `${endpoint.url}: ${(err as Error).message}`;
          continue;
        } finally {
          endpoint.inFlight--;
        }
        const outcome = this.#read(endpoint, answer, call.keylen);
        if (outcome instanceof Error) {
          lastError = outcome;
          reason = `${endpoint.url}: ${outcome.message}`;
          if (outcome instanceof RemoteServiceError && outcome.status !== 503) throw outcome;
          continue;
        }
        endpoint.completed++;
        endpoint.suspect = false;
        this.#counters.remote++;
        return outcome;
      }
    } finally {
      body.fill(0);
    }
    if (cancelled.aborted) throw new Error('aborted'); // already answered with the AbortError
    return this.#noEndpoint(call, reason, lastError, cancelled);
  }

  /** The key in a good answer, a RemoteServiceError for a signed refusal, another Error to move on. */
  #read(endpoint: Endpoint, answer: Answer, keylen: number): NonSharedBuffer | Error {
    if (!answer.signed) {
      endpoint.failed++;
      if (answer.status !== 503) this.#markDown(endpoint);
      return new Error(`answer ${answer.status} not signed with the shared secret (wrong secret, clock skew, or not a fastpbkdf2 service)`);
    }
    let parsed: { key?: unknown } & Partial<ErrorBody>;
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      endpoint.failed++;
      return new Error(`answer ${answer.status} is not JSON`);
    }
    if (answer.status === 200 && typeof parsed.key === 'string') {
      const key = Buffer.from(parsed.key, 'base64');
      if (key.length === keylen) return key as NonSharedBuffer;
      endpoint.failed++;
      return new Error(`answer has a ${key.length}-byte key, expected ${keylen}`);
    }
    const code = parsed.error?.code ?? 'ERR_FASTPBKDF2_REMOTE';
    const message = parsed.error?.message ?? `answer ${answer.status}`;
    if (answer.status === 503) endpoint.overloaded++;
    else if (answer.status >= 500) endpoint.failed++;
    else this.#counters.refused++;
    // 5xx other than 503: that endpoint is broken; move on as after a connection error.
    if (answer.status >= 500 && answer.status !== 503) return new Error(`${code}: ${message}`);
    return new RemoteServiceError(code, message, answer.status);
  }

  #markDown(endpoint: Endpoint): void {
    endpoint.downUntil = Date.now() + this.#downMs;
    endpoint.suspect = true;
  }

  /**
   * Endpoints not marked down, fewest calls in flight first, ties taken in turn. An endpoint that
   * failed gets one call at a time once its downMs are over, until a call succeeds there.
   */
  #order(): Endpoint[] {
    const now = Date.now();
    const n = this.#endpoints.length;
    const start = this.#next++ % n;
    const rotated = this.#endpoints.map((_, i) => this.#endpoints[(start + i) % n]);
    return rotated.filter((e) => e.downUntil <= now && !(e.suspect && e.inFlight > 0)).sort((a, b) => a.inFlight - b.inFlight);
  }

  #noEndpoint(call: NativeCall, reason: string, cause: unknown, cancelled: AbortSignal): Promise<NonSharedBuffer> {
    if (this.#fallback === 'reject') {
      this.#counters.unavailable++;
      return Promise.reject(new RemoteUnavailableError(reason, cause));
    }
    this.#counters.fallbacks++;
    this.#counters.local++;
    if (!this.#warned) {
      this.#warned = true;
      process.emitWarning(`fastpbkdf2/remote: no endpoint could answer (${reason}); hashing locally (counted in stats().fallbacks)`, {
        code: 'FASTPBKDF2_REMOTE_FALLBACK',
      });
    }
    this.#local ??= createPool(this.#localOptions);
    return this.#local.pbkdf2(call.password, call.salt, call.iterations, call.keylen, DIGEST_NAMES[call.digest], { signal: cancelled }) as Promise<NonSharedBuffer>;
  }

  stats(): RemotePoolStats {
    const now = Date.now();
    return {
      ...this.#counters,
      endpoints: this.#endpoints.map(({ url, downUntil, inFlight, completed, failed, overloaded }) => ({
        url,
        up: downUntil <= now,
        inFlight,
        completed,
        failed,
        overloaded,
      })),
    };
  }

  /** Refuses new calls; calls already accepted are answered; then connections and the local pool close. */
  close(): void {
    this.#closed = true;
    this.#settled();
  }

  #settled(): void {
    if (!this.#closed || this.#counters.inFlight > 0) return;
    for (const endpoint of this.#endpoints) endpoint.agent.destroy();
    this.#local?.close();
  }
}

/** The pool interface fastpbkdf2/password's `pool` option takes; createPool() and createRemotePool() both fit. */
export type RemoteHashPool = Pick<RemotePool, 'pbkdf2' | 'stats' | 'close'>;

/** A pool that hashes on fastpbkdf2/service endpoints; see RemotePoolOptions. */
export function createRemotePool(options: RemotePoolOptions): RemoteHashPool {
  return new RemotePool(options);
}
