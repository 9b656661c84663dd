/**
 * importTorchSafetensors: a ResNet trained in PyTorch (state_dict saved with safetensors) as
 * a funt model, to evaluate, visualise (saliency, fooling images) or fine-tune here.
 *
 * The architecture is read off the tensors (n from the blocks of layer1, F and the input
 * channels from conv1, hidden widths and classes from the Linear layers); only the input's
 * height and width cannot be, since global pooling has no weights (default 32×32). The
 * shortcut must be funt's option A (average pooling, zero channels appended), which has no
 * weights either: see README.md for the networks this fits.
 */
import type { Sequential } from '@funt/layers';
import { getDefaultDType, loadSafetensors, Rng, type Tensor } from '@funt/tensor';
import { refuseNonFinite } from '../model/finite.js';
import { type ResnetArchitecture, resnet } from '../model/resnet.js';
import type { ModelDescription } from '../model/saved-model.js';
import { TORCH_BATCH_COUNTER, torchStateToFunt } from './torch-names.js';

interface TorchImportOptions {
  /** Height and width of the input images (default [32, 32]). */
  inputSize?: [number, number];
  /** false for a network trained without shortcuts (the "plain" net; same weights). Default true. */
  skip?: boolean;
}

interface TorchImport {
  model: Sequential;
  architecture: ResnetArchitecture;
  /** File entries not loaded: PyTorch's int64 batch-norm counters. */
  skipped: string[];
  /** What `funt-resnet export --format torch` stored with the weights (absent in a plain PyTorch file). */
  exported?: TorchExportMetadata;
}

/** The metadata of a funt export to PyTorch, which PyTorch's `funt_resnet.save` keeps. */
interface TorchExportMetadata {
  description: Partial<ModelDescription>;
  preprocess?: { scale: number; mean: number[]; std: number[] };
}

/** The funt description and preprocessing a file carries, if it came from a funt export. */
function exportMetadata(metadata: Record<string, string>, path: string): TorchExportMetadata | undefined {
  const description = metadata['funt.resnet'];
  if (description === undefined) return undefined;
  try {
    const preprocess = metadata['funt.preprocess'];
    return {
      description: JSON.parse(description) as Partial<ModelDescription>,
      preprocess: preprocess === undefined ? undefined : JSON.parse(preprocess),
    };
  } catch (e) {
    throw new Error(`${path}: metadata 'funt.resnet' or 'funt.preprocess' is not valid JSON (${(e as Error).message})`);
  }
}

function need(state: Record<string, Tensor>, name: string, source: string): Tensor {
  const t = state[name];
  if (t === undefined) throw new Error(`${source}: not a PyTorch ResNet state_dict (no '${name}')`);
  return t;
}

/** Blocks per stage: the distinct b of `layer<stage>.<b>.conv1.weight`. */
function blocksIn(state: Record<string, Tensor>, stage: number): number {
  const pattern = new RegExp(`^layer${stage}\\.(\\d+)\\.conv1\\.weight$`);
  return new Set(
    Object.keys(state)
      .map((k) => pattern.exec(k)?.[1])
      .filter((b) => b !== undefined),
  ).size;
}

/** The architecture a PyTorch ResNet state_dict describes (see the module comment). */
export function inferArchitecture(
  state: Record<string, Tensor>,
  options: TorchImportOptions = {},
  source = 'torch weights',
): ResnetArchitecture {
  const [height, width] = options.inputSize ?? [32, 32];
  const stem = need(state, 'conv1.weight', source);
  const n = blocksIn(state, 1);
  if (n === 0 || blocksIn(state, 2) !== n || blocksIn(state, 3) !== n) {
    throw new Error(
      `${source}: expected the same number of blocks in layer1, layer2 and layer3, found ${[1, 2, 3].map((s) => blocksIn(state, s)).join(', ')}`,
    );
  }
  const hidden = Object.keys(state)
    .map((k) => /^hidden\.(\d+)\.weight$/.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b)
    .map((i) => state[`hidden.${i}.weight`].shape[0]);
  return {
    n,
    filters: stem.shape[0],
    inputShape: [stem.shape[1], height, width],
    classes: need(state, 'fc.weight', source).shape[0],
    skip: options.skip ?? true,
    hiddenDims: hidden,
  };
}

/** Loads a PyTorch ResNet's safetensors weights into a new funt ResNet (evaluation mode). */
export function importTorchSafetensors(path: string, options: TorchImportOptions = {}): TorchImport {
  const { tensors, skipped, metadata } = loadSafetensors(path, { skipUnsupported: true, dtype: getDefaultDType() });
  try {
    const unreadable = skipped.filter((k) => !k.endsWith(`.${TORCH_BATCH_COUNTER}`));
    if (unreadable.length > 0) {
      throw new Error(
        `${path}: ${unreadable.map((k) => `'${k}'`).join(', ')} ${unreadable.length === 1 ? 'has a dtype' : 'have dtypes'} funt cannot read (F32 and F64 only; convert with model.float())`,
      );
    }
    refuseNonFinite(tensors, path);
    const exported = exportMetadata(metadata, path);
    const was = exported?.description.architecture;
    const architecture = inferArchitecture(
      tensors,
      {
        inputSize: options.inputSize ?? (was ? [was.inputShape[1], was.inputShape[2]] : undefined),
        skip: options.skip ?? was?.skip,
      },
      path,
    );
    const model = resnet({ ...architecture, rng: new Rng(0) });
    try {
      model.loadStateDict(torchStateToFunt(model, architecture, tensors));
    } catch (e) {
      model.dispose();
      throw new Error(`${path}: ${(e as Error).message}`);
    }
    model.evaluate();
    return { model, architecture, skipped, exported };
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
