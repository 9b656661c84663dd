/** Small helpers shared by the kernel files; all inline. Addresses are bytes, elements f32. */

/** Address of element i of the f32 array at p. */
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/**
 * a·b + c lane by lane. In the relaxed-SIMD build (scripts/build-wasm.mjs) this is
 * `f32x4.relaxed_madd`, which an engine on a CPU with FMA (x86 FMA3, every ARM64) runs as one
 * fused multiply-add, rounded once; elsewhere, and in the baseline build, a multiply then an add,
 * rounded twice. The two builds may therefore differ in the last bits; each is deterministic.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the four lanes. */
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Elements summed in f32 vectors before a partial sum moves into an f64 accumulator. */
const BLOCK = 256;

/**
 * Σ of n contiguous f32 values, accurate for long runs: blocks of at most BLOCK elements are
 * summed in two f32x4 accumulators and the block sums added in f64.
 */
@inline export function sumRun(p: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const end = min(n, start + BLOCK);
    let v0 = f32x4.splat(0);
    let v1 = f32x4.splat(0);
    let i = start;
    for (; i + 8 <= end; i += 8) {
      v0 = f32x4.add(v0, v128.load(at(p, i)));
      v1 = f32x4.add(v1, v128.load(at(p, i + 4)));
    }
    let s = hsum(f32x4.add(v0, v1));
    for (; i < end; i++) s += load<f32>(at(p, i));
    total += <f64>s;
  }
  return total;
}

@inline export function roundUp(x: i32, m: i32): i32 {
  return (x + m - 1) / m * m;
}

/** p rounded up to a multiple of 64 bytes (a cache line): where kernels start their scratch buffers. */
@inline export function align64(p: usize): usize {
  return (p + 63) & ~(<usize>63);
}

/**
 * Stores the transpose of the 4×4 block with rows r0..r3: column q goes to dst + q·stride.
 */
@inline export function transpose4x4Store(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}
