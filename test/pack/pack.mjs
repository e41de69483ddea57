// Packing and installing the package as users get it, shared by test/pack.test.ts and the runtime
// matrix (test/pack/runtimes.mjs): a copy of the tree gets this platform's prebuild (tools/prebuild.mjs)
// or a given prebuilds/ directory, then `npm pack` (its prepack compiles dist/); projects install the
// tarball with a PATH holding only node, npm and sh (no compiler, make or Python).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
// Not copied to the staging tree: dependencies, build output and anything generated.
const notCopied = new Set(['node_modules', '.git', '.cache', 'build', 'prebuilds', 'dist', '.vitest-cache', 'coverage']);

/** Runs a command; throws with its output unless it exits 0. */
export function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...options });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${options.cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** npm's CLI script: the one running this process if any, else the one next to `npm` on PATH. */
export function npmCli() {
  const fromEnv = process.env.npm_execpath;
  if (fromEnv && /npm-cli\.js$/.test(fromEnv)) return fromEnv;
  const onPath = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return fs.realpathSync(onPath);
}

export function listFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (notCopied.has(entry.name) || entry.name.endsWith('.tgz')) continue;
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) copyTree(src, path.join(to, entry.name));
    else if (entry.isFile()) fs.copyFileSync(src, path.join(to, entry.name));
  }
}

/**
 * Packs a copy of the tree into `work`; prebuildsDir: a ready prebuilds/ (CI: every platform's),
 * else this platform's is built. Returns the tarball, its file list and the prebuilds in it.
 */
export function packTarball(work, prebuildsDir) {
  const npm = npmCli();
  const stage = path.join(work, 'stage');
  copyTree(root, stage);
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  if (prebuildsDir) fs.cpSync(path.resolve(root, prebuildsDir), path.join(stage, 'prebuilds'), { recursive: true });
  else run(process.execPath, [npm, 'run', 'prebuild'], { cwd: stage });
  const prebuilds = listFiles(path.join(stage, 'prebuilds')).map((f) => `prebuilds/${f}`);
  const packed = JSON.parse(run(process.execPath, [npm, 'pack', '--json', '--pack-destination', work], { cwd: stage }).stdout);
  return { tarball: path.join(work, packed[0].filename), packedFiles: packed[0].files.map((f) => f.path), prebuilds };
}

/**
 * An environment whose PATH (in `work`/bin) has only node, npm and sh, without npm's per-run
 * settings (npm_config_build_from_source and the like), compiler variables or fastpbkdf2 switches.
 */
export function compilerFreeEnv(work) {
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  fs.symlinkSync(npmCli(), path.join(bin, 'npm'));
  fs.symlinkSync(execFileSync('sh', ['-c', 'command -v sh'], { encoding: 'utf8' }).trim(), path.join(bin, 'sh'));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(npm_|FASTPBKDF2_|VITEST|NODE_OPTIONS$|PREBUILDS_ONLY$|LIBC$|CC$|CXX$|LINK$|PYTHON$)/i.test(k) ||
        /^npm_config_(cache|registry|userconfig)$/i.test(k),
    ),
  );
  env.PATH = bin;
  return env;
}

/** A fresh project in `work`/`name` with the given files from test/ copied in. */
export function newProject(work, name, files = []) {
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
  for (const f of files) fs.copyFileSync(path.join(root, 'test', f), path.join(dir, path.basename(f)));
  return dir;
}

/** `npm install <tarball>` in dir (dependencies from npm's cache when it has them). */
export function installTarball(dir, tarball, env, args = []) {
  const r = spawnSync(
    process.execPath,
    [npmCli(), 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', ...args, tarball],
    { cwd: dir, env, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: r.status, log: `${r.stdout}\n${r.stderr}` };
}
