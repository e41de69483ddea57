// Types of esm/service.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/service/index.js';

export * from '../dist/service/index.js';
export default cjs;
