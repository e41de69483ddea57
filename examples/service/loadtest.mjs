// Load test of fastpbkdf2/service (npm run loadtest:service in the repository root): Django
// pbkdf2_sha256 logins verified with fastpbkdf2/password, hashing
//   local          on a createPool() in this process,
//   remote         through createRemotePool() on service instances started with `fastpbkdf2 serve`,
//   remote-1-down  the same, with one instance killed (SIGKILL) before the stage: calls fail over.
//
//   node examples/service/loadtest.mjs [--quick] [--duration 10] [--concurrency 4,16,64]
//        [--instances 2] [--threads N] [--iterations 600000] [--modes local,remote,remote-1-down] [--rounds 1]
//   node examples/service/loadtest.mjs --overhead     (what the service adds per call: 1-iteration calls)
//
// Each stage runs `concurrency` closed loops (each starts its next login when the previous one is
// answered) for `duration` seconds and reports logins/s, p50 and p99; the modes' stages are
// interleaved, and with --rounds N each is run N times and the medians reported. Logins mix right (2/3) and
// wrong (1/3) passwords; every answer is checked. Instances listen on 127.0.0.1 only and are killed
// at the end. By default the instances together have as many hashing threads as the local pool (one
// per CPU), so both hash on the same cores; remote-1-down then has half of them.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// In an application: from 'fastpbkdf2', 'fastpbkdf2/password', 'fastpbkdf2/remote'.
import { createPool, backendFor } from '../../esm/index.mjs';
import { hashSync, verify } from '../../esm/password.mjs';
import { createRemotePool } from '../../esm/remote.mjs';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).bin.fastpbkdf2);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    duration: { type: 'string' },
    concurrency: { type: 'string', default: '4,16,64' },
    instances: { type: 'string', default: '2' },
    threads: { type: 'string' },
    iterations: { type: 'string', default: '600000' },
    modes: { type: 'string', default: 'local,remote,remote-1-down' },
    rounds: { type: 'string', default: '1' },
    overhead: { type: 'boolean' },
  },
});
const DURATION_S = Number(args.duration ?? (args.quick ? 3 : 10));
const CONCURRENCY = args.concurrency.split(',').map(Number);
const INSTANCES = Number(args.instances);
// Default: the instances together get as many threads as the local pool (one per CPU), so the
// comparison is side by side on the same cores; --threads N gives each instance N.
const LOCAL_THREADS = os.availableParallelism();
const THREADS = args.threads ? Number(args.threads) : Math.max(1, Math.floor(LOCAL_THREADS / INSTANCES));
const ITERATIONS = Number(args.iterations);
const MODES = args.modes.split(',');
const ROUNDS = Number(args.rounds);
const SECRET = crypto.randomBytes(32).toString('hex');

function startInstance() {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--threads', String(THREADS), '--max-queue', '256'], {
    env: { ...process.env, FASTPBKDF2_SERVICE_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve({ url: match[1], child });
    });
    child.on('exit', (code) => reject(new Error(`instance exited with ${code}`)));
  });
}

function stop(instance) {
  return new Promise((resolve) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
    instance.child.once('exit', resolve);
    instance.child.kill('SIGKILL');
  });
}

function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `concurrency` closed loops of verify() for DURATION_S seconds. */
async function stage(pool, users, concurrency, seconds) {
  const latencies = [];
  let wrong = 0;
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const user = users[n++ % users.length];
      const good = n % 3 !== 0;
      const started = performance.now();
      try {
        const ok = await verify(good ? user.password : `${user.password}?`, user.stored, { pool });
        latencies.push(performance.now() - started);
        if (ok !== good) wrong++;
      } catch {
        errors++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { logins: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), wrong, errors };
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

/** CPU seconds (user + system) a process has used, from /proc (Linux), or NaN elsewhere. */
function processCpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/**
 * --overhead: what the service adds per call, measured with 1-iteration calls (no hashing to speak
 * of): calls/s and CPU per call in this process and in the instance, remote against local.
 */
async function overhead() {
  const [instance] = await Promise.all([startInstance()]);
  const remote = createRemotePool({ endpoints: [instance.url], secret: SECRET, fallback: 'reject' });
  const local = createPool({ threads: 1 });
  const calls = 4000;
  for (const [name, pool] of [['local', local], ['remote', remote], ['local', local], ['remote', remote]]) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => pool.pbkdf2(`pw${i}`, 'salt', 1, 32, 'sha256'))); // warm-up
    const cpu0 = process.cpuUsage();
    const server0 = processCpuSeconds(instance.child.pid);
    const t0 = performance.now();
    let next = 0;
    const loop = async () => {
      while (next < calls) await pool.pbkdf2(`pw${next++}`, 'salt', 1, 32, 'sha256');
    };
    await Promise.all(Array.from({ length: 16 }, loop));
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const clientMs = (cpu.user + cpu.system) / 1000 / calls;
    const serverMs = name === 'remote' ? ((processCpuSeconds(instance.child.pid) - server0) * 1000) / calls : 0;
    console.log(`${name.padEnd(7)} ${(calls / seconds).toFixed(0).padStart(6)} calls/s at 16 in flight; CPU per call: this process ${clientMs.toFixed(3)} ms, instance ${serverMs.toFixed(3)} ms`);
  }
  remote.close();
  local.close();
  await stop(instance);
}

async function main() {
  if (args.overhead) return overhead();
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`fastpbkdf2/service load test: ${cpu}, ${os.availableParallelism()} CPUs, node ${process.version}, cpu path ${backendFor('sha256').cpuPath}`);
  console.log(`Django pbkdf2_sha256, ${ITERATIONS} iterations; ${DURATION_S} s per stage; ${INSTANCES} instances x ${THREADS} threads; local pool ${LOCAL_THREADS} threads\n`);
  const users = Array.from({ length: 16 }, (_, i) => {
    const password = `correct horse battery staple #${i}`;
    return { password, stored: hashSync(password, { format: 'django', iterations: ITERATIONS }) };
  });

  // One set of instances per remote mode; the stages of the modes are interleaved (for each
  // concurrency and round: local, remote, remote-1-down) so that a noisy machine disturbs them alike.
  const pools = {};
  const started = [];
  for (const mode of MODES) {
    if (mode === 'local') {
      pools[mode] = createPool({ threads: LOCAL_THREADS });
      continue;
    }
    const instances = await Promise.all(Array.from({ length: INSTANCES }, startInstance));
    started.push(...instances);
    pools[mode] = createRemotePool({ endpoints: instances.map((i) => i.url), secret: SECRET, fallback: 'reject', timeoutMs: 30_000 });
    await stage(pools[mode], users, 2, 1); // warm-up: connections, threads
    if (mode === 'remote-1-down') await stop(instances[0]);
  }

  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const runs = Object.fromEntries(MODES.map((m) => [m, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of MODES) {
        const r = await stage(pools[mode], users, concurrency, DURATION_S);
        runs[mode].push(r);
        const extra = mode === 'local' ? '' : `  retries ${pools[mode].stats().retries}`;
        console.log(`${mode.padEnd(14)} c=${String(concurrency).padEnd(4)} ${r.perSecond.toFixed(1).padStart(6)} logins/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  wrong ${r.wrong} errors ${r.errors}  load ${os.loadavg()[0].toFixed(1)}${extra}`);
      }
    }
    for (const mode of MODES) {
      const median = (key) => runs[mode].map((r) => r[key]).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
      const wrong = runs[mode].reduce((n, r) => n + r.wrong, 0);
      const errors = runs[mode].reduce((n, r) => n + r.errors, 0);
      rows.push({ mode, concurrency, perSecond: median('perSecond'), p50: median('p50'), p99: median('p99'), wrong, errors });
    }
  }
  for (const pool of Object.values(pools)) pool.close();
  await Promise.all(started.map(stop));

  console.log(`\n${ROUNDS > 1 ? `medians of ${ROUNDS} rounds` : 'one round'}\n`);
  console.log('| mode | concurrency | logins/s | p50 | p99 | wrong answers / errors |\n|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.mode} | ${r.concurrency} | ${r.perSecond.toFixed(1)} | ${fmt(r.p50)} ms | ${fmt(r.p99)} ms | ${r.wrong} / ${r.errors} |`);
  }
  if (rows.some((r) => r.wrong > 0 || r.errors > 0)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
