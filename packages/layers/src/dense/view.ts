import { sizeOf, type Tensor } from '@funt/tensor';
import { LayerError } from '../module/errors.js';
import { Reshaping } from './reshaping.js';

/**
 * Views the input with another shape (Torch's `nn.View(d1, d2, ...)`); one size may be −1 and
 * is inferred. After `setNumInputDims(n)`, an input with more than n dimensions is a batch: its
 * leading dimensions fold into one batch axis in front of the sizes. No copy.
 */
export class View extends Reshaping {
  static readonly typeName: string = 'View';
  numInputDims: number | undefined;

  constructor(...size: number[]) {
    super(size);
    const unknown = size.filter((d) => d === -1).length;
    if (size.length === 0 || unknown > 1 || size.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
      throw new LayerError(this, `sizes must be positive integers with at most one -1, got (${size.join(', ')})`);
    }
  }

  /** Declares how many dimensions one sample has, so that extra leading ones are a batch. */
  setNumInputDims(n: number): this {
    if (!Number.isInteger(n) || n < 1) throw new LayerError(this, `numInputDims must be a positive integer, got ${n}`);
    this.numInputDims = n;
    return this;
  }

  protected override outputShape(x: Tensor): number[] {
    const n = this.numInputDims;
    const known = sizeOf(this.size.filter((d) => d !== -1));
    const hasUnknown = this.size.includes(-1);
    let shape: number[];
    if (n === undefined || x.rank <= n) {
      shape = [...this.size];
      if (hasUnknown) shape[shape.indexOf(-1)] = x.size / known;
    } else {
      const lead = sizeOf(x.shape.slice(0, x.rank - n));
      const sample = x.size / Math.max(lead, 1);
      shape = [hasUnknown ? lead : lead * (sample / known), ...this.size];
      if (hasUnknown) shape[shape.indexOf(-1, 1)] = sample / known;
    }
    if (shape.some((d) => !Number.isInteger(d)) || sizeOf(shape) !== x.size) {
      throw new LayerError(
        this,
        `cannot view ${x.size} elements as (${this.size.join(', ')})`,
        `a multiple of ${known} elements`,
        x.shape,
      );
    }
    return shape;
  }

  protected override describe(): string {
    return this.size.join(', ');
  }
}
