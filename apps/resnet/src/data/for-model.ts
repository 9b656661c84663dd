import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { SavedModel } from '../model/saved-model.js';
import { runDataOf } from '../run/run-folder.js';
import { checkData, type DataOptions, type DatasetName, loadData, type PreparedData } from './load.js';

/**
 * The data options a saved model is used with: the user's, else those of the run the model
 * came from (its data folder, and split sizes that give back exactly the run's training,
 * validation and test images, since splits have a fixed seed), else the data set's defaults.
 */
export function dataOptionsForModel(saved: SavedModel, o: Partial<DataOptions>): DataOptions {
  const dataset = (o.dataset ?? saved.description.dataset) as DatasetName;
  const run = runDataOf(saved.path);
  if (!run || run.dataset !== dataset) return { ...o, dataset };
  const recorded: Partial<DataOptions> = {
    dataDir: run.dataDir && existsSync(run.dataDir) ? run.dataDir : undefined,
    trainSize: run.train,
    valSize: run.val,
    testSize: run.test,
    splitBy: run.splitBy,
  };
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return { ...recorded, ...given, dataset };
}

/**
 * The data a saved model is used on (`dataOptionsForModel`), with the model's standardisation
 * (not one refitted on this data), and a matching input shape.
 */
export async function dataForModel(saved: SavedModel, o: Partial<DataOptions>): Promise<PreparedData> {
  const options = dataOptionsForModel(saved, o);
  checkData(options);
  const data = await loadData(options);
  const want = saved.description.architecture.inputShape;
  if (data.inputShape.join('x') !== want.join('x')) {
    throw new UsageError(
      `the model takes ${want.join('×')} inputs but --dataset ${options.dataset} gives ${data.inputShape.join('×')}`,
    );
  }
  if (data.classNames.length !== saved.description.architecture.classes) {
    throw new UsageError(
      `the model has ${saved.description.architecture.classes} classes but --dataset ${options.dataset} has ${data.classNames.length}`,
    );
  }
  return { ...data, standardization: saved.standardization };
}
