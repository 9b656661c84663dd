import { mul, type Rng, type Tensor } from '@funt/tensor';
import { defaultRng } from '../init/default-rng.js';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * Inverted dropout (Torch's `nn.Dropout(p)`, its default "v2" mode): in training each element
 * is zeroed with probability p and the survivors are scaled by 1/(1 − p), so evaluation is the
 * identity (output IS the input). The mask is drawn from `rng` (by default a generator forked
 * from the package one, so runs are reproducible) and kept for backward.
 */
export class Dropout extends Module {
  static readonly typeName: string = 'Dropout';
  readonly rng: Rng;
  /** Whether the last forward applied a mask (training with p > 0). */
  private masked = false;

  constructor(
    readonly p = 0.5,
    rng?: Rng,
  ) {
    super();
    if (!(p >= 0 && p < 1)) throw new LayerError(this, `p must be in [0, 1), got ${p}`);
    this.rng = rng ?? defaultRng().fork();
  }

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    this.masked = this.isTraining && this.p > 0;
    if (!this.masked) return x;
    const noise = this.cache.like('noise', x);
    const keep = 1 - this.p;
    const d = noise.data;
    for (let i = 0; i < d.length; i++) d[i] = this.rng.next() < keep ? 1 / keep : 0;
    return mul(x, noise, this.cache.like('output', x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    const dy = this.gradOutputTensor(gradOutput);
    if (!this.masked) return dy; // the identity
    return mul(dy, this.cache.like('noise', x), this.cache.like('gradInput', x));
  }

  /** Without a mask (evaluation, p = 0) it is the identity. */
  override memoryUse(): MemoryUse {
    if (this.isTraining && this.p > 0) return cachedOutputAndGradient;
    return { ...cachedOutputAndGradient, output: 'input', gradInput: 'gradOutput' };
  }

  protected override describe(): string {
    return String(this.p);
  }
}
