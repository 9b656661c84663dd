import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Standardization } from '@funt/datasets';
import type { Sequential } from '@funt/layers';
import { loadSafetensors, saveSafetensors } from '@funt/tensor';
import { RUN_FILES } from '../run/run-folder.js';
import { type ModelDescription, type SavedModel, savedModelContents, savedModelFrom } from './saved-model.js';

/** Model files on disk (Node); saved-model.ts is the format, on any host. */

/** Writes the model file atomically (see `savedModelContents` for what it holds). */
export function saveModel(
  path: string,
  model: Sequential,
  description: ModelDescription,
  standardization: Standardization,
): void {
  const contents = savedModelContents(model, description, standardization, path);
  try {
    saveSafetensors(contents.tensors, path, contents.metadata);
  } finally {
    contents.dispose();
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
  return savedModelFrom(tensors, metadata, path);
}
