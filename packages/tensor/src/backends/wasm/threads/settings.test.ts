import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, Rng, Tensor, uniform, withBackend } from '../../../index.js';
import { reference } from '../../../testing/wasm-vs-reference.js';
import { wasmRuntime } from '../kernels.js';
import { currentPool, getThreads, POOL_KERNELS, setThreads, threadPool, threadsReady } from './settings.js';

const threadsBefore = getThreads();
const distIndex = fileURLToPath(new URL('../../../../dist/index.js', import.meta.url));

/**
 * Runs a short ES module in a child Node process (importing the built package) and returns it.
 * The child loads its default build of the kernels (FUNT_KERNELS unset): it does not turn on
 * relaxed SIMD as this process's setup file does.
 */
function child(code: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    env: { ...process.env, FUNT_THREADS: '', FUNT_KERNELS: '', ...env },
    timeout: 60_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A child's module code: import the built package as `t`, start 2 threads, make an input x of
 * `shape` and 8 → 8 3×3 weights w (seeded), then run `body`.
 */
function convChild(shape: number[], body: string[]): string {
  return [
    `import('${distIndex}').then(async (t) => {`,
    '  t.setThreads(2); await t.threadsReady();',
    `  const x = t.uniform([${shape.join(', ')}], new t.Rng(1), -1, 1);`,
    '  const w = t.uniform([8, 8, 3, 3], new t.Rng(2), -1, 1);',
    ...body.map((line) => `  ${line}`),
    '});',
  ].join('\n');
}

beforeAll(async () => {
  setThreads(2);
  await threadsReady();
});

afterAll(() => setThreads(threadsBefore));

describe('thread count', () => {
  it("defaults to the machine's cores, so the other tests run their kernels on 2 threads here", () => {
    if (process.env.FUNT_THREADS) {
      console.log(`skipped: FUNT_THREADS=${process.env.FUNT_THREADS} is set, so the default is not in use`);
      return;
    }
    expect(threadsBefore).toBe(Math.min(availableParallelism(), 64));
    expect(availableParallelism(), 'this suite is meant to run its kernels threaded').toBeGreaterThanOrEqual(2);
  });

  it('setThreads checks its argument and names itself', () => {
    for (const bad of [0, -1, 1.5, NaN, 65, '2' as unknown as number]) {
      expect(() => setThreads(bad)).toThrow(/setThreads: expected a whole number of threads from 1 to 64, got/);
    }
    expect(getThreads()).toBe(2);
  });

  it('FUNT_THREADS sets the default, and a bad value is an error naming it', () => {
    const code = `import('${distIndex}').then((t) => console.log(t.getThreads()))`;
    expect(child(code, { FUNT_THREADS: '1' }).stdout.trim()).toBe('1');
    expect(child(code, { FUNT_THREADS: '3' }).stdout.trim()).toBe('3');
    const bad = child(code, { FUNT_THREADS: 'two' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/FUNT_THREADS must be a whole number of threads from 1 to 64, got 'two'/);
  });

  it('FUNT_THREAD_POLL_US sets how long threads poll before sleeping; 0 still runs jobs; a bad value names it', () => {
    const code = convChild(
      [16, 8, 12, 12],
      [
        'const a = t.conv2d(x, w, null, { padding: 1 });',
        't.setThreads(1);',
        'const b = t.conv2d(x, w, null, { padding: 1 });',
        'console.log(a.data.every((v, i) => v === b.data[i]) ? "same" : "differs");',
      ],
    );
    for (const us of ['0', '50', '']) {
      const r = child(code, { FUNT_THREAD_POLL_US: us, FUNT_PARALLEL_MIN_NS: '0' });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe('same');
    }
    const bad = child(code, { FUNT_THREAD_POLL_US: 'soon' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/FUNT_THREAD_POLL_US must be a number of microseconds from 0 to 1000000, got 'soon'/);
  });

  it('one thread starts no pool; changing the count replaces the pool', async () => {
    setThreads(1);
    expect(threadPool()).toBeNull();
    setThreads(2);
    const pool = threadPool()!;
    expect(pool.threads).toBe(2);
    await threadsReady();
    expect(pool.readyWorkers).toBe(1);
    setThreads(3);
    expect(threadPool()).not.toBe(pool);
    expect(threadPool()!.threads).toBe(3);
    setThreads(2);
    await threadsReady();
  });
});

/** A fill job over `n` floats at `ptr` (unit: one float), split into ranges of `chunk`. */
function fillJob(ptr: number, value: number, n: number, chunk: number) {
  const starts = [];
  for (let s = 0; s < n; s += chunk) starts.push(s);
  starts.push(n);
  return {
    kernel: POOL_KERNELS.indexOf('fill'),
    args: [ptr, value, n],
    unitBytes: [4, 0, 0],
    countArg: 2,
    starts,
    scratch: 0,
    slotBytes: 0,
  };
}

describe('the thread pool', () => {
  it('runs ranges on the workers too, and a job only the workers take still completes', () => {
    const pool = threadPool()!;
    const heap = wasmRuntime().heap;
    const n = 4096;
    const ptr = heap.allocateBytes(n * 4);
    try {
      const view = () => new Float32Array(wasmRuntime().memory.buffer as ArrayBuffer, ptr, n);
      const before = pool.rangesRun();
      pool.run(fillJob(ptr, 3, n, 256), 'fill', false);
      expect(view().every((v) => v === 3)).toBe(true);
      const after = pool.rangesRun();
      expect(after[0]).toBe(before[0]); // the caller took no range
      expect(after[1] - before[1]).toBe(16); // worker 1 took all 16
      pool.run(fillJob(ptr, -1, n, 100), 'fill');
      expect(view().every((v) => v === -1)).toBe(true);
    } finally {
      heap.freeBytes(ptr, n * 4);
    }
  });

  it('reports a kernel that fails in a worker as an error of the call, naming the kernel and range', () => {
    const pool = threadPool()!;
    // Past the end of memory: the wasm store traps (RuntimeError) in whichever thread runs it.
    const beyond = wasmRuntime().memory.buffer.byteLength + 4096;
    expect(() => pool.run(fillJob(beyond, 1, 64, 16), 'fill', false)).toThrow(
      /^wasm\.fill: range \[\d+, \d+\) failed in kernel worker 1: RuntimeError: memory access out of bounds/,
    );
    // The same failure in the calling thread's share of the work.
    expect(() => pool.run(fillJob(beyond, 1, 64, 16), 'fill')).toThrow(
      /^wasm\.fill: range \[\d+, \d+\) failed in (the calling thread|kernel worker 1): RuntimeError/,
    );
    // The pool is still usable afterwards.
    const x = uniform([4, 3, 9, 9], new Rng(3), -1, 1);
    const w = uniform([5, 3, 3, 3], new Rng(4), -1, 1);
    const y = withBackend('wasm', () => conv2d(x, w, null, { padding: 1 }));
    const yr = Tensor.empty(y.shape, 'float32', reference());
    reference().conv2d(toReference(x), toReference(w), null, yr, { strideH: 1, strideW: 1, padH: 1, padW: 1 });
    let diff = 0;
    for (let i = 0; i < y.size; i++) diff = Math.max(diff, Math.abs(y.data[i] - yr.data[i]));
    expect(diff).toBeLessThan(1e-5);
  });

  it('lets a process that used the threads exit normally (the workers do not keep it alive)', () => {
    const code = convChild(
      [64, 8, 16, 16],
      ['const y = t.conv2d(x, w, null, { padding: 1 });', 'console.log("done", y.shape.join("x"), t.getThreads());'],
    );
    const started = Date.now();
    const r = child(code);
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('done 64x8x16x16 2');
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('keeps the pool for the process: currentPool is the one kernels use', () => {
    expect(currentPool()).toBe(threadPool());
  });
});

function toReference(t: Tensor): Tensor {
  const r = Tensor.empty(t.shape, 'float32', reference());
  r.data.set(t.data);
  return r;
}
