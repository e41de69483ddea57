// fastpbkdf2/service over node:http, or node:https when given a key and certificate.
import type * as http from 'node:http';
import type * as https from 'node:https';
import type { AddressInfo } from 'node:net';

import { http as httpModule, https as httpsModule } from '../builtins';

import { HashService, type ServiceOptions, type ServiceRequest, type ServiceStats } from './handler';

export interface ServerOptions extends ServiceOptions {
  /** TLS: PEM key and certificate; with both, the service speaks HTTPS. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
  /** A path prefix the service lives under (e.g. /hashing); requests outside it get 404. */
  basePath?: string;
  /** Longest time to receive a whole request (default 10,000 ms). */
  requestTimeoutMs?: number;
}

export interface HashServer {
  /** The underlying server, for events and options not covered here. */
  readonly server: http.Server | https.Server;
  /** Starts listening; resolves to the service's base URL, e.g. http://127.0.0.1:8080. */
  listen(port?: number, host?: string): Promise<string>;
  stats(): ServiceStats;
  /** Stops accepting connections, lets requests in flight finish, then closes the pool it owns. */
  close(): Promise<void>;
}

/** The body; undefined when over the limit (its bytes are dropped); null when the client went away. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined | null> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        for (const c of chunks) c.fill(0);
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) return;
      const body = Buffer.concat(chunks);
      for (const c of chunks) c.fill(0);
      resolve(body);
    });
    // A client gone mid-body: settle anyway (a no-op after 'end'), so nothing waits forever.
    const gone = () => {
      for (const c of chunks) c.fill(0);
      resolve(null);
    };
    req.on('error', gone);
    req.on('close', () => {
      if (!req.complete) gone();
    });
  });
}

/** A hashing service over HTTP(S), not yet listening. Throws at once without a valid secret. */
export function createServer(options: ServerOptions): HashServer {
  const service = new HashService(options);
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (basePath !== '' && !basePath.startsWith('/')) throw new RangeError('fastpbkdf2 service: basePath must start with /');

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0];
    const inside = pathname === basePath || pathname.startsWith(`${basePath}/`);
    const request: ServiceRequest = {
      method: req.method ?? 'GET',
      route: inside ? pathname.slice(basePath.length) || '/' : `\0outside`,
      headers: req.headers,
      body: Buffer.alloc(0),
    };
    // A client that goes away before its answer stops its hashing (queued: dropped; running: soon).
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    request.signal = gone.signal;
    const body = await readBody(req, service.maxBodyBytes);
    if (body === null) return; // nobody to answer
    // Too large: the handler refuses it on its length alone; the bytes themselves were not kept.
    request.body = body ?? Buffer.alloc(service.maxBodyBytes + 1);
    const answer = await service.handle(request);
    request.body.fill(0);
    if (body === undefined) answer.headers.connection = 'close';
    res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch(() => res.destroy());
  };
  const requestTimeout = options.requestTimeoutMs ?? 10_000;
  const serverOptions = { requestTimeout, headersTimeout: requestTimeout, keepAliveTimeout: 60_000 };
  const server = options.tls
    ? httpsModule.createServer({ ...serverOptions, key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca }, listener)
    : httpModule.createServer(serverOptions, listener);
  // Longer than fastpbkdf2/remote's idle time (30 s), so that a client never reuses a closing socket.
  server.keepAliveTimeout = 60_000;
  const scheme = options.tls ? 'https' : 'http';

  return {
    server,
    listen(port = 8080, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`${scheme}://${shownHost}:${address.port}${basePath}`);
        });
      });
    },
    stats: () => service.stats(),
    close() {
      return new Promise((resolve) => {
        server.close(() => {
          service.close();
          resolve();
        });
        server.closeIdleConnections?.();
      });
    },
  };
}
