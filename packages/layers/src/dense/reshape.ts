import { sizeOf, type Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { Module } from '../module/module.js';

/**
 * Views the input with another shape (Torch's `nn.Reshape(d1, d2, ..., [batchMode])`). The
 * first axis is kept as a batch axis when `batchMode` is true, or, when it is not given, unless
 * the input has exactly d1·d2·… elements and a first axis other than 1 (Torch's rule). No copy:
 * output and gradInput are views.
 */
export class Reshape extends Module {
  readonly size: readonly number[];
  readonly batchMode: boolean | undefined;

  constructor(...args: (number | boolean)[]) {
    super();
    const last = args[args.length - 1];
    this.batchMode = typeof last === 'boolean' ? last : undefined;
    this.size = (typeof last === 'boolean' ? args.slice(0, -1) : args) as number[];
    if (this.size.length === 0 || this.size.some((d) => typeof d !== 'number')) {
      throw new LayerError(this, `needs one or more sizes (then optionally batchMode), got (${args.join(', ')})`);
    }
    checkIntegers(this, Object.fromEntries(this.size.map((d, i) => [`size ${i}`, d])), 1);
  }

  private outputShape(x: Tensor): number[] {
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

  override updateOutput(input: Activity): Tensor {
    const x = expectTensor(this, input);
    return this.workspace.view('output', x, this.outputShape(x));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const x = expectTensor(this, input);
    return this.workspace.view('gradInput', this.gradOutputTensor(gradOutput), x.shape);
  }

  /** A view: no memory of its own. */
  override outputAliasesInput(): boolean {
    return true;
  }

  override gradInputAliasesGradOutput(): boolean {
    return true;
  }

  protected override describe(): string {
    return this.size.join('x');
  }
}
