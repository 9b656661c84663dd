import type { Tensor } from '@funt/tensor';
import type { Activity } from '../module/activity.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';

/** A module that can be one side of a fused pair (BatchNormalization or CAddTable, and Threshold). */
export interface FusionMember extends Module {
  reluFusion: ReluFusion | null;
}

/**
 * The link between a ReLU and the module right before it that applies it (made by
 * `fuseActivations`, fuse-activations.ts). The producer (batch norm, CAddTable) rectifies its
 * output in the kernel that computes it and masks its gradient in the kernel of its own
 * backward; the ReLU passes its input and its gradient through. The pair computes the same
 * bits as before, with two passes over the activation fewer.
 *
 * Called out of its pair, each module stays correct or says why it cannot be:
 * - the ReLU passes through only its producer's rectified output (ReLU is idempotent, so
 *   passing that through is exact); given any other input it thresholds as usual, and its
 *   backward then masks as usual;
 * - the producer checks before every forward that the ReLU is still its next sibling, and
 *   throws a LayerError otherwise (the model was edited after fusing), since it would apply a
 *   ReLU that is no longer there;
 * - what remains by design: after a pass-through, the ReLU's `gradInput` is not masked yet (its
 *   producer's backward masks it), so it is only meaningful as the producer's gradOutput.
 */
export class ReluFusion {
  /** The tensor the producer last wrote rectified: the only input the ReLU passes through. */
  private output: Tensor | null = null;

  private constructor(
    readonly producer: FusionMember,
    readonly relu: FusionMember,
  ) {}

  /** Fuses the pair: each member then holds the link in its `reluFusion`. */
  static link(producer: FusionMember, relu: FusionMember): ReluFusion {
    const link = new ReluFusion(producer, relu);
    producer.reluFusion = link;
    relu.reluFusion = link;
    return link;
  }

  /** Undoes `link`: both members compute on their own again. */
  unlink(): void {
    this.producer.reluFusion = null;
    this.relu.reluFusion = null;
  }

  /** Called by the producer before each forward: throws unless the ReLU still directly follows it. */
  ensureAdjacent(): void {
    const expected = nextSibling(this.producer.path);
    if (this.relu.path !== expected) {
      throw new LayerError(
        this.producer,
        `is fused with the ${this.relu.typeName} that followed it (fuseActivations), which is now at '${this.relu.path}', ` +
          `not at '${expected ?? '(no sibling: the producer is a root)'}'; call unfuseActivations(model) before editing the model, then fuseActivations(model) again`,
      );
    }
  }

  /** The producer has written `y`, rectified. */
  produced(y: Tensor): void {
    this.output = y;
  }

  /** Whether `x` is the producer's rectified output, which the ReLU passes through (forward and backward). */
  passesThrough(x: Activity): boolean {
    return this.output !== null && x === this.output;
  }

  /** The producer's last rectified output, whose positive entries are the backward's mask. */
  rectified(): Tensor {
    if (this.output === null || this.output.isDisposed)
      throw new LayerError(this.producer, 'backward called before a fused forward');
    return this.output;
  }
}

/** The path of the next child of the same container ('4.0.2' → '4.0.3'), null for the root. */
export function nextSibling(path: string): string | null {
  if (path === '') return null;
  const dot = path.lastIndexOf('.');
  return `${path.slice(0, dot + 1)}${Number(path.slice(dot + 1)) + 1}`;
}
