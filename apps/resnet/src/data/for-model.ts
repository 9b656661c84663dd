import { UsageError } from '../errors.js';
import type { SavedModel } from '../model/saved-model.js';
import { checkData, type DataOptions, type DatasetName, loadData, type PreparedData } from './load.js';

/**
 * The data a saved model is used on: its own data set unless --dataset says otherwise, with
 * the model's standardisation (not one refitted on this data), and a matching input shape.
 */
export async function dataForModel(saved: SavedModel, o: Partial<DataOptions>): Promise<PreparedData> {
  const options = { ...o, dataset: (o.dataset ?? saved.description.dataset) as DatasetName };
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
