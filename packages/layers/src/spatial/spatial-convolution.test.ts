import { arange, fromTypedArray, normal, Rng, type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential } from '../containers/sequential.js';
import { kaimingNormal } from '../init/initializers.js';
import { LayerError } from '../module/errors.js';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { SpatialConvolution } from './spatial-convolution.js';

const f64 = <T>(fn: () => T): T => withBackend('reference', fn, 'float64');

describe('SpatialConvolution', () => {
  it('follows Torch argument order and weight layout [nOut, nIn, kH, kW]', () => {
    const c = new SpatialConvolution(3, 8, 5, 3, 2, 1, 2, 1);
    expect(c.weight.shape).toEqual([8, 3, 3, 5]);
    expect(c.bias!.shape).toEqual([8]);
    expect([c.dW, c.dH, c.padW, c.padH]).toEqual([2, 1, 2, 1]);
    expect(new SpatialConvolution(1, 1, 3, 3, 1, 1, 2).padH).toBe(2); // padH defaults to padW
    expect(c.toString()).toBe('SpatialConvolution(3 -> 8, 5x3, 2,1, 2,1)');
  });

  it('reads the right pixels with stride and padding (the seed got this wrong)', () => {
    f64(() => {
      const c = new SpatialConvolution(1, 1, 3, 3, 2, 2, 1, 1).noBias();
      c.weight.data.fill(0);
      c.weight.data[0] = 1; // top-left tap: out[i][j] = x[2i - 1][2j - 1]
      const y = c.forward(arange(25).reshape([1, 1, 5, 5])) as Tensor;
      expect(y.toArray()).toEqual([
        [
          [
            [0, 0, 0],
            [0, 6, 8],
            [0, 16, 18],
          ],
        ],
      ]);
    });
  });

  it('computes a hand-checked 2-channel sum with bias', () => {
    f64(() => {
      const c = new SpatialConvolution(2, 1, 2, 2);
      c.weight.data.set([1, 0, 0, 1, /* channel 2 */ 0, 1, 1, 0]);
      c.bias!.data.set([10]);
      const x = tensor([
        [
          [
            [1, 2],
            [3, 4],
          ],
          [
            [5, 6],
            [7, 8],
          ],
        ],
      ]);
      expect((c.forward(x) as Tensor).toArray()).toEqual([[[[1 + 4 + 6 + 7 + 10]]]]);
    });
  });

  it('gives each sample of a batch the gradient it gets alone (the seed got this wrong for N > 1)', () => {
    f64(() => {
      const rng = new Rng(4);
      const c = new SpatialConvolution(2, 3, 3, 3, 1, 1, 1, 1);
      const x = normal([3, 2, 4, 4], rng);
      const g = normal([3, 3, 4, 4], rng);
      c.forward(x);
      const batch = (c.backward(x, g) as Tensor).toTypedArray();
      for (let i = 0; i < 3; i++) {
        const xi = x.slice(i, i + 1);
        c.forward(xi);
        const alone = c.backward(xi, g.slice(i, i + 1)) as Tensor;
        expect(Array.from(batch.subarray(i * 32, (i + 1) * 32))).toEqual(Array.from(alone.data));
      }
    });
  });

  it('has gradients that match numerical ones (stride, padding, rectangular kernel, no bias)', () => {
    expectGradients(() => new SpatialConvolution(2, 3, 3, 3, 2, 2, 1, 1), [2, 2, 5, 5]);
    expectGradients(() => new SpatialConvolution(3, 2, 3, 2, 1, 2, 0, 1), [2, 3, 4, 5]);
    expectGradients(() => new SpatialConvolution(2, 2, 1, 1).noBias(), [3, 2, 3, 3]);
  });

  it('initialises with the fan-in nIn·kH·kW', () => {
    const c = new SpatialConvolution(16, 32, 3, 3).reset({ rng: new Rng(1), weight: kaimingNormal });
    const w = c.weight.data;
    let s = 0;
    for (const v of w) s += v * v;
    const std = Math.sqrt(s / w.length);
    expect(std).toBeGreaterThan(0.95 * Math.sqrt(2 / 144));
    expect(std).toBeLessThan(1.05 * Math.sqrt(2 / 144));
    // Torch's default: uniform in ±1/√fanIn for weight and bias.
    const t = new SpatialConvolution(16, 32, 3, 3).reset({ rng: new Rng(1) });
    expect(Math.max(...Array.from(t.bias!.data, Math.abs))).toBeLessThanOrEqual(1 / 12);
  });

  it('rejects a wrong channel count naming its path, the expected and the received shape', () => {
    const net = new Sequential(new SpatialConvolution(3, 4, 3, 3), new SpatialConvolution(5, 2, 3, 3));
    const x = zeros([1, 3, 8, 8]);
    expect(() => net.forward(x)).toThrow(LayerError);
    expect(() => net.forward(x)).toThrow(
      "SpatialConvolution at '1': bad input shape, expected input [N, 5, H, W], received [1, 4, 6, 6]",
    );
    expect(() => new SpatialConvolution(3, 4, 3, 3).forward(zeros([3, 8, 8]))).toThrow(
      'expected input [N, 3, H, W], received [3, 8, 8]',
    );
    expect(() => new SpatialConvolution(1, 1, 5, 5).forward(zeros([1, 1, 3, 3]))).toThrow(
      'smaller than the 5x5 kernel',
    );
    expect(() => new SpatialConvolution(1, 1, 3, 3, 0)).toThrow('dW must be an integer >= 1, got 0');
  });

  it('rejects a gradOutput that does not match its output', () => {
    const c = new SpatialConvolution(1, 2, 3, 3);
    const x = zeros([1, 1, 5, 5]);
    c.forward(x);
    expect(() => c.backward(x, zeros([1, 2, 5, 5]))).toThrow(
      'gradOutput (vs output) shape mismatch, expected [1, 2, 3, 3], received [1, 2, 5, 5]',
    );
  });

  it('keeps its output and gradInput buffers across calls of the same shape', () => {
    const c = new SpatialConvolution(2, 2, 3, 3, 1, 1, 1, 1);
    const x = fromTypedArray(new Float32Array(2 * 2 * 4 * 4).fill(1), [2, 2, 4, 4]);
    const y1 = c.forward(x);
    const g1 = c.backward(x, y1);
    expect(c.forward(x)).toBe(y1);
    expect(c.backward(x, y1)).toBe(g1);
    const y3 = c.forward(x.slice(0, 1));
    expect(y3).not.toBe(y1);
    expect((y3 as Tensor).shape).toEqual([1, 2, 4, 4]);
  });
});

itAgreesAcrossBackends('SpatialConvolution', () => new SpatialConvolution(3, 4, 3, 3, 2, 2, 1, 1), [2, 3, 7, 7]);
itAgreesAcrossBackends(
  'SpatialConvolution (rectangular kernel, uneven stride and padding, no bias)',
  () => new SpatialConvolution(3, 2, 3, 2, 1, 2, 0, 1).noBias(),
  [2, 3, 6, 7],
);
