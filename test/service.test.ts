// fastpbkdf2/service and fastpbkdf2/remote on 127.0.0.1: instances started by the documented command,
// Django hashes verified through them, an instance killed mid-run, local and rejecting fallback,
// authentication and limits refused before any hashing, 503 + Retry-After on overload, the Lambda
// handler on synthetic events, and argument errors identical to node:crypto's.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fast } from './load';
import { type Instance, kill, removeApplicationDir, startInstance } from './service-instances';

const requireFromHere = createRequire(import.meta.url);
const service = requireFromHere('../dist/service/index.js') as typeof import('../src/service/index');
const remote = requireFromHere('../dist/remote/index.js') as typeof import('../src/remote/index');
const password = requireFromHere('../dist/password/index.js') as typeof import('../src/password/index');

const SECRET = crypto.randomBytes(32).toString('hex');

/** A raw request to a service, signed (or not) as the test decides. */
function rawRequest(
  url: string,
  route: string,
  body: string,
  headers: Record<string, string>,
  method = 'POST',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(route, url), { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data ? JSON.parse(data) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function signedHeaders(route: string, body: string, secret = SECRET, timestamp = Date.now(), method = 'POST') {
  const ts = String(timestamp);
  return { 'x-fastpbkdf2-timestamp': ts, 'x-fastpbkdf2-signature': service.signRequest(Buffer.from(secret), method, route, ts, Buffer.from(body)) };
}

const pbkdf2Body = (iterations = 1000, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ password: Buffer.from('pw').toString('base64'), salt: Buffer.from('salt').toString('base64'), iterations, keylen: 32, digest: 'sha256', ...extra });

describe('service instances started with npx fastpbkdf2 serve', () => {
  let instances: Instance[] = [];

  beforeAll(async () => {
    instances = await Promise.all([0, 1, 2].map(() => startInstance(SECRET, ['--threads', '1', '--max-iterations', '1000000'])));
  });
  afterAll(async () => {
    await Promise.all(instances.map(kill));
    removeApplicationDir();
  });

  it('verifies Django hashes through a remote pool spread over every instance', async () => {
    const pool = remote.createRemotePool({ endpoints: instances.map((i) => i.url), secret: SECRET, fallback: 'reject' });
    try {
      const users = Array.from({ length: 24 }, (_, i) => ({ pw: `pässword ${i}`, stored: password.hashSync(`pässword ${i}`, { format: 'django', iterations: 2000 + i }) }));
      const good = await Promise.all(users.map((u) => password.verify(u.pw, u.stored, { pool })));
      const bad = await Promise.all(users.map((u) => password.verify(`${u.pw}!`, u.stored, { pool })));
      expect(good).toEqual(users.map(() => true));
      expect(bad).toEqual(users.map(() => false));
      const stats = pool.stats();
      expect(stats).toMatchObject({ remote: 48, local: 0, fallbacks: 0, unavailable: 0, inFlight: 0 });
      for (const endpoint of stats.endpoints) expect(endpoint.completed).toBeGreaterThan(0);
    } finally {
      pool.close();
    }
  });

  it('answers /health and /stats only when signed', async () => {
    const ok = await rawRequest(instances[0].url, '/health', '', signedHeaders('/health', '', SECRET, Date.now(), 'GET'), 'GET');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ status: 'ok' });
    expect(ok.headers['x-fastpbkdf2-signature']).toMatch(/^[0-9a-f]{64}$/);
    const stats = await rawRequest(instances[0].url, '/stats', '', signedHeaders('/stats', '', SECRET, Date.now(), 'GET'), 'GET');
    expect(stats.status).toBe(200);
    expect(stats.body.pool.threads).toBe(1);
    expect((await rawRequest(instances[0].url, '/health', '', {}, 'GET')).status).toBe(401);
  });

  it('refuses bad signatures, stale timestamps and changed bodies before any hashing', async () => {
    const url = instances[1].url;
    const completed = async () => (await rawRequest(url, '/stats', '', signedHeaders('/stats', '', SECRET, Date.now(), 'GET'), 'GET')).body.pool.completed;
    const before = await completed();
    const body = pbkdf2Body();
    const good = signedHeaders('/pbkdf2', body);
    const refusals = [
      await rawRequest(url, '/pbkdf2', body, {}),
      await rawRequest(url, '/pbkdf2', body, signedHeaders('/pbkdf2', body, 'another secret of at least thirty-two bytes!!')),
      await rawRequest(url, '/pbkdf2', body, signedHeaders('/pbkdf2', body, SECRET, Date.now() - 120_000)),
      await rawRequest(url, '/pbkdf2', body, signedHeaders('/pbkdf2', body, SECRET, Date.now() + 120_000)),
      // A captured request replayed with another body (here: more iterations).
      await rawRequest(url, '/pbkdf2', pbkdf2Body(900_000), good),
      // A signature for another route.
      await rawRequest(url, '/hash', body, good),
      await rawRequest(url, '/pbkdf2', body, { ...good, 'x-fastpbkdf2-signature': good['x-fastpbkdf2-signature'].replace(/^./, (c) => (c === '0' ? '1' : '0')) }),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('ERR_FASTPBKDF2_UNAUTHORIZED');
      expect(r.headers['x-fastpbkdf2-signature']).toBeUndefined();
    }
    expect(await completed()).toBe(before);
    // The untouched request itself passes.
    const accepted = await rawRequest(url, '/pbkdf2', body, good);
    expect(accepted.status).toBe(200);
    expect(Buffer.from(accepted.body.key, 'base64')).toEqual(crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256'));
    expect(await completed()).toBe(before + 1);
  });

  it('refuses oversize bodies and iteration counts, and bad requests, before any hashing', async () => {
    const url = instances[2].url;
    const completed = async () => (await rawRequest(url, '/stats', '', signedHeaders('/stats', '', SECRET, Date.now(), 'GET'), 'GET')).body.pool.completed;
    const before = await completed();
    const big = pbkdf2Body(1000, { pad: 'x'.repeat(40_000) });
    const tooBig = await rawRequest(url, '/pbkdf2', big, signedHeaders('/pbkdf2', big));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('ERR_FASTPBKDF2_BODY_TOO_LARGE');
    const cases: Array<[string, string, number, string]> = [
      ['/pbkdf2', pbkdf2Body(1_000_001), 400, 'ERR_FASTPBKDF2_LIMIT_EXCEEDED'],
      ['/pbkdf2', pbkdf2Body(1000, { keylen: 129 }), 400, 'ERR_FASTPBKDF2_LIMIT_EXCEEDED'],
      ['/pbkdf2', pbkdf2Body(1000, { password: Buffer.alloc(4097).toString('base64') }), 400, 'ERR_FASTPBKDF2_LIMIT_EXCEEDED'],
      ['/pbkdf2', pbkdf2Body(1000, { digest: 'md5' }), 400, 'ERR_FASTPBKDF2_BAD_REQUEST'],
      ['/pbkdf2', pbkdf2Body(1000, { password: 'not base64!' }), 400, 'ERR_FASTPBKDF2_BAD_REQUEST'],
      ['/pbkdf2', '{"password":', 400, 'ERR_FASTPBKDF2_BAD_REQUEST'],
      ['/verify', JSON.stringify({ password: 'cHc=', hash: `pbkdf2_sha256$9000000$salt$${Buffer.alloc(32).toString('base64')}` }), 400, 'ERR_FASTPBKDF2_LIMIT_EXCEEDED'],
      ['/verify', JSON.stringify({ password: 'cHc=', hash: 'bcrypt$nope' }), 400, 'ERR_FASTPBKDF2_UNKNOWN_FORMAT'],
      ['/hash', JSON.stringify({ password: 'cHc=', iterations: 2_000_000 }), 400, 'ERR_FASTPBKDF2_LIMIT_EXCEEDED'],
    ];
    for (const [route, body, status, code] of cases) {
      const r = await rawRequest(url, route, body, signedHeaders(route, body));
      expect([route, body.slice(0, 60), r.status, r.body.error?.code]).toEqual([route, body.slice(0, 60), status, code]);
    }
    expect(await completed()).toBe(before);
  });

  it('hashes and verifies through /hash and /verify (unknown users cost a dummy verification)', async () => {
    const url = instances[0].url;
    const pw = Buffer.from('correct horse').toString('base64');
    const hashBody = JSON.stringify({ password: pw, format: 'django', iterations: 3000 });
    const hashed = await rawRequest(url, '/hash', hashBody, signedHeaders('/hash', hashBody));
    expect(hashed.status).toBe(200);
    expect(password.verifySync('correct horse', hashed.body.hash)).toBe(true);
    for (const [hash, ok] of [[hashed.body.hash, true], [null, false]] as const) {
      const body = JSON.stringify({ password: pw, hash, dummyLike: hashed.body.hash });
      const r = await rawRequest(url, '/verify', body, signedHeaders('/verify', body));
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ ok });
    }
  });

  it('answers every call exactly once and correctly when an instance is killed mid-run', async () => {
    // The instance killed below hashes with portable C (~13x slower than the others), so that its
    // share of the calls is still being hashed when the others have answered ten: killed after it
    // had answered everything (a loaded machine can delay the client that long), it would leave no
    // call to retry and the test would prove nothing.
    const victims = await Promise.all(
      [{ FASTPBKDF2_FORCE: 'portable' }, {}].map((env) => startInstance(SECRET, ['--threads', '1'], env, { npx: false })),
    );
    const endpoints = [victims[0].url, instances[1].url, victims[1].url];
    const pool = remote.createRemotePool({ endpoints, secret: SECRET, fallback: 'reject', timeoutMs: 20_000 });
    try {
      const calls = 90;
      const answers = new Array<number>(calls).fill(0);
      let done = 0;
      let killed: Promise<void> | undefined;
      const results = await new Promise<Array<Buffer | Error>>((resolve) => {
        const out: Array<Buffer | Error> = [];
        for (let i = 0; i < calls; i++) {
          pool.pbkdf2(`pw${i}`, `salt${i}`, 40_000, 32, 'sha256', (err, key) => {
            answers[i]++;
            out[i] = err ?? key;
            done++;
            // Kill one instance while it still holds calls in flight.
            if (done === 10) killed = kill(victims[0]);
            if (done === calls) resolve(out);
          });
        }
      });
      await killed;
      await new Promise((r) => setTimeout(r, 50)); // a second answer to any call would show up here
      expect(answers).toEqual(new Array(calls).fill(1));
      results.forEach((key, i) => expect(key, `call ${i}`).toEqual(crypto.pbkdf2Sync(`pw${i}`, `salt${i}`, 40_000, 32, 'sha256')));
      const stats = pool.stats();
      expect(stats.endpoints[0].failed).toBeGreaterThan(0);
      expect(stats.retries).toBeGreaterThan(0);
      expect(stats).toMatchObject({ inFlight: 0, remote: calls, unavailable: 0 });
    } finally {
      pool.close();
      await Promise.all(victims.map(kill));
    }
  });

  it('falls back to local hashing (one warning) or rejects when every instance is gone', async () => {
    const gone = await Promise.all([0, 1].map(() => startInstance(SECRET, ['--threads', '1'], {}, { npx: false })));
    const endpoints = gone.map((i) => i.url);
    await Promise.all(gone.map(kill));
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const local = remote.createRemotePool({ endpoints, secret: SECRET, fallback: 'local', local: { threads: 1 } });
    const reject = remote.createRemotePool({ endpoints, secret: SECRET, fallback: 'reject' });
    try {
      const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => local.pbkdf2(`pw${i}`, 'salt', 1000, 20, 'sha1')));
      keys.forEach((key, i) => expect(key).toEqual(crypto.pbkdf2Sync(`pw${i}`, 'salt', 1000, 20, 'sha1')));
      expect(local.stats()).toMatchObject({ remote: 0, local: 6, fallbacks: 6, inFlight: 0 });
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => (w as { code?: string }).code === 'FASTPBKDF2_REMOTE_FALLBACK')).toHaveLength(1);

      const err = await reject.pbkdf2('pw', 'salt', 1000, 32, 'sha256').catch((e: Error) => e);
      expect(err).toBeInstanceOf(remote.RemoteUnavailableError);
      expect((err as { code: string }).code).toBe('ERR_FASTPBKDF2_REMOTE_UNAVAILABLE');
      expect(reject.stats()).toMatchObject({ unavailable: 1, local: 0 });
    } finally {
      process.off('warning', onWarning);
      local.close();
      reject.close();
    }
  });

  it('moves past an instance with the wrong secret', async () => {
    const wrong = await startInstance(crypto.randomBytes(32).toString('hex'), ['--threads', '1'], {}, { npx: false });
    const pool = remote.createRemotePool({ endpoints: [wrong.url, instances[0].url], secret: SECRET, fallback: 'reject' });
    try {
      const keys = await Promise.all([0, 1, 2, 3].map((i) => pool.pbkdf2(`pw${i}`, 'salt', 1000, 64, 'sha512')));
      keys.forEach((key, i) => expect(key).toEqual(crypto.pbkdf2Sync(`pw${i}`, 'salt', 1000, 64, 'sha512')));
      expect(pool.stats().endpoints[0]).toMatchObject({ completed: 0 });
      expect(pool.stats().endpoints[0].failed).toBeGreaterThan(0);
    } finally {
      pool.close();
      await kill(wrong);
    }
  });
});

describe('service in-process', () => {
  it('refuses to start without a secret, or with a short one', () => {
    expect(() => service.createServer({} as never)).toThrow(/secret/);
    expect(() => service.createServer({ secret: 'short' })).toThrow(/at least 32 bytes/);
  });

  it('answers overload with 503 and Retry-After, and the remote pool moves on to another instance', async () => {
    const busy = service.createServer({ secret: SECRET, pool: { threads: 1, maxQueue: 0 }, retryAfterSeconds: 2 });
    const idle = service.createServer({ secret: SECRET, pool: { threads: 1 } });
    const [busyUrl, idleUrl] = await Promise.all([busy.listen(0), idle.listen(0)]);
    try {
      // More calls than one thread's lanes, so some must wait, and maxQueue 0 lets none wait.
      const body = pbkdf2Body(200_000);
      const answers = await Promise.all(Array.from({ length: 48 }, () => rawRequest(busyUrl, '/pbkdf2', body, signedHeaders('/pbkdf2', body))));
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const a of refused) {
        expect(a.headers['retry-after']).toBe('2');
        expect(a.body.error.code).toBe('ERR_FASTPBKDF2_OVERLOADED');
      }
      expect(busy.stats().overloaded).toBe(refused.length);

      const pool = remote.createRemotePool({ endpoints: [busyUrl, idleUrl], secret: SECRET, fallback: 'reject' });
      try {
        const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.pbkdf2(`p${i}`, 's', 50_000, 32, 'sha256')));
        keys.forEach((key, i) => expect(key).toEqual(crypto.pbkdf2Sync(`p${i}`, 's', 50_000, 32, 'sha256')));
        expect(pool.stats().remote).toBe(6);
      } finally {
        pool.close();
      }
    } finally {
      await Promise.all([busy.close(), idle.close()]);
    }
  });

  it("passes priority to its pool's threads ('below-normal' and 'low' where the system has them)", async () => {
    for (const priority of ['below-normal', 'low'] as const) {
      const server = service.createServer({ secret: SECRET, pool: { threads: 1, priority } });
      try {
        const expected = process.platform === 'darwin' || !fast.isNative() ? 'normal' : priority;
        expect(server.stats().pool.priority).toBe(expected);
      } finally {
        await server.close();
      }
    }
    expect(() => service.createServer({ secret: SECRET, pool: { priority: 'high' as 'low' } })).toThrow(TypeError);
  });

  it('passes maxWaitMs to its pool: calls over the waiting-time budget get 503 + Retry-After', async () => {
    const server = service.createServer({ secret: SECRET, pool: { threads: 1, maxWaitMs: 1 } });
    const url = await server.listen(0);
    try {
      const warm = pbkdf2Body(50_000); // lets the pool measure its rate
      expect((await rawRequest(url, '/pbkdf2', warm, signedHeaders('/pbkdf2', warm))).status).toBe(200);
      // More calls than one thread's lanes: those that do not fit in a free lane would wait.
      const body = pbkdf2Body(200_000);
      const answers = await Promise.all(Array.from({ length: 48 }, () => rawRequest(url, '/pbkdf2', body, signedHeaders('/pbkdf2', body))));
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const a of refused) expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(server.stats().pool.rejectedBy.wait).toBe(refused.length);
    } finally {
      await server.close();
    }
  });

  it('moves on from an endpoint that accepts connections but never answers, after timeoutMs', async () => {
    const sockets: import('node:net').Socket[] = [];
    const blackHole = net.createServer((socket) => sockets.push(socket)); // reads nothing, answers nothing
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const server = service.createServer({ secret: SECRET, pool: { threads: 1 } });
    const url = await server.listen(0);
    const holeUrl = `http://127.0.0.1:${(blackHole.address() as import('node:net').AddressInfo).port}`;
    const pool = remote.createRemotePool({ endpoints: [holeUrl, url], secret: SECRET, fallback: 'reject', timeoutMs: 300 });
    try {
      const keys = await Promise.all([0, 1, 2, 3].map((i) => pool.pbkdf2(`pw${i}`, 'salt', 10, 32, 'sha256')));
      keys.forEach((key, i) => expect(key).toEqual(crypto.pbkdf2Sync(`pw${i}`, 'salt', 10, 32, 'sha256')));
      const stats = pool.stats();
      expect(stats.endpoints[0].failed).toBeGreaterThan(0);
      expect(stats.endpoints[0].up).toBe(false);
      expect(stats).toMatchObject({ remote: 4, unavailable: 0, inFlight: 0 });
    } finally {
      pool.close();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
      await server.close();
    }
  });

  it('aborts a call with its signal: AbortError at once, request cancelled, the service stops hashing it, endpoint not blamed', async () => {
    const server = service.createServer({ secret: SECRET, pool: { threads: 1 } });
    const url = await server.listen(0);
    const pool = remote.createRemotePool({ endpoints: [url], secret: SECRET, fallback: 'reject' });
    const pbkdf2 = pool.pbkdf2 as unknown as (...args: unknown[]) => Promise<Buffer>;
    try {
      const controller = new AbortController();
      const slow = pbkdf2('pw', 'salt', 3_000_000, 32, 'sha256', { signal: controller.signal }).catch((e: Error) => e);
      setTimeout(() => controller.abort(), 20);
      const err = (await slow) as Error & { code?: string };
      expect([err.name, err.code]).toEqual(['AbortError', 'ABORT_ERR']);
      // The service saw its client go and stopped that hashing instead of finishing it.
      const deadline = Date.now() + 10_000;
      while (server.stats().pool.rejectedBy.aborted < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(server.stats().pool).toMatchObject({ rejectedBy: { aborted: 1 }, completed: 0 });
      expect(server.stats().statuses).toMatchObject({ 499: 1 });
      const already = await pbkdf2('pw', 'salt', 1, 32, 'sha256', { signal: AbortSignal.abort() }).catch((e: Error) => e);
      expect((already as { code?: string }).code).toBe('ABORT_ERR');
      const done = await new Promise<Buffer>((resolve, reject) =>
        (pool.pbkdf2 as unknown as (...args: unknown[]) => void)('pw', 'salt', 10, 32, 'sha256', { signal: new AbortController().signal }, (e: Error | null, k: Buffer) => (e ? reject(e) : resolve(k))),
      );
      expect(done).toEqual(crypto.pbkdf2Sync('pw', 'salt', 10, 32, 'sha256'));
      const bad = await pbkdf2('pw', 'salt', 1, 32, 'sha256', 'not options').catch((e: Error) => e);
      expect((bad as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
      expect(pool.stats()).toMatchObject({ aborted: 2, remote: 1, inFlight: 0, unavailable: 0 });
      expect(pool.stats().endpoints[0]).toMatchObject({ up: true, failed: 0 });
    } finally {
      pool.close();
      await server.close();
    }
  });

  it('forgets a client gone mid-body: nothing hashed, answered or logged, and close() still returns', async () => {
    const entries: unknown[] = [];
    const server = service.createServer({ secret: SECRET, pool: { threads: 1 }, log: (e) => entries.push(e) });
    const { port } = new URL(await server.listen(0));
    for (let i = 0; i < 3; i++) {
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.on('connect', resolve));
      socket.write('POST /pbkdf2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"password":');
      await new Promise((resolve) => setTimeout(resolve, 30));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(entries).toEqual([]);
    expect(server.stats()).toMatchObject({ requests: 0, pool: { completed: 0 } });
    await server.close();
  });

  it('logs one entry per request: method, route, status, time and code, never a body', async () => {
    const entries: unknown[] = [];
    const server = service.createServer({ secret: SECRET, pool: { threads: 1 }, log: (e) => entries.push(e) });
    const url = await server.listen(0);
    try {
      const secretPassword = 'hunter2-never-logged';
      const b64 = Buffer.from(secretPassword).toString('base64');
      const bodies = [
        ['/pbkdf2', JSON.stringify({ password: b64, salt: 'c2FsdA==', iterations: 10, keylen: 32, digest: 'sha256' })],
        ['/verify', JSON.stringify({ password: b64, hash: password.hashSync(secretPassword, { format: 'django', iterations: 10 }) })],
        ['/hash', JSON.stringify({ password: b64, format: 'werkzeug', iterations: 10 })],
        ['/pbkdf2', JSON.stringify({ password: b64, salt: 'c2FsdA==', iterations: 10, keylen: 32, digest: 'md5' })],
      ];
      for (const [route, body] of bodies) expect((await rawRequest(url, route, body, signedHeaders(route, body))).status).toBeLessThan(500);
      await rawRequest(url, '/pbkdf2', bodies[0][1], {});
      expect(entries).toHaveLength(5);
      expect(entries[3]).toMatchObject({ method: 'POST', route: '/pbkdf2', status: 400, code: 'ERR_FASTPBKDF2_BAD_REQUEST' });
      expect(entries[4]).toMatchObject({ status: 401, code: 'ERR_FASTPBKDF2_UNAUTHORIZED' });
      const logged = JSON.stringify(entries);
      for (const leak of [secretPassword, b64, 'c2FsdA==', 'pbkdf2_sha256']) expect(logged).not.toContain(leak);
    } finally {
      await server.close();
    }
  });

  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!openssl)('serves HTTPS with a key and certificate, and the remote pool trusts a given CA', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastpbkdf2-tls-'));
    try {
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const cert = fs.readFileSync(path.join(dir, 'cert.pem'));
      const server = service.createServer({ secret: SECRET, pool: { threads: 1 }, tls: { key: fs.readFileSync(path.join(dir, 'key.pem')), cert } });
      const url = await server.listen(0);
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const trusting = remote.createRemotePool({ endpoints: [url], secret: SECRET, fallback: 'reject', ca: cert });
      const untrusting = remote.createRemotePool({ endpoints: [url], secret: SECRET, fallback: 'reject' });
      try {
        expect(await trusting.pbkdf2('pw', 'salt', 100, 32, 'sha256')).toEqual(crypto.pbkdf2Sync('pw', 'salt', 100, 32, 'sha256'));
        const err = await untrusting.pbkdf2('pw', 'salt', 100, 32, 'sha256').catch((e: Error & { cause?: Error & { code?: string } }) => e);
        expect((err as { code?: string }).code).toBe('ERR_FASTPBKDF2_REMOTE_UNAVAILABLE');
        expect((err as { cause?: { code?: string } }).cause?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      } finally {
        trusting.close();
        untrusting.close();
        await server.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates arguments exactly like node:crypto (same errors, thrown for callbacks, rejected for promises)', async () => {
    const pool = remote.createRemotePool({ endpoints: ['http://127.0.0.1:9'], secret: SECRET, fallback: 'reject' });
    const bad: unknown[][] = [
      [123, 'salt', 1, 32, 'sha256'],
      ['pw', {}, 1, 32, 'sha256'],
      ['pw', 'salt', 0, 32, 'sha256'],
      ['pw', 'salt', 1.5, 32, 'sha256'],
      ['pw', 'salt', 1, -1, 'sha256'],
      ['pw', 'salt', 1, '32', 'sha256'],
      ['pw', 'salt', 1, 32, 'no-such-digest'],
      ['pw', 'salt', 1, 32, undefined],
    ];
    const noop = () => {};
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        const e = err as Error & { code?: string };
        return { name: e.name, code: e.code, message: e.message };
      }
      return 'no error';
    };
    try {
      for (const args of bad) {
        const expected = caught(() => (crypto.pbkdf2 as Function)(...args, noop));
        expect(caught(() => (pool.pbkdf2 as Function)(...args, noop)), JSON.stringify(args)).toEqual(expected);
        const rejected = await (pool.pbkdf2 as Function)(...args).then(
          () => 'no error',
          (e: Error & { code?: string }) => ({ name: e.name, code: e.code, message: e.message }),
        );
        expect(rejected).toEqual(expected);
      }
      // A digest the service does not take is computed here by node:crypto.
      expect(await pool.pbkdf2('pw', 'salt', 10, 48, 'sha384')).toEqual(crypto.pbkdf2Sync('pw', 'salt', 10, 48, 'sha384'));
      expect(pool.stats()).toMatchObject({ local: 1, remote: 0, inFlight: 0 });
    } finally {
      pool.close();
    }
    expect(() => pool.pbkdf2('pw', 'salt', 1, 32, 'sha256', noop)).toThrow('pool is closed');
  });

  it('serves AWS Lambda events (Function URL / HTTP API 2.0 and REST API 1.0, base64 bodies)', async () => {
    const handler = service.createLambdaHandler({ secret: SECRET, pool: { threads: 1 } });
    const body = pbkdf2Body(1000);
    const expected = crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('base64');
    const v2 = await handler({
      version: '2.0',
      rawPath: '/prod/pbkdf2',
      headers: signedHeaders('/pbkdf2', body),
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      requestContext: { stage: 'prod', http: { method: 'POST', path: '/prod/pbkdf2' } },
    });
    expect(v2.statusCode).toBe(200);
    expect(JSON.parse(v2.body).key).toBe(expected);
    expect(v2.headers['x-fastpbkdf2-signature']).toMatch(/^[0-9a-f]{64}$/);
    const headersV1 = Object.fromEntries(Object.entries(signedHeaders('/pbkdf2', body)).map(([k, v]) => [k.toUpperCase(), v]));
    const v1 = await handler({ httpMethod: 'POST', path: '/pbkdf2', headers: headersV1, body, isBase64Encoded: false, requestContext: { stage: 'prod' } });
    expect(v1.statusCode).toBe(200);
    expect(JSON.parse(v1.body).key).toBe(expected);
    const unsigned = await handler({ httpMethod: 'POST', path: '/pbkdf2', headers: null, body });
    expect(unsigned.statusCode).toBe(401);
    const huge = await handler({ rawPath: '/pbkdf2', requestContext: { stage: '$default', http: { method: 'POST' } }, body: 'A'.repeat(200_000), isBase64Encoded: true });
    expect(huge.statusCode).toBe(413);
  });
});
