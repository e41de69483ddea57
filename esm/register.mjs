import cjs from '../dist/register.js';

export const { register } = cjs;
export default cjs;
