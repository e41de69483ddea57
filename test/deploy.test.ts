// The deploy recipes in deploy/, checked as far as a machine without a container engine or an AWS
// account allows: the Dockerfiles statically (no compiler or system packages, non-root, secret at run
// time, exec-form commands that the CLI accepts), the SAM template against the handler it names (run
// on synthetic events, installed as in the deployment package), and the local multi-instance script
// run for real. The image's command itself runs in the pack test, on an install without a compiler.
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { packageRoot } from './load';
import { applicationDir, removeApplicationDir } from './service-instances';

const deploy = path.join(packageRoot, 'deploy');
const cli = path.join(packageRoot, 'dist', 'service', 'cli.js');
const usage = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout;

afterAll(() => removeApplicationDir());

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions, comments dropped and continuation lines joined. */
function instructions(file: string): Instruction[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(l)!;
      return { keyword: keyword.toUpperCase(), args };
    });
}

/** The CLI arguments of an exec-form command, checked against the CLI's own usage text. */
function expectKnownCommand(argv: string[]) {
  expect(argv[0]).toBe('node_modules/.bin/fastpbkdf2');
  expect(['serve', 'health']).toContain(argv[1]);
  for (const flag of argv.filter((a) => a.startsWith('--'))) expect(usage, flag).toContain(flag);
}

describe.each(['debian', 'alpine'])('deploy/docker/Dockerfile.%s', (flavour) => {
  const file = path.join(deploy, 'docker', `Dockerfile.${flavour}`);
  const steps = instructions(file);
  const of = (keyword: string) => steps.filter((s) => s.keyword === keyword);

  it('uses the official Node image of its flavour and installs no compiler or system package', () => {
    expect(of('FROM')).toHaveLength(1);
    expect(of('FROM')[0].args).toMatch(flavour === 'debian' ? /^node:\d+-\w+-slim$/ : /^node:\d+-alpine$/);
    for (const run of of('RUN')) {
      expect(run.args).not.toMatch(/\b(apt-get|apt|apk|yum|dnf|microdnf)\b/);
      expect(run.args).not.toMatch(/\b(gcc|g\+\+|clang|make|python3?|build-essential|build-base|node-gyp)\b/);
      expect(run.args).toMatch(/npm (install|ci) .*--omit=dev/);
    }
  });

  it('copies only files of its build context, runs as a non-root user, and takes the secret at run time', () => {
    for (const copy of of('COPY')) {
      for (const source of copy.args.split(/\s+/).slice(0, -1)) expect(fs.existsSync(path.join(deploy, 'docker', source)), source).toBe(true);
    }
    const user = steps.findIndex((s) => s.keyword === 'USER');
    expect(user).toBeGreaterThan(steps.findIndex((s) => s.keyword === 'RUN'));
    expect(steps[user].args).not.toMatch(/^(root|0)(:|$)/);
    for (const s of [...of('ARG'), ...of('ENV')]) expect(s.args).not.toMatch(/SECRET/i);
  });

  it('serves on the exposed port, with a health check, in exec form with options the CLI knows', () => {
    const cmd = JSON.parse(of('CMD')[0].args) as string[];
    expectKnownCommand(cmd);
    expect(cmd.slice(1, 2)).toEqual(['serve']);
    expect(cmd[cmd.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(of('EXPOSE')[0].args).toBe(cmd[cmd.indexOf('--port') + 1]);
    const health = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(of('HEALTHCHECK')[0].args)!;
    const probe = JSON.parse(health[1]) as string[];
    expectKnownCommand(probe);
    expect(probe[probe.indexOf('--url') + 1]).toBe(`http://127.0.0.1:${of('EXPOSE')[0].args}`);
  });

  it('differs from the other flavour only in its base image and comments', () => {
    const other = instructions(path.join(deploy, 'docker', `Dockerfile.${flavour === 'debian' ? 'alpine' : 'debian'}`));
    expect(steps.filter((s) => s.keyword !== 'FROM')).toEqual(other.filter((s) => s.keyword !== 'FROM'));
  });
});

describe('deploy/lambda', () => {
  const template = fs.readFileSync(path.join(deploy, 'lambda', 'template.yaml'), 'utf8');
  const field = (name: string) => new RegExp(`^\\s+${name}:\\s*(.+)$`, 'm').exec(template)?.[1].trim();

  it('names a Node.js runtime, an architecture with a prebuild, and the settings the handler reads', () => {
    expect(field('Runtime')).toMatch(/^nodejs(2\d|[3-9]\d)\.x$/);
    expect(['[arm64]', '[x86_64]']).toContain(field('Architectures'));
    expect(field('CodeUri')).toBe('.');
    const lambdaSource = fs.readFileSync(path.join(packageRoot, 'src', 'service', 'lambda.ts'), 'utf8');
    const variables = [...template.matchAll(/^\s+(FASTPBKDF2_\w+):/gm)].map((m) => m[1]);
    expect(variables).toContain('FASTPBKDF2_SERVICE_SECRET');
    for (const v of variables) expect(lambdaSource, v).toContain(v);
  });

  it('its handler (index.handler), installed next to fastpbkdf2 as in the deployment package, answers signed events', () => {
    const [file, exported] = field('Handler')!.split('.');
    const app = applicationDir();
    fs.copyFileSync(path.join(deploy, 'lambda', `${file}.mjs`), path.join(app, `${file}.mjs`));
    const secret = crypto.randomBytes(32).toString('hex');
    const body = JSON.stringify({ password: 'cHc=', salt: 'c2FsdA==', iterations: 1000, keylen: 32, digest: 'sha256' });
    const script = `
      import { ${exported} } from './${file}.mjs';
      import { signRequest } from 'fastpbkdf2/service';
      const ts = String(Date.now());
      const sig = signRequest(Buffer.from(process.env.FASTPBKDF2_SERVICE_SECRET), 'POST', '/pbkdf2', ts, Buffer.from(${JSON.stringify(body)}));
      const event = { version: '2.0', rawPath: '/pbkdf2', isBase64Encoded: true, body: Buffer.from(${JSON.stringify(body)}).toString('base64'),
        headers: { 'x-fastpbkdf2-timestamp': ts, 'x-fastpbkdf2-signature': sig }, requestContext: { stage: '$default', http: { method: 'POST' } } };
      const answers = [await ${exported}(event), await ${exported}({ ...event, headers: {} })];
      console.log(JSON.stringify(answers.map((a) => [a.statusCode, JSON.parse(a.body)])));
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      env: { ...process.env, FASTPBKDF2_SERVICE_SECRET: secret, FASTPBKDF2_THREADS: '1' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const [ok, unsigned] = JSON.parse(r.stdout);
    expect(ok).toEqual([200, { key: crypto.pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256').toString('base64') }]);
    expect(unsigned[0]).toBe(401);
  });
});

describe('deploy/local/instances.sh', () => {
  it.skipIf(process.platform === 'win32')('starts N instances of the bin (what npx fastpbkdf2 serve runs) and stops them all on SIGTERM', async () => {
    const basePort = 20_000 + crypto.randomInt(20_000);
    const child = spawn('sh', [path.join(deploy, 'local', 'instances.sh'), '2'], {
      cwd: applicationDir(),
      env: { ...process.env, BASE_PORT: String(basePort), FASTPBKDF2_SERVICE_SECRET: crypto.randomBytes(32).toString('hex') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while ((out.match(/listening on/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain(`http://127.0.0.1:${basePort + 1}`);
      expect(out).toContain(`http://127.0.0.1:${basePort + 2}`);
      child.kill('SIGTERM');
      await exited;
      const deadlineStop = Date.now() + 10_000;
      while ((out.match(/stopping/g) ?? []).length < 2 && Date.now() < deadlineStop) await new Promise((r) => setTimeout(r, 100));
      expect(out.match(/stopping/g)).toHaveLength(2);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
