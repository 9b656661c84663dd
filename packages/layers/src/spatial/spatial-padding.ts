import { type PadMode, pad, padBackward, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * Pads the last two axes of [N, C, H, W] (Torch order: left, right, top, bottom; each defaults
 * to the left pad) by mirroring or repeating the border; the gradient sums back every padded
 * copy of a pixel into it. `SpatialReflectionPadding` and `SpatialReplicationPadding` pick the mode.
 */
export abstract class SpatialPadding extends Module {
  protected abstract readonly mode: PadMode;

  constructor(
    readonly padL: number,
    readonly padR = padL,
    readonly padT = padL,
    readonly padB = padL,
  ) {
    super();
    checkIntegers(this, { padL, padR, padT, padB }, 0);
  }

  private get pads(): [number, number][] {
    return [
      [0, 0],
      [0, 0],
      [this.padT, this.padB],
      [this.padL, this.padR],
    ];
  }

  private check(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', 'C', 'H', 'W']]);
    if (
      this.mode === 'reflect' &&
      (Math.max(this.padT, this.padB) >= x.shape[2] || Math.max(this.padL, this.padR) >= x.shape[3])
    ) {
      throw new LayerError(
        this,
        'reflection pads must be smaller than the input',
        `H > ${Math.max(this.padT, this.padB)} and W > ${Math.max(this.padL, this.padR)}`,
        x.shape,
      );
    }
    return x;
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.check(input);
    const [N, C, H, W] = x.shape;
    const y = this.cache.get('output', [N, C, H + this.padT + this.padB, W + this.padL + this.padR], x.dtype);
    return pad(x, this.pads, this.mode, 0, y);
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = this.check(input);
    return padBackward(
      this.gradOutputTensor(gradOutput),
      this.pads,
      this.mode,
      x.shape,
      this.cache.like('gradInput', x),
    );
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return `l=${this.padL}, r=${this.padR}, t=${this.padT}, b=${this.padB}`;
  }
}
