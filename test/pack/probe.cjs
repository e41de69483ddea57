// A CommonJS user on each runtime: report.cjs's JSON after require('fastpbkdf2/register').
'use strict';
const fast = require('fastpbkdf2');
const promises = require('fastpbkdf2/promises');
const password = require('fastpbkdf2/password');
require('fastpbkdf2/register');
const { report } = require('./report.cjs');

report('cjs', fast, promises, password, require('node:crypto'), undefined).then(
  (r) => console.log(JSON.stringify(r)),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
