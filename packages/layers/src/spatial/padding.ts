import { pad, padBackward, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * Adds |pad| entries of `value` along one dimension (Torch's `nn.Padding(dim, pad, nInputDim,
 * value)`): after the data when pad > 0, before it when pad < 0. The ResNet shortcut uses it
 * to add zero channels: `new Padding(1, nOut - nIn, 3)` on [N, C, H, W].
 *
 * `dim` keeps Torch's meaning: it counts from 1 within one sample of `nInputDim` dimensions,
 * and when the input has more dimensions than `nInputDim` (a batch) it shifts by one. For a
 * batched input that is exactly the 0-based axis: dim 1 of [N, C, H, W] is C. Without
 * `nInputDim` there is no shift. (Torch's rarely used `index` argument is not supported.)
 */
export class Padding extends Module {
  static readonly typeName: string = 'Padding';
  constructor(
    readonly dim: number,
    readonly pad: number,
    readonly nInputDim?: number,
    readonly value = 0,
  ) {
    super();
    if (!Number.isInteger(dim) || dim < 1) throw new LayerError(this, `dim counts from 1 as in Torch, got ${dim}`);
    if (!Number.isInteger(pad)) throw new LayerError(this, `pad must be an integer, got ${pad}`);
    if (nInputDim !== undefined && (!Number.isInteger(nInputDim) || nInputDim < 1)) {
      throw new LayerError(this, `nInputDim must be a positive integer, got ${nInputDim}`);
    }
  }

  /** The 0-based axis padded for an input of rank `rank`. */
  axis(rank: number): number {
    const batched = this.nInputDim !== undefined && rank !== this.nInputDim;
    return this.dim - 1 + (batched ? 1 : 0);
  }

  private geometry(input: Activity): { x: Tensor; pads: [number, number][] } {
    const x = expectTensor(this, input);
    const axis = this.axis(x.rank);
    if (this.nInputDim !== undefined && x.rank !== this.nInputDim && x.rank !== this.nInputDim + 1) {
      throw new LayerError(
        this,
        `input must have ${this.nInputDim} dimensions (or ${this.nInputDim + 1} with a batch)`,
        `rank ${this.nInputDim} or ${this.nInputDim + 1}`,
        x.shape,
      );
    }
    if (axis >= x.rank)
      throw new LayerError(
        this,
        `dim ${this.dim} is axis ${axis}, beyond the input's rank ${x.rank}`,
        `rank > ${axis}`,
        x.shape,
      );
    const pads = x.shape.map((): [number, number] => [0, 0]);
    pads[axis] = this.pad < 0 ? [-this.pad, 0] : [0, this.pad];
    return { x, pads };
  }

  override updateOutput(input: Activity): Tensor {
    const { x, pads } = this.geometry(input);
    const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
    return pad(x, pads, 'constant', this.value, this.cache.get('output', shape, x.dtype));
  }

  /** The gradient of the data part of the output; the padding is constant. */
  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const { x, pads } = this.geometry(input);
    return padBackward(this.gradOutputTensor(gradOutput), pads, 'constant', x.shape, this.cache.like('gradInput', x));
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return `dim ${this.dim}, pad ${this.pad}${this.nInputDim === undefined ? '' : `, nInputDim ${this.nInputDim}`}${this.value === 0 ? '' : `, value ${this.value}`}`;
  }
}
