/**
 * Test helpers shared by the test files (excluded from the build): small random batches for
 * fast-check, value multisets, and temporary folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DType, fromTypedArray, Rng, type Tensor, withBackend } from '@funt/tensor';
import fc from 'fast-check';

interface BatchSpec {
  n: number;
  c: number;
  h: number;
  w: number;
  seed: number;
}

/** Small batch shapes with a seed for their contents. */
export function batchSpec(limits: { n?: number; c?: number; h?: number; w?: number } = {}): fc.Arbitrary<BatchSpec> {
  return fc.record({
    n: fc.integer({ min: 1, max: limits.n ?? 4 }),
    c: fc.integer({ min: 1, max: limits.c ?? 3 }),
    h: fc.integer({ min: 1, max: limits.h ?? 9 }),
    w: fc.integer({ min: 1, max: limits.w ?? 9 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}

/** A batch of the spec's shape with uniform values in [lo, hi) (or integers in [lo, hi) when `integers`). */
export function makeBatch(
  spec: BatchSpec,
  options: { lo?: number; hi?: number; integers?: boolean; dtype?: DType } = {},
): Tensor {
  const { lo = 0, hi = 1, integers = false, dtype = 'float32' } = options;
  const rng = new Rng(spec.seed);
  const size = spec.n * spec.c * spec.h * spec.w;
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = integers ? lo + rng.int(hi - lo) : rng.uniform(lo, hi);
  // The wasm backend (the default) holds float32 only; float64 batches live on 'reference'.
  const make = () => fromTypedArray(values, [spec.n, spec.c, spec.h, spec.w], dtype);
  return dtype === 'float64' ? withBackend('reference', make) : make();
}

/** The values of a tensor as a plain array. */
export function valuesOf(t: Tensor): number[] {
  return Array.from(t.data);
}

/** Counts of each value. */
export function multiset(values: Iterable<number>): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** True when every value of `sub` occurs in `sup` at least as often. */
export function isSubMultiset(sub: Map<number, number>, sup: Map<number, number>): boolean {
  for (const [v, k] of sub) if ((sup.get(v) ?? 0) < k) return false;
  return true;
}

/** One image of a batch as a plain array. */
export function imageOf(t: Tensor, i: number): number[] {
  const size = t.size / t.shape[0];
  return Array.from(t.data.subarray(i * size, (i + 1) * size));
}

/** A fresh temporary folder; call the returned function to delete it. */
export function tempDir(prefix = 'funt-datasets-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs fn and returns what it threw (or fails the test if it did not throw). */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but none was thrown');
}
