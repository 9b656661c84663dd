import { add, axpby, matmul, sum, Tensor } from '@funt/tensor';
import type { Fans } from '../init/initializers.js';
import type { Activity } from '../module/activity.js';
import { checkIntegers, expectShape, expectTensor } from '../module/checks.js';
import { WeightedModule } from '../module/weighted-module.js';
import { cachedOutputAndGradient, type MemoryUse } from '../plan/memory-use.js';

/**
 * y = x Wᵀ + b (Torch's `nn.Linear(inputSize, outputSize, bias)`), on a batch [N, in] or a
 * single sample [in]. weight is [out, in], bias [out]; initialised as Torch's `reset()`.
 */
export class Linear extends WeightedModule {
  static readonly typeName: string = 'Linear';
  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    bias = true,
  ) {
    super();
    checkIntegers(this, { inputSize, outputSize }, 1);
    this.createWeights([outputSize, inputSize], bias ? [outputSize] : null);
  }

  protected override fans(): Fans {
    return { fanIn: this.inputSize, fanOut: this.outputSize };
  }

  /** Every output value is a dot product of inputSize weights with the input. */
  override multiplyAccumulates(): number {
    return this.output instanceof Tensor ? this.output.size * this.inputSize : 0;
  }

  /** The input as a batch [N, in] (a view for a single sample). */
  private batch(input: Activity): Tensor {
    const x = expectTensor(this, input);
    expectShape(this, x, [['N', this.inputSize], [this.inputSize]]);
    return x.rank === 2 ? x : this.cache.view('input2d', x, [1, this.inputSize]);
  }

  /** A batch result `t` [1, k] viewed as [k] when the input `x` was a single sample. */
  private matchRank(t: Tensor, x: Tensor, key: string): Tensor {
    return x.rank === 2 ? t : this.cache.view(key, t, [t.shape[1]]);
  }

  override updateOutput(input: Activity): Tensor {
    const x = this.batch(input);
    const y = this.cache.get('output', [x.shape[0], this.outputSize], x.dtype);
    matmul(x, this.weight, { transB: true, out: y });
    if (this.bias) add(y, this.bias, y);
    return this.matchRank(y, expectTensor(this, input), 'output1d');
  }

  private gradBatch(input: Activity, gradOutput: Activity): [Tensor, Tensor] {
    const x = this.batch(input);
    const g = this.gradOutputTensor(gradOutput);
    return [x, g.rank === 2 ? g : this.cache.view('gradOutput2d', g, [1, this.outputSize])];
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor {
    const [x, g] = this.gradBatch(input, gradOutput);
    const dx = this.cache.like('gradInput', x);
    matmul(g, this.weight, { out: dx });
    return this.matchRank(dx, expectTensor(this, input), 'gradInput1d');
  }

  override accGradParameters(input: Activity, gradOutput: Activity): void {
    const [x, g] = this.gradBatch(input, gradOutput);
    matmul(g, x, { transA: true, beta: 1, out: this.gradWeight });
    const gradBias = this.gradBias;
    if (gradBias) {
      const db = this.cache.like('biasStep', gradBias);
      sum(g, 0, false, db);
      axpby(1, db, 1, gradBias);
    }
  }

  override memoryUse(): MemoryUse {
    return cachedOutputAndGradient;
  }

  protected override describe(): string {
    return `${this.inputSize} -> ${this.outputSize}${this.biasNote()}`;
  }
}

/** PyFunt's name for a fully connected layer: the same class as `Linear`. */
export const Affine = Linear;
export type Affine = Linear;
