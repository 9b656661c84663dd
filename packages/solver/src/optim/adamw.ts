import { Adam } from './adam.js';

/**
 * AdamW (Loshchilov & Hutter): Adam whose weight decay is decoupled from the gradient. Each
 * step first shrinks the weights, w ← w·(1 − lr·weightDecay), then applies the Adam update
 * from the unmodified gradient. Default weightDecay 0.01.
 */
export class AdamW extends Adam {
  static override readonly ruleName: string = 'adamw';
  static override readonly defaultWeightDecay: number = 0.01;
  protected override readonly decoupled: boolean = true;
}
