// Load test of the login server with each hashing backend (npm run loadtest in the repository root).
//
//   node examples/login-server/loadtest.mjs [--quick] [--duration 10] [--stages 2,4,8,16,32,64,256@1]
//        [--backends node,fastpbkdf2,remote,remote-1-down] [--max-wait-ms 300] [--max-queue N] [--threads N]
//        [--priority below-normal|normal|low] [--wait-quiet 120] [--out results/x.json]
//
// For each backend: start server.mjs on 127.0.0.1 (a free port), warm up, then for each stage run
// its clients (driver.mjs) for a fixed time: "64" is 64 connections in a closed loop (each sends its next login when
// the previous one is answered), "256@1" is 256 connections sending at most 1 login/s each (clients
// that honour Retry-After: 1); a "/T" suffix ("420@1/0.5") makes the clients give up on a login
// after T seconds (they close the connection, as a load balancer's timeout does). Meanwhile a worker thread probes GET /health on a new connection every
// 10 ms. Logins mix valid credentials (60%), wrong passwords (20%) and unknown users (20%); every
// answer is checked (200 for valid, 401 otherwise). Before a stage it waits until the server has no
// login in flight and (up to --wait-quiet s) until other processes leave the machine idle, and it
// reports how much CPU other processes used during each stage.
// All traffic goes to 127.0.0.1; every phase is bounded in time.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import { drive, requestBytes } from './driver.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------------------------------------
// /health probe (worker thread: its own event loop, so the load generator cannot delay it)

function healthProbe({ port, intervalMs, timeoutMs }) {
  const samples = [];
  let failures = 0;
  let stop = false;
  parentPort.on('message', () => (stop = true));
  const once = () =>
    new Promise((resolve) => {
      const t0 = process.hrtime.bigint();
      // A new connection per probe, as a load balancer or kubelet health check does.
      const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
          else failures++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        failures++;
        resolve();
      });
    });
  (async () => {
    while (!stop) {
      const started = Date.now();
      await once();
      const wait = intervalMs - (Date.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    parentPort.postMessage({ samples, failures });
    parentPort.close(); // lets the thread end
  })();
}

// ---------------------------------------------------------------------------------------------
// helpers

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function getJson(port, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
    req.on('error', reject);
  });
}

/** Busy and total CPU time of the whole machine so far, in ms (Linux; undefined elsewhere). */
function machineCpu() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    return { busy: (user + nice + system + irq + softirq + steal) * tick, total: (user + nice + system + idle + iowait + irq + softirq + steal) * tick };
  } catch {
    return undefined;
  }
}

/**
 * Waits (at most limitMs) until the rest of the machine is quiet: less than `threshold` percent of all
 * cores busy over one second, while our server is idle. Returns that percentage.
 */
async function waitQuiet(threshold, limitMs) {
  const start = Date.now();
  for (let announced = false; ; ) {
    const a = machineCpu();
    if (!a) return NaN;
    await sleep(1000);
    const b = machineCpu();
    const busy = (100 * (b.busy - a.busy)) / (b.total - a.total);
    if (busy < threshold || Date.now() - start > limitMs) return busy;
    if (!announced) console.log(`  (machine busy with other work: ${busy.toFixed(0)}% of all cores; waiting up to ${limitMs / 1000} s)`);
    announced = true;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fmt(n, digits = 0) {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ms(n) {
  if (n === undefined || Number.isNaN(n)) return 'n/a';
  return n >= 100 ? `${fmt(n)} ms` : n >= 10 ? `${fmt(n, 1)} ms` : `${fmt(n, 2)} ms`;
}

function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function ensureInstalled() {
  const require = createRequire(path.join(HERE, 'package.json'));
  const missing = () => {
    try {
      require('better-sqlite3'); // also loads its native binding
      return false;
    } catch {
      return true;
    }
  };
  if (missing()) {
    console.log('installing the example\'s dependencies (better-sqlite3 compiles from source, 1-2 minutes) ...');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', HERE, '--no-audit', '--no-fund'], { stdio: 'inherit' });
    if (r.status !== 0 || missing()) throw new Error('npm install --prefix examples/login-server failed');
  }
  return require;
}

async function machineInfo(fast) {
  const cpus = os.cpus();
  const models = [...new Set(cpus.map((c) => c.model.trim()))].join(', ');
  let kind = '';
  try {
    kind = / hypervisor /.test(fs.readFileSync('/proc/cpuinfo', 'utf8')) ? 'VM' : 'bare metal';
  } catch {}
  return {
    date: new Date().toISOString(),
    cpu: models,
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    kind,
    node: process.version,
    openssl: process.versions.openssl,
    platform: `${process.platform}-${process.arch}`,
    fastpbkdf2: fast.isNative() ? `native, ${fast.cpuPath()}` : 'NOT NATIVE (falls back to node:crypto)',
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
// server process

// Backends remote and remote-1-down: the login server hashes through fastpbkdf2/remote on two
// instances of fastpbkdf2/service (the package's bin, `fastpbkdf2 serve`), each with the threads a
// local pool would get; for remote-1-down the first is killed before the server starts, so every
// stage runs with one instance down (its calls fail over to the other). The hashing then happens in
// the instances: "server CPU" is the login server's alone, and the instances' counts as "other CPU".
const SERVICE_BIN = path.join(HERE, '..', '..', 'dist', 'service', 'cli.js');

function startInstance(secret, threads) {
  const args = [SERVICE_BIN, 'serve', '--port', '0', '--max-queue', '256', ...(threads ? ['--threads', String(threads)] : [])];
  const child = spawn(process.execPath, args, { env: { ...process.env, FASTPBKDF2_SERVICE_SECRET: secret }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`service instance exited with ${code}`)));
  });
}

async function startServer(backend, opts) {
  if (backend !== 'remote' && backend !== 'remote-1-down') return startLoginServer(backend, opts, {});
  const secret = crypto.randomBytes(32).toString('hex');
  const instances = await Promise.all([0, 1].map(() => startInstance(secret, opts.threads)));
  if (backend === 'remote-1-down') await stopServer(instances[0]);
  const env = { REMOTE_ENDPOINTS: instances.map((i) => i.url).join(','), FASTPBKDF2_SERVICE_SECRET: secret, REMOTE_TIMEOUT_MS: '30000' };
  const server = await startLoginServer('remote', opts, env);
  return { ...server, instances };
}

function startLoginServer(backend, opts, extraEnv) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv, HASH_BACKEND: backend, PORT: '0', HOST: '127.0.0.1', MAX_QUEUE: opts.maxQueue, MAX_WAIT_MS: opts.maxWaitMs };
    if (opts.threads) env.THREADS = String(opts.threads);
    if (opts.priority !== undefined) env.HASH_PRIORITY = opts.priority;
    const child = spawn(process.execPath, [path.join(HERE, 'server.mjs')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${backend} server did not start within 20 s`));
    }, 20_000);
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      for (let nl; (nl = buffer.indexOf('\n')) >= 0; ) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg.event === 'listening') {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stdout.resume(); // keep draining its output
          resolve({ child, port: msg.port, description: msg.description });
        }
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${backend} server exited with code ${code} before listening`));
    });
  });
}

async function stopServer(server) {
  await Promise.all((server.instances ?? []).map(stopServer));
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => false), sleep(10_000).then(() => true)]);
  if (killed) {
    server.child.kill('SIGKILL');
    await exited;
  }
}

async function waitIdle(port, limitMs) {
  const start = Date.now();
  for (;;) {
    const s = await getJson(port, '/stats');
    if (s.inFlight === 0) return Date.now() - start;
    if (Date.now() - start > limitMs) return NaN;
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// one stage: `connections` clients for `duration` s, /health probed throughout

function parseStage(spec) {
  const m = /^(\d+)(?:@(\d+(?:\.\d+)?))?(?:\/(\d+(?:\.\d+)?))?$/.exec(spec.trim());
  if (!m || Number(m[1]) < 1) throw new Error(`bad stage ${JSON.stringify(spec)}: expected CONNECTIONS[@RATE][/CLIENT_TIMEOUT_S]`);
  return { connections: Number(m[1]), rate: m[2] ? Number(m[2]) : undefined, clientTimeout: m[3] ? Number(m[3]) : undefined };
}

const stageName = ({ connections, rate, clientTimeout }) =>
  (rate ? `${connections} @ ${rate}/s each` : `${connections}`) + (clientTimeout ? `, give up after ${clientTimeout} s` : '');

function loginMix(users) {
  // 60% valid credentials, 20% wrong password of a real user, 20% unknown user.
  const r = Math.random();
  const i = 1 + Math.floor(Math.random() * users.count);
  if (r < 0.6) return { expect: 200, body: { username: users.username(i), password: users.passwordOf(i) } };
  if (r < 0.8) return { expect: 401, body: { username: users.username(i), password: `${users.passwordOf(i)}!` } };
  return { expect: 401, body: { username: `nobody${i}`, password: users.passwordOf(i) } };
}

/**
 * A stage: `connections` keep-alive connections for `duration` s (driver.mjs). Without a rate (closed
 * loop) each connection sends its next login as soon as the previous one is answered, so a server
 * that answers 503 at once is asked again at once: a flood. With `rate` (stage spec "256@1") each
 * connection sends at most `rate` logins per second, like clients that honour Retry-After, the
 * connections starting spread over one interval, as independent clients arrive.
 */
const WARM_UP_MS = 1000;

async function runStage(port, stage, duration, requests, { drain = true } = {}) {
  const { connections, rate, clientTimeout } = stage;
  const before = await getJson(port, '/stats?reset=1');
  const probe = new Worker(fileURLToPath(import.meta.url), { workerData: { port, intervalMs: 10, timeoutMs: 2000 } });
  const probeDone = new Promise((resolve, reject) => {
    probe.once('message', resolve);
    probe.once('error', reject);
  });
  await sleep(50);

  const latency = { verified: [], rejected: [] };
  const status = {};
  let wrong = 0;
  let steadyLogins = 0; // answered after the first WARM_UP_MS
  const loadBefore = os.loadavg()[0];
  const machineBefore = machineCpu();
  const driverBefore = process.cpuUsage();
  const started = performance.now();
  const counts = await drive(
    {
      port,
      connections,
      rate,
      timeoutS: clientTimeout ?? 10,
      durationS: duration,
      next: () => requests[Math.floor(Math.random() * requests.length)],
    },
    (code, time, expect, at) => {
      status[code] = (status[code] ?? 0) + 1;
      if (code === 200 || code === 401) {
        latency.verified.push(time);
        if (at >= WARM_UP_MS) steadyLogins++;
        if (code !== expect) wrong++;
      } else if (code === 503) latency.rejected.push(time);
    },
  );
  const result = { duration: (performance.now() - started) / 1000, errors: counts.errors, timeouts: counts.timeouts };

  const machineAfter = machineCpu();
  const driverCpu = process.cpuUsage(driverBefore);
  probe.postMessage('stop');
  const health = await probeDone;
  await probe.terminate();
  const after = await getJson(port, '/stats');
  // A stage whose clients gave up is drained (at most 60 s) so that the hashes completed for them
  // afterwards are counted too.
  const drainMs = drain || clientTimeout ? await waitIdle(port, 60_000) : NaN;
  const drained = clientTimeout ? await getJson(port, '/stats') : after;

  const verified = latency.verified.sort((a, b) => a - b);
  const rejected = latency.rejected.sort((a, b) => a - b);
  const hs = health.samples.sort((a, b) => a - b);
  const cpuMs = cpuMsDuring(before, after);
  const serverLogins = Object.values(after.counters).reduce((a, b) => a + b, 0) - Object.values(before.counters).reduce((a, b) => a + b, 0);
  const count = (c) => status[c] ?? 0;
  const non2xx = Object.entries(status).reduce((n, [c, k]) => (c[0] === '2' ? n : n + k), 0);
  return {
    stage: stageName(stage),
    connections,
    rate,
    duration: result.duration,
    // Logins still being hashed or queued in the server when the stage ended (not in the latencies).
    unansweredAtEnd: after.inFlight,
    // Over the stage less its first second, while the clients of a rate-limited stage arrive (and a
    // closed loop's first hashes run): every stage is measured at its steady rate.
    loginsPerSec: duration > WARM_UP_MS / 1000 ? steadyLogins / (duration - WARM_UP_MS / 1000) : verified.length / result.duration,
    verified: verified.length,
    ok200: count(200),
    denied401: count(401),
    rejected503: count(503),
    otherNon2xx: non2xx - count(401) - count(503),
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    wrongAnswers: wrong,
    // Logins whose client had gone before the answer: hashed to the end anyway, or stopped.
    hashedForGone: (drained.gone?.hashed ?? 0) - (before.gone?.hashed ?? 0),
    abortedForGone: (drained.gone?.aborted ?? 0) - (before.gone?.aborted ?? 0),
    loginP50: percentile(verified, 50),
    loginP99: percentile(verified, 99),
    loginMax: verified.at(-1),
    // The same logins timed inside the server (request received to answer written).
    serverLoginP99: after.answerMs?.p99 ?? NaN,
    rejectP99: percentile(rejected, 99),
    // The same refusals timed inside the server (request received to 503 written).
    serverRejectP99: after.refusalMs?.p99 ?? NaN,
    healthProbes: hs.length,
    healthFailures: health.failures,
    healthP50: percentile(hs, 50),
    healthP99: percentile(hs, 99),
    healthMax: hs.at(-1),
    eventLoopDelayP99: Math.max(0, after.eventLoopDelayMs.p99 - 10), // the monitor's 10 ms resolution removed
    serverCpuPercent: (100 * cpuMs) / (result.duration * 1000),
    // The event loop's thread alone (HTTP, JSON, SQLite, answers; Linux).
    eventLoopCpuPercent: after.eventLoopCpuMs === undefined ? NaN : (100 * (after.eventLoopCpuMs - before.eventLoopCpuMs)) / (result.duration * 1000),
    // All server CPU (hashing threads + event loop) per request the server answered (incl. drain).
    serverCpuMsPerRequest: serverLogins > 0 ? cpuMs / serverLogins : NaN,
    pairedSteps: (after.pool.pairedSteps ?? 0) - (before.pool.pairedSteps ?? 0),
    drainMs,
    loadavg1: loadBefore,
    driverCpuPercent: ((driverCpu.user + driverCpu.system) / 1000 / (result.duration * 1000)) * 100,
    // CPU used by everything except this server and this driver: other people's work on a shared machine.
    otherCpuPercent: machineBefore
      ? Math.max(0, ((machineAfter.busy - machineBefore.busy - cpuMsDuring(before, after) - (driverCpu.user + driverCpu.system) / 1000) / (result.duration * 1000)) * 100)
      : NaN,
  };
}

function cpuMsDuring(before, after) {
  return (after.cpuUsageMicros.user + after.cpuUsageMicros.system - before.cpuUsageMicros.user - before.cpuUsageMicros.system) / 1000;
}

// ---------------------------------------------------------------------------------------------
// report

function stageTable(stages) {
  return markdownTable(
    [
      'connections',
      'logins/s',
      'login p50',
      'login p99',
      '/health p50',
      '/health p99',
      '/health max',
      '200',
      '401',
      '503 (rejected)',
      '503 p99',
      'other non-2xx',
      'errors (timeouts) / unanswered at end',
      'wrong answers',
      'hashed for gone clients / stopped',
      'server CPU',
      'other CPU',
    ],
    stages.map((s) => [
      s.stage,
      `**${fmt(s.loginsPerSec, 1)}**`,
      ms(s.loginP50),
      `${ms(s.loginP99)} (server ${ms(s.serverLoginP99)})`,
      ms(s.healthP50),
      `**${ms(s.healthP99)}**`,
      ms(s.healthMax) + (s.healthFailures ? ` (${s.healthFailures} failed)` : ''),
      fmt(s.ok200),
      fmt(s.denied401),
      fmt(s.rejected503),
      s.rejected503 ? `${ms(s.rejectP99)} (server ${ms(s.serverRejectP99)})` : '–',
      fmt(s.otherNon2xx),
      `${s.errors} (${s.timeouts}) / ${s.unansweredAtEnd}`,
      s.wrongAnswers,
      `${fmt(s.hashedForGone)} / ${fmt(s.abortedForGone)}`,
      `${fmt(s.serverCpuPercent)}%`,
      `${fmt(s.otherCpuPercent)}%`,
    ]),
  );
}

function comparison(results) {
  const node = results.node?.stages;
  const fast = results.fastpbkdf2?.stages;
  if (!node || !fast) return { text: '', targets: {} };
  const lines = [];
  const rows = node.map((n) => {
    const f = fast.find((s) => s.stage === n.stage);
    return [
      n.stage,
      fmt(n.loginsPerSec, 1),
      f ? fmt(f.loginsPerSec, 1) : 'n/a',
      f ? `**${fmt(f.loginsPerSec / n.loginsPerSec, 2)}x**` : 'n/a',
      ms(n.loginP99),
      f ? ms(f.loginP99) : 'n/a',
      ms(n.healthP99),
      f ? ms(f.healthP99) : 'n/a',
    ];
  });
  lines.push(
    markdownTable(
      ['connections', 'node logins/s', 'fastpbkdf2 logins/s', 'ratio', 'node login p99', 'fastpbkdf2 login p99', 'node /health p99', 'fastpbkdf2 /health p99'],
      rows,
    ),
  );

  // Throughput at the same latency: for each node stage that served without errors, the best
  // fastpbkdf2 stage whose login p99 is no worse.
  const same = [];
  for (const n of node) {
    if (n.errors > 0 || n.verified === 0) continue;
    const candidates = fast.filter((f) => f.loginP99 <= n.loginP99 && f.errors === 0 && f.verified > 0);
    if (candidates.length === 0) continue;
    const best = candidates.reduce((a, b) => (b.loginsPerSec > a.loginsPerSec ? b : a));
    same.push({ node: n, fast: best, ratio: best.loginsPerSec / n.loginsPerSec });
  }
  if (same.length) {
    lines.push('');
    lines.push('Logins/s at the same (or better) login p99:');
    lines.push('');
    lines.push(
      markdownTable(
        ['node: connections, logins/s, p99', 'fastpbkdf2: connections, logins/s, p99', 'ratio'],
        same.map((s) => [
          `${s.node.stage}, ${fmt(s.node.loginsPerSec, 1)}/s, ${ms(s.node.loginP99)}`,
          `${s.fast.stage}, ${fmt(s.fast.loginsPerSec, 1)}/s, ${ms(s.fast.loginP99)}`,
          `**${fmt(s.ratio, 2)}x**`,
        ]),
      ),
    );
  }
  const disturbed = [...node, ...fast].filter((s) => s.otherCpuPercent > 10);
  const peak = (stages) => Math.max(...stages.map((s) => s.loginsPerSec));
  const worstHealth = Math.max(...fast.map((s) => s.healthP99));
  const targets = {
    peakRatio: peak(fast) / peak(node),
    sameP99Ratio: same.length ? Math.min(...same.map((s) => s.ratio)) : NaN,
    fastHealthP99Max: worstHealth,
    nodeHealthP99Max: Math.max(...node.map((s) => s.healthP99)),
  };
  lines.push('');
  lines.push(
    `Target >= 3x node's logins/s at the same p99: ${same.length ? `${fmt(targets.sameP99Ratio, 2)}x at worst over the matched stages` : 'no matching stages'}` +
      ` (peak vs peak: ${fmt(targets.peakRatio, 2)}x) -> ${targets.sameP99Ratio >= 3 ? 'MET' : 'NOT MET'}`,
  );
  lines.push(
    `Target /health p99 < 10 ms throughout (fastpbkdf2): worst stage ${ms(worstHealth)} -> ${worstHealth < 10 ? 'MET' : 'NOT MET'}` +
      ` (node backend: worst ${ms(targets.nodeHealthP99Max)})`,
  );
  if (disturbed.length) {
    lines.push(
      `WARNING: other processes used more than 10% of a core during ${disturbed.length} stage(s) ` +
        `(${disturbed.map((s) => `${fmt(s.otherCpuPercent)}%`).join(', ')}); rerun on a quiet machine before trusting these numbers`,
    );
  }
  return { text: lines.join('\n'), targets };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      stages: { type: 'string', default: '2,4,8,16,32,64,256@1' },
      backends: { type: 'string', default: 'node,fastpbkdf2' },
      'max-queue': { type: 'string', default: process.env.MAX_QUEUE || '' },
      'max-wait-ms': { type: 'string', default: process.env.MAX_WAIT_MS || '300' },
      threads: { type: 'string', default: process.env.THREADS || '' },
      out: { type: 'string' },
      // Before each stage, wait up to this many seconds for other processes to calm down (0: don't).
      'wait-quiet': { type: 'string', default: '120' },
      // priority of fastpbkdf2's hashing threads (server.mjs HASH_PRIORITY); default: the server's, below-normal.
      priority: { type: 'string' },
    },
  });
  const duration = Number(values.duration ?? (values.quick ? 3 : 10));
  const stages = values.stages.split(',').map(parseStage);
  const backends = values.backends.split(',');
  const maxQueue = values['max-queue'];
  const maxWaitMs = values['max-wait-ms'];
  const threads = values.threads ? Number(values.threads) : undefined;
  const quietLimit = Number(values['wait-quiet']);
  if (!(duration > 0) || backends.some((b) => !['node', 'fastpbkdf2', 'remote', 'remote-1-down'].includes(b))) {
    throw new Error('bad arguments; see the header of loadtest.mjs');
  }

  const fast = await import('../../esm/index.mjs').catch((err) => {
    throw new Error(`fastpbkdf2 is not built (run npm install in the repository root): ${err.message}`);
  });
  if (backends.some((b) => b !== 'node') && !fast.isNative()) {
    throw new Error('the fastpbkdf2 native addon is not loaded (build it: npm run compile in the repository root); the comparison would be meaningless');
  }
  const require = ensureInstalled();
  const users = await import('./users.mjs');
  const dbPath = users.DEFAULT_DB;
  if (!fs.existsSync(dbPath)) {
    console.log(`seeding ${dbPath} (${users.DEFAULT_USERS} users, ${users.DEFAULT_ITERATIONS} iterations) ...`);
    const r = spawnSync(process.execPath, [path.join(HERE, 'seed.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('seeding failed');
  }
  const Database = require('better-sqlite3');
  const db = new Database(dbPath, { readonly: true });
  const userCount = db.prepare('SELECT count(*) FROM auth_user').pluck().get();
  const sample = db.prepare('SELECT password FROM auth_user LIMIT 1').pluck().get();
  db.close();
  const userSet = { count: userCount, username: users.username, passwordOf: users.passwordOf };
  // Logins prepared as bytes, drawn at random by the clients (the mix of loginMix()).
  const requests = Array.from({ length: 4096 }, () => {
    const { expect, body } = loginMix(userSet);
    return { expect, bytes: requestBytes('/login', body) };
  });

  const machine = await machineInfo(fast);
  const header = [
    `# login-server load test, ${machine.date}`,
    '',
    `machine: ${machine.cpu}, ${machine.cores} cores (${machine.kind}), ${machine.platform}; Node ${machine.node}, OpenSSL ${machine.openssl}; fastpbkdf2 ${machine.fastpbkdf2}`,
    `load average at start: ${machine.loadavg}`,
    `users: ${userCount}, stored as ${sample.split('$').slice(0, 2).join('$')}$…; mix: 60% valid, 20% wrong password, 20% unknown user`,
    `stages (connections): ${stages.map(stageName).join('; ')}; ${duration} s each; driver.mjs, closed loop unless a rate is given; ` +
      '/health probed every 10 ms on a new connection',
  ].join('\n');
  console.log(header);

  const results = {};
  for (const backend of backends) {
    const server = await startServer(backend, { maxQueue, maxWaitMs, threads, priority: values.priority });
    try {
      // Warm-up: a few logins, so the first stage does not pay for start-up.
      await runStage(server.port, { connections: 2 }, 1, requests);
      const idle = await new Promise((resolve, reject) => {
        const probe = new Worker(fileURLToPath(import.meta.url), { workerData: { port: server.port, intervalMs: 10, timeoutMs: 2000 } });
        probe.once('message', resolve);
        probe.once('error', reject);
        setTimeout(() => probe.postMessage('stop'), 1000);
      });
      const idleSorted = idle.samples.sort((a, b) => a - b);
      const rows = [];
      console.log(`\n## ${backend}: ${server.description}`);
      console.log(`/health when idle: p50 ${ms(percentile(idleSorted, 50))}, p99 ${ms(percentile(idleSorted, 99))}`);
      for (const [k, stage] of stages.entries()) {
        const busyBefore = quietLimit > 0 ? await waitQuiet(15, quietLimit * 1000) : NaN;
        const s = await runStage(server.port, stage, duration, requests, { drain: k < stages.length - 1 });
        s.machineBusyBeforePercent = busyBefore;
        rows.push(s);
        console.log(
          `  ${s.stage.padStart(4)} connections: ${fmt(s.loginsPerSec, 1)} logins/s, p50 ${ms(s.loginP50)}, p99 ${ms(s.loginP99)} (in the server ${ms(s.serverLoginP99)}); ` +
            `/health p99 ${ms(s.healthP99)} (${s.healthFailures} failed); 503: ${s.rejected503} (p99 ${ms(s.rejectP99)}, in the server ${ms(s.serverRejectP99)}); errors ${s.errors}; wrong ${s.wrongAnswers}; ` +
            `CPU ${fmt(s.serverCpuPercent)}% (event loop ${fmt(s.eventLoopCpuPercent)}%), ${fmt(s.serverCpuMsPerRequest, 1)} ms/request; loop delay p99 ${ms(s.eventLoopDelayP99)}; ` +
            `${s.unansweredAtEnd} unanswered at end; client timeouts ${s.timeouts}, hashed for gone clients ${s.hashedForGone}, stopped ${s.abortedForGone}` +
            (k < stages.length - 1 ? `, drained in ${Number.isNaN(s.drainMs) ? '>60 s' : `${fmt(s.drainMs)} ms`}; ` : '; ') +
            `driver CPU ${fmt(s.driverCpuPercent)}%, other processes ${fmt(s.otherCpuPercent)}%`,
        );
      }
      results[backend] = { description: server.description, idleHealthP99: percentile(idleSorted, 99), stages: rows };
      console.log('');
      console.log(stageTable(rows));
      console.log('');
      const hashedForGone = rows.reduce((n, r) => n + r.hashedForGone, 0);
      const timedOut = rows.reduce((n, r) => n + r.timeouts, 0);
      if (timedOut) {
        console.log(
          `clients that gave up: ${fmt(timedOut)}; hashes completed for them after they had gone: ${fmt(hashedForGone)}` +
            ` (stopped: ${fmt(rows.reduce((n, r) => n + r.abortedForGone, 0))})`,
        );
      }
      console.log(
        `other CPU: used by other processes than this server and this driver during the stage, in % of one core (${os.cpus().length} cores = ${os.cpus().length * 100}%); ` +
          'more than a few % means the numbers are disturbed',
      );
    } finally {
      await stopServer(server);
    }
  }

  const { text, targets } = comparison(results);
  if (text) {
    console.log('\n## comparison\n');
    console.log(text);
  }
  console.log(`\nload average at end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

  const out = values.out ?? path.join(HERE, 'results', `loadtest-${machine.date.replace(/[:.]/g, '-')}${values.quick ? '-quick' : ''}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ machine, options: { duration, stages, maxQueue, maxWaitMs, threads }, results, targets }, null, 2));
  console.log(`results: ${path.relative(process.cwd(), out)}`);
}

if (isMainThread) await main();
else healthProbe(workerData);
