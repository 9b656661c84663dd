/**
 * The CLI's interoperability commands, as functions the command-line program calls:
 *
 *   funt-resnet export --model <run|file> --format onnx [--out file.onnx] [--batch-size k]
 *   funt-resnet import <torch.safetensors> --out <model.safetensors> [--dataset name]
 *                      [--input-size HxW] [--no-skip] [--scale x] [--mean a,b,c] [--std a,b,c]
 *                      [--class-names a,b,...]
 *
 * `export` writes a saved funt model as ONNX; `import` turns PyTorch ResNet weights into a
 * saved funt model, which eval, saliency, fool (and fine-tuning) then use like any other.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { saveOnnx } from '@funt/onnx';
import { UsageError } from '../cli/program.js';
import { loadModel, saveModel } from '../model/saved-model.js';
import { importTorchSafetensors } from './import-torch.js';

export type Log = (line: string) => void;
const consoleLog: Log = (line) => console.log(line);

/** The export formats; ONNX is the one there is. */
export const EXPORT_FORMATS = ['onnx'] as const;

export interface ExportCommandOptions {
  /** A run folder (its best model) or a saved .safetensors model. */
  model: string;
  format: (typeof EXPORT_FORMATS)[number];
  /** Default: the model file's name with .onnx, beside it. */
  out?: string;
  /** A fixed batch size; by default the ONNX input takes any batch size. */
  batchSize?: number;
}

/** Writes a saved model as ONNX; returns the file written. */
export function exportCommand(o: ExportCommandOptions, log: Log = consoleLog): string {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new UsageError(`--format ${o.format} is not supported (supported: ${EXPORT_FORMATS.join(', ')})`);
  }
  const saved = loadModel(o.model);
  const out = o.out ?? join(dirname(saved.path), `${basename(saved.path).replace(/\.safetensors$/, '')}.onnx`);
  if (!existsSync(dirname(out))) throw new UsageError(`--out ${out}: folder ${dirname(out)} does not exist`);
  const { architecture, classNames, dataset } = saved.description;
  const { scale, mean, std } = saved.standardization;
  saveOnnx(saved.model, architecture.inputShape, out, {
    batchSize: o.batchSize,
    graphName: `resnet-${6 * architecture.n + 2 + architecture.hiddenDims.length}`,
    metadata: {
      'funt.resnet': JSON.stringify({ architecture, classNames, dataset }),
      // The network expects standardised images: input = (pixels·scale − mean) / std.
      'funt.preprocess': JSON.stringify({ scale, mean: Array.from(mean), std: Array.from(std) }),
    },
  });
  saved.model.dispose();
  const [c, h, w] = architecture.inputShape;
  log(
    `wrote ${out} (ONNX opset 13): input 'input' [${o.batchSize ?? 'N'}, ${c}, ${h}, ${w}] standardised images, output 'output' [${o.batchSize ?? 'N'}, ${architecture.classes}] log-probabilities`,
  );
  log(`preprocessing (also in the file's metadata 'funt.preprocess'): input = (pixels × ${scale} − mean) / std`);
  return out;
}

export interface ImportCommandOptions {
  /** PyTorch weights: a ResNet state_dict saved with safetensors. */
  weights: string;
  /** The funt model file to write. */
  out: string;
  /** The data set the model is for (eval, saliency and fool load it by default). */
  dataset?: string;
  inputSize?: [number, number];
  /** false: the network was trained without shortcuts. */
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
  const { model, architecture, skipped } = importTorchSafetensors(o.weights, { inputSize: o.inputSize, skip: o.skip });
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
    const classNames = o.classNames ?? Array.from({ length: architecture.classes }, (_, i) => String(i));
    if (classNames.length !== architecture.classes) {
      throw new UsageError(
        `--class-names lists ${classNames.length} names but the model has ${architecture.classes} classes`,
      );
    }
    const standardization = {
      scale: o.scale ?? 1 / 255,
      mean: perChannel('--mean', o.mean, 0),
      std: perChannel('--std', o.std, 1),
    };
    saveModel(o.out, model, { architecture, classNames, dataset: o.dataset ?? 'imported' }, standardization);
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
