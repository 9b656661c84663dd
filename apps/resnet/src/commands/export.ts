/**
 * export: a saved funt model as ONNX, for onnxruntime, TensorRT, OpenVINO or an inference server;
 * or as a PyTorch state_dict with the module that builds the network, to go on training in PyTorch.
 *
 *   funt-resnet export --model <run|file> --format onnx [--out file.onnx] [--batch-size k] [--fold-batch-norms]
 *   funt-resnet export --model <run|file> --format torch [--out file.safetensors]
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { saveOnnx } from '@funt/onnx';
import { UsageError } from '../errors.js';
import { exportTorch } from '../interop/export-torch.js';
import { consoleLog, type Log } from '../log.js';
import { loadModel } from '../model/saved-model-file.js';

/** The export formats: ONNX for inference servers, torch for PyTorch (weights + module file). */
export const EXPORT_FORMATS = ['onnx', 'torch'] as const;

/** Options of the export command (`funt-resnet export`). */
export interface ExportCommandOptions {
  /** A run folder (its best model) or a saved .safetensors model. */
  model: string;
  format: (typeof EXPORT_FORMATS)[number];
  /** Default: the model file's name with .onnx (or .torch.safetensors), beside it. */
  out?: string;
  /** A fixed batch size; by default the ONNX input takes any batch size. */
  batchSize?: number;
  /** Fold each batch norm into the convolution before it (one Conv with folded weights and bias). */
  foldBatchNorms?: boolean;
}

/** Writes a saved model as ONNX; returns the file written. */
export function exportCommand(o: ExportCommandOptions, log: Log = consoleLog): string {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) {
    throw new UsageError(`--format ${o.format} is not supported (supported: ${EXPORT_FORMATS.join(', ')})`);
  }
  const saved = loadModel(o.model);
  const extension = o.format === 'torch' ? '.torch.safetensors' : '.onnx';
  const out = o.out ?? join(dirname(saved.path), `${basename(saved.path).replace(/\.safetensors$/, '')}${extension}`);
  if (!existsSync(dirname(out))) throw new UsageError(`--out ${out}: folder ${dirname(out)} does not exist`);
  if (o.format === 'torch') {
    try {
      const modulePath = exportTorch(saved, out);
      log(`wrote ${out} (PyTorch state_dict names, float32) and ${modulePath}`);
      log(
        `in PyTorch: import funt_resnet; model, info = funt_resnet.load('${basename(out)}')  (eval mode; info['preprocess'] holds input = (pixels × scale − mean) / std)`,
      );
      log(
        `back to funt: funt_resnet.save(model, 'file.safetensors', info), then funt-resnet import --weights file.safetensors`,
      );
      return out;
    } finally {
      saved.model.dispose();
    }
  }
  const { architecture, classNames, dataset } = saved.description;
  const { scale, mean, std } = saved.standardization;
  saveOnnx(saved.model, architecture.inputShape, out, {
    batchSize: o.batchSize,
    foldBatchNorms: o.foldBatchNorms,
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
    `wrote ${out} (ONNX opset 13${o.foldBatchNorms ? ', batch norms folded into the convolutions' : ''}): input 'input' [${o.batchSize ?? 'N'}, ${c}, ${h}, ${w}] standardised images, output 'output' [${o.batchSize ?? 'N'}, ${architecture.classes}] log-probabilities`,
  );
  log(`preprocessing (also in the file's metadata 'funt.preprocess'): input = (pixels × ${scale} − mean) / std`);
  return out;
}
