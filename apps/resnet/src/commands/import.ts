/**
 * import: PyTorch ResNet weights as a saved funt model, which eval, saliency, fool (and
 * fine-tuning) then use like any other.
 *
 *   funt-resnet import <torch.safetensors> --out <model.safetensors> [--dataset name]
 *                      [--input-size HxW] [--no-skip] [--scale x] [--mean a,b,c] [--std a,b,c]
 *                      [--class-names a,b,...]
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { importTorchSafetensors } from '../interop/import-torch.js';
import { consoleLog, type Log } from '../log.js';
import { saveModel } from '../model/saved-model-file.js';

/**
 * Options of the import command (`funt-resnet import`): the PyTorch weights, the funt model file to
 * write, and what the weights do not say (data set, input size, preprocessing, class names).
 */
export interface ImportCommandOptions {
  /** PyTorch weights: a ResNet state_dict saved with safetensors. */
  weights: string;
  /** The funt model file to write. */
  out: string;
  /** The data set the model is for (eval, saliency and fool load it by default). */
  dataset?: string;
  inputSize?: [number, number];
  /** false: the network was trained without shortcuts; true: with them. Absent: as a funt export recorded, else true. */
  skip?: boolean;
  /** PyTorch's preprocessing as funt's: input = (pixels·scale − mean) / std. Default: pixels/255, no mean, std 1. */
  scale?: number;
  mean?: number[];
  std?: number[];
  classNames?: string[];
}

/** Converts PyTorch ResNet weights into a saved funt model; returns the file written. */
export function importCommand(o: ImportCommandOptions, log: Log = consoleLog): string {
  if (!existsSync(o.weights)) throw new UsageError(`${o.weights} does not exist`);
  if (!existsSync(dirname(o.out))) throw new UsageError(`--out ${o.out}: folder ${dirname(o.out)} does not exist`);
  const { model, architecture, skipped, exported } = importTorchSafetensors(o.weights, {
    inputSize: o.inputSize,
    skip: o.skip,
  });
  // A file funt exported carries its class names and preprocessing; flags still win.
  const was = exported?.description;
  try {
    const channels = architecture.inputShape[0];
    const perChannel = (flag: string, values: number[] | undefined, fallback: number) => {
      const v = values ?? [fallback];
      if (v.length !== 1 && v.length !== channels) {
        throw new UsageError(
          `${flag} needs ${channels === 1 ? '1 value' : `1 or ${channels} values (one per input channel)`}, got ${v.length}`,
        );
      }
      return Float32Array.from(v);
    };
    const classNames =
      o.classNames ?? was?.classNames ?? Array.from({ length: architecture.classes }, (_, i) => String(i));
    if (classNames.length !== architecture.classes) {
      throw new UsageError(
        `--class-names lists ${classNames.length} names but the model has ${architecture.classes} classes`,
      );
    }
    const standardization = {
      scale: o.scale ?? exported?.preprocess?.scale ?? 1 / 255,
      mean: perChannel('--mean', o.mean ?? exported?.preprocess?.mean, 0),
      std: perChannel('--std', o.std ?? exported?.preprocess?.std, 1),
    };
    const description = {
      architecture,
      classNames,
      dataset: o.dataset ?? was?.dataset ?? 'imported',
      image: was?.image,
    };
    saveModel(o.out, model, description, standardization);
    const [c, h, w] = architecture.inputShape;
    log(
      `imported ${o.weights}: ResNet-${6 * architecture.n + 2} (n = ${architecture.n}, ${architecture.filters} filters, ${c}×${h}×${w} inputs, ${architecture.classes} classes${architecture.hiddenDims.length ? `, hidden ${architecture.hiddenDims.join(',')}` : ''}), ${model.parameterCount().toLocaleString('en-US')} parameters`,
    );
    if (skipped.length > 0) log(`not needed by funt: ${skipped.length} PyTorch batch counters (num_batches_tracked)`);
    log(`wrote ${o.out}`);
    return o.out;
  } finally {
    model.dispose();
  }
}
