// fastpbkdf2/service: a small stateless HTTP service hashing on a fastpbkdf2 pool, authenticated with
// a shared secret; for node:http(s) (createServer) and AWS Lambda (lambdaHandler). Its client is
// fastpbkdf2/remote. Protocol and security model: docs/service.md.
export { createServer, type HashServer, type ServerOptions } from './http';
export { HashService, type LogEntry, type ServiceOptions, type ServiceRequest, type ServiceResponse, type ServiceStats } from './handler';
export { createLambdaHandler, lambdaHandler, type LambdaHttpEvent, type LambdaHttpResult } from './lambda';
export { signRequest, MIN_SECRET_BYTES } from './auth';
export { ROUTES, SIGNATURE_HEADER, TIMESTAMP_HEADER, ServiceErrorCodes } from './protocol';
