import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Standardization } from '@funt/datasets';
import type { Sequential } from '@funt/layers';
import { fromTypedArray, loadSafetensors, Rng, saveSafetensors, type Tensor } from '@funt/tensor';
import { RUN_FILES } from '../run/run-folder.js';
import { type ResnetArchitecture, resnet } from './resnet.js';

/** Everything besides the weights that is needed to use a trained model on new images. */
export interface ModelDescription {
  architecture: ResnetArchitecture;
  classNames: string[];
  dataset: string;
}

/**
 * A model read by `loadModel`: the network (in its saved state), what it is, the standardisation its
 * inputs need, and the file it came from.
 */
export interface SavedModel {
  model: Sequential;
  description: ModelDescription;
  standardization: Standardization;
  path: string;
}

const METADATA_KEY = 'funt.resnet';
const MODEL_PREFIX = 'model.';

/**
 * One safetensors file per model: the network's parameters and batch-norm statistics under
 * `model.*`, the input standardisation under `preprocess.*`, and the architecture and class
 * names as JSON metadata — so `eval`, `saliency` and `fool` need nothing else.
 */
export function saveModel(
  path: string,
  model: Sequential,
  description: ModelDescription,
  standardization: Standardization,
): void {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[MODEL_PREFIX + k] = t;
  const mean = fromTypedArray(standardization.mean, [standardization.mean.length]);
  const std = fromTypedArray(standardization.std, [standardization.std.length]);
  tensors['preprocess.mean'] = mean;
  tensors['preprocess.std'] = std;
  try {
    saveSafetensors(tensors, path, {
      [METADATA_KEY]: JSON.stringify({ ...description, scale: standardization.scale }),
    });
  } finally {
    mean.dispose();
    std.dispose();
  }
}

/** The model file of a run folder, or the file itself. */
export function modelFile(pathOrRun: string): string {
  const file =
    existsSync(pathOrRun) && statSync(pathOrRun).isDirectory() ? join(pathOrRun, RUN_FILES.bestModel) : pathOrRun;
  if (!existsSync(file))
    throw new Error(`no saved model at ${file} (train a model first, or give a .safetensors file)`);
  return file;
}

/**
 * Reads a model saved by `saveModel`: a .safetensors file, or a run folder (its best model). Throws
 * naming the file when there is no model there or it is not a funt-resnet model.
 */
export function loadModel(pathOrRun: string): SavedModel {
  const path = modelFile(pathOrRun);
  const { tensors, metadata } = loadSafetensors(path);
  const meta = metadata[METADATA_KEY];
  if (!meta) throw new Error(`${path} is not a funt-resnet model (no '${METADATA_KEY}' metadata)`);
  const { scale, ...description } = JSON.parse(meta) as ModelDescription & { scale: number };
  const model = resnet({ ...description.architecture, rng: new Rng(0) });
  const state: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith(MODEL_PREFIX)) state[k.slice(MODEL_PREFIX.length)] = t;
  model.loadStateDict(state);
  const standardization: Standardization = {
    scale,
    mean: Float32Array.from(tensors['preprocess.mean'].data),
    std: Float32Array.from(tensors['preprocess.std'].data),
  };
  for (const t of Object.values(tensors)) t.dispose();
  model.evaluate();
  return { model, description, standardization, path };
}
