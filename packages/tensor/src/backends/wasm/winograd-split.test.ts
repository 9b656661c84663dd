import { afterEach, describe, expect, it, vi } from 'vitest';
import { conv2d, Rng, uniform, withBackend } from '../../index.js';
import { useTwoThreads } from '../../testing/threads.js';
import { wasmRuntime } from './kernels.js';
import type { Job } from './threads/job.js';
import { POOL_KERNELS } from './threads/settings.js';
import { ThreadPool } from './threads/thread-pool.js';

/**
 * How a Winograd convolution is split over the threads: images of one quad of tiles in pairs,
 * so that no range fills its GEMM panels only half. FUNT_PARALLEL_MIN_NS=0 (vitest.config.ts)
 * splits even these small calls.
 */

useTwoThreads();

/** The multiple of images the ranges of a forward 3×3, padding 1 convolution of this shape start at. */
function rangeImages(N: number, C: number, O: number, H: number, W: number): number {
  const rt = wasmRuntime();
  const ptr = rt.heap.allocateBytes(128);
  try {
    new Int32Array(rt.memory.buffer as ArrayBuffer, ptr, 32).set([N, C, H, W, O, 3, 3, 1, 1, 1, 1, H, W]);
    return rt.kernels.winogradRangeImages(ptr, 0);
  } finally {
    rt.heap.freeBytes(ptr, 128);
  }
}

/** The range boundaries of every conv2dWinograd job posted to the pool while `run` runs. */
function winogradJobs(run: () => void): number[][] {
  const starts: number[][] = [];
  const kernel = POOL_KERNELS.indexOf('conv2dWinograd');
  const original = ThreadPool.prototype.run;
  const spy = vi.spyOn(ThreadPool.prototype, 'run').mockImplementation(function (this: ThreadPool, job: Job, ...rest) {
    if (job.kernel === kernel) starts.push([...job.starts]);
    return original.call(this, job, ...rest);
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return starts;
}

describe('wasm Winograd convolution on two threads', () => {
  afterEach(() => vi.restoreAllMocks());

  it('splits a batch of one-quad images at even images, other batches anywhere', () => {
    // 8 × 8 images with 64 channels: one 2 × 2 quad of F(4×4) tiles per image.
    const [N, C, O, H, W] = [13, 64, 64, 8, 8];
    const pair = rangeImages(N, C, O, H, W);
    expect(pair).toBe(2);
    // 16 × 16 images: four quads each, any split keeps the panels full.
    expect(rangeImages(N, 32, 32, 16, 16)).toBe(1);
    const rng = new Rng(3);
    const jobs = winogradJobs(() =>
      withBackend('wasm', () => {
        conv2d(uniform([N, C, H, W], rng, -1, 1), uniform([O, C, 3, 3], rng, -1, 1), null, { padding: 1 }).dispose();
      }),
    );
    expect(jobs.length).toBe(1);
    const starts = jobs[0];
    expect(starts.length).toBeGreaterThan(2);
    expect(starts.at(-1)).toBe(N);
    for (const s of starts.slice(0, -1)) expect(s % pair, `range start ${s} of ${starts.join(', ')}`).toBe(0);
  });
});
