/**
 * The way out to PyTorch: a saved funt ResNet as a PyTorch state_dict (safetensors, PyTorch's
 * module names) plus `funt_resnet.py`, a standalone module that builds the identical network
 * and loads those weights, so a user continues training with PyTorch (GPUs, DDP) and comes back
 * with `funt-resnet import`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveSafetensors, type Tensor, writeFileAtomic } from '@funt/tensor';
import type { SavedModel } from '../model/saved-model.js';
import { torchToFuntNames } from './torch-names.js';

/** The PyTorch module file shipped with the app (apps/resnet/python), copied beside every export. */
export const TORCH_MODULE_FILE = 'funt_resnet.py';

function torchModuleSource(): Uint8Array {
  // dist/interop/export-torch.js and src/interop/export-torch.ts are both two levels below the app.
  const here = dirname(fileURLToPath(import.meta.url));
  return readFileSync(join(here, '..', '..', 'python', TORCH_MODULE_FILE));
}

/**
 * Writes `saved` as a PyTorch state_dict at `out` (float32 tensors under PyTorch's names, the
 * architecture and preprocessing as metadata) and `funt_resnet.py` beside it; returns the
 * module file's path.
 */
export function exportTorch(saved: SavedModel, out: string): string {
  const { architecture } = saved.description;
  const { scale, mean, std } = saved.standardization;
  const own = saved.model.stateDict();
  const tensors: Record<string, Tensor> = {};
  for (const { torch, funt } of torchToFuntNames(saved.model, architecture)) tensors[torch] = own[funt];
  saveSafetensors(tensors, out, {
    format: 'pt',
    'funt.resnet': JSON.stringify(saved.description),
    'funt.preprocess': JSON.stringify({ scale, mean: Array.from(mean), std: Array.from(std) }),
  });
  const modulePath = join(dirname(out), TORCH_MODULE_FILE);
  writeFileAtomic(modulePath, [torchModuleSource()]);
  return modulePath;
}
