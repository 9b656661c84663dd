import type { Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { SolverConfigError } from '../errors.js';
import { gradNorm } from '../optim/clip-grad-norm.js';
import { Solver, type SolverOptions } from '../solver.js';
import { blobData, linearClassifier, nll, snapshot } from '../testing/models.js';
import { quiet } from '../testing/training.js';

describe('gradient clipping in training (clipGradNorm)', () => {
  const data = blobData(24, 12, 3, [5]);
  const options = (extra: Partial<SolverOptions>): Partial<SolverOptions> => ({
    ...quiet,
    batchSize: 24,
    numEpochs: 1,
    optimConfig: { learningRate: 0.5 },
    ...extra,
  });
  const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  /** The first iteration by hand: one full batch, its gradients and their norm. */
  function firstGradients() {
    const model = linearClassifier(5, 3);
    const before = model.parameters().map((p) => Array.from(p.value.data));
    const criterion = nll();
    const scores = model.forward(data.xTrain) as Tensor;
    criterion.forward(scores, data.yTrain);
    model.zeroGradParameters();
    model.backward(data.xTrain, criterion.backward(scores, data.yTrain));
    const params = model.parameters();
    return { before, grads: params.map((p) => Array.from(p.grad.data)), norm: gradNorm(params) };
  }

  it('records the total norm and takes the clipped step: w − lr·g·maxNorm/(norm + 1e-6)', async () => {
    const { before, grads, norm } = firstGradients();
    const maxNorm = norm / 4;
    const norms: (number | null)[] = [];
    const model = linearClassifier(5, 3);
    const solver = new Solver(
      model,
      nll(),
      data,
      options({ clipGradNorm: maxNorm, events: { onIteration: (info) => norms.push(info.gradNorm) } }),
    );
    await solver.train();
    // The solver's batch is a permutation of the data: the same sums in another order.
    expect(relative(norms[0]!, norm)).toBeLessThan(1e-5);
    expect(solver.history.iterations[0].gradNorm).toBe(norms[0]);
    const c = maxNorm / (norms[0]! + 1e-6);
    model
      .parameters()
      .forEach((p, i) =>
        Array.from(p.value.data).forEach((w, j) => expect(w).toBeCloseTo(before[i][j] - 0.5 * grads[i][j] * c, 5)),
      );
  });

  it('changes nothing below the limit, and nothing at all when off', async () => {
    const train = async (extra: Partial<SolverOptions>) => {
      const model = linearClassifier(5, 3);
      const solver = new Solver(model, nll(), data, options({ batchSize: 6, numEpochs: 2, ...extra }));
      await solver.train();
      return { params: snapshot(model), iterations: solver.history.iterations };
    };
    const off = await train({});
    const measured = await train({ clipGradNorm: Number.POSITIVE_INFINITY });
    const high = await train({ clipGradNorm: 1e6 });
    expect(measured.params).toEqual(off.params);
    expect(high.params).toEqual(off.params);
    expect(off.iterations.every((r) => !('gradNorm' in r))).toBe(true);
    expect(measured.iterations.every((r) => r.gradNorm! > 0)).toBe(true);
    expect(high.iterations.map((r) => r.gradNorm)).toEqual(measured.iterations.map((r) => r.gradNorm));
    const low = await train({ clipGradNorm: 1e-3 });
    expect(low.params).not.toEqual(off.params);
  });

  it('names a bad clipGradNorm', () => {
    for (const v of [0, -1, Number.NaN, '1']) {
      expect(() => new Solver(linearClassifier(5, 3), nll(), data, options({ clipGradNorm: v } as never))).toThrow(
        SolverConfigError,
      );
      expect(() => new Solver(linearClassifier(5, 3), nll(), data, options({ clipGradNorm: v } as never))).toThrow(
        /Solver: option 'clipGradNorm' must be a number in \(0, ∞\), Infinity \(measure only\) or null/,
      );
    }
  });
});
