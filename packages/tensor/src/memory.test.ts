import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createReferenceBackend } from './backends/reference/index.js';
import { normal, tensor } from './creation.js';
import { registerBackend, setBackend } from './engine.js';
import { HeapAllocator, JsAllocator, sizeClass } from './memory.js';
import { conv2d, conv2dBackwardData, conv2dBackwardFilter } from './ops/conv.js';
import { add, relu, thresholdBackward } from './ops/elementwise.js';
import { Rng } from './random.js';
import { tidy } from './scope.js';
import { useReference } from './testing/reference.js';
import { WebAssemblyApi } from './webassembly-api.js';

const newMemory = () => new WebAssemblyApi.Memory({ initial: 1, maximum: 1024, shared: true });

describe('sizeClass', () => {
  test('64-byte steps up to 1 KiB', () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    expect(sizeClass(1024)).toBe(1024);
    for (let b = 1; b <= 1024; b++) {
      const c = sizeClass(b);
      if (c % 64 !== 0 || c < b || c - b >= 64) expect.fail(`sizeClass(${b}) = ${c}`);
    }
  });

  test('above 1 KiB: 8 classes per power of two, so waste is at most 12.5%', () => {
    const rng = new Rng(1);
    const sizes = [1025, 1100, 2047, 2048, 2049, 4095, 65537, 1_000_000, 2 ** 31 - 1];
    for (let i = 0; i < 5000; i++) sizes.push(1025 + rng.int(2 ** 30));
    for (const b of sizes) {
      const c = sizeClass(b);
      if (c < b || (c - b) / b > 0.125 || sizeClass(c) !== c || c % 64 !== 0) expect.fail(`sizeClass(${b}) = ${c}`);
    }
    // Exactly 8 classes between 2^k and 2^(k+1).
    const classes = new Set<number>();
    for (let b = 4097; b <= 8192; b++) classes.add(sizeClass(b));
    expect(classes.size).toBe(8);
  });
});

describe('HeapAllocator', () => {
  test('blocks are 64-byte aligned views into the memory, and freed blocks are reused', () => {
    const memory = newMemory();
    const heap = new HeapAllocator(memory, 100);
    const a = heap.allocate(10, 'float32');
    expect(a.ptr % 64).toBe(0);
    expect(a.ptr).toBeGreaterThanOrEqual(100);
    expect(a.data.buffer).toBe(memory.buffer);
    a.data[3] = 42;
    expect(new Float32Array(memory.buffer, a.ptr, 10)[3]).toBe(42);
    const b = heap.allocate(10, 'float64');
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 64);
    a.free();
    a.free(); // a second free is ignored, not a double entry in the free list
    expect(heap.stats()).toMatchObject({ blocksInUse: 1, bytesCached: 64 });
    const c = heap.allocate(16, 'float32'); // same 64-byte class as a
    expect(c.ptr).toBe(a.ptr);
    const d = heap.allocate(16, 'float32');
    expect(d.ptr).not.toBe(a.ptr);
  });

  test('grows the memory when needed, and old views stay valid (shared memory does not detach)', () => {
    const memory = newMemory();
    const heap = new HeapAllocator(memory, 64);
    const small = heap.allocate(4, 'float32');
    small.data.set([1, 2, 3, 4]);
    const big = heap.allocate(300_000, 'float32'); // 1.2 MB > the initial 64 KiB page
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big.ptr + 1_200_000);
    big.data[299_999] = 5;
    expect(Array.from(small.data)).toEqual([1, 2, 3, 4]);
    expect(heap.stats().bytesInUse).toBe(sizeClass(16) + sizeClass(1_200_000));
  });

  test('10,000 allocate/free cycles of training-sized blocks keep memory flat', () => {
    const memory = newMemory();
    const heap = new HeapAllocator(memory, 64);
    // The blocks one forward/backward step of a small conv layer would use, in bytes.
    const step = [128 * 16 * 8 * 8, 16 * 16 * 9, 128 * 16 * 8 * 8, 16, 16, 128 * 16 * 8 * 8, 128 * 10, 77];
    const cycle = () => {
      const blocks = step.map((n) => heap.allocate(n, 'float32'));
      for (const b of blocks) b.free();
    };
    cycle();
    const after = heap.stats();
    for (let i = 1; i < 10_000; i++) cycle();
    const end = heap.stats();
    expect(end.memoryBytes).toBe(after.memoryBytes);
    expect(end.bytesCached).toBe(after.bytesCached);
    expect(end.blocksInUse).toBe(0);
    expect(end.bytesInUse).toBe(0);
  });

  test('JsAllocator makes plain typed arrays', () => {
    const s = new JsAllocator().allocate(3, 'float64');
    expect(s.data).toBeInstanceOf(Float64Array);
    expect(s.ptr).toBe(-1);
  });
});

describe('tensors in WebAssembly memory', () => {
  const heap = new HeapAllocator(newMemory(), 64);
  beforeAll(() => {
    useReference('float32');
    // The reference kernels with storage in WebAssembly memory, as the wasm backend keeps it.
    registerBackend('reference-heap', () => ({ ...createReferenceBackend(), name: 'reference-heap', allocator: heap }));
    setBackend('reference-heap');
  });
  afterAll(() => setBackend('reference'));

  test('10,000 forward/backward-sized ops under tidy keep memory flat', () => {
    const rng = new Rng(2);
    const x = normal([2, 3, 6, 6], rng);
    const w = normal([4, 3, 3, 3], rng);
    const b = tensor([0.1, 0.2, 0.3, 0.4]);
    const opts = { padding: 1 };
    const step = () =>
      tidy(() => {
        const y = conv2d(x, w, b, opts);
        const a = relu(y);
        const da = add(a, 1);
        const dy = thresholdBackward(y, da, 0);
        conv2dBackwardData(dy, w, x.shape, opts);
        conv2dBackwardFilter(x, dy, w.shape, opts); // dw and db: 7 ops per step, all disposed by tidy
      });
    step();
    const warm = heap.stats();
    for (let i = 1; i < 1430; i++) step();
    const end = heap.stats();
    expect(end.memoryBytes).toBe(warm.memoryBytes);
    expect(end.blocksInUse).toBe(warm.blocksInUse);
    expect(end.bytesInUse).toBe(warm.bytesInUse);
    expect(end.bytesCached).toBe(warm.bytesCached);
  });

  test('a block returns to the allocator only when its last view is disposed', () => {
    const before = heap.stats().blocksInUse;
    const t = tensor([1, 2, 3, 4, 5, 6]);
    const view = t.reshape([2, 3]);
    const row = view.slice(1);
    expect(heap.stats().blocksInUse).toBe(before + 1);
    t.dispose();
    view.dispose();
    expect(heap.stats().blocksInUse).toBe(before + 1);
    expect(Array.from(row.data)).toEqual([4, 5, 6]);
    row.dispose();
    expect(heap.stats().blocksInUse).toBe(before);
  });
});
