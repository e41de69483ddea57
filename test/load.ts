// Loads the built package (dist/, as shipped) through node's own CommonJS loader, so tests run the
// exact code users get and share one addon instance with it.
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

export const fast = requireFromHere('../dist/index.js') as typeof import('../src/index');
export const fastPromises = requireFromHere('../dist/promises.js') as typeof import('../src/promises');
export const packageRoot = new URL('..', import.meta.url).pathname;
