// Types of esm/index.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/index.js';

export * from '../dist/index.js';
export default cjs;
