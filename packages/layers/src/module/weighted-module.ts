import type { Tensor } from '@funt/tensor';
import { defaultRng } from '../init/default-rng.js';
import { type Fans, type InitOptions, torchDefault } from '../init/initializers.js';
import { Module } from './module.js';

/**
 * A module with a weight and an optional bias (Linear and the convolutions): their accessors
 * with Torch's names, `reset` from the layer's fans, and `noBias()`.
 */
export abstract class WeightedModule extends Module {
  /** Creates the parameters and initialises them (call at the end of the subclass constructor). */
  protected createWeights(weightShape: readonly number[], biasShape: readonly number[] | null): void {
    this.addParameter('weight', weightShape);
    if (biasShape) this.addParameter('bias', biasShape);
    this.reset();
  }

  /** Fan-in and fan-out of one output unit, for the initialisers. */
  protected abstract fans(): Fans;

  /** The weight parameter (its live tensor; updates write into it). */
  get weight(): Tensor {
    return this.parameter('weight')!.value;
  }
  /** The gradient of the loss w.r.t. `weight`, accumulated by `backward`. */
  get gradWeight(): Tensor {
    return this.parameter('weight')!.grad;
  }
  /** The bias parameter, or null after `noBias()`. */
  get bias(): Tensor | null {
    return this.parameter('bias')?.value ?? null;
  }
  /** The gradient of the loss w.r.t. `bias`, or null after `noBias()`. */
  get gradBias(): Tensor | null {
    return this.parameter('bias')?.grad ?? null;
  }

  /** Re-draws weight and bias; Torch's default draws both uniformly in ±1/√fanIn. */
  override reset(options: InitOptions = {}): this {
    const rng = options.rng ?? defaultRng();
    const fans = this.fans();
    (options.weight ?? torchDefault)(this.weight, fans, rng);
    if (this.bias) (options.bias ?? torchDefault)(this.bias, fans, rng);
    return this;
  }

  /** Drops the bias (Torch's `noBias()`). */
  noBias(): this {
    this.removeParameter('bias');
    return this;
  }

  /** ', without bias' when the bias was dropped, else '': the tail of `describe()` in printouts. */
  protected biasNote(): string {
    return this.bias ? '' : ', without bias';
  }
}
