// `node test/prebuild/installed.mjs <tarball>`: installs the packed package into a fresh project and
// runs the CommonJS and ES-module consumers (consumer.cjs / consumer.mjs) on this machine's Node, on
// every CPU path: each must load this platform's prebuild through node-gyp-build, run natively and
// give the RFC answers. For CI runners where test/pack.test.ts does not run (Windows).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tarball = resolve(process.argv[2]);
const dir = mkdtempSync(join(tmpdir(), 'fastpbkdf2-installed-'));
writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
for (const f of ['consumer.cjs', 'consumer.mjs', 'vectors.cjs']) copyFileSync(join(here, f), join(dir, f));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', tarball], { cwd: dir, stdio: 'inherit', shell: process.platform === 'win32' });

const libc = process.platform === 'linux' ? (existsSync('/etc/alpine-release') ? '.musl' : '.glibc') : '';
const expected = `prebuilds/${process.platform}-${process.arch}/fastpbkdf2.napi${libc}.node`;
let failed = 0;
const run = (file, force) => {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env: { ...process.env, FASTPBKDF2_FORCE: force ?? '' } });
  const problems = [];
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    problems.push(`exit ${r.status}: ${r.stderr}`);
  }
  if (report) {
    if (report.binary !== expected) problems.push(`loaded ${report.binary}, expected ${expected}`);
    if (!report.isNative) problems.push('not native');
    if (force && report.backend.sha256.cpuPath !== force) problems.push(`ran ${report.backend.sha256.cpuPath}`);
    problems.push(...report.vectors.failures);
    if (!report.register) problems.push('register did not patch node:crypto');
  }
  console.log(`${problems.length ? '[FAIL]' : '[ok]'} ${file} ${force ?? '(default)'}${problems.map((p) => `\n    ${p}`).join('')}`);
  failed += problems.length ? 1 : 0;
  return report;
};
const first = run('consumer.cjs');
for (const path of first?.cpuPaths ?? []) for (const file of ['consumer.cjs', 'consumer.mjs']) run(file, path);
process.exit(failed || !first ? 1 : 0);
