import { concat, permute, Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { expectTensor, shapeOf } from '../module/checks.js';
import { Container } from '../module/container.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import type { PlanBuilder, PlannedActivity } from '../plan/plan-builder.js';

/**
 * Applies child i to the i-th slice of the input along `inputDimension` (that axis removed, as
 * Torch's `select`), and concatenates the children's outputs along `outputDimension` (Torch's
 * `nn.Parallel`). Axes are 0-based here (Torch's minus one).
 *
 * Slices along axis 0 are views; along another axis the input is first permuted so that the
 * axis comes first (one copy into a kept buffer). The gradient is assembled the same way.
 */
export class Parallel extends Container {
  static readonly typeName: string = 'Parallel';
  private readonly outputs: Tensor[] = [];
  private readonly childGrads: Tensor[] = [];

  constructor(
    readonly inputDimension: number,
    readonly outputDimension: number,
  ) {
    super();
    for (const d of [inputDimension, outputDimension]) {
      if (!Number.isInteger(d) || d < 0)
        throw new LayerError(this, `dimensions must be non-negative integers, got ${d}`);
    }
  }

  /** Puts `axis` first (identity when it already is) into the kept buffer `key`. */
  private axisFirst(key: string, x: Tensor, axis: number): Tensor {
    if (axis === 0) return x;
    const perm = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
    const out = this.cache.get(
      key,
      perm.map((i) => x.shape[i]),
      x.dtype,
    );
    permute(x, perm, out);
    return out;
  }

  /** Slice i of the input along inputDimension, without that axis. */
  private slices(input: Tensor): Tensor[] {
    const inDim = this.inputDimension;
    if (input.rank <= inDim || input.shape[inDim] !== this.modules.length) {
      throw new LayerError(
        this,
        `needs one slice per child along axis ${inDim}`,
        `input with axis ${inDim} of size ${this.modules.length}`,
        input.shape,
      );
    }
    const first = this.axisFirst('input.permuted', input, inDim);
    const rest = first.shape.slice(1);
    return this.modules.map((_, i) => this.cache.slice(`input.${i}`, first, i, i + 1, rest));
  }

  override updateOutput(input: Activity): Tensor {
    if (this.modules.length === 0) throw new LayerError(this, 'has no children');
    const x = expectTensor(this, input);
    const parts = this.slices(x);
    this.outputs.length = this.modules.length;
    this.modules.forEach((m, i) => {
      const y = this.forwardChild(m, parts[i]);
      if (!(y instanceof Tensor))
        throw new LayerError(m, 'a Parallel child must output a tensor', 'a tensor', shapeOf(y));
      if (y.rank <= this.outputDimension)
        throw new LayerError(
          m,
          `output has no axis ${this.outputDimension} to concatenate along`,
          `rank > ${this.outputDimension}`,
          y.shape,
        );
      this.outputs[i] = y;
    });
    const shape = [...this.outputs[0].shape];
    shape[this.outputDimension] = this.outputs.reduce((n, y) => n + y.shape[this.outputDimension], 0);
    const out = this.cache.get('output', shape, x.dtype);
    this.run(this, () => concat(this.outputs, this.outputDimension, out));
    return out;
  }

  /** gradOutput cut back into the pieces each child produced. */
  private gradPieces(gradOutput: Tensor): Tensor[] {
    const outDim = this.outputDimension;
    const first = this.axisFirst('gradOutput.permuted', gradOutput, outDim);
    let offset = 0;
    return this.outputs.map((y, i) => {
      const k = y.shape[outDim];
      const piece = this.cache.slice(`gradOutput.piece.${i}`, first, offset, offset + k);
      offset += k;
      if (outDim === 0) return piece;
      // Undo the permutation: piece has axes [outDim, others...]; put outDim back in place.
      const inverse = y.shape.map((_, j) => (j === outDim ? 0 : j < outDim ? j + 1 : j));
      const g = this.cache.like(`gradOutput.${i}`, y);
      permute(piece, inverse, g);
      return g;
    });
  }

  private backprop(input: Activity, gradOutput: Activity, step: (m: Module, x: Tensor, g: Tensor) => Activity): Tensor {
    const x = expectTensor(this, input);
    const g = expectTensor(this, gradOutput, 'gradOutput');
    const out = this.output;
    if (!(out instanceof Tensor)) throw new LayerError(this, 'backward called before forward');
    if (g.rank !== out.rank || g.shape.some((d, i) => d !== out.shape[i]))
      throw new LayerError(this, 'gradOutput does not match output', out.shape, g.shape);
    const parts = this.slices(x);
    const pieces = this.gradPieces(g);
    this.childGrads.length = this.modules.length;
    this.modules.forEach((m, i) => {
      const gi = expectTensor(m, step(m, parts[i], pieces[i]), 'gradInput');
      // Put the selected axis back (size 1) so that the pieces concatenate into the input's shape.
      const withAxis = [...gi.shape.slice(0, this.inputDimension), 1, ...gi.shape.slice(this.inputDimension)];
      this.childGrads[i] = this.cache.view(`gradInput.${i}`, gi, withAxis);
    });
    const gradInput = this.cache.like('gradInput', x);
    this.run(this, () => concat(this.childGrads, this.inputDimension, gradInput));
    return gradInput;
  }

  protected override backwardChildren(input: Activity, gradOutput: Activity): Tensor {
    return this.backprop(input, gradOutput, (m, x, g) => this.backwardChild(m, x, g));
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    this.keepOutputs(input);
    return this.backprop(input, gradOutput, (m, x, g) => this.run(m, () => (m.gradInput = m.updateGradInput(x, g))));
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    this.keepOutputs(input);
    const parts = this.slices(expectTensor(this, input));
    const pieces = this.gradPieces(expectTensor(this, gradOutput, 'gradOutput'));
    this.modules.forEach((m, i) => this.run(m, () => m.accGradParameters(parts[i], pieces[i])));
  }

  /**
   * Mirrors forward: the children read slices of the input (views, or a kept permuted copy: the
   * input flow stands for both), then one tick concatenates their outputs into `output`.
   */
  override planForward(plan: PlanBuilder, input: PlannedActivity): PlannedActivity {
    plan.remember(this, input);
    const outs = this.modules.map((m) => m.planForward(plan, input));
    const t = plan.tick();
    plan.read([input, ...outs], t);
    return plan.output(null, this.cache, t);
  }

  /**
   * Mirrors backprop: one tick slices the input again and cuts gradOutput into pieces, the
   * children read them, then one tick concatenates their gradients into `gradInput`.
   */
  override planBackward(plan: PlanBuilder, gradOutput: PlannedActivity): PlannedActivity {
    const t0 = plan.tick();
    plan.read([plan.inputOf(this), gradOutput], t0);
    const grads = this.modules.map((m) => m.planBackward(plan, gradOutput));
    const t = plan.tick();
    plan.read([gradOutput, ...grads], t);
    return plan.gradient(this.cache, t, { module: this, of: 'input' });
  }

  protected override describe(): string {
    return `${this.inputDimension}, ${this.outputDimension}`;
  }
}
