import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVELS, loadBinding } from './binding.js';
import { skipReason, status } from './testing/tensor-sources.js';

/**
 * The instruction levels: the one this project runs (vitest.config.ts sets FUNT_NATIVE_LEVEL per
 * project), a bad FUNT_NATIVE_LEVEL, and that the AVX-512 build's instructions stay in its own
 * namespace, so that a CPU with AVX2 alone never meets one.
 */

const addon = join(import.meta.dirname, '..', 'build', 'Release', 'funt_native.node');

describe.skipIf(skipReason !== null)('the instruction levels', () => {
  it('runs the level FUNT_NATIVE_LEVEL names, at most the CPU best', () => {
    if (!status.available) throw new Error('unreachable');
    const best = status.binding.cpuLevel() as (typeof LEVELS)[number];
    expect(LEVELS).toContain(best);
    expect(status.cpu).toBe(process.env.FUNT_NATIVE_LEVEL || best);
    expect(LEVELS.indexOf(status.cpu as (typeof LEVELS)[number])).toBeLessThanOrEqual(LEVELS.indexOf(best));
  });

  it('refuses a level it does not know, naming the variable', () => {
    const r = loadBinding({ FUNT_NATIVE_LEVEL: 'sse9' });
    expect(r.available).toBe(false);
    if (!r.available) expect(r.reason).toMatch(/FUNT_NATIVE_LEVEL=sse9 is not a level this CPU runs \(avx2/);
    if (!status.available) return;
    const binding = status.binding;
    expect(() => binding.setLevel('sse9')).toThrow(/unknown level/);
  });

  it('keeps every AVX-512 instruction inside funt::avx512', (ctx) => {
    const dump = spawnSync('objdump', ['-d', '-C', '--no-show-raw-insn', addon], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (dump.error || dump.status !== 0) {
      console.warn(`skipped: objdump does not run here (${dump.error?.message ?? dump.stderr.trim()})`);
      ctx.skip();
      return;
    }
    // zmm, mask and the upper 16 xmm/ymm registers exist only with AVX-512 (EVEX encoding).
    const evex = /%zmm|%k[1-7]\b|%[xy]mm(1[6-9]|2\d|3[01])\b/;
    const functions = new Set<string>();
    let current = '';
    let wide = 0;
    for (const line of dump.stdout.split('\n')) {
      const head = /^[0-9a-f]+ <(.*)>:$/.exec(line);
      if (head) current = head[1];
      else if (evex.test(line)) {
        functions.add(current);
        if (current.startsWith('funt::avx512::') || current.includes(' funt::avx512::')) wide++;
      }
    }
    const outside = [...functions].filter((f) => !/(^|[ <(])funt::avx512::/.test(f));
    expect(outside).toEqual([]);
    expect(wide).toBeGreaterThan(100); // and the AVX-512 build does use them
  });
});
