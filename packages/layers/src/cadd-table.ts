import { type Tensor, add, copy } from '@funt/tensor';
import type { Activity } from './activity.js';
import { expectSameShape, expectTable, expectTensor } from './checks.js';
import { Module } from './module.js';

/**
 * Sums a table of same-shaped tensors (Torch's `nn.CAddTable`).
 *
 * Aliasing: the gradient w.r.t. every input is gradOutput itself, so `gradInput` is a table
 * holding the SAME tensor n times (Torch copies; we do not, to save a buffer and a pass per
 * residual block). Whoever consumes it must not write into it while another entry is still to
 * be read; `ConcatTable` takes care of that for branches that end in an in-place module.
 *
 * With `inPlace` the sum is written into the first input (Torch's `ip`).
 */
export class CAddTable extends Module {
  private readonly grads: Tensor[] = [];

  constructor(readonly inPlace = false) {
    super();
  }

  override updateOutput(input: Activity): Tensor {
    const xs = expectTable(this, input);
    xs.forEach((x, i) => expectSameShape(this, xs[0], x, `input ${i}`));
    const out = this.inPlace ? xs[0] : this.workspace.like('output', xs[0]);
    if (xs.length === 1 && out !== xs[0]) copy(xs[0], out);
    for (let i = 1; i < xs.length; i++) add(i === 1 ? xs[0] : out, xs[i], out);
    return out;
  }

  override updateGradInput(input: Activity, gradOutput: Activity): Tensor[] {
    const xs = expectTable(this, input);
    const g = expectTensor(this, gradOutput, 'gradOutput');
    expectSameShape(this, xs[0], g, 'gradOutput');
    this.grads.length = xs.length;
    this.grads.fill(g);
    return this.grads;
  }

  protected override describe(): string {
    return this.inPlace ? 'inPlace' : '';
  }
}
