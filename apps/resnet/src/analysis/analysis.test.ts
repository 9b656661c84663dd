import { ClassNLLCriterion, numericalGradient } from '@funt/layers';
import { Solver } from '@funt/solver';
import { fromTypedArray, Rng, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { syntheticSet } from '../data/synthetic.js';
import { resnet } from '../model/resnet.js';
import { resnetOptions } from '../testing/resnet.js';
import { logProbabilities, twoBest } from './classifier.js';
import { foolingImage } from './fool.js';
import { saliencyMaps } from './saliency.js';

const net = (channels: number, seed = 3) => {
  const m = resnet(resnetOptions({ n: 1, filters: 4, inputShape: [channels, 8, 8], classes: 4, rng: new Rng(seed) }));
  m.evaluate();
  return m;
};

const image = (shape: number[], seed: number) => {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return fromTypedArray(
    Float32Array.from({ length: size }, () => rng.normal(0, 1)),
    shape,
  );
};

/**
 * A small ResNet trained for three epochs on the synthetic shapes (pixels scaled to [0, 1]): an
 * untrained network is never confident, so only a trained one can be fooled to p ≥ 0.99.
 */
async function trainedOnShapes() {
  const set = syntheticSet(640, 16, 21);
  const x = fromTypedArray(
    Float32Array.from(set.images, (v) => v / 255),
    set.shape,
  );
  const model = resnet(resnetOptions({ n: 1, filters: 4, inputShape: [1, 16, 16], classes: 4, rng: new Rng(1) }));
  const solver = new Solver(
    model,
    new ClassNLLCriterion(),
    { xTrain: x, yTrain: set.labels, xVal: x, yVal: set.labels },
    {
      batchSize: 32,
      numEpochs: 3,
      updateRule: 'sgd',
      optimConfig: { learningRate: 0.05, momentum: 0.9, nesterov: true },
      progress: 'none',
      handleSignals: false,
    },
  );
  const { bestValAcc } = await solver.train();
  model.evaluate();
  return { model, set, x, bestValAcc };
}

describe('fooling images', async () => {
  const { model, set, x, bestValAcc } = await trainedOnShapes();
  const size = 16 * 16;
  const bounds = { lo: new Float32Array(size).fill(0), hi: new Float32Array(size).fill(1) };
  const all = logProbabilities(model, x);
  const confident = [0, 1, 2, 3].map((c) => set.labels.some((_, i) => Math.exp(all[i * 4 + c]) >= 0.99));
  const one = (i: number) => fromTypedArray(x.data.subarray(i * size, (i + 1) * size), [1, 1, 16, 16]);

  it.each([
    ['a correctly classified image', 'image'],
    ['random noise', 'noise'],
  ])('raise the target probability from %s to the threshold, within the pixel range', (_, from) => {
    // Trained well above chance (25%); the exact figure moves with the kernels' rounding.
    expect(bestValAcc).toBeGreaterThan(0.8);
    const rng = new Rng(4);
    const start =
      from === 'image'
        ? one(0)
        : fromTypedArray(
            Float32Array.from({ length: size }, () => rng.next()),
            [1, 1, 16, 16],
          );
    const logp = logProbabilities(model, start);
    if (from === 'image') expect(logp.indexOf(Math.max(...logp))).toBe(set.labels[0]);
    // The hardest target: the least likely class, among those the model gives p ≥ 0.99 to some
    // training image (after a few epochs it is not that sure of every class).
    const reachable = [0, 1, 2, 3].filter((c) => confident[c]);
    expect(reachable.length).toBeGreaterThanOrEqual(2);
    const target = reachable.reduce((best, c) => (logp[c] < logp[best] ? c : best), reachable[0]);
    const r = foolingImage(model, start, { target, threshold: 0.99, maxSteps: 1000, stepSize: 0.01, ...bounds });
    expect(r.startProbability).toBeLessThan(0.5);
    expect(r.success).toBe(true);
    expect(r.probability).toBeGreaterThanOrEqual(0.99);
    expect(r.predicted).toBe(target);
    expect(r.steps).toBeGreaterThan(0);
    // The reported probability is the model's on the returned image.
    expect(Math.exp(logProbabilities(model, fromTypedArray(r.image, [1, 1, 16, 16]))[target])).toBeCloseTo(
      r.probability,
      4,
    );
    for (let i = 0; i < size; i++) {
      expect(r.image[i]).toBeGreaterThanOrEqual(0);
      expect(r.image[i]).toBeLessThanOrEqual(1);
      expect(r.distortion[i]).toBeCloseTo(r.image[i] - start.data[i], 5);
    }
  });

  it('reports failure when the step budget runs out', () => {
    const r = foolingImage(model, one(1), {
      target: (set.labels[1] + 1) % 4,
      threshold: 0.999999,
      maxSteps: 1,
      stepSize: 1e-6,
      ...bounds,
    });
    expect(r.success).toBe(false);
    expect(r.steps).toBe(1);
  });

  it('rejects a batch and mismatched bounds', () => {
    expect(() => foolingImage(model, x, { target: 0, threshold: 0.9, maxSteps: 1, stepSize: 0.1, ...bounds })).toThrow(
      /expected one image \[1, C, H, W\], got shape \[640, 1, 16, 16\]/,
    );
    expect(() =>
      foolingImage(model, one(0), { target: 0, threshold: 0.9, maxSteps: 1, stepSize: 0.1, lo: [0], hi: [1] }),
    ).toThrow(/lo and hi need 256 values/);
  });
});

describe('saliency maps', () => {
  it('have the spatial shape of the input, are not all zero and never negative', () => {
    const model = net(3);
    const x = image([2, 3, 8, 8], 5);
    const s = saliencyMaps(model, x, [1, 2]);
    expect(s.shape).toEqual([2, 8, 8]);
    expect(s.maps.length).toBe(2 * 64);
    for (let i = 0; i < 2; i++) {
      const map = s.maps.subarray(i * 64, (i + 1) * 64);
      expect(Math.max(...map)).toBeGreaterThan(0);
      expect(Math.min(...map)).toBeGreaterThanOrEqual(0);
    }
    expect(s.probability.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('equal the largest |d loss / d pixel| over channels (numerical gradient, float64)', () => {
    withBackend(
      'reference',
      () => {
        const model = net(2, 9);
        const x = image([1, 2, 8, 8], 6);
        const label = 3;
        const s = saliencyMaps(model, x, [label]);
        const loss = () => -logProbabilities(model, x)[label];
        const g = numericalGradient(loss, x);
        for (let p = 0; p < 64; p++) {
          expect(s.maps[p]).toBeCloseTo(Math.max(Math.abs(g[p]), Math.abs(g[64 + p])), 6);
        }
      },
      'float64',
    );
  });
});

describe('twoBest (the misclassified figure: top and second prediction)', () => {
  it('finds the two most likely classes of each row, the lower index winning a tie', () => {
    const p = [0.1, 0.6, 0.3, /* row 1 */ 0.5, 0.2, 0.3, /* row 2 */ 0.4, 0.2, 0.4, /* row 3 */ 0.2, 0.3, 0.5];
    expect([0, 1, 2, 3].map((i) => twoBest(p, 3, i))).toEqual([
      { top: 1, second: 2 },
      { top: 0, second: 2 },
      { top: 0, second: 2 },
      { top: 2, second: 1 },
    ]);
    expect(twoBest([0.7, 0.3], 2, 0)).toEqual({ top: 0, second: 1 });
    expect(() => twoBest([1], 1, 0)).toThrow('twoBest: needs at least 2 classes, got 1');
  });
});
