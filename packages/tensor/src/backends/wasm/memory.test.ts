import { describe, expect, it } from 'vitest';
import {
  add,
  conv2d,
  conv2dBackwardData,
  conv2dBackwardFilter,
  Rng,
  relu,
  Tensor,
  uniform,
  wasmMemoryStats,
  withBackend,
} from '../../index.js';
import { nodePlatform } from '../../platform/node.js';
import { wasm } from '../../testing/wasm-vs-reference.js';

/** One small forward/backward step: conv → relu → residual add → both conv gradients. */
function step(x: Tensor, w: Tensor, b: Tensor): Tensor[] {
  const y = conv2d(x, w, b, { padding: 1 });
  const r = relu(y);
  const s = add(r, y);
  const dx = conv2dBackwardData(s, w, x.shape, { padding: 1 });
  const { dw, db } = conv2dBackwardFilter(x, s, w.shape, { padding: 1 });
  return [y, r, s, dx, dw, db!];
}

describe('wasm memory', () => {
  it('keeps the heap flat over 10,000 ops when every result is disposed', () => {
    withBackend('wasm', () => {
      const rng = new Rng(1);
      const x = uniform([2, 3, 8, 8], rng, -1, 1);
      const w = uniform([4, 3, 3, 3], rng, -1, 1);
      const b = uniform([4], rng, -1, 1);
      for (let i = 0; i < 20; i++) for (const t of step(x, w, b)) t.dispose(); // warm-up
      const before = wasmMemoryStats();
      for (let i = 0; i < 2000; i++) for (const t of step(x, w, b)) t.dispose(); // 5 ops × 2000
      const after = wasmMemoryStats();
      expect(after.bytesInUse).toBe(before.bytesInUse);
      expect(after.blocksInUse).toBe(before.blocksInUse);
      expect(after.memoryBytes).toBe(before.memoryBytes);
      expect(after.scratchArenaBytes).toBe(before.scratchArenaBytes);
    });
  });

  it('keeps the heap flat over 10,000 ops writing into reused outputs', () => {
    withBackend('wasm', () => {
      const rng = new Rng(2);
      const x = uniform([2, 3, 8, 8], rng, -1, 1);
      const w = uniform([4, 3, 3, 3], rng, -1, 1);
      const y = conv2d(x, w, null, { padding: 1 });
      const r = relu(y);
      const dx = conv2dBackwardData(y, w, x.shape, { padding: 1 });
      const before = wasmMemoryStats();
      for (let i = 0; i < 2500; i++) {
        conv2d(x, w, null, { padding: 1 }, y);
        relu(y, r);
        add(r, y, r);
        conv2dBackwardData(r, w, x.shape, { padding: 1 }, dx);
      }
      expect(wasmMemoryStats()).toEqual(before);
    });
  });

  it('releases forgotten tensors through the FinalizationRegistry safety net after GC', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('this test needs node --expose-gc (set in vitest.config.ts)');
    /** Collects until bytesInUse stops changing (earlier tests left garbage of their own). */
    const settle = async (): Promise<number> => {
      let last = -1;
      for (let round = 0; round < 100; round++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
        const now = wasmMemoryStats().bytesInUse;
        if (now === last) return now;
        last = now;
      }
      return last;
    };
    const before = await settle();
    (() => {
      for (let i = 0; i < 50; i++) Tensor.empty([10_000], 'float32', wasm()); // never disposed
    })();
    expect(wasmMemoryStats().bytesInUse).toBeGreaterThanOrEqual(before + 50 * 40_000);
    expect(await settle()).toBe(before);
  });

  it('keeps typed-array views valid when the shared memory grows', () => {
    const t = Tensor.empty([1000], 'float32', wasm());
    t.data.set(Array.from({ length: 1000 }, (_, i) => i));
    const grown = wasmMemoryStats().memoryBytes;
    const big = Tensor.empty([grown / 4 + 1_000_000], 'float32', wasm()); // forces the memory to grow
    expect(wasmMemoryStats().memoryBytes).toBeGreaterThan(grown);
    expect(t.data[999]).toBe(999);
    t.data[0] = -1;
    expect(new Float32Array(t.data.buffer, t.ptr, 1)[0]).toBe(-1);
    big.dispose();
    t.dispose();
  });

  it('grows the kernel scratch arena once, then reuses it', () => {
    withBackend('wasm', () => {
      const rng = new Rng(3);
      const x = uniform([1, 8, 20, 20], rng, -1, 1);
      const w = uniform([8, 8, 5, 5], rng, -1, 1);
      conv2d(x, w, null).dispose();
      const grownTo = wasmMemoryStats().scratchArenaBytes;
      expect(grownTo).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) conv2d(x, w, null).dispose();
      expect(wasmMemoryStats().scratchArenaBytes).toBe(grownTo);
    });
  });

  it('tells the user to run the build when the kernels are missing', () => {
    expect(() => nodePlatform.readBytesSync(new URL('file:///nonexistent/funt/kernels.wasm'))).toThrow(/pnpm build/);
  });
});
