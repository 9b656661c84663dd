import { describe, expect, it } from 'vitest';
import { conv2d, conv2dBackwardData, normal, Rng, type Tensor } from '../../index.js';
import { wasmRuntime } from './kernels.js';
import { WinogradWeightCache } from './winograd-weights.js';

/**
 * The cache of Winograd-transformed weights (winograd-weights.ts): U is reused only for weights
 * bit for bit equal to those it was computed from, kept from their second call on, released with
 * its weight tensor, and the convolutions give the same bits with and without it.
 */

/** A cache on the kernels' heap whose transform writes a call counter into U's first word. */
function harness(budgetBytes = 1 << 20) {
  const rt = wasmRuntime();
  const cache = new WinogradWeightCache(rt.heap, rt.kernels, budgetBytes);
  let transforms = 0;
  let scratchCalls = 0;
  const scratch = rt.heap.allocateBytes(256);
  const word = (u: number): number => new Int32Array(rt.memory.buffer as ArrayBuffer, u, 1)[0];
  const call = (w: Tensor, variant = 'v', uBytes = 256) => {
    const u = cache.weights(
      w,
      w.ptr,
      variant,
      uBytes,
      (u) => {
        new Int32Array(rt.memory.buffer as ArrayBuffer, u, 1)[0] = ++transforms;
      },
      () => {
        scratchCalls++;
        return scratch;
      },
    );
    return { u, mark: word(u) };
  };
  const done = () => {
    cache.clear();
    rt.heap.freeBytes(scratch, 256);
  };
  return { rt, cache, call, done, counts: () => ({ transforms, scratchCalls }) };
}

describe('WinogradWeightCache', () => {
  it('transforms into scratch the first time, keeps U the second, reuses it after', () => {
    const h = harness();
    const w = normal([8, 8, 3, 3], new Rng(1));
    try {
      const first = h.call(w);
      expect(h.counts()).toEqual({ transforms: 1, scratchCalls: 1 });
      expect(h.cache.bytes).toBe(0);
      const second = h.call(w);
      expect(second.u).not.toBe(first.u);
      expect(h.cache.bytes).toBe(256);
      expect(h.counts()).toEqual({ transforms: 2, scratchCalls: 1 });
      const third = h.call(w);
      expect(third).toEqual(second);
      expect(h.counts()).toEqual({ transforms: 2, scratchCalls: 1 });
    } finally {
      w.dispose();
      h.done();
    }
  });

  it('recomputes when any bit of the weights changed, and for another transform of the same weights', () => {
    const h = harness();
    const w = normal([8, 8, 3, 3], new Rng(2));
    try {
      h.call(w);
      const kept = h.call(w);
      // -0 against +0: equal as numbers, different bits, so a different U in general.
      const data = w.data as Float32Array;
      data[0] = 0;
      h.call(w);
      data[0] = -0;
      const changed = h.call(w);
      expect(changed.u).not.toBe(kept.u);
      expect(h.cache.bytes).toBe(0);
      expect(h.counts().transforms).toBe(4);
      // A second variant (backward, another tile) of the same weights has its own entry.
      h.call(w, 'other');
      expect(h.counts()).toEqual({ transforms: 5, scratchCalls: 4 });
    } finally {
      w.dispose();
      h.done();
    }
  });

  it('releases the copy and U of a disposed weight tensor, and keeps no more U than its budget', () => {
    const h = harness(300);
    const before = h.rt.heap.stats().bytesInUse;
    const w1 = normal([8, 8, 3, 3], new Rng(3));
    const w2 = normal([8, 8, 3, 3], new Rng(4));
    try {
      h.call(w1);
      h.call(w1);
      expect(h.cache.bytes).toBe(256);
      // A second U would pass the budget of 300 bytes: w2 is transformed into scratch every time.
      h.call(w2);
      h.call(w2);
      h.call(w2);
      expect(h.cache.bytes).toBe(256);
      expect(h.counts().scratchCalls).toBe(4);
      w1.dispose();
      // The next entry made sweeps w1's away, and w2's U now fits.
      h.call(w2);
      expect(h.cache.bytes).toBe(256);
      const w3 = normal([8, 8, 3, 3], new Rng(5));
      h.call(w3);
      w3.dispose();
      w2.dispose();
      h.cache.clear();
      expect(h.rt.heap.stats().bytesInUse).toBe(before);
    } finally {
      w1.dispose();
      w2.dispose();
      h.done();
    }
  });
});

describe('wasm Winograd convolution with cached weights', () => {
  it('gives the bits of a fresh transform, forward and backward, also after the weights change in place', () => {
    const rng = new Rng(7);
    const x = normal([3, 16, 12, 12], rng);
    const w = normal([16, 16, 3, 3], rng, 0, 0.2);
    const tensors: Tensor[] = [x, w];
    /** The convolutions with a copy of w at a new address (never seen by the cache). */
    const fresh = () => {
      const copy = normal(w.shape, new Rng(0));
      copy.data.set(w.data);
      const y = conv2d(x, copy, null, { padding: 1 });
      const dx = conv2dBackwardData(y, copy, x.shape, { padding: 1 });
      tensors.push(copy, y, dx);
      return [y.data, dx.data];
    };
    const cached = () => {
      const y = conv2d(x, w, null, { padding: 1 });
      const dx = conv2dBackwardData(y, w, x.shape, { padding: 1 });
      tensors.push(y, dx);
      return [y.data, dx.data];
    };
    try {
      for (let round = 0; round < 2; round++) {
        // Three calls: into scratch, into the cache, from the cache.
        const expected = fresh();
        for (let call = 0; call < 3; call++) expect(cached()).toEqual(expected);
        // The same address, new values: the cache must not hand out the old U.
        const data = w.data as Float32Array;
        for (let i = 0; i < data.length; i += 7) data[i] *= -1.5;
      }
    } finally {
      for (const t of tensors) t.dispose();
    }
  });
});
