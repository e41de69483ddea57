// Reads `objdump -d --no-show-raw-insn` output (AArch64) on stdin and reports, per function, how many
// SHA instructions it holds and, for every loop (a backward branch), its size and the loads/stores in it.
// Usage: aarch64-linux-gnu-objdump -d --no-show-raw-insn x.o | node inspect-asm.mjs [--expect-no-sha]
//        [--loop-fn NAME ...]
// --expect-no-sha  exit 1 if any function holds a SHA instruction (for the baseline-compiled objects)
// --sha-only-in A,B,...  exit 1 if a function outside this list holds a SHA instruction
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const expectNoSha = args.includes('--expect-no-sha');
const onlyIdx = args.indexOf('--sha-only-in');
const shaAllowed = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;

const fns = new Map();
let cur = null;
for (const line of readFileSync(0, 'utf8').split('\n')) {
  const head = /^([0-9a-f]+) <([^>]+)>:$/.exec(line);
  if (head) {
    cur = { name: head[2], insns: [] };
    fns.set(cur.name, cur);
    continue;
  }
  const m = /^\s+([0-9a-f]+):\t(\S+)\s*(.*)$/.exec(line);
  if (m && cur) cur.insns.push({ addr: parseInt(m[1], 16), op: m[2], args: m[3] });
}

let bad = 0;
for (const fn of fns.values()) {
  const sha = fn.insns.filter((i) => /^sha(1|256|512)/.test(i.op));
  const byOp = {};
  for (const i of sha) byOp[i.op] = (byOp[i.op] || 0) + 1;
  const shaText = sha.length ? Object.entries(byOp).map(([k, v]) => `${k}:${v}`).join(' ') : 'none';
  console.log(`${fn.name}: ${fn.insns.length} insns; sha instructions: ${shaText}`);
  if (sha.length && (expectNoSha || (shaAllowed && !shaAllowed.has(fn.name)))) {
    console.log(`  ERROR: ${fn.name} holds SHA instructions`);
    bad++;
  }
  for (const br of fn.insns) {
    if (!/^(b|b\..+|cbz|cbnz|tbz|tbnz)$/.test(br.op)) continue;
    const target = /([0-9a-f]+) </.exec(br.args);
    if (!target) continue;
    const to = parseInt(target[1], 16);
    if (to >= br.addr) continue;
    const body = fn.insns.filter((i) => i.addr >= to && i.addr <= br.addr);
    const mem = body.filter((i) => /^(ld|st)/.test(i.op));
    const shaIn = body.filter((i) => /^sha/.test(i.op)).length;
    console.log(`  loop ${to.toString(16)}..${br.addr.toString(16)}: ${body.length} insns, ${shaIn} sha, ${mem.length} loads/stores`);
    for (const i of mem) console.log(`    ${i.addr.toString(16)}: ${i.op} ${i.args}`);
  }
}
if (bad) process.exit(1);
