import { describe, expect, it } from 'vitest';
import { Rng } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { expectAgree, filledPair, randomPair, reference, wasm } from '../../testing/wasm-vs-reference.js';
import { wasmMemoryStats } from './index.js';

describe('wasm kernels on tensors from elsewhere', () => {
  it('copies reference (and float64) inputs in, and writes results back to a reference output', () => {
    const rng = new Rng(1);
    const [, xr] = randomPair([2, 3, 6, 6], rng);
    const [, wr] = randomPair([4, 3, 3, 3], rng);
    const x64 = Tensor.empty(xr.shape, 'float64', reference());
    x64.data.set(xr.data);
    const [, expected] = filledPair([2, 4, 4, 4], NaN);
    reference().conv2d(xr, wr, null, expected, { strideH: 1, strideW: 1, padH: 0, padW: 0 });
    const [, out] = filledPair([2, 4, 4, 4], NaN);
    const p = { strideH: 1, strideW: 1, padH: 0, padW: 0 };
    wasm().conv2d(x64, wr, null, out, p);
    expectAgree(out, expected, 27, 'conv2d on float64 and reference tensors');
    // The copies live in the scratch arena: once it has grown, a repeat call allocates nothing.
    const inUse = wasmMemoryStats().bytesInUse;
    wasm().conv2d(x64, wr, null, out, p);
    expect(wasmMemoryStats().bytesInUse).toBe(inUse);
  });

  it('accumulates into a reference output that it reads first', () => {
    const rng = new Rng(2);
    const [xw, xr] = randomPair([7], rng);
    const [, o1] = randomPair([7], rng);
    const o2 = Tensor.empty([7], 'float32', reference());
    o2.data.set(o1.data);
    wasm().axpby(2, xw, 0.5, o1);
    reference().axpby(2, xr, 0.5, o2);
    expectAgree(o1, o2, 2, 'axpby into a reference tensor');
  });

  it('works in place on a reference tensor', () => {
    const [, xr] = randomPair([9], new Rng(3));
    const copy = Tensor.empty([9], 'float32', reference());
    copy.data.set(xr.data);
    wasm().unary('square', xr, xr);
    reference().unary('square', copy, copy);
    expectAgree(xr, copy, 1, 'square in place');
  });
});
