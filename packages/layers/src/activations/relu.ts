import { Threshold } from './threshold.js';

/** max(0, x) (Torch's `nn.ReLU(inPlace = false)`): a Threshold at 0. See Threshold for in-place semantics. */
export class ReLU extends Threshold {
  static override readonly typeName: string = 'ReLU';
  constructor(inPlace = false) {
    super(0, 0, inPlace);
  }

  protected override describe(): string {
    return this.inPlace ? 'inPlace' : '';
  }
}
