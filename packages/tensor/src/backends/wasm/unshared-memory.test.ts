import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebAssemblyApi } from '../../webassembly-api.js';
import { chooseKernelBuild } from './kernel-builds.js';
import type { Kernels } from './kernels.js';
import { passiveData } from './segments.js';
import { unsharedMemoryImport } from './unshared-memory.js';

const distIndex = fileURLToPath(new URL('../../../dist/index.js', import.meta.url));

/**
 * A child Node process that runs a convolution's forward and both gradients and a batch norm on
 * seeded inputs and prints a digest of every output's bits and the memory size. With
 * `refuseShared`, WebAssembly.Memory throws for shared memories, as Firefox and Safari do in a
 * page that is not cross-origin isolated.
 */
function run(refuseShared: boolean): { digest: string; memoryBytes: number } {
  const code = [
    refuseShared
      ? "const Real = WebAssembly.Memory; WebAssembly.Memory = function (d) { if (d.shared) throw new TypeError('shared memory is disabled'); return new Real(d); };"
      : '',
    `const t = await import('${distIndex}');`,
    // The build this vitest project tests (FUNT_KERNELS), as the setup file allows it here.
    't.enableRelaxedSimd();',
    'const rng = new t.Rng(7);',
    'const x = t.uniform([16, 8, 12, 12], rng, -1, 1);',
    'const w = t.uniform([8, 8, 3, 3], rng, -1, 1);',
    'const y = t.conv2d(x, w, null, { padding: 1 });',
    'const dx = t.conv2dBackwardData(y, w, x.shape, { padding: 1 });',
    'const { dw } = t.conv2dBackwardFilter(x, y, w.shape, { padding: 1 });',
    'const outs = [y, dx, dw];',
    "const { createHash } = await import('node:crypto');",
    "const h = createHash('sha256'); for (const o of outs) h.update(new Uint8Array(o.data.buffer, o.data.byteOffset, o.data.byteLength));",
    "console.log(JSON.stringify({ digest: h.digest('hex'), memoryBytes: t.wasmMemoryStats().memoryBytes }));",
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, FUNT_THREADS: '2' },
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

describe('unshared memory (engines that refuse shared memory)', () => {
  it('only the import changes: the module instantiates on an unshared memory and runs', () => {
    const bytes = new Uint8Array(readFileSync(fileURLToPath(chooseKernelBuild().url)));
    const { binary, segments } = passiveData(bytes);
    const unshared = unsharedMemoryImport(binary);
    expect(unshared.length).toBe(binary.length);
    expect(unshared.reduce((n, b, i) => n + (b !== binary[i] ? 1 : 0), 0)).toBe(1);
    const memory = new WebAssemblyApi.Memory({ initial: 4, maximum: 4 });
    expect(() => new WebAssemblyApi.Instance(new WebAssemblyApi.Module(binary), { env: { memory } })).toThrow();
    const view = new Uint8Array(memory.buffer);
    for (const s of segments) view.set(s.bytes, s.offset);
    const k = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(unshared), { env: { memory } })
      .exports as unknown as Kernels;
    const at = 65536 * 2;
    const values = new Float32Array(memory.buffer as ArrayBuffer, at, 4);
    values.set([0, 1, -2, 0.5]);
    k.unary(1, at, at, 4); // exp, in place: reads Mathf's tables from the static data
    expect(Array.from(values)).toEqual([0, 1, -2, 0.5].map((v) => Math.fround(Math.exp(v))));
  });

  it('gives the same bits on a fixed unshared memory (one thread) as on the shared one (two)', () => {
    const shared = run(false);
    const unshared = run(true);
    expect(unshared.digest).toBe(shared.digest);
    expect(unshared.memoryBytes).toBe(16384 * 65536);
    expect(shared.memoryBytes).toBeLessThan(unshared.memoryBytes);
  });
});
