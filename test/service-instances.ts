// Starts fastpbkdf2/service instances the way the README documents it, `npx fastpbkdf2 serve`, from a
// throwaway application directory whose node_modules holds this package (as `npm install fastpbkdf2`
// would), each on a free port of 127.0.0.1. Used by the service tests and the service load test.
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { packageRoot } from './load';

export interface Instance {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

let appDir: string | undefined;

/** An application directory with fastpbkdf2 "installed" (a link to this checkout and its bin). */
export function applicationDir(): string {
  if (appDir) return appDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fastpbkdf2-app-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { fastpbkdf2: '*' } }));
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(packageRoot, path.join(dir, 'node_modules', 'fastpbkdf2'), 'dir');
  const bin = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).bin.fastpbkdf2 as string;
  const shim = path.join(dir, 'node_modules', '.bin', 'fastpbkdf2');
  fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(dir, 'node_modules', 'fastpbkdf2', bin)}" "$@"\n`, { mode: 0o755 });
  appDir = dir;
  return dir;
}

/** Removes the application directory (after the instances are gone). */
export function removeApplicationDir(): void {
  if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
  appDir = undefined;
}

/**
 * `npx fastpbkdf2 serve --port 0 ...args`; resolves once it prints the URL it listens on. With
 * `npx: false`, runs the same bin with node directly (quicker to start, for extra instances).
 */
export function startInstance(
  secret: string,
  args: string[] = [],
  env: Record<string, string> = {},
  { npx = true } = {},
): Promise<Instance> {
  const bin = path.join(applicationDir(), 'node_modules', '.bin', 'fastpbkdf2');
  const command = npx ? ['npx', '--offline', '--no-install', 'fastpbkdf2'] : [bin];
  const child = spawn(command[0], [...command.slice(1), 'serve', '--port', '0', ...args], {
    cwd: applicationDir(),
    env: { ...process.env, FASTPBKDF2_SERVICE_SECRET: secret, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: npx runs the service as a child, and kill() must reach both.
    detached: true,
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code}: ${err}`));
    });
  });
}

/** Kills an instance (npx and the service) at once with SIGKILL, no graceful shutdown, and waits. */
export function kill(instance: Instance): Promise<void> {
  return new Promise((resolve) => {
    if (instance.child.exitCode !== null || instance.child.signalCode !== null) return resolve();
    instance.child.once('exit', () => resolve());
    process.kill(-instance.child.pid!, 'SIGKILL');
  });
}
