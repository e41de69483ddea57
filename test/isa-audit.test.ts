// The shipped binary must run on any x86-64 CPU: instructions beyond the x86-64 baseline (SSE2)
// may appear only in the functions that are called after CPU detection has found their features.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { packageRoot } from './load';

const binary = `${packageRoot}build/Release/fastpbkdf2.node`;
const objdump = spawnSync('objdump', ['--version']).status === 0;

// Mnemonics of SSSE3, SSE4.1, SHA, BMI1/2 and every VEX/EVEX-encoded instruction (AVX, AVX2,
// AVX-512), plus any use of YMM/ZMM or mask registers.
const beyondBaseline =
  /\t(sha1\w*|sha256\w*|rorx|sarx|shlx|shrx|andn|bextr|blsr|blsi|blsmsk|bzhi|pdep|pext|pshufb|palignr|pextr[dq]|pinsr[dq]|pblend\w*|ptest|pmin[us][dq]|pmax[us][dq]|pmulld|v\w+)\s|%[yz]mm\d|%k[0-7]/;

// Functions that run only behind a CPUID check (native/backends_x86.c, native/cpu_x86.c).
const gated = /^(fp_sha(1|256)_iterate[24]?_shani(512)?|sha(1|256|512)_iterate_bmi2|fp_sha(1|256|512)_iterate_(avx2|avx512y?|vsched512|vsched2|hybrid))(\.\w+)*$/;

describe.runIf(process.arch === 'x64' && objdump && existsSync(binary))('instruction-set audit of the x86-64 binary', () => {
  it('has no instruction beyond baseline x86-64 outside CPU-gated functions', () => {
    const out = spawnSync('objdump', ['-d', '--no-show-raw-insn', binary], { encoding: 'utf8', maxBuffer: 1 << 30 });
    expect(out.status).toBe(0);
    const offenders = new Map<string, string>();
    const gatedSeen = new Set<string>();
    let fn = '';
    for (const line of out.stdout.split('\n')) {
      const header = /^[0-9a-f]+ <(.+)>:$/.exec(line);
      if (header) {
        fn = header[1];
        continue;
      }
      if (!beyondBaseline.test(line)) continue;
      if (gated.test(fn)) gatedSeen.add(fn.split('.')[0]);
      else if (!offenders.has(fn)) offenders.set(fn, line.trim());
    }
    expect(Object.fromEntries(offenders)).toEqual({});
    // and the accelerated code is really there
    for (const f of ['fp_sha256_iterate_shani', 'fp_sha1_iterate2_shani', 'sha512_iterate_bmi2', 'fp_sha256_iterate_avx512', 'fp_sha512_iterate_vsched512', 'fp_sha512_iterate_vsched2', 'fp_sha256_iterate_vsched2', 'fp_sha1_iterate_vsched512', 'fp_sha256_iterate4_shani', 'fp_sha256_iterate4_shani512', 'fp_sha512_iterate_hybrid']) {
      expect(gatedSeen, f).toContain(f);
    }
  });
});
