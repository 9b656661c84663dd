import type { Standardization } from '@funt/datasets';
import type { Sequential } from '@funt/layers';
import { decodeSafetensors, encodeSafetensors, fromTypedArray, Rng, type Tensor } from '@funt/tensor';
import { refuseNonFinite } from './finite.js';
import { checkArchitecture, type ResnetArchitecture, resnet, stateSizeOf } from './resnet.js';

/** Everything besides the weights that is needed to use a trained model on new images. */
export interface ModelDescription {
  architecture: ResnetArchitecture;
  classNames: string[];
  dataset: string;
  /**
   * The data set's images before the network's input: their size, and the zero border they
   * carry (MNIST's 28×28 digits are framed in 32×32: pad 2). `predict` converts image files to
   * this; absent (imported models), the input size without a border.
   */
  image?: { height: number; width: number; pad: number };
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
 * frees the two tensors made here; the model's own are the model's. A model holding NaN or ∞ is
 * refused, naming `target` (the file to be written).
 */
export function savedModelContents(
  model: Sequential,
  description: ModelDescription,
  standardization: Standardization,
  target = 'the model',
): { tensors: Record<string, Tensor>; metadata: Record<string, string>; dispose(): void } {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(model.stateDict())) tensors[MODEL_PREFIX + k] = t;
  refuseNonFinite(tensors, target);
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
    const { scale, ...description } = readDescription(metadata, path);
    const { architecture } = description;
    const state: Record<string, Tensor> = {};
    let size = 0;
    for (const [k, t] of Object.entries(tensors)) {
      if (!k.startsWith(MODEL_PREFIX)) continue;
      state[k.slice(MODEL_PREFIX.length)] = t;
      size += t.size;
    }
    // Checked before the network is built: the file's own tensors bound what it may allocate.
    const expected = stateSizeOf(architecture);
    if (size !== expected) {
      throw new Error(
        `${path}: its architecture needs ${expected} weights, the file holds ${size} (the file is damaged or not for this model)`,
      );
    }
    // One value, one per channel, or one per input value (the mean training image).
    const [c, h, w] = architecture.inputShape;
    const perChannel = (name: 'mean' | 'std') => {
      const t = tensors[`preprocess.${name}`];
      if (!t) throw new Error(`${path}: tensor 'preprocess.${name}' is missing (the input standardisation)`);
      if (t.size !== 1 && t.size !== c && t.size !== c * h * w) {
        throw new Error(`${path}: tensor 'preprocess.${name}' has ${t.size} values, not 1, ${c} or ${c * h * w}`);
      }
      return Float32Array.from(t.data);
    };
    const standardization: Standardization = { scale, mean: perChannel('mean'), std: perChannel('std') };
    refuseNonFinite(tensors, path);
    const model = resnet({ ...architecture, rng: new Rng(0) });
    try {
      model.loadStateDict(state);
    } catch (e) {
      model.dispose();
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    model.evaluate();
    return { model, description, standardization, path };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** The model description in a file's metadata, checked; errors name the file. */
function readDescription(metadata: Record<string, string>, path: string): ModelDescription & { scale: number } {
  const meta = metadata[METADATA_KEY];
  if (!meta) throw new Error(`${path} is not a funt-resnet model (no '${METADATA_KEY}' metadata)`);
  let parsed: ModelDescription & { scale: number };
  try {
    parsed = JSON.parse(meta);
  } catch (e) {
    throw new Error(`${path}: the '${METADATA_KEY}' metadata is not valid JSON (${(e as Error).message})`);
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof parsed.architecture !== 'object' ||
    parsed.architecture === null
  ) {
    throw new Error(`${path}: the '${METADATA_KEY}' metadata has no architecture`);
  }
  try {
    checkArchitecture(parsed.architecture);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
  const { classNames, scale } = parsed;
  if (!Array.isArray(classNames) || classNames.length !== parsed.architecture.classes) {
    throw new Error(`${path}: the metadata must list ${parsed.architecture.classes} class names`);
  }
  if (!(typeof scale === 'number' && Number.isFinite(scale))) {
    throw new Error(`${path}: the metadata's input scale must be a finite number, got ${String(scale)}`);
  }
  return parsed;
}

/** Reads a model file from its bytes (a browser's `File`, a download), on any host; `name` names it in errors. */
export function decodeSavedModel(bytes: Uint8Array, name: string): SavedModel {
  const { tensors, metadata } = decodeSafetensors(bytes, { source: name });
  return savedModelFrom(tensors, metadata, name);
}
