// A login service in plain node:http: POST /login {username, password} checks the Django
// pbkdf2_sha256 hash stored in SQLite and answers 200 or 401; GET /health answers at once.
//
// Environment:
//   HASH_BACKEND  fastpbkdf2 (default) | node   which PBKDF2 computes the hash
//   PORT          default 3000 (0: a free port; the chosen one is printed)
//   HOST          default 127.0.0.1
//   DB            default ./users.db (create it with: node seed.mjs)
//   THREADS       fastpbkdf2 hashing threads, default os.availableParallelism()
//   MAX_WAIT_MS   fastpbkdf2: the latency budget; a login whose estimated wait for a hashing thread
//                 is longer gets 503 at once, default 300 ('' or Infinity: no budget)
//   MAX_QUEUE     fastpbkdf2: most logins that may wait for a thread, beyond it 503; default no bound
//   RETRY_AFTER   seconds sent in Retry-After with a 503 when the pool gives no estimate, default 1
//   HASH_PRIORITY fastpbkdf2: below-normal (default) | normal | low, the priority of the pool's
//                 hashing threads; below-normal: the event loop (/health, 503s) runs first when every
//                 core hashes, and hashing keeps its share next to other busy processes; low: every
//                 other busy thread of the machine runs first too (see README)
//   HASH_BACKEND=remote: hash on fastpbkdf2/service instances (npx fastpbkdf2 serve) instead:
//   REMOTE_ENDPOINTS  comma-separated base URLs, e.g. http://127.0.0.1:8081,http://127.0.0.1:8082
//   FASTPBKDF2_SERVICE_SECRET  the services' shared secret
//   REMOTE_FALLBACK   local (default: hash here when no instance answers) | reject (503)
//   REMOTE_TIMEOUT_MS per attempt on one instance, default 5000
//
// Design:
// - Hashing never runs on the event loop: node's crypto.pbkdf2 runs on libuv's pool, fastpbkdf2 on its
//   own threads. The event loop only parses JSON, reads one SQLite row (microseconds) and writes the
//   answer, so /health stays fast while every core hashes.
// - Unknown users cost one full PBKDF2 too (a dummy hash with the stored hashes' parameters), so the
//   response time does not reveal which usernames exist.
// - fastpbkdf2's pool has a latency budget: when a login would wait longer than MAX_WAIT_MS for a
//   hashing thread (estimated from the work queued and the measured hashing rate), verify() rejects at
//   once with ERR_FASTPBKDF2_OVERLOADED and we answer 503 + Retry-After, instead of letting the queue
//   (and every client's latency) grow without bound. node:crypto has no such bound.
// - A client that goes away (closed connection, its own timeout) aborts its login: fastpbkdf2 drops
//   the queued hash or stops the running one, so no CPU is spent for nobody. node:crypto cannot stop.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';

import Database from 'better-sqlite3';

// In an application: import { createPool } from 'fastpbkdf2'; import { verify } from 'fastpbkdf2/password';
import { createPool, backendFor } from '../../esm/index.mjs';
import { verify } from '../../esm/password.mjs';
import { createRemotePool } from '../../esm/remote.mjs';
import { HERE } from './users.mjs';

const env = process.env;
const BACKEND = env.HASH_BACKEND || 'fastpbkdf2';
const HOST = env.HOST || '127.0.0.1';
const PORT = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
const DB_PATH = env.DB || path.join(HERE, 'users.db');
const THREADS = env.THREADS ? Number(env.THREADS) : os.availableParallelism();
const MAX_QUEUE = env.MAX_QUEUE ? Number(env.MAX_QUEUE) : Infinity;
const MAX_WAIT_MS = env.MAX_WAIT_MS === undefined ? 300 : env.MAX_WAIT_MS === '' ? Infinity : Number(env.MAX_WAIT_MS);
const RETRY_AFTER = env.RETRY_AFTER || '1';
const MAX_BODY = 8 * 1024;
const MAX_PASSWORD_BYTES = 4096; // Django's MAXIMUM_PASSWORD_LENGTH
const SHUTDOWN_GRACE_MS = 5000;
const HASH_PRIORITY = env.HASH_PRIORITY || 'below-normal';

// ---------------------------------------------------------------------------------------------
// Users

const db = new Database(DB_PATH, { readonly: true, fileMustExist: true });
const findUser = db.prepare('SELECT password FROM auth_user WHERE username = ?').pluck();
// Unknown users are checked against a dummy with the same parameters as the real hashes.
const SAMPLE_HASH = db.prepare('SELECT password FROM auth_user LIMIT 1').pluck().get();
if (!SAMPLE_HASH) throw new Error(`${DB_PATH} has no users; run: node seed.mjs`);

// ---------------------------------------------------------------------------------------------
// Hashing backends: verify(password, storedOrNull) → Promise<boolean>

function nodeBackend() {
  const pbkdf2 = promisify(crypto.pbkdf2);
  // A dummy hash with the real hashes' cost; its key is random, so nothing ever matches it.
  const [algorithm, iterations] = SAMPLE_HASH.split('$');
  const dummy = `${algorithm}$${iterations}$${crypto.randomBytes(16).toString('base64url')}$${crypto.randomBytes(32).toString('base64')}`;
  return {
    name: 'node',
    description:
      `node:crypto pbkdf2 on libuv's pool (UV_THREADPOOL_SIZE=${env.UV_THREADPOOL_SIZE || 4}), no queue bound` +
      // libuv's threads are shared with fs and dns; node cannot lower their priority.
      (env.HASH_PRIORITY ? ', HASH_PRIORITY not applicable' : ''),
    // node:crypto's pbkdf2 cannot be stopped: the signal is not used.
    async verify(password, stored) {
      // What a hand-written Django check does: split, derive, compare in constant time.
      const [alg, iter, salt, b64] = (stored ?? dummy).split('$');
      if (alg !== 'pbkdf2_sha256') throw new Error(`unsupported hash ${alg}`);
      const expected = Buffer.from(b64, 'base64');
      const derived = await pbkdf2(password, salt, Number(iter), expected.length, 'sha256');
      return crypto.timingSafeEqual(derived, expected) && stored != null;
    },
    stats: () => ({}),
    close() {},
  };
}

function fastBackend() {
  const pool = createPool({ threads: THREADS, maxQueue: MAX_QUEUE, maxWaitMs: MAX_WAIT_MS, priority: HASH_PRIORITY });
  const options = { pool, dummy: true, dummyLike: SAMPLE_HASH, formats: ['django'] };
  return {
    name: 'fastpbkdf2',
    description:
      `fastpbkdf2 pool, ${THREADS} threads, maxWaitMs ${MAX_WAIT_MS}, maxQueue ${MAX_QUEUE}, cpu path ${backendFor('sha256').cpuPath}, priority ${pool.stats().priority}`,
    // A null stored hash (unknown user) runs a dummy verification of the same cost and resolves false;
    // an aborted signal stops the hashing and rejects with ABORT_ERR.
    verify: (password, stored, signal) => verify(password, stored, { ...options, signal }),
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

function remoteBackend() {
  const endpoints = (env.REMOTE_ENDPOINTS ?? '').split(',').filter(Boolean);
  const fallback = env.REMOTE_FALLBACK || 'local';
  const pool = createRemotePool({
    endpoints,
    secret: env.FASTPBKDF2_SERVICE_SECRET,
    fallback,
    timeoutMs: env.REMOTE_TIMEOUT_MS ? Number(env.REMOTE_TIMEOUT_MS) : 5000,
    local: { threads: THREADS, maxQueue: MAX_QUEUE },
  });
  const options = { pool, dummy: true, dummyLike: SAMPLE_HASH, formats: ['django'] };
  return {
    name: 'remote',
    description: `fastpbkdf2/remote over ${endpoints.length} instances (${endpoints.join(', ')}), fallback ${fallback}`,
    verify: (password, stored, signal) => verify(password, stored, { ...options, signal }),
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

const backends = { node: nodeBackend, fastpbkdf2: fastBackend, remote: remoteBackend };
const backend = Object.hasOwn(backends, BACKEND) ? backends[BACKEND]() : null;
if (!backend) throw new Error(`HASH_BACKEND must be node, fastpbkdf2 or remote, got ${BACKEND}`);

if (backend.name === 'fastpbkdf2') {
  // verify() must hash on our pool (fastpbkdf2 releases with verify's `pool` option), otherwise
  // overload would never reach us. A check with 1 iteration costs nothing.
  const probe = createPool({ threads: 1 });
  await verify('x', 'pbkdf2_sha256$1$salt$mf2Nwi7lNl0wGAk8dwMtXJCbBfOomtPiYJ5w6XcT2us=', { pool: probe });
  const used = probe.stats().completed === 1;
  probe.close();
  if (!used) throw new Error('this fastpbkdf2 build ignores verify({ pool }); rebuild it (npm run compile in the repository root)');
}

// ---------------------------------------------------------------------------------------------
// HTTP

const counters = { ok: 0, denied: 0, unknownUser: 0, overloaded: 0, badRequest: 0, errors: 0 };
// Logins whose client went away before the answer: hashed to the end anyway, or stopped (aborted).
const gone = { hashed: 0, aborted: 0 };
let inFlight = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// From a refused login's request to its 503 written to the socket, as this process sees it.
const refusalTime = createHistogram();
const answerTime = createHistogram(); // logins answered 200 or 401: request received to answer written

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const HEALTH = JSON.stringify({ status: 'ok' });

function readJson(req) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) return reject(Object.assign(new Error('body too large'), { status: 413 }));
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('body too large'), { status: 413 }));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(Object.assign(new Error('invalid JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

async function login(req, res) {
  const received = process.hrtime.bigint();
  let body;
  try {
    body = await readJson(req);
  } catch (err) {
    counters.badRequest++;
    return send(res, err.status ?? 400, JSON.stringify({ error: err.message }));
  }
  const { username, password } = body ?? {};
  if (typeof username !== 'string' || typeof password !== 'string' || username.length > 150 || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    counters.badRequest++;
    return send(res, 400, JSON.stringify({ error: 'expected {"username": string, "password": string}' }));
  }

  const stored = findUser.get(username) ?? null;
  // The client closing its connection (or its own timeout) aborts the login's hashing.
  const left = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) left.abort(new Error('client went away'));
  };
  res.once('close', onClose);
  inFlight++;
  try {
    const ok = await backend.verify(password, stored, left.signal);
    if (left.signal.aborted) {
      gone.hashed++; // a hash nobody will read
      return;
    }
    if (ok) {
      counters.ok++;
      send(res, 200, JSON.stringify({ ok: true, username }));
    } else {
      if (stored === null) counters.unknownUser++;
      else counters.denied++;
      send(res, 401, JSON.stringify({ ok: false }));
    }
    answerTime.record(Math.max(1, Number(process.hrtime.bigint() - received)));
  } catch (err) {
    if (err?.code === 'ABORT_ERR') {
      gone.aborted++;
    } else if (err?.code === 'ERR_FASTPBKDF2_OVERLOADED' || err?.code === 'ERR_FASTPBKDF2_REMOTE_UNAVAILABLE') {
      // Local overload, or (remote backend, fallback reject) no hashing instance could answer.
      // Refused before any hashing: tell the client (or the load balancer) when to come back.
      counters.overloaded++;
      const retryAfter = err.retryAfterMs ? String(Math.ceil(err.retryAfterMs / 1000)) : RETRY_AFTER;
      send(res, 503, JSON.stringify({ error: 'overloaded, retry later' }), { 'retry-after': retryAfter });
      refusalTime.record(Math.max(1, Number(process.hrtime.bigint() - received)));
    } else {
      counters.errors++;
      console.error('login error:', err);
      send(res, 500, JSON.stringify({ error: 'internal error' }));
    }
  } finally {
    inFlight--;
    res.off('close', onClose);
  }
}

/** CPU time of the event loop's thread alone, in ms (Linux; undefined elsewhere). */
function eventLoopCpuMs() {
  try {
    const fields = fs.readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
  } catch {
    return undefined;
  }
}

/** p50, p99 and max of a histogram of nanoseconds, in ms. */
function summaryMs(histogram) {
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

function stats(reset) {
  const result = {
    backend: backend.name,
    inFlight,
    counters: { ...counters },
    gone: { ...gone },
    pool: backend.stats(),
    cpuUsageMicros: process.cpuUsage(),
    eventLoopCpuMs: eventLoopCpuMs(),
    eventLoopDelayMs: summaryMs(loopDelay),
    answerMs: answerTime.count ? summaryMs(answerTime) : null,
    refusalMs: refusalTime.count ? summaryMs(refusalTime) : null,
  };
  if (reset) {
    loopDelay.reset();
    refusalTime.reset();
    answerTime.reset();
  }
  return result;
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/health') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, '{}', { allow: 'GET, HEAD' });
    return send(res, 200, HEALTH);
  }
  if (url === '/login') {
    if (req.method !== 'POST') return send(res, 405, '{}', { allow: 'POST' });
    return void login(req, res);
  }
  if (url === '/stats' || url === '/stats?reset=1') {
    // Operational counters; in production keep this off the public interface.
    return send(res, 200, JSON.stringify(stats(url.endsWith('reset=1'))));
  }
  send(res, 404, JSON.stringify({ error: 'not found' }));
});
server.keepAliveTimeout = 65_000; // longer than common load balancers' idle timeout

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(JSON.stringify({ event: 'listening', url: `http://${HOST}:${port}`, port, backend: backend.name, description: backend.description }));
});

// Graceful stop: refuse new connections, let logins in flight finish (bounded), then exit.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeIdleConnections();
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  const timer = setInterval(() => {
    if (inFlight === 0 || Date.now() > deadline) {
      clearInterval(timer);
      server.closeAllConnections();
      backend.close();
      db.close();
      console.log(JSON.stringify({ event: 'stopped', signal, abandoned: inFlight, counters }));
      process.exit(0);
    }
  }, 20);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
