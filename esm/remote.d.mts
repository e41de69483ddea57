// Types of esm/remote.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/remote/index.js';

export * from '../dist/remote/index.js';
export default cjs;
