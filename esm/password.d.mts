// Types of esm/password.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/password/index.js';

export * from '../dist/password/index.js';
export default cjs;
