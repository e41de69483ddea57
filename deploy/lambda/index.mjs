// The whole Lambda function: fastpbkdf2/service's ready handler, configured from the environment
// (FASTPBKDF2_SERVICE_SECRET, FASTPBKDF2_THREADS, FASTPBKDF2_MAX_QUEUE, FASTPBKDF2_MAX_ITERATIONS).
export { lambdaHandler as handler } from 'fastpbkdf2/service';
