// npm run test:sanitize: the native code under gcc's (or clang's) sanitizers, without node.
//  1. ASan+UBSan: test/native/harness.c, every CPU path this machine can run, on the committed vectors.
//  2. ASan+UBSan, then TSan: test/native/pool_stress.cc, the hash pool under mixed load from several
//     threads with every key checked against the portable path and pools destroyed mid-flight.
// Sources come from binding.gyp, so a new backend file is covered without editing this.
// CC / CXX choose the compilers (default gcc / g++). Exit status 1 on any finding.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cc = process.env.CC ?? 'gcc';
const cxx = process.env.CXX ?? 'g++';
const sources = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8')).targets[0].sources;
const cSources = sources.filter((f) => f.endsWith('.c')).map((f) => join(root, f));
const common = ['-O1', '-g', '-fno-omit-frame-pointer', '-fno-sanitize-recover=all', `-I${join(root, 'native')}`];
const sanitizers = {
  'ASan+UBSan': { flags: ['-fsanitize=address,undefined', ...common], rounds: '16' },
  TSan: { flags: ['-fsanitize=thread', ...common], rounds: '12' },
};
const env = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1',
};

const dir = mkdtempSync(join(tmpdir(), 'fastpbkdf2-sanitize-'));
let failures = 0;

function report(label, started, r) {
  const ok = r.status === 0;
  const last = (r.stdout ?? '').trim().split('\n').at(-1);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)${ok && last ? `: ${last}` : ''}`);
  if (!ok) {
    failures++;
    process.stdout.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `${r.error}\n` : ''}`);
  }
  return ok;
}

function run(label, command, args, options = {}) {
  const started = Date.now();
  return report(label, started, spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 << 20, ...options }));
}

// Compiles every C source for every sanitizer, as many at once as there are CPUs.
async function compileAll() {
  const started = Date.now();
  const jobs = Object.entries(sanitizers).flatMap(([name, { flags }]) =>
    cSources.map((f) => ({ name, out: join(dir, `${name}-${basename(f)}.o`), args: [...flags, '-c', f] })),
  );
  const errors = [];
  const worker = async () => {
    for (let job; (job = jobs.shift()); ) {
      const { status, stderr } = await new Promise((resolve) => {
        const child = spawn(cc, [...job.args, '-o', job.out], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stderr }));
        child.on('error', (err) => resolve({ status: 1, stderr: String(err) }));
      });
      if (status !== 0) errors.push(`${job.args.at(-1)} (${job.name}):\n${stderr}`);
    }
  };
  await Promise.all(Array.from({ length: availableParallelism() }, worker));
  return report(`compile ${cSources.length} C sources x ${Object.keys(sanitizers).length} sanitizers`, started, {
    status: errors.length ? 1 : 0,
    stderr: errors.join('\n'),
  });
}

try {
  if (await compileAll()) {
    for (const [name, { flags, rounds }] of Object.entries(sanitizers)) {
      const objects = cSources.map((f) => join(dir, `${name}-${basename(f)}.o`));
      if (name !== 'TSan') {
        const harness = join(dir, `harness-${name}`);
        if (run(`build harness (${name})`, cc, [...flags, '-o', harness, join(root, 'test/native/harness.c'), ...objects])) {
          run(`harness, every CPU path (${name})`, harness, [join(root, 'test/native/vectors.txt')], { timeout: 300_000 });
        }
      }
      const exe = join(dir, `pool-stress-${name}`);
      const poolSources = sources.filter((f) => f.endsWith('.cc') && f !== 'native/addon.cc').map((f) => join(root, f));
      const pool = [join(root, 'test/native/pool_stress.cc'), ...poolSources];
      if (run(`build pool stress (${name})`, cxx, [...flags, '-std=c++17', '-pthread', '-o', exe, ...pool, ...objects])) {
        run(`pool stress, ${rounds} rounds (${name})`, exe, [rounds], { timeout: 300_000 });
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures ? `${failures} step(s) failed` : 'sanitizers: clean');
process.exit(failures ? 1 : 0);
