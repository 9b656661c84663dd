import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Rng } from '../../random.js';
import { expectAgree, filledPair, RUNS, randomPair, reference, wasm } from '../../testing/wasm-vs-reference.js';

describe('wasm softmax', () => {
  it('softmax and log-softmax, forward and backward, match the reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.constantFrom(1, 30),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, log, range, seed) => {
          const rng = new Rng(seed);
          // range 30 gives large logits, where subtracting the row maximum matters.
          const [xw, xr] = randomPair([rows, cols], rng, -range, range);
          const [yw, yr] = filledPair([rows, cols], NaN);
          wasm().softmax(xw, yw, log);
          reference().softmax(xr, yr, log);
          expectAgree(yw, yr, cols, `${log ? 'log-' : ''}softmax ${rows}x${cols}`);
          const [dyw, dyr] = randomPair([rows, cols], rng);
          const [dxw, dxr] = filledPair([rows, cols], NaN);
          wasm().softmaxBackward(yr, dyw, dxw, log); // the reference's y: both get the same input
          reference().softmaxBackward(yr, dyr, dxr, log);
          expectAgree(dxw, dxr, cols, `${log ? 'log-' : ''}softmaxBackward ${rows}x${cols}`);
        },
      ),
      RUNS,
    );
  });
});
