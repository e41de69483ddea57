// Runs a snippet of JavaScript in a fresh node process (for register, env-variable and load tests).
import { spawnSync } from 'node:child_process';

import { packageRoot } from './load';

export function runNode(
  code: string,
  options: { esm?: boolean; env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const args = options.esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const result = spawnSync(process.execPath, args, {
    cwd: options.cwd ?? packageRoot,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}
