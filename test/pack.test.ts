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
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { compilerFreeEnv, installTarball, newProject as newProjectIn, npmCli, packTarball, root, run } from './pack/pack.mjs';
import { addProbes, buildBundles, cases, runCase, runtimes } from './pack/runtimes.mjs';
import { modes as typeModes, typeErrors } from './pack/typescript.mjs';

interface Bundle {
  name: string;
  file: string;
}

// POSIX only: the compiler-free PATH is made of symlinks (Windows CI runs the rest of the suite).
const supported = process.platform !== 'win32';
const libcTag = process.platform === 'linux' ? (fs.existsSync('/etc/alpine-release') ? '.musl' : '.glibc') : '';
const prebuildFile = `prebuilds/${process.platform}-${process.arch}/fastpbkdf2.napi${libcTag}.node`;

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

const newProject = (name: string) =>
  newProjectIn(work, name, ['prebuild/consumer.cjs', 'prebuild/consumer.mjs', 'prebuild/vectors.cjs']);

function install(dir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const { status, log } = installTarball(dir, tarball, { ...cleanEnv, ...env }, args);
  return {
    status,
    log,
    expectOk: () => expect(status, `npm install failed:\n${log}`).toBe(0),
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
    // 1. A copy of the tree, built the way a release is: the real prebuild script, then npm pack
    //    (whose prepack compiles dist/ from src/). CI: PACK_TEST_PREBUILDS, every platform's binaries.
    ({ tarball, packedFiles, prebuilds } = packTarball(work, process.env.PACK_TEST_PREBUILDS));
    // 2. A PATH with node, npm and sh only, and no npm, compiler or fastpbkdf2 variables.
    cleanEnv = compilerFreeEnv(work);

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
        'esm/index.d.mts',
        'esm/password.d.mts',
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

  // Where users put the package: bundles run from other folders, an explicit location, TypeScript set-ups,
  // and the runtimes of test/pack/runtimes.mjs (`npm run test:runtimes` runs them all; here: the current
  // Node, and the others only when tools/runtimes.mjs has them cached already).
  describe('bundled, typed and on other runtimes', () => {
    let project = '';
    let bundles: Bundle[] = [];
    const currentNode = { name: `node ${process.versions.node}`, kind: 'node', major: Number(process.versions.node.split('.')[0]) };

    beforeAll(async () => {
      project = addProbes(consumer);
      bundles = await buildBundles(project, path.join(work, 'bundles'));
    }, 300_000);

    const expectCases = (bin: string, runtime: object, quick: boolean) => {
      const failures = cases(runtime, project, bundles, { quick }).flatMap((c: { name: string }) => {
        const { problems } = runCase(bin, c, cleanEnv);
        return problems.map((p: string) => `${c.name}: ${p}`);
      });
      expect(failures).toEqual([]);
    };

    it('this Node: CommonJS, ES module, register preloaded, esbuild and webpack bundles with prebuilds/ beside them', () => {
      expect(bundles.map((b) => b.name)).toEqual(['esbuild-cjs', 'esbuild-esm', 'esbuild-esm-banner', 'webpack-cjs', 'webpack-esm']);
      expectCases(process.execPath, currentNode, false);
    });

    const cached = runtimes({ cachedOnly: true }).map((r: { name: string }) => [r.name, r] as const);
    if (cached.length) {
      it.each(cached)('%s (cached): CommonJS, ES module, register preloaded (bundles: npm run test:runtimes)', (_name, runtime) => {
        expectCases((runtime as { fetch: () => string }).fetch(), runtime, true);
      });
    } else {
      it.skip('other runtimes: none cached (npm run test:runtimes fetches Node 18-26, Bun and Deno)', () => {});
    }

    describe('a bundle without prebuilds/ beside it', () => {
      let bare = '';
      const runBare = (env: NodeJS.ProcessEnv = {}, args: string[] = []) => {
        const r = spawnSync(process.execPath, [path.join(bare, 'app.cjs'), ...args], { cwd: bare, env: { ...cleanEnv, ...env }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return { report: JSON.parse(r.stdout), stderr: r.stderr };
      };
      beforeAll(() => {
        bare = path.join(work, 'bare');
        fs.mkdirSync(bare);
        fs.copyFileSync(bundles.find((b) => b.name === 'esbuild-cjs')!.file, path.join(bare, 'app.cjs'));
      });

      it('falls back to node:crypto with one warning that names every place it looked', () => {
        const { report, stderr } = runBare();
        expect(report.backend.backend).toBe('node:crypto');
        expect(report.vectors.failures).toEqual([]);
        const warnings = stderr.match(/\[FASTPBKDF2_NO_NATIVE\] Warning: .*/g) ?? [];
        expect(warnings).toHaveLength(1);
        for (const place of [bare, path.dirname(bare), path.dirname(process.execPath)]) expect(warnings[0]).toContain(place);
        expect(warnings[0]).toContain(`prebuilds/${process.platform}-${process.arch}/`);
        expect(warnings[0]).toContain('FASTPBKDF2_NATIVE_PATH');
      });

      it('FASTPBKDF2_NATIVE_PATH names a directory holding prebuilds/, or the .node file itself', () => {
        const dir = path.dirname(bundles[0].file);
        expect(runBare({ FASTPBKDF2_NATIVE_PATH: dir }).report.nativePath).toBe(path.join(dir, prebuildFile));
        const file = path.join(installedPkg, prebuildFile);
        const { report, stderr } = runBare({ FASTPBKDF2_NATIVE_PATH: file });
        expect(report.nativePath).toBe(file);
        expect(report.backend.backend).toBe('native');
        expect(stderr).not.toContain('FASTPBKDF2_NO_NATIVE');
      });

      it('an explicit location that does not load is the only place tried, and the warning says why', () => {
        const broken = path.join(work, 'broken.node');
        fs.writeFileSync(broken, 'not a shared object\n');
        const { report, stderr } = runBare({ FASTPBKDF2_NATIVE_PATH: broken });
        expect(report.backend.backend).toBe('node:crypto');
        expect(report.backend.reason).toContain(broken);
        expect(report.backend.reason).not.toContain(bare);
        expect(stderr.match(/FASTPBKDF2_NO_NATIVE/g)).toHaveLength(1);
      });

      it('setNativePath() before the first call; after it, it throws', () => {
        const script = path.join(bare, 'set-path.cjs');
        fs.writeFileSync(
          script,
          `const fast = require(${JSON.stringify(path.join(consumer, 'node_modules', 'fastpbkdf2'))});
           fast.setNativePath(process.argv[2]);
           const first = fast.nativePath();
           let late = '';
           try { fast.setNativePath('/elsewhere'); } catch (err) { late = err.message; }
           console.log(JSON.stringify({ first, late, key: fast.pbkdf2Sync('password', 'salt', 1, 20, 'sha1').toString('hex') }));`,
        );
        const file = path.join(installedPkg, prebuildFile);
        const copy = path.join(bare, 'copy', prebuildFile);
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.copyFileSync(file, copy);
        const r = spawnSync(process.execPath, [script, path.join(bare, 'copy')], { cwd: bare, env: cleanEnv, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.first).toBe(copy);
        expect(out.late).toMatch(/setNativePath\(\) must come before the first call/);
        expect(out.key).toBe('0c60c80f961f0e71f3a9b524af6012062fe037a6');
      });
    });

    it('the only script that runs at install is node-gyp-build (no prepare for npm 11 allowScripts to flag)', () => {
      const { scripts } = JSON.parse(fs.readFileSync(path.join(installedPkg, 'package.json'), 'utf8'));
      const atInstall = Object.fromEntries(
        Object.entries(scripts).filter(([name]) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(name)),
      );
      expect(atInstall).toEqual({ install: 'node-gyp-build' });
    });

    it('Bun can embed every prebuild the tarball ships (src/embedded-addon-bun.ts lists them all)', () => {
      const embedded = fs.readFileSync(path.join(installedPkg, 'dist', 'embedded-addon-bun.js'), 'utf8');
      for (const file of prebuilds.filter((f) => f.endsWith('.node'))) {
        expect(embedded).toContain(`'${file.slice('prebuilds/'.length)}'`);
        expect(embedded).toContain(`require('../${file}')`);
      }
    });

    it('@arethetypeswrong/cli finds no problem in the tarball (every entry point, every resolution)', () => {
      const attw = path.join(root, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
      const r = spawnSync(process.execPath, [attw, tarball, '--format', 'table-flipped'], { cwd: work, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('No problems found');
    });

    it.each(
      [['@types/node 20.11', 'types-node-old'], ['@types/node 26', 'types-node-new']].flatMap(([label, dir]) =>
        typeModes.map((mode: { name: string }) => [`${mode.name}, ${label}`, mode, dir] as const),
      ),
    )('TypeScript %s: strict, skipLibCheck false, every entry point', (_label, mode, dir) => {
      expect(typeErrors(project, mode, path.join(root, 'node_modules', dir))).toEqual([]);
    });
  });
});
