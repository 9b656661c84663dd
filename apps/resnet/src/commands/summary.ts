import { type Sequential, summary } from '@funt/layers';
import { Rng } from '@funt/tensor';
import { consoleLog, type Log } from '../log.js';
import { depthOf, type ResnetArchitecture, resnet } from '../model/resnet.js';

/** Options of the summary command: the network's architecture, as `train` spells it. */
export interface SummaryOptions {
  n: number;
  filters: number;
  skip: boolean;
  hidden: number[];
  /** [C, H, W] of one image. */
  inputShape: [number, number, number];
  classes: number;
}

/**
 * The model summary `train` prints at its start and `funt-resnet summary` prints alone: every
 * layer with its output shape, parameters and multiply-accumulates for one image (Keras'
 * `model.summary()`).
 */
export function modelSummary(model: Sequential, inputShape: readonly number[]): string {
  return summary(model, [1, ...inputShape]).replace(/multiply-accumulates$/, 'multiply-accumulates per image');
}

/** summary: builds the network the flags describe and prints its summary; returns the text. */
export function summaryCommand(o: SummaryOptions, log: Log = consoleLog): string {
  const architecture: ResnetArchitecture = {
    n: o.n,
    filters: o.filters,
    inputShape: o.inputShape,
    classes: o.classes,
    skip: o.skip,
    hiddenDims: o.hidden,
  };
  const model = resnet({ ...architecture, rng: new Rng(0) });
  const name = `${o.skip ? 'ResNet' : 'plain'}-${depthOf({ n: o.n, hiddenDims: o.hidden })}`;
  const text = `${name} (n=${o.n}, F=${o.filters}) for ${o.inputShape.join('×')} images, ${o.classes} classes\n${modelSummary(model, o.inputShape)}`;
  model.dispose();
  log(text);
  return text;
}
