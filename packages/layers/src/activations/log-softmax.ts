import { SoftMax } from './softmax.js';

/** log(softmax(x)) over the last axis (Torch's `nn.LogSoftMax`), the input ClassNLLCriterion expects. */
export class LogSoftMax extends SoftMax {
  static override readonly typeName: string = 'LogSoftMax';
  protected override readonly log: boolean = true;
}
