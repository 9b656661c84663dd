import type { Standardization } from '@funt/datasets';
import type { Sequential } from '@funt/layers';
import { decodeSafetensors, encodeSafetensors, fromTypedArray, Rng, type Tensor } from '@funt/tensor';
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
  /** Where it was read from: a file's path, or the name given with its bytes. */
  path: string;
}

const METADATA_KEY = 'funt.resnet';
const MODEL_PREFIX = 'model.';

/**
 * A model file's contents: the network's parameters and batch-norm statistics under `model.*`,
 * the input standardisation under `preprocess.*`, and the architecture and class names as JSON
 * metadata — so `eval`, `saliency` and `fool` (and the playground) need nothing else. `dispose`
 * frees the two tensors made here; the model's own are the model's.
 */
export function savedModelContents(
  model: Sequential,
  description: ModelDescription,
  standardization: Standardization,
): { tensors: Record<string, Tensor>; metadata: Record<string, string>; dispose(): void } {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[MODEL_PREFIX + k] = t;
  const mean = fromTypedArray(standardization.mean, [standardization.mean.length]);
  const std = fromTypedArray(standardization.std, [standardization.std.length]);
  tensors['preprocess.mean'] = mean;
  tensors['preprocess.std'] = std;
  return {
    tensors,
    metadata: { [METADATA_KEY]: JSON.stringify({ ...description, scale: standardization.scale }) },
    dispose() {
      mean.dispose();
      std.dispose();
    },
  };
}

/** The model file's bytes (safetensors), on any host: what `saveModel` writes in Node. */
export function encodeSavedModel(
  model: Sequential,
  description: ModelDescription,
  standardization: Standardization,
): Uint8Array {
  const contents = savedModelContents(model, description, standardization);
  try {
    return encodeSafetensors(contents.tensors, contents.metadata);
  } finally {
    contents.dispose();
  }
}

/**
 * The model a file's tensors and metadata describe, rebuilt and loaded, in evaluation mode.
 * Takes over (and frees) `tensors`; `path` names the file in errors.
 */
export function savedModelFrom(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  path: string,
): SavedModel {
  try {
    const meta = metadata[METADATA_KEY];
    if (!meta) throw new Error(`${path} is not a funt-resnet model (no '${METADATA_KEY}' metadata)`);
    const { scale, ...description } = JSON.parse(meta) as ModelDescription & { scale: number };
    const model = resnet({ ...description.architecture, rng: new Rng(0) });
    const state: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors))
      if (k.startsWith(MODEL_PREFIX)) state[k.slice(MODEL_PREFIX.length)] = t;
    model.loadStateDict(state);
    const standardization: Standardization = {
      scale,
      mean: Float32Array.from(tensors['preprocess.mean'].data),
      std: Float32Array.from(tensors['preprocess.std'].data),
    };
    model.evaluate();
    return { model, description, standardization, path };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** Reads a model file from its bytes (a browser's `File`, a download), on any host; `name` names it in errors. */
export function decodeSavedModel(bytes: Uint8Array, name: string): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, { source: name });
  return savedModelFrom(tensors, metadata, name);
}
