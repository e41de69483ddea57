// Types of esm/promises.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/promises.js';

export * from '../dist/promises.js';
export default cjs;
