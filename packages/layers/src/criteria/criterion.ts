import { Tensor } from '@funt/tensor';
import { expectTensor } from '../module/checks.js';
import { LayerError } from '../module/errors.js';
import { TensorCache } from '../module/tensor-cache.js';
import { typeNameOf } from '../module/type-name.js';

/** Class targets: an Int32Array of class indices 0..C−1, or a tensor holding them as integral values. */
export type Target = Tensor | Int32Array;

/**
 * The base of every loss (Torch's `nn.Criterion`): `forward(input, target)` returns the loss
 * (averaged over the batch) and keeps it in `output`; `backward(input, target)` returns the
 * gradient of that loss w.r.t. the input, kept in `gradInput` (a buffer reused across calls).
 */
export abstract class Criterion {
  output = 0;
  gradInput: Tensor | null = null;
  /** Criteria stand outside the container tree; the path is '' so errors read `ClassNLLCriterion (root)`. */
  readonly path: string = '';
  protected readonly cache = new TensorCache();
  private classes = new Int32Array(0);

  /** The class name, used in messages (module/type-name.ts: it survives minification). */
  get typeName(): string {
    return typeNameOf(this);
  }

  /** The loss of `input` against `target`, averaged over the batch; also kept in `output`. */
  forward(input: Tensor, target: Target): number {
    this.output = this.updateOutput(input, target);
    return this.output;
  }

  /**
   * The gradient of the loss w.r.t. `input` (same shape), also kept in `gradInput`. The tensor belongs
   * to the criterion and is overwritten by the next call.
   */
  backward(input: Tensor, target: Target): Tensor {
    this.gradInput = this.updateGradInput(input, target);
    return this.gradInput;
  }

  /** Computes the loss; what `forward` calls. Subclasses implement it. */
  abstract updateOutput(input: Tensor, target: Target): number;
  /**
   * Computes the gradient w.r.t. the input into a kept buffer; what `backward` calls. Subclasses implement it.
   */
  abstract updateGradInput(input: Tensor, target: Target): Tensor;

  /** Frees the kept buffers. */
  dispose(): void {
    this.cache.dispose();
    this.gradInput = null;
  }

  /** The class name, as Torch prints a criterion. */
  toString(): string {
    return this.typeName;
  }

  /** Scores [N, C] (or [C] for one sample, viewed as [1, C]) and N valid class indices. */
  protected classScores(input: Tensor, target: Target): { x: Tensor; classes: Int32Array } {
    const t = expectTensor(this, input);
    if (t.rank !== 1 && t.rank !== 2)
      throw new LayerError(this, 'input must be scores per class', '[N, C] or [C]', t.shape);
    const x = t.rank === 2 ? t : this.cache.view('input2d', t, [1, t.shape[0]]);
    const [n, c] = x.shape;
    const classes = this.classIndices(target, n);
    for (let i = 0; i < n; i++) {
      const k = classes[i];
      if (!(k >= 0 && k < c))
        throw new LayerError(
          this,
          `target ${i} is ${k}, not a class index in [0, ${c})`,
          `targets in [0, ${c})`,
          x.shape,
        );
    }
    return { x, classes };
  }

  private classIndices(target: Target, n: number): Int32Array {
    if (target instanceof Int32Array) {
      if (target.length !== n)
        throw new LayerError(this, `${target.length} targets for a batch of ${n}`, [n], [target.length]);
      return target;
    }
    if (!(target instanceof Tensor))
      throw new LayerError(this, 'target must be an Int32Array of class indices or a tensor of them');
    if (target.size !== n || target.rank > 1)
      throw new LayerError(this, `target must hold ${n} class indices`, [n], target.shape);
    const out = this.classBuffer(n);
    const d = target.data;
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(d[i])) throw new LayerError(this, `target ${i} is ${d[i]}, not an integer class index`);
      out[i] = d[i];
    }
    return out;
  }

  /** Class indices read from a tensor target, kept so that a training loop does not allocate them per batch. */
  private classBuffer(n: number): Int32Array {
    if (this.classes.length !== n) this.classes = new Int32Array(n);
    return this.classes;
  }
}
