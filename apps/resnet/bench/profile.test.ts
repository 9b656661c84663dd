import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CpuProfile, categoryOf, profileMarkdown, summariseProfile, wasmFunctionNames } from './profile.js';

/**
 * A module with one imported function (index 0) and two of its own (1 and 2); function 2 is
 * exported as "run", function 1 is named "helper" in a name section when `withNames`.
 */
function tinyModule(withNames: boolean): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    0x01,
    0x04,
    0x01,
    0x60,
    0x00,
    0x00, // type section: () -> ()
    0x02,
    0x07,
    0x01,
    0x01,
    0x6d,
    0x01,
    0x66,
    0x00,
    0x00, // import "m" "f" as function of type 0
    0x03,
    0x03,
    0x02,
    0x00,
    0x00, // two functions of type 0
    0x07,
    0x07,
    0x01,
    0x03,
    0x72,
    0x75,
    0x6e,
    0x00,
    0x02, // export "run" = function 2
    0x0a,
    0x07,
    0x02,
    0x02,
    0x00,
    0x0b,
    0x02,
    0x00,
    0x0b, // two empty bodies
  ];
  if (withNames) {
    // custom section "name", subsection 1 (function names): 1 => "helper"
    bytes.push(
      0x00,
      0x10,
      0x04,
      0x6e,
      0x61,
      0x6d,
      0x65,
      0x01,
      0x09,
      0x01,
      0x01,
      0x06,
      0x68,
      0x65,
      0x6c,
      0x70,
      0x65,
      0x72,
    );
  }
  return Uint8Array.from(bytes);
}

describe('wasmFunctionNames', () => {
  it('maps function indices (imports first) to export names and name-section names', () => {
    expect(WebAssembly.validate(tinyModule(true))).toBe(true);
    expect([...wasmFunctionNames(tinyModule(false))]).toEqual([[2, 'run']]);
    expect(new Map(wasmFunctionNames(tinyModule(true)))).toEqual(
      new Map([
        [1, 'helper'],
        [2, 'run'],
      ]),
    );
  });

  it('names the unexported functions from a matching text format, and ignores one of another build', () => {
    const wat = [
      '(module',
      ' (import "m" "f" (func $m/f))',
      ' (export "run" (func $assembly/run))',
      ' (func $assembly/gemm/helper',
      ' )',
      ' (func $assembly/run',
      ' )',
      ')',
    ].join('\n');
    expect(new Map(wasmFunctionNames(tinyModule(false), wat))).toEqual(
      new Map([
        [1, 'gemm/helper'],
        [2, 'run'],
      ]),
    );
    // Functions swapped: "run" would be index 1, not 2 as in the binary.
    const other = wat.replace(
      ' (func $assembly/gemm/helper\n )\n (func $assembly/run\n )',
      ' (func $assembly/run\n )\n (func $assembly/gemm/helper\n )',
    );
    expect([...wasmFunctionNames(tinyModule(false), other)]).toEqual([[2, 'run']]);
    // One function more than the binary has.
    expect([...wasmFunctionNames(tinyModule(false), wat.replace(' )\n)', ' )\n (func $extra\n )\n)'))]).toEqual([
      [2, 'run'],
    ]);
  });

  it('rejects bytes that are not WebAssembly', () => {
    expect(() => wasmFunctionNames(new TextEncoder().encode('not wasm'))).toThrow(/not a WebAssembly module/);
  });

  it('agrees with V8 on the kernels of @funt/tensor (an exported function`s name property is its index)', () => {
    const dir = dirname(createRequire(import.meta.url).resolve('@funt/tensor/package.json'));
    const bytes = readFileSync(join(dir, 'build', 'kernels.wasm'));
    const module = new WebAssembly.Module(bytes);
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] =
        imp.kind === 'memory'
          ? new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true })
          : imp.kind === 'function'
            ? () => 0
            : 0;
    }
    const exports = new WebAssembly.Instance(module, imports).exports as Record<string, unknown>;
    const names = wasmFunctionNames(bytes);
    const functions = Object.entries(exports).filter(([, v]) => typeof v === 'function') as [
      string,
      { name: string },
    ][];
    expect(functions.length).toBeGreaterThan(5);
    for (const [exportName, fn] of functions) expect(names.get(Number(fn.name))).toBe(exportName);
  });
});

describe('summariseProfile', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  const OPS = 'file:///repo/packages/tensor/dist/ops/conv.js';
  const LAYERS = 'file:///repo/packages/layers/dist/spatial-convolution.js';
  // (root) → main → timeSteps → updateOutput (layers) → conv2d (ops) → wasm-function[2] → wasm-function[1]
  //                                                                    → fill (ops)
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 9, 10] },
      { id: 2, callFrame: frame('main', 'file:///repo/apps/resnet/bench/dist/bench/funt-step.js'), children: [3] },
      { id: 3, callFrame: frame('timeSteps', 'file:///repo/apps/resnet/bench/dist/bench/measure.js'), children: [4] },
      { id: 4, callFrame: frame('updateOutput', LAYERS), children: [5, 8] },
      { id: 5, callFrame: frame('conv2d', OPS), children: [6] },
      { id: 6, callFrame: frame('wasm-function[2]', 'wasm://wasm/abc'), children: [7] },
      { id: 7, callFrame: frame('wasm-function[1]', 'wasm://wasm/abc') },
      { id: 8, callFrame: frame('fill', 'file:///repo/packages/tensor/dist/ops/elementwise.js', 9) },
      { id: 9, callFrame: frame('(garbage collector)') },
      { id: 10, callFrame: frame('compileModule', 'node:internal/modules/esm/loader') },
    ],
    // 60 ms in the exported kernel, 20 ms in its helper, 10 ms in fill, 10 ms in GC and start-up each.
    samples: [6, 6, 6, 7, 8, 9, 10],
    timeDeltas: [20_000, 20_000, 20_000, 20_000, 10_000, 10_000, 10_000],
  };
  const names = new Map([[2, 'conv2d']]);

  it('counts only samples under the focus function, by self time, category, op and layer', () => {
    const s = summariseProfile(profile, names, { focus: 'timeSteps' });
    // Start-up has no timeSteps frame; garbage collection has no stack at all and counts anyway.
    expect(s.totalMs).toBeCloseTo(100, 9);
    expect(s.excludedMs).toBeCloseTo(10, 9);
    expect(s.self.map((r) => [r.label, Math.round(r.percent)])).toEqual([
      ['wasm conv2d', 60],
      ['wasm internal function #1 (inside conv2d)', 20],
      ['fill (tensor/dist/ops/elementwise.js:10)', 10],
      ['(garbage collector)', 10],
    ]);
    expect(s.self[0].callers).toBe('conv2d 100%');
    expect(s.categories.map((r) => [r.label, Math.round(r.ms)])).toEqual([
      ['WebAssembly kernels', 80],
      ['@funt/tensor (JS)', 10],
      ['garbage collection', 10],
    ]);
    expect(s.ops.map((r) => [r.label, Math.round(r.ms)])).toEqual([
      ['conv2d (ops/conv.js)', 80],
      ['fill (ops/elementwise.js)', 10],
    ]);
    expect(s.layers.map((r) => [r.label, Math.round(r.percent)])).toEqual([['spatial-convolution updateOutput', 90]]);
    expect(profileMarkdown(s)).toContain('| 60.0 | 60 | wasm conv2d | conv2d 100% |');
  });

  it('counts everything but idle time without a focus', () => {
    const s = summariseProfile(profile, names);
    expect(s.totalMs).toBeCloseTo(110, 9);
    expect(s.categories.map((r) => r.label)).toContain('garbage collection');
    // A worker's profile has no ops or layers on its stacks: those tables are left out.
    const worker = summariseProfile({ ...profile, samples: [8], timeDeltas: [1_000_000] }, names);
    const md = profileMarkdown({ ...worker, ops: [], layers: [] }, 'in the whole life of the worker');
    expect(md).toMatch(/^Profiled time: 1\.00 s of samples in the whole life of the worker\.$/m);
    expect(md).not.toContain('Ops by inclusive time');
    expect(md).not.toContain('under the ops');
    expect(categoryOf(frame('compileModule', 'node:internal/x'))).toBe('Node.js internals');
  });
});
