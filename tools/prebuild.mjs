#!/usr/bin/env node
// `npm run prebuild [-- prebuildify options]`: builds the N-API prebuild for this platform (or for
// --arch/--platform when cross-compiling) into prebuilds/<platform>-<arch>/ with prebuildify.
//
// File names are the tags node-gyp-build selects on: fastpbkdf2.napi.glibc.node and
// fastpbkdf2.napi.musl.node on Linux (one binary per C library; musl when run on Alpine, or with
// --libc musl), fastpbkdf2.napi.node elsewhere. prebuildify 6 names files after the package and no
// longer writes the "napi" tag itself, so it is added to the name; the libc tag is written only on
// Linux, where it means something (node-gyp-build reports "glibc" on every non-Alpine platform).
// One N-API binary serves every Node version with NAPI_VERSION (binding.gyp) >= 8: Node >= 18.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const { values } = parseArgs({ args, options: { platform: { type: 'string' } }, strict: false, allowPositionals: true });
const platform = values.platform ?? process.env.PREBUILD_PLATFORM ?? process.platform;

const prebuildify = [require.resolve('prebuildify/bin.js'), '--napi', '--strip', '--name', 'fastpbkdf2.napi'];
if (platform === 'linux') prebuildify.push('--tag-libc');

const r = spawnSync(process.execPath, [...prebuildify, ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
