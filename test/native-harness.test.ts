// The C core on its own, without Node: test/native/harness.c runs 2019 node:crypto-generated cases
// (test/native/vectors.txt, RFC 6070/7914 included) through every backend this CPU can run.
// The same harness runs under qemu for arm64 (test/native/run-arm64.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { packageRoot } from './load';

const cc = process.env.CC ?? 'cc';
const haveCc = spawnSync(cc, ['--version']).status === 0;

describe.runIf(haveCc)('native C harness', () => {
  it('every available backend matches node:crypto on the committed vectors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fastpbkdf2-harness-'));
    try {
      const exe = join(dir, 'harness');
      const native = join(packageRoot, 'native');
      const sources = ['harness.c'].map((f) => join(packageRoot, 'test/native', f));
      // The C core: binding.gyp's C sources, as the addon builds them (tools/sanitize.mjs does the same).
      const gyp = JSON.parse(readFileSync(join(packageRoot, 'binding.gyp'), 'utf8')).targets[0].sources as string[];
      const core = gyp.filter((f) => f.endsWith('.c')).map((f) => join(packageRoot, f));
      const build = spawnSync(cc, ['-O2', `-I${native}`, '-o', exe, ...sources, ...core], {
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync(exe, [join(packageRoot, 'test/native/vectors.txt')], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stdout + run.stderr).toBe(0);
      const last = run.stdout.trim().split('\n').at(-1)!;
      const [, passed, failed] = /^(\d+) passed, (\d+) failed$/.exec(last) ?? [];
      expect(Number(failed)).toBe(0);
      expect(Number(passed)).toBeGreaterThanOrEqual(2019 * 2); // at least one accelerated path and portable
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
