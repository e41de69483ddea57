// Types of esm/register.mjs for ES-module importers: the CommonJS build's, as the module itself re-exports it.
import cjs from '../dist/register.js';

export * from '../dist/register.js';
export default cjs;
