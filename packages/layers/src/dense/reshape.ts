import { sizeOf, type Tensor } from '@funt/tensor';
import { checkIntegers } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Reshaping } from './reshaping.js';

/**
 * Views the input with another shape (Torch's `nn.Reshape(d1, d2, ..., [batchMode])`). The
 * first axis is kept as a batch axis when `batchMode` is true, or, when it is not given, unless
 * the input has exactly d1·d2·… elements and a first axis other than 1 (Torch's rule). No copy:
 * output and gradInput are views.
 */
export class Reshape extends Reshaping {
  static readonly typeName: string = 'Reshape';
  readonly batchMode: boolean | undefined;

  constructor(...args: (number | boolean)[]) {
    const last = args[args.length - 1];
    super((typeof last === 'boolean' ? args.slice(0, -1) : args) as number[]);
    this.batchMode = typeof last === 'boolean' ? last : undefined;
    if (this.size.length === 0 || this.size.some((d) => typeof d !== 'number')) {
      throw new LayerError(this, `needs one or more sizes (then optionally batchMode), got (${args.join(', ')})`);
    }
    checkIntegers(this, Object.fromEntries(this.size.map((d, i) => [`size ${i}`, d])), 1);
  }

  protected override outputShape(x: Tensor): number[] {
    const n = sizeOf(this.size);
    const plain = this.batchMode === false || (this.batchMode === undefined && x.size === n && x.shape[0] !== 1);
    const shape = plain ? [...this.size] : [x.shape[0], ...this.size];
    if (sizeOf(shape) !== x.size) {
      throw new LayerError(
        this,
        `cannot reshape ${x.size} elements`,
        plain ? `${n} elements` : `[N, ${this.size.join(', ')}] (N·${n} elements)`,
        x.shape,
      );
    }
    return shape;
  }

  protected override describe(): string {
    return this.size.join('x');
  }
}
