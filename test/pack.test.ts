// The package as users get it: `npm run prebuild` and `npm pack` on a copy of this tree, then
// `npm install <tarball>` into a fresh project whose PATH holds only node, npm and sh (no compiler,
// make or Python), so the install can only succeed by finding the prebuild. CommonJS and ES-module
// consumers must load that prebuild, report the native backend and give the RFC answers; with the
// binary missing or broken they must still work through node:crypto and say so.
//
// Everything happens in a temporary directory: the repository's build/ and prebuilds/ are not
// touched, so the other test files can keep loading the local build meanwhile.
// PACK_TEST_PREBUILDS=<dir> packs that prebuilds/ directory (CI: the release's binaries from every
// platform) instead of building this platform's.
import { execFileSync, spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
// POSIX only: the compiler-free PATH is made of symlinks (Windows CI runs the rest of the suite).
const supported = process.platform !== 'win32';
const libcTag = process.platform === 'linux' ? (fs.existsSync('/etc/alpine-release') ? '.musl' : '.glibc') : '';
const prebuildFile = `prebuilds/${process.platform}-${process.arch}/fastpbkdf2.napi${libcTag}.node`;
// Not copied to the staging tree: dependencies, build output and anything generated.
const notCopied = new Set(['node_modules', '.git', '.cache', 'build', 'prebuilds', 'dist', '.vitest-cache', 'coverage']);

interface Report {
  module: 'cjs' | 'esm';
  binary: string;
  isNative: boolean;
  backend: Record<'sha1' | 'sha256' | 'sha512', { backend: string; cpuPath: string | null; reason?: string }>;
  cpuPaths: string[];
  vectors: { checked: number; failures: string[] };
  register: boolean;
}

let work = '';
let tarball = '';
let packedFiles: string[] = [];
let prebuilds: string[] = [];
let consumer = '';
let installedPkg = '';
let cleanEnv: NodeJS.ProcessEnv = {};

function run(cmd: string, args: string[], options: SpawnSyncOptions & { cwd: string }) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...options });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${options.cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** npm's CLI script: the one running this test if any, else the one next to `npm` on PATH. */
function npmCli(): string {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv)) return fromEnv;
  const onPath = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return fs.realpathSync(onPath);
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

function copyTree(from: string, to: string) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (notCopied.has(entry.name) || entry.name.endsWith('.tgz')) continue;
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(src, path.join(to, entry.name));
    else if (entry.isFile()) fs.copyFileSync(src, path.join(to, entry.name));
  }
}

function newProject(name: string) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      private: true,
      scripts: { tools: 'for t in cc gcc g++ c++ clang make python3 python; do command -v $t || true; done' },
    }),
  );
  for (const f of ['consumer.cjs', 'consumer.mjs', 'vectors.cjs']) {
    fs.copyFileSync(path.join(root, 'test', 'prebuild', f), path.join(dir, f));
  }
  return dir;
}

function install(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(
    process.execPath,
    [npmCli(), 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', ...args, tarball],
    { cwd: dir, env: { ...cleanEnv, ...env }, encoding: 'utf8', timeout: 120_000 },
  );
  const log = `${r.stdout}\n${r.stderr}`;
  return {
    status: r.status,
    log,
    expectOk: () => expect(r.status, `npm install failed:\n${log}`).toBe(0),
  };
}

function consume(file: string, extraEnv: NodeJS.ProcessEnv = {}, cwd = consumer) {
  const r = spawnSync(process.execPath, [file], {
    cwd,
    env: { ...cleanEnv, ...extraEnv },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, `${file} failed:\n${r.stderr}`).toBe(0);
  return { report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
}

describe.skipIf(!supported)('packed tarball installed without a compiler', () => {
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'fastpbkdf2-pack-'));
    const npm = npmCli();

    // 1. A copy of the tree, built the way a release is: the real prebuild script, then npm pack
    //    (which runs "prepare", compiling dist/ from src/).
    const stage = path.join(work, 'stage');
    copyTree(root, stage);
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    const ready = process.env.PACK_TEST_PREBUILDS; // CI: the release's prebuilds/, from every platform
    if (ready) fs.cpSync(path.resolve(root, ready), path.join(stage, 'prebuilds'), { recursive: true });
    else run(process.execPath, [npm, 'run', 'prebuild'], { cwd: stage });
    prebuilds = listFiles(path.join(stage, 'prebuilds')).map((f) => `prebuilds/${f}`);
    const packed = JSON.parse(
      run(process.execPath, [npm, 'pack', '--json', '--pack-destination', work], { cwd: stage }).stdout,
    ) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(work, packed[0].filename);
    packedFiles = packed[0].files.map((f) => f.path);

    // 2. A PATH with node, npm and sh only, and an environment without npm's per-run settings
    //    (npm_config_build_from_source and the like), compiler variables or fastpbkdf2 switches.
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.symlinkSync(npm, path.join(bin, 'npm'));
    fs.symlinkSync(execFileSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).trim(), path.join(bin, 'sh'));
    cleanEnv = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) =>
          !/^(npm_|FASTPBKDF2_|VITEST|NODE_OPTIONS$|PREBUILDS_ONLY$|LIBC$|CC$|CXX$|LINK$|PYTHON$)/i.test(k) ||
          /^npm_config_(cache|registry|userconfig)$/i.test(k),
      ),
    );
    cleanEnv.PATH = bin;

    // 3. A fresh project installs the tarball (dependencies from npm's cache when it has them).
    consumer = newProject('consumer');
    install(consumer).expectOk();
    installedPkg = path.join(consumer, 'node_modules', 'fastpbkdf2');
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('the tarball ships the prebuild, dist with types, the ESM entries and the C sources', () => {
    expect(prebuilds).toContain(prebuildFile);
    expect(packedFiles).toEqual(expect.arrayContaining(prebuilds));
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'binding.gyp',
        'native/addon.cc',
        'native/pbkdf2.c',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/promises.d.ts',
        'dist/register.d.ts',
        'esm/index.mjs',
        'esm/promises.mjs',
        'esm/register.mjs',
      ]),
    );
    // Every C/C++ source binding.gyp compiles is shipped, so other platforms can build from source.
    const gyp = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8');
    for (const src of gyp.match(/native\/[\w.-]+\.(?:c|cc)\b/g) ?? []) expect(packedFiles).toContain(src);
    expect(packedFiles.filter((f) => /^(src|test|bench|build|tools)\//.test(f))).toEqual([]);
  });

  it('npm scripts in the consumer project see no compiler, make or Python', () => {
    const r = run(process.execPath, [npmCli(), 'run', '--silent', 'tools'], { cwd: consumer, env: cleanEnv });
    expect(r.stdout.trim()).toBe('');
  });

  it('the install built nothing: no build/ directory in the installed package', () => {
    expect(fs.existsSync(path.join(installedPkg, prebuildFile))).toBe(true);
    expect(fs.existsSync(path.join(installedPkg, 'build'))).toBe(false);
  });

  it('control: a forced source build fails in this environment, so the prebuild is what made it work', () => {
    const r = install(newProject('from-source'), [], { npm_config_build_from_source: 'true' });
    expect(r.status, r.log).not.toBe(0);
    expect(r.log).toMatch(/gyp ERR!/);
  });

  it('installed with --ignore-scripts (no install script at all), the prebuild still loads', () => {
    const dir = newProject('ignore-scripts');
    install(dir, ['--ignore-scripts']).expectOk();
    const { report } = consume('consumer.cjs', {}, dir);
    expect(report.binary).toBe(prebuildFile);
    expect(report.isNative).toBe(true);
    expect(report.vectors.failures).toEqual([]);
  });

  it.each(['consumer.cjs', 'consumer.mjs'])('%s loads the prebuild and runs natively, matching the RFC vectors', (file) => {
    const { report, stderr } = consume(file);
    expect(report.binary).toBe(prebuildFile);
    expect(report.isNative).toBe(true);
    for (const digest of ['sha1', 'sha256', 'sha512'] as const) {
      expect(report.backend[digest].backend).toBe('native');
      expect(report.backend[digest].cpuPath).toBe(report.cpuPaths[0]);
    }
    expect(report.cpuPaths).toContain('portable');
    expect(report.vectors.checked).toBeGreaterThanOrEqual(9);
    expect(report.vectors.failures).toEqual([]);
    expect(report.register).toBe(true);
    expect(stderr).not.toContain('FASTPBKDF2_NO_NATIVE');
  });

  it('the type declarations resolve through the exports map, for import and require', () => {
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const use = `
      import { pbkdf2Sync, backendFor, type BackendInfo } from 'fastpbkdf2';
      import { pbkdf2 } from 'fastpbkdf2/promises';
      import 'fastpbkdf2/register';
      export const key: Buffer = pbkdf2Sync('password', 'salt', 1, 32, 'sha256');
      export const info: BackendInfo = backendFor('sha256');
      export const later: Promise<Buffer> = pbkdf2('password', 'salt', 1, 32, 'sha256');
      // @ts-expect-error iterations must be a number
      pbkdf2Sync('password', 'salt', '1', 32, 'sha256');
      import { verify } from 'fastpbkdf2/password';
      import { createServer } from 'fastpbkdf2/service';
      import { createRemotePool } from 'fastpbkdf2/remote';
      export const server = createServer({ secret: 'x'.repeat(32), pool: { threads: 1, maxQueue: 8 } });
      const remote = createRemotePool({ endpoints: ['http://127.0.0.1:8080'], secret: 'x'.repeat(32), fallback: 'local' });
      export const checked: Promise<boolean> = verify('pw', 'stored', { pool: remote }); // a remote pool fits { pool }
      export const remoteKey: Promise<Buffer> = remote.pbkdf2('password', 'salt', 1, 32, 'sha256');
    `;
    fs.writeFileSync(path.join(consumer, 'types.mts'), use);
    fs.writeFileSync(path.join(consumer, 'types.cts'), use);
    const r = spawnSync(
      process.execPath,
      [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--types', 'node',
        '--typeRoots', path.join(root, 'node_modules', '@types'), 'types.mts', 'types.cts'],
      { cwd: consumer, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('the installed bin serves and passes its own health check, as the container images run it', async () => {
    const bin = path.join(consumer, 'node_modules', '.bin', 'fastpbkdf2');
    const env = { ...cleanEnv, FASTPBKDF2_SERVICE_SECRET: 'a'.repeat(64) };
    const server = spawn(bin, ['serve', '--host', '127.0.0.1', '--port', '0'], { cwd: consumer, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d) => {
          out += d;
          const m = /listening on (\S+) \(threads \d+, cpu path (\S+)\)/.exec(out);
          if (m) resolve(`${m[1]} ${m[2]}`);
        });
        server.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const [base, cpuPath] = url.split(' ');
      expect(cpuPath).not.toBe('node:crypto'); // the prebuild, not the fallback
      const health = spawnSync(bin, ['health', '--url', base], { cwd: consumer, env, encoding: 'utf8', timeout: 30_000 });
      expect(health.status, health.stderr).toBe(0);
      expect(health.stdout).toContain('200 {"status":"ok"}');
      const wrong = spawnSync(bin, ['health', '--url', base], { cwd: consumer, env: { ...env, FASTPBKDF2_SERVICE_SECRET: 'b'.repeat(64) }, encoding: 'utf8', timeout: 30_000 });
      expect(wrong.status).toBe(1);
      const esm = spawnSync(process.execPath, ['--input-type=module', '-e',
        "const s = await import('fastpbkdf2/service'); const r = await import('fastpbkdf2/remote'); console.log(typeof s.createServer, typeof s.lambdaHandler, typeof r.createRemotePool)"],
        { cwd: consumer, env: cleanEnv, encoding: 'utf8' });
      expect(esm.stdout.trim()).toBe('function function function');
    } finally {
      server.kill('SIGKILL');
    }
  });

  describe('without a usable binary', () => {
    const binaryPath = () => path.join(installedPkg, prebuildFile);
    const saved = () => `${binaryPath()}.saved`;
    beforeAll(() => fs.copyFileSync(binaryPath(), saved()));
    afterAll(() => fs.renameSync(saved(), binaryPath()));

    const expectFallback = (file: string, loadError: RegExp) => {
      const { report, stderr } = consume(file);
      expect(report.isNative).toBe(false);
      for (const digest of ['sha1', 'sha256', 'sha512'] as const) {
        expect(report.backend[digest]).toMatchObject({ backend: 'node:crypto', cpuPath: null });
        expect(report.backend[digest].reason).toMatch(/^addon not loaded: /);
        expect(report.backend[digest].reason).toMatch(loadError);
      }
      expect(report.cpuPaths).toEqual([]);
      expect(report.vectors.failures).toEqual([]);
      expect(report.register).toBe(true);
      // One warning per process, however many calls fell back.
      expect(stderr.match(/\[FASTPBKDF2_NO_NATIVE\] Warning: fastpbkdf2: native addon not loaded/g)).toHaveLength(1);
    };

    it.each(['consumer.cjs', 'consumer.mjs'])('%s: missing binary: node:crypto serves every call, one warning', (file) => {
      fs.rmSync(binaryPath(), { force: true });
      expectFallback(file, /No native build was found/);
    });

    it.each(['consumer.cjs', 'consumer.mjs'])('%s: corrupt binary: node:crypto serves every call, one warning', (file) => {
      fs.writeFileSync(binaryPath(), 'this is not a shared object\n');
      expectFallback(file, /invalid ELF header|not a mach-o file|slice is not valid mach-o|file too short|unknown file type/i);
    });
  });
});
