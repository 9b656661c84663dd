import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, outputFor } from './augmentation.js';
import { cropWindows } from './crop-windows.js';

/**
 * Zero padding by `amount` pixels on every side: N×C×H×W → N×C×(H+2a)×(W+2a). Deterministic
 * (the generator is accepted for a uniform pipeline signature and not used).
 */
export function pad(amount: number, fill = 0): Augmentation {
  checkOption('pad', 'amount', amount, Number.isInteger(amount) && amount >= 0, 'a non-negative integer');
  return (x: Tensor, _rng: Rng, out?: Tensor): Tensor => {
    const [n, c, h, w] = batchDims('pad', x);
    const outH = h + 2 * amount;
    const outW = w + 2 * amount;
    const y = outputFor('pad', x, [n, c, outH, outW], out, false);
    const zeros = new Int32Array(n);
    const identity = Int32Array.from({ length: n }, (_, i) => i);
    cropWindows(x.data, [c, h, w], amount, { srcImage: identity, top: zeros, left: zeros }, outH, outW, y.data, fill);
    return y;
  };
}
