import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebAssemblyApi } from '../../webassembly-api.js';
import { chooseKernelBuild } from './kernel-builds.js';
import type { Kernels } from './kernels.js';
import { passiveData } from './segments.js';

const kernelsBinary = () => new Uint8Array(readFileSync(fileURLToPath(chooseKernelBuild().url)));

/** A minimal module: one imported shared memory, then `sections` (id, payload bytes). */
function moduleWith(sections: [number, number[]][]): Uint8Array {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  // import section: ("env" "memory" (memory shared 1 1))
  const imp = [1, 3, ...Buffer.from('env'), 6, ...Buffer.from('memory'), 0x02, 0x03, 1, 1];
  const bytes = [...header, 2, imp.length, ...imp];
  for (const [id, payload] of sections) bytes.push(id, payload.length, ...payload);
  return Uint8Array.from(bytes);
}

describe('passiveData', () => {
  it("finds the kernels' static data and leaves a module that instantiates without writing memory", () => {
    const { binary, segments } = passiveData(kernelsBinary());
    expect(segments.length).toBeGreaterThan(0);
    // Run again on the result: nothing active is left.
    expect(passiveData(binary).segments).toEqual([]);

    const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 65536, shared: true });
    const bytes = new Uint8Array(memory.buffer);
    for (const s of segments) bytes.set(s.bytes, s.offset);
    const module = new WebAssemblyApi.Module(binary);
    const first = new WebAssemblyApi.Instance(module, { env: { memory } }).exports as unknown as Kernels;
    for (const s of segments) expect(s.offset + s.bytes.length).toBeLessThanOrEqual(first.heapBase());
    // Scribble over the static data, as a kernel running in another thread could see it if a
    // second instantiation re-initialised it; instantiating again must leave the scribble alone.
    for (const s of segments) bytes.fill(0xab, s.offset, s.offset + s.bytes.length);
    new WebAssemblyApi.Instance(module, { env: { memory } });
    for (const s of segments)
      expect(bytes.subarray(s.offset, s.offset + s.bytes.length).every((b) => b === 0xab)).toBe(true);
  });

  it("keeps the kernels working: exp reads Mathf's tables from the segments written once", () => {
    const { binary, segments } = passiveData(kernelsBinary());
    const memory = new WebAssemblyApi.Memory({ initial: 2, maximum: 65536, shared: true });
    const bytes = new Uint8Array(memory.buffer);
    for (const s of segments) bytes.set(s.bytes, s.offset);
    const k = new WebAssemblyApi.Instance(new WebAssemblyApi.Module(binary), { env: { memory } })
      .exports as unknown as Kernels;
    const at = 65536;
    const values = new Float32Array(memory.buffer as ArrayBuffer, at, 4);
    values.set([0, 1, -2, 0.5]);
    k.unary(1, at, at, 4); // exp, in place
    expect(Array.from(values)).toEqual([0, 1, -2, 0.5].map((v) => Math.fround(Math.exp(v))));
  });

  it('rewrites an active segment as passive and returns its offset and bytes', () => {
    // data section: one active segment at i32.const 300 (LEB 0xac 0x02) holding 1, 2, 3
    const m = moduleWith([[11, [1, 0, 0x41, 0xac, 0x02, 0x0b, 3, 1, 2, 3]]]);
    const { binary, segments } = passiveData(m);
    expect(segments).toEqual([{ offset: 300, bytes: Uint8Array.from([1, 2, 3]) }]);
    expect(Array.from(binary.subarray(binary.length - 8))).toEqual([11, 6, 1, 1, 3, 1, 2, 3]);
    expect(WebAssemblyApi.validate(binary)).toBe(true);
  });

  it('refuses a start function and offsets that are not constants, saying why', () => {
    // type section () -> (), function section, start section, code section
    const withStart = moduleWith([
      [1, [1, 0x60, 0, 0]],
      [3, [1, 0]],
      [8, [0]],
      [10, [1, 2, 0, 0x0b]],
    ]);
    expect(() => passiveData(withStart)).toThrow(/start function, which would run again in every worker thread/);
    // offset given by global.get 0
    const globalOffset = moduleWith([[11, [1, 0, 0x23, 0, 0x0b, 0]]]);
    expect(() => passiveData(globalOffset)).toThrow(/data segment 0 has an offset that is not an i32.const/);
  });
});
