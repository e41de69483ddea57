// Node's built-in modules, taken from process.getBuiltinModule where the runtime has it (Node
// >= 20.16 / 22.3, Bun, Deno) rather than from require(): a bundler that turns this CommonJS code
// into an ES module (esbuild --format=esm, webpack's module output) leaves require() undefined there,
// and its stand-in throws "Dynamic require of ... is not supported". Only on older Node does the
// literal require() below run (and an ES-module bundle then needs the createRequire banner, README).
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type * as Module from 'node:module';
import type * as Os from 'node:os';
import type * as Path from 'node:path';
import type * as Url from 'node:url';
import type * as Util from 'node:util';

const builtin = (id: string): unknown =>
  (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(id);

/* eslint-disable @typescript-eslint/no-require-imports */
export const crypto = (builtin('node:crypto') ?? require('node:crypto')) as typeof Crypto;
export const fs = (builtin('node:fs') ?? require('node:fs')) as typeof Fs;
export const http = (builtin('node:http') ?? require('node:http')) as typeof Http;
export const https = (builtin('node:https') ?? require('node:https')) as typeof Https;
export const nodeModule = (builtin('node:module') ?? require('node:module')) as typeof Module;
export const os = (builtin('node:os') ?? require('node:os')) as typeof Os;
export const path = (builtin('node:path') ?? require('node:path')) as typeof Path;
export const url = (builtin('node:url') ?? require('node:url')) as typeof Url;
export const util = (builtin('node:util') ?? require('node:util')) as typeof Util;
