import cjs from '../dist/promises.js';

export const { pbkdf2 } = cjs;
export default cjs;
