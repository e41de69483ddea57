// One signed request to one endpoint of fastpbkdf2/service, over a keep-alive agent, with a deadline.
// The answer's signature is checked here: an answer that is not signed for this very request is
// reported as unsigned and never trusted.
import type * as http from 'node:http';

import { http as httpModule, https as httpsModule } from '../builtins';

import { signRequest, signResponse, signaturesEqual } from '../service/auth';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../service/protocol';

/** Largest answer read from a service (a key of 128 bytes needs far less). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface Attempt {
  /** The endpoint's base URL, e.g. https://hash-1.internal:8080 or https://x.lambda-url.aws/ */
  url: string;
  secret: Buffer;
  method: 'GET' | 'POST';
  /** The path below the base URL, e.g. /pbkdf2: what is signed. */
  route: string;
  body: Buffer;
  timeoutMs: number;
  agent?: http.Agent;
  /** Cancels the request (it then rejects with node's AbortError). */
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  /** True when the service signed this answer for this request with the shared secret. */
  signed: boolean;
  body: Buffer;
  retryAfter?: string;
}

/** Resolves with the answer, or rejects on a connection error or when the deadline passes. */
export function requestOnce(attempt: Attempt): Promise<Answer> {
  const base = new URL(attempt.url);
  const target = new URL(base.pathname.replace(/\/+$/, '') + attempt.route, base);
  const timestamp = String(Date.now());
  const signature = signRequest(attempt.secret, attempt.method, attempt.route, timestamp, attempt.body);
  const transport = target.protocol === 'https:' ? httpsModule : httpModule;
  return new Promise((resolve, reject) => {
    const req = transport.request(target, {
      method: attempt.method,
      agent: attempt.agent,
      signal: attempt.signal,
      headers: {
        'content-type': 'application/json',
        'content-length': attempt.body.length,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signature,
      },
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${attempt.timeoutMs} ms`), { code: 'ETIMEDOUT' })), attempt.timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      // A kept-alive connection the server closed as we reused it: worth one more try on a new one.
      if (req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
        Object.assign(err, { staleConnection: true });
      }
      reject(err);
    };
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        const status = res.statusCode ?? 0;
        const signed = signaturesEqual(signResponse(attempt.secret, signature, status, body), res.headers[SIGNATURE_HEADER]);
        const retryAfter = res.headers['retry-after'];
        resolve({ status, signed, body, ...(retryAfter ? { retryAfter } : {}) });
      });
      // An endpoint dying mid-answer: the answer is cut off, never half-read.
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(new Error('answer cut off'));
      });
    });
    // A safety net: whatever happens to the connection, the promise settles (a no-op once it has).
    req.on('close', () => fail(new Error('connection closed without an answer')));
    req.end(attempt.body);
  });
}
