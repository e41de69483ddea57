// AWS Lambda handler for fastpbkdf2/service: Function URL and API Gateway HTTP API (payload 2.0) or
// REST API (payload 1.0) events, bodies plain or base64. Configured from the environment:
// FASTPBKDF2_SERVICE_SECRET (or FASTPBKDF2_SERVICE_SECRET_FILE), FASTPBKDF2_THREADS,
// FASTPBKDF2_MAX_QUEUE, FASTPBKDF2_MAX_ITERATIONS. One service per Lambda instance, created on the
// first event (a missing secret fails that invocation, and every later one, with the reason).
import { HashService, type ServiceOptions } from './handler';
import { env as processEnv } from '../env';
import { intSetting, loadSecret } from './config';

/** The fields of a Lambda HTTP event this handler reads (payload 1.0 and 2.0). */
export interface LambdaHttpEvent {
  version?: string;
  httpMethod?: string;
  path?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { stage?: string; http?: { method?: string; path?: string } };
}

export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

function lowerCaseHeaders(headers: LambdaHttpEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (typeof value === 'string') out[name.toLowerCase()] = value;
  return out;
}

/** Method and route of an event, the stage prefix removed (payload 2.0 keeps it in rawPath). */
function methodAndRoute(event: LambdaHttpEvent, basePath: string): { method: string; route: string } {
  const method = (event.requestContext?.http?.method ?? event.httpMethod ?? 'GET').toUpperCase();
  let path = event.rawPath ?? event.path ?? '/';
  const stage = event.requestContext?.stage;
  if (event.rawPath !== undefined && stage && stage !== '$default' && path.startsWith(`/${stage}/`)) path = path.slice(stage.length + 1);
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`))) path = path.slice(basePath.length) || '/';
  return { method, route: path };
}

/** A Lambda handler over a service with these options (basePath: a prefix to strip from paths). */
export function createLambdaHandler(options: ServiceOptions | (() => ServiceOptions), basePath = '') {
  let service: HashService | undefined;
  return async function handler(event: LambdaHttpEvent): Promise<LambdaHttpResult> {
    service ??= new HashService(typeof options === 'function' ? options() : options);
    const raw = event.body ?? '';
    // Decoded length is at most 3/4 of the base64 length: an oversize body is refused undecoded.
    const tooLarge = (event.isBase64Encoded ? (raw.length * 3) / 4 : raw.length) > service.maxBodyBytes + 4;
    const body = tooLarge ? Buffer.alloc(service.maxBodyBytes + 1) : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
    const answer = await service.handle({ ...methodAndRoute(event, basePath), headers: lowerCaseHeaders(event.headers), body });
    body.fill(0);
    return { statusCode: answer.status, headers: answer.headers, body: answer.body, isBase64Encoded: false };
  };
}

function optionsFromEnv(): ServiceOptions {
  const env = processEnv;
  const maxIterations = intSetting('FASTPBKDF2_MAX_ITERATIONS', env.FASTPBKDF2_MAX_ITERATIONS);
  return {
    secret: loadSecret(env),
    pool: {
      threads: intSetting('FASTPBKDF2_THREADS', env.FASTPBKDF2_THREADS),
      maxQueue: intSetting('FASTPBKDF2_MAX_QUEUE', env.FASTPBKDF2_MAX_QUEUE),
    },
    limits: maxIterations === undefined ? undefined : { maxIterations },
  };
}

/** The ready handler: `export { lambdaHandler as handler } from 'fastpbkdf2/service'`. */
export const lambdaHandler = createLambdaHandler(optionsFromEnv);
