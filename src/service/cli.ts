#!/usr/bin/env node
// The fastpbkdf2 command: `fastpbkdf2 serve` runs the hashing service; `fastpbkdf2 health` asks one
// for its health (for container health checks). The secret comes from FASTPBKDF2_SERVICE_SECRET or a
// file (--secret-file or FASTPBKDF2_SERVICE_SECRET_FILE), never from the command line, which other
// users of the machine can read.
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';

import { backendFor } from '../backend';
import { requestOnce } from '../remote/transport';
import { secretBytes } from './auth';
import { env as processEnv } from '../env';
import { intSetting, loadSecret } from './config';
import type { LogEntry } from './handler';
import type { PoolPriority } from '../pool';
import { createServer } from './http';

const USAGE = `usage:
  fastpbkdf2 serve [--port 8080] [--host 127.0.0.1] [--threads N] [--max-queue 64] [--max-wait-ms N]
                   [--priority normal|below-normal|low] [--secret-file PATH] [--tls-key PATH --tls-cert PATH] [--base-path /prefix]
                   [--max-iterations N] [--max-password-bytes N] [--max-key-length N] [--max-body-bytes N]
                   [--max-skew-ms 30000] [--retry-after 1] [--public-health] [--log errors|requests|none]
  fastpbkdf2 health [--url http://127.0.0.1:8080] [--secret-file PATH]
The shared secret (32+ bytes): FASTPBKDF2_SERVICE_SECRET, or a file (--secret-file, FASTPBKDF2_SERVICE_SECRET_FILE).`;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  threads: { type: 'string' },
  'max-queue': { type: 'string' },
  'max-wait-ms': { type: 'string' },
  priority: { type: 'string' },
  'secret-file': { type: 'string' },
  'tls-key': { type: 'string' },
  'tls-cert': { type: 'string' },
  'base-path': { type: 'string' },
  'max-iterations': { type: 'string' },
  'max-password-bytes': { type: 'string' },
  'max-key-length': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'max-skew-ms': { type: 'string' },
  'retry-after': { type: 'string' },
  'public-health': { type: 'boolean' },
  log: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function int(values: Values, name: keyof typeof OPTIONS): number | undefined {
  return intSetting(`--${name}`, values[name] as string | undefined);
}

function logger(mode: string): ((entry: LogEntry) => void) | undefined {
  if (mode === 'none') return undefined;
  if (mode !== 'errors' && mode !== 'requests') throw new RangeError('--log must be errors, requests or none');
  // One JSON line per request on stderr: method, route, status, time, error code; never a body.
  return (entry) => {
    if (mode === 'requests' || entry.status >= 400) process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
}

async function serve(values: Values): Promise<void> {
  const secret = loadSecret(processEnv, values['secret-file']);
  secretBytes(secret); // refuse a short secret before anything starts
  if (Boolean(values['tls-key']) !== Boolean(values['tls-cert'])) throw new Error('--tls-key and --tls-cert go together');
  const limits = Object.fromEntries(
    Object.entries({
      maxIterations: int(values, 'max-iterations'),
      maxPasswordBytes: int(values, 'max-password-bytes'),
      maxKeyLength: int(values, 'max-key-length'),
    }).filter(([, v]) => v !== undefined),
  );
  const server = createServer({
    secret,
    pool: { threads: int(values, 'threads'), maxQueue: int(values, 'max-queue'), maxWaitMs: int(values, 'max-wait-ms'), priority: values.priority as PoolPriority | undefined },
    limits,
    maxBodyBytes: int(values, 'max-body-bytes'),
    maxSkewMs: int(values, 'max-skew-ms'),
    retryAfterSeconds: int(values, 'retry-after'),
    publicHealth: values['public-health'] === true,
    basePath: values['base-path'],
    tls: values['tls-key'] ? { key: fs.readFileSync(values['tls-key']), cert: fs.readFileSync(values['tls-cert']!) } : undefined,
    log: logger(values.log ?? 'errors'),
  });
  const url = await server.listen(int(values, 'port') ?? 8080, values.host ?? '127.0.0.1');
  const { threads } = server.stats().pool;
  process.stdout.write(`fastpbkdf2 service listening on ${url} (threads ${threads}, cpu path ${backendFor('sha256').cpuPath ?? 'node:crypto'})\n`);
  const stop = () => {
    process.stdout.write('fastpbkdf2 service stopping\n');
    server.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function health(values: Values): Promise<void> {
  const secret = secretBytes(loadSecret(processEnv, values['secret-file']));
  const url = values.url ?? `http://127.0.0.1:${values.port ?? 8080}`;
  const answer = await requestOnce({ url, secret, method: 'GET', route: '/health', body: Buffer.alloc(0), timeoutMs: 5000 });
  process.stdout.write(`${answer.status} ${answer.body.toString('utf8')}\n`);
  process.exitCode = answer.status === 200 ? 0 : 1;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  const command = positionals[0];
  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'serve') return serve(values);
  if (command === 'health') return health(values);
  throw new Error(`unknown command ${command}\n${USAGE}`);
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`${err.message.startsWith('fastpbkdf2') ? '' : 'fastpbkdf2: '}${err.message}\n`);
  process.exit(2);
});
